/* prep.c -- a run's split, model and trainer, made on a thread of its own
 * (see prep.h). */
#include "prep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The run's split; a bitmap split (split.h) for the fast trainer, which
 * walks the ratings in storage order: on 25M ratings the index arrays
 * would be 95 MiB more at the peak, while the block layout is made. */
static int make_split(const struct ds *ds, const struct eng_train_args *a, int bits,
		      struct split *out)
{
	split_free(out);
	size_t n = ds_n_ratings(ds), n_train = ds_n_train(ds);
	const struct rcols c = ds_cols(ds);
	int rc;
	if (a->folds >= 2)
		rc = split_kfold(n, a->folds, a->fold, a->train.seed, out);
	else if (n_train)
		rc = split_prefix(n, n_train, out);
	else if (a->per_user)
		rc = split_per_user(&c, ds_n_users(ds), a->valid_pct, a->train.seed, out);
	else if (bits)
		return split_random_bits(n, a->valid_pct, a->train.seed, out);
	else
		return split_random(n, a->valid_pct, a->train.seed, out);
	return rc == 0 && bits ? split_to_bits(out) : rc;
}

int prep_same_split(const struct eng_train_args *a, const struct eng_train_args *b)
{
	/* what make_split() reads, the dataset's own split aside; your
	 * ratings grow the split */
	return a->folds == b->folds && (a->folds < 2 || a->fold == b->fold) &&
	       a->per_user == b->per_user && a->valid_pct == b->valid_pct &&
	       a->train.seed == b->train.seed && a->n_mine == 0 && b->n_mine == 0;
}

/* Append the user's own ratings as user n_users to copies of the
 * dataset's arrays, and to the training side of the split. */
static int add_mine(struct prep *p)
{
	const struct eng_train_args *a = &p->a;
	size_t n = ds_n_ratings(p->ds), m = (size_t)a->n_mine;
	uint32_t me = ds_n_users(p->ds);
	p->with_u = malloc((n + m) * sizeof *p->with_u);
	p->with_i = malloc((n + m) * sizeof *p->with_i);
	p->with_r = malloc((n + m) * sizeof *p->with_r);
	if (!p->with_u || !p->with_i || !p->with_r)
		return -1;
	if (p->sp.valid_bits && split_bits_grow(&p->sp, m) != 0)
		return -1;
	uint32_t *train = p->sp.valid_bits ? NULL
		: realloc(p->sp.train, (p->sp.n_train + m) * sizeof *train);
	if (train)
		p->sp.train = train;
	else if (!p->sp.valid_bits)
		return -1;
	const struct rcols c = ds_cols(p->ds);
	for (size_t j = 0; j < n; j++) {
		p->with_u[j] = rc_user(&c, j);
		p->with_i[j] = rc_item(&c, j);
		p->with_r[j] = rc_value(&c, j);
	}
	for (size_t j = 0; j < m; j++) {
		p->with_u[n + j] = me;
		p->with_i[n + j] = a->mine[j].item;
		p->with_r[n + j] = a->mine[j].rating;
		if (train)
			p->sp.train[p->sp.n_train++] = (uint32_t)(n + j);
	}
	return 0;
}

/* The preparation proper, on its own thread: 0, or an enum eng_err with
 * the reason in p->err. */
static int prep_run(struct prep *p)
{
	const struct eng_train_args *a = &p->a;
	const struct trainer_ops *ops = trainer_ops_for(&a->train, a->fast);
	int bits = p->kind == ENG_CMD_TRAIN && ops == &fast_trainer_ops;
	/* Only a fast run on the dataset's own columns reads the kept
	 * layout: one with your ratings trains on copies with yours appended,
	 * which the next such run may change in value alone (the layout's key
	 * would not see it); its layout is not kept either. */
	struct blocks *keep = bits && !a->n_mine ? p->lend.keep : NULL;
	if (!keep)
		blocks_free(p->lend.keep);      /* not beside this run's own */
	int split = bits && p->lend.split ? split_copy_bits(p->lend.split, &p->sp)
		: make_split(p->ds, a, bits, &p->sp);
	if (split != 0 || (a->n_mine && add_mine(p) != 0)) {
		snprintf(p->err, sizeof p->err, "out of memory splitting the ratings");
		return ENG_ENOMEM;
	}
	if (atomic_load_explicit(&p->give_up, memory_order_relaxed))
		return ENG_ECANCELED;
	if (p->init && !(p->m = model_new(&p->shape, p->err, sizeof p->err)))
		return ENG_ENOMEM;
	if (atomic_load_explicit(&p->give_up, memory_order_relaxed))
		return ENG_ECANCELED;
	/* with your ratings, plain copies of the dataset's columns and yours
	 * after them (add_mine) */
	const struct rcols c = p->with_u
		? rcols_plain(ds_n_ratings(p->ds) + (size_t)a->n_mine, p->with_u, p->with_i,
			      p->with_r)
		: ds_cols(p->ds);
	if (p->kind == ENG_CMD_LR_FIND) {
		p->lrf = lrfind_new(p->m, &c, &p->sp, &a->train, &p->sweep, p->err,
				    sizeof p->err);
	} else {
		struct ratings_view v = { .c = c, .sp = &p->sp, .keep = keep };
		p->tr = trainer_new(ops, p->m, &v, &a->train,
				    p->init, p->err, sizeof p->err);
	}
	return p->tr || p->lrf ? 0 : ENG_EARG;
}

static void *prep_main(void *arg)
{
	struct prep *p = arg;
	int code = prep_run(p);
	pthread_mutex_lock(&p->mu);
	p->code = code;
	p->done = 1;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

void prep_free(struct prep *p)
{
	if (!p)
		return;
	trainer_free(p->tr);
	lrfind_free(p->lrf);
	if (p->init)
		model_free(p->m);
	split_free(&p->sp);
	free(p->with_u);
	free(p->with_i);
	free(p->with_r);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}

int prep_wait(struct prep *p, double seconds)
{
	if (p->joined)
		return 1;
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	long ns = until.tv_nsec + (long)(seconds * 1e9);
	until.tv_sec += ns / 1000000000L;
	until.tv_nsec = ns % 1000000000L;
	pthread_mutex_lock(&p->mu);
	while (!p->done && pthread_cond_timedwait(&p->cv, &p->mu, &until) == 0)
		;
	int done = p->done;
	pthread_mutex_unlock(&p->mu);
	if (done) {
		pthread_join(p->thread, NULL);
		p->joined = 1;
	}
	return done;
}

struct prep *prep_start(enum eng_cmd_kind kind, uint32_t req,
			const struct eng_train_args *a, const struct eng_model_hp *shape,
			const struct eng_lr_find_hp *sweep, const struct ds *ds,
			struct model *m, const struct prep_lend *lend, char *err,
			size_t errlen)
{
	struct prep *p = calloc(1, sizeof *p);
	pthread_condattr_t ca;
	if (!p) {
		snprintf(err, errlen, "out of memory preparing the run");
		return NULL;
	}
	p->kind = kind;
	p->req = req;
	p->a = *a;
	p->shape = *shape;
	if (sweep)
		p->sweep = *sweep;
	p->ds = ds;
	p->m = m;
	p->init = m == NULL;
	p->lend = *lend;
	/* prep_wait's deadline is on the clock the engine times with */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	atomic_init(&p->give_up, 0);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
	/* The engine's signal mask (everything blocked, on the TUI's engine
	 * thread) is inherited, so signals still reach the UI thread only. */
	int rc = pthread_create(&p->thread, NULL, prep_main, p);
	if (rc != 0) {
		p->joined = 1;
		prep_free(p);
		snprintf(err, errlen, "cannot start the preparation thread: %s", strerror(rc));
		return NULL;
	}
	return p;
}

void prep_give_up(struct prep *p)
{
	atomic_store_explicit(&p->give_up, 1, memory_order_relaxed);
}
