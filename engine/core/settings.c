/* settings.c -- the defaults and enum names eng.h exports to front ends,
 * answered by the modules that own them. */
#include "eng.h"

#include "dataset.h"
#include "model.h"
#include "optim.h"
#include "schedule.h"
#include "train.h"

struct eng_model_hp eng_model_hp_default(void)
{
	return model_cfg_default();
}

struct eng_train_hp eng_train_hp_default(void)
{
	return train_cfg_default();
}

int eng_format_parse(const char *name, enum eng_format *out)
{
	return ds_format_parse(name, out);
}

int eng_model_kind_parse(const char *name, enum eng_model_kind *out)
{
	return name ? model_kind_parse(name, out) : -1;
}

int eng_fit_parse(const char *name, enum eng_fit *out)
{
	return name ? train_algo_parse(name, out) : -1;
}

int eng_optim_parse(const char *name, enum eng_optim *out)
{
	return name ? optim_kind_parse(name, out) : -1;
}

int eng_sched_parse(const char *name, enum eng_sched *out)
{
	return name ? sched_kind_parse(name, out) : -1;
}
