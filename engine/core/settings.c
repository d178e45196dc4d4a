/* settings.c -- the defaults eng.h exports to front ends, answered by the
 * modules that own them. */
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
