/* runargs.h -- the one translation from settings (struct cfg: config.yaml
 * and the command line, or the interface's Hyperparameters pane) to the
 * engine's LOAD_DATA, TRAIN and LR_FIND arguments, shared by both front
 * ends.  No other file maps a setting's enum (vocab.h) to the engine's. */
#ifndef COLLABTUI_RUNARGS_H
#define COLLABTUI_RUNARGS_H

#include "config.h"
#include "eng.h"
#include "opts.h"

/* Set the dataset format and item key of c into *load; the path and the
 * split are the caller's. */
void runargs_load(const struct cfg *c, struct eng_load_args *load);

/* Set the model and training settings of c into *ta: the model (ALS and
 * BPMF fit dotbias with no sigmoid; the nn's layers and dropouts), the
 * fit, optimiser, schedule, counts and rates, valid_pct and the trainer.
 * The other fields of *ta (the user's ratings, folds, resume) are the
 * caller's and left as they are.  c should have passed cfg_check(). */
void runargs_train(const struct cfg *c, struct eng_train_args *ta);

/* The settings a loaded model was trained with (MODEL_LOADED's info),
 * into *c: its shape -- the model, or the solver that fitted it, the
 * factors, y_range, the nn's layers and dropouts -- and, when its file
 * names them (mi->has_train), its epochs, bs, lr, wd, alpha, optimiser,
 * schedule, seed and valid_pct, so that training again with *c trains
 * that model's kind again.  The rest of *c stays; a model the fast
 * trainer cannot fit gets fastai's.  Returns NULL, or why the values do
 * not go together (cfg_check), leaving *c as it was. */
const char *runargs_from_model(struct cfg *c, const struct eng_model_info *mi);

/* Set the lr finder's sweep of c (start, end, num_it) into *lf; its
 * training arguments are runargs_train()'s. */
void runargs_sweep(const struct cfg *c, struct eng_lr_find_args *lf);

/* Make *load ask for the built-in demo set (ENG_FMT_DEMO, no path) in
 * place of a dataset on disk; the item key and split stay as they are. */
void runargs_demo(struct eng_load_args *load);

/* The command line's LOAD_DATA and TRAIN arguments: runargs_load() and
 * runargs_train() of o's settings, with the data directory found
 * (paths_find_data), or the demo set with --demo, and o's split, over
 * what the caller zeroed.  Returns
 * EXIT_OK, or an exit status after printing why on stderr. */
int runargs_build(const struct opts *o, struct eng_load_args *load,
		  struct eng_train_args *ta);

/* fastai's fit steps every weight every batch (optim.h: its embeddings
 * have dense gradients), so an epoch costs weights x batches weight
 * steps: 6.6e8 on ml-latest-small (0.7 s an epoch), 3.5e12 on the 25M
 * synthetic set (half an hour or more).  Past RUNARGS_SLOW_FIT, a minute
 * or more an epoch, both front ends point to the fast trainer, which
 * touches only the rows a rating names. */
#define RUNARGS_SLOW_FIT 1e11

/* When c's run would be fastai's fit of a dot or dotbias model taking
 * RUNARGS_SLOW_FIT weight steps or more an epoch on a dataset of sum's
 * size, the sentence that says so into buf (the front end adds how to
 * choose the fast trainer) and 1; else 0.  The nn model has no fast
 * trainer and gets no sentence. */
int runargs_slow_fit(const struct cfg *c, const struct eng_summary *sum, char *buf,
		     size_t len);

/* Have the engine append every training run to the history file
 * (history.h), when there is a place for it. */
void runargs_keep_history(struct eng *e);

#endif
