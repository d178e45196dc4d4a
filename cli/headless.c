/* headless.c -- `collabtui train`, `summary`, and the data and model side
 * of the insight commands (query.c prints those; see headless.h).
 *
 * The engine is driven synchronously: one command at a time, then
 * eng_work() until the job ends.  Its events are printed as they arrive,
 * in the format of fastai's console output where there is one.
 *
 * A long load shows a progress line on stderr when stderr is a terminal.
 * Ctrl-C while the engine loads or trains cancels the load (through the
 * engine's cancel hook) or stops the training, and the command exits 130
 * after saying so, every byte freed; elsewhere Ctrl-C kills as usual.
 */
#include "headless.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "eng.h"
#include "runargs.h"
#include "query.h"
#include "synthcli.h"
#include "eval.h"
#include "history.h"
#include "runs.h"

/* A progress line appears once a load has taken this long. */
#define BAR_AFTER_S 0.5
#define BAR_W 30

struct printer {
	FILE *out;
	int tty;                /* stderr is a terminal: progress lines */
	int bar;                /* a progress line is showing */
	int err_code;           /* first ENG_EVT_ERROR's code, 0 if none */
	int loaded;
	struct summary summary;
	struct eng_catalog *cat;        /* owned; kept for the insight commands */
	struct eng_evt reply;           /* the last insight reply, for query.c */
};

/* Set by SIGINT while the engine loads or trains (see the top). */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The engine's cancel hook: a load goes on until Ctrl-C. */
static int load_cancelled(void *ctx)
{
	(void)ctx;
	return interrupted;
}

static void print_table_row(FILE *out, const struct train_report *r)
{
	int secs = (int)lround(r->seconds);
	char valid[16];
	if (isnan(r->valid_loss))
		snprintf(valid, sizeof valid, "-");
	else
		snprintf(valid, sizeof valid, "%.6f", r->valid_loss);
	fprintf(out, "%-10d%-12.6f%-12s%02d:%02d\n", r->epoch, r->train_loss,
		valid, secs / 60, secs % 60);
	fflush(out);
}

/* lr-find's result: the curve as a table, then the suggestions. */
static void print_lr_curve(FILE *out, const struct eng_lr_curve *c)
{
	fprintf(out, "%-12s%s\n", "lr", "smoothed_loss");
	for (int j = 0; j < c->n; j++)
		fprintf(out, "%-12.3e%.6f\n", c->lr[j], c->loss[j]);
	if (c->diverged)
		fprintf(out, "stopped after %d of %d batches: the loss diverged\n", c->n,
			c->num_it);
	if (c->suggest.valley < 0) {
		fprintf(out, "no suggestion: the curve is too short\n");
		return;
	}
	fprintf(out, "suggested lr: %.3e (valley)\n", c->lr[c->suggest.valley]);
	fprintf(out, "steepest:     %.3e\n", c->lr[c->suggest.steep]);
}

/* The load's progress on stderr, over the line before ("\r"). */
static void print_progress(struct printer *p, const struct eng_load_progress *l)
{
	if (!p->tty || l->seconds < BAR_AFTER_S)
		return;
	if (l->phase != ENG_LOAD_READ || l->total == 0) {
		fprintf(stderr, "\rloading: %s\033[K", l->phase == ENG_LOAD_READ ?
			"reading the ratings" : l->phase == ENG_LOAD_INDEX ?
			"indexing users and items" : "summarising");
	} else {
		double f = (double)l->done / (double)l->total;
		int fill = (int)(f * BAR_W + 0.5);
		fprintf(stderr, "\rloading [%.*s%*s] %3.0f%%  %.0f / %.0f MB  (Ctrl-C cancels)\033[K",
			fill, "##############################", BAR_W - fill, "", 100.0 * f,
			(double)l->done / 1e6, (double)l->total / 1e6);
	}
	fflush(stderr);
	p->bar = 1;
}

/* Take the progress line away before anything else is printed. */
static void clear_progress(struct printer *p)
{
	if (!p->bar)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->bar = 0;
}

static void on_event(void *ctx, const struct eng_evt *ev)
{
	struct printer *p = ctx;
	if (ev->kind != ENG_EVT_LOAD_PROGRESS)
		clear_progress(p);
	switch (ev->kind) {
	case ENG_EVT_LOAD_PROGRESS:
		print_progress(p, &ev->u.load);
		break;
	case ENG_EVT_LOADED:
		p->loaded = 1;
		p->summary = ev->u.summary;
		break;
	case ENG_EVT_TRAIN_START:
		fprintf(p->out, "%-10s%-12s%-12s%s\n", "epoch", "train_loss",
			"valid_loss", "time");
		break;
	case ENG_EVT_LR_FOUND:
		print_lr_curve(p->out, &ev->u.lr);
		break;
	case ENG_EVT_EPOCH:
		print_table_row(p->out, &ev->u.train.report);
		break;
	case ENG_EVT_ERROR:
		if (!p->err_code)
			p->err_code = ev->u.error.code;
		fprintf(stderr, "collabtui: %s\n", ev->u.error.msg);
		break;
	case ENG_EVT_CATALOG:
		eng_catalog_free(p->cat);
		p->cat = ev->u.catalog;
		return;
	case ENG_EVT_BIAS_LIST:
	case ENG_EVT_SIMILAR:
	case ENG_EVT_PCA:
	case ENG_EVT_RECS:
		eng_evt_release(&p->reply);
		p->reply = *ev;         /* query.c releases it */
		return;
	default:
		break;
	}
	/* Other bulk payloads (biases) are ours to free; unused here. */
	struct eng_evt owned = *ev;
	eng_evt_release(&owned);
}

static int exit_status(int code)
{
	if (code == 0)
		return EXIT_OK;
	return code == ENG_EDATA || code == ENG_EARG ? EXIT_INPUT : EXIT_RUNTIME;
}

static void print_summary(FILE *out, const struct summary *s)
{
	fprintf(out, "dataset       %s (%s)\n", s->name, s->format);
	fprintf(out, "users         %u\n", s->n_users);
	fprintf(out, "items         %u\n", s->n_items);
	fprintf(out, "ratings       %llu\n", (unsigned long long)s->n_ratings);
	fprintf(out, "density       %.2f%%\n", 100.0 * s->density);
	fprintf(out, "mean rating   %.3f\n", s->mean);
	fprintf(out, "per user      min %u  median %u  max %u\n", s->user_min,
		s->user_median, s->user_max);
	fprintf(out, "per item      min %u  median %u  max %u\n", s->item_min,
		s->item_median, s->item_max);
	fprintf(out, "histogram\n");
	uint64_t top = 1;
	for (int i = 0; i < s->n_bins; i++)
		if (s->bin_count[i] > top)
			top = s->bin_count[i];
	for (int i = 0; i < s->n_bins; i++) {
		int bar = (int)(40.0 * (double)s->bin_count[i] / (double)top + 0.5);
		fprintf(out, "  %4.1f %8llu  %.*s\n", s->bin_lo[i],
			(unsigned long long)s->bin_count[i], bar,
			"########################################");
	}
	fprintf(out, "most rated\n");
	for (int i = 0; i < s->n_top; i++)
		fprintf(out, "  %6u  %s\n", s->top_count[i], s->top_title[i]);
}

int headless_has(const char *name)
{
	return strcmp(name, "train") == 0 || strcmp(name, "summary") == 0 ||
	       strcmp(name, "synth") == 0 || strcmp(name, "eval") == 0 ||
	       strcmp(name, "runs") == 0 ||
	       strcmp(name, "lr-find") == 0 ||
	       query_has(name);
}

int headless_run(const struct opts *o)
{
	/* The insight commands print their results on stdout, so the epoch
	 * table of a model they train first goes to stderr: progress stays
	 * visible and the results stay parseable. */
	if (strcmp(o->command, "synth") == 0)
		return synthcli_run(o);
	if (strcmp(o->command, "eval") == 0)
		return eval_run(o);
	if (strcmp(o->command, "runs") == 0)
		return runs_run(o);
	int insight = query_has(o->command);
	struct printer pr = { .out = insight ? stderr : stdout, .tty = isatty(2) };
	struct eng_cmd load = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	struct eng_cmd train = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	struct eng_train_args *ta = &train.u.train;
	int st = runargs_build(o, &load.u.load, ta);
	if (st != EXIT_OK)
		return st;

	struct eng *e = eng_new(on_event, &pr);
	if (!e) {
		fprintf(stderr, "collabtui: out of memory\n");
		return EXIT_RUNTIME;
	}
	runargs_keep_history(e);
	/* Ctrl-C from here to the end of training: see the top */
	struct sigaction sa = { .sa_handler = on_sigint }, old_sa;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &sa, &old_sa);
	eng_set_cancel(e, load_cancelled, NULL);
	int rc = eng_handle(e, &load);
	clear_progress(&pr);
	if (rc == 0 && strcmp(o->command, "summary") == 0) {
		sigaction(SIGINT, &old_sa, NULL);
		print_summary(stdout, &pr.summary);
		eng_free(e);
		eng_catalog_free(pr.cat);
		return EXIT_OK;
	}
	if (rc == 0 && o->load) {
		struct eng_cmd lm = { .kind = ENG_CMD_LOAD_MODEL, .req_id = 3 };
		snprintf(lm.u.path, sizeof lm.u.path, "%s", o->load);
		rc = eng_handle(e, &lm);
		ta->resume = 1;
	}
	if (o->include_me && (!o->ratings || o->load || strcmp(o->command, "recommend") != 0)) {
		fprintf(stderr, "collabtui: --include-me goes with recommend --ratings FILE, "
			"and trains afresh (not with --load)\n");
		rc = ENG_EARG;
	}
	if (rc == 0 && o->include_me) {
		/* Your ratings join training as one more user ("retrain with
		 * you included"); they are also what recommend folds in after. */
		struct eng_recommend_args mine = {0};
		if (query_read_ratings(o->ratings, pr.cat, &pr.summary, &mine) != EXIT_OK) {
			eng_free(e);
			eng_catalog_free(pr.cat);
			return EXIT_INPUT;
		}
		ta->n_mine = mine.n;
		memcpy(ta->mine, mine.r, (size_t)mine.n * sizeof *mine.r);
	}
	/* An insight command uses a loaded model as it is. */
	if (rc == 0 && !(insight && o->load) && strcmp(o->command, "lr-find") == 0) {
		struct eng_cmd lf = { .kind = ENG_CMD_LR_FIND, .req_id = 5 };
		lf.u.lr_find.train = *ta;
		runargs_sweep(&o->cfg, &lf.u.lr_find);
		rc = eng_handle(e, &lf);
	} else if (rc == 0 && !(insight && o->load)) {
		rc = eng_handle(e, &train);
	}
	int stopping = 0;
	while (rc == 0 && eng_busy(e)) {
		if (interrupted && !stopping) {
			struct eng_cmd stop = { .kind = ENG_CMD_STOP, .req_id = 6 };
			eng_handle(e, &stop);
			stopping = 1;
		}
		eng_work(e);
	}
	sigaction(SIGINT, &old_sa, NULL);
	if (interrupted) {
		fprintf(stderr, "collabtui: interrupted: %s\n", rc == ENG_ECANCELED ?
			"loading cancelled" : "training stopped, nothing saved");
		eng_free(e);
		eng_catalog_free(pr.cat);
		return EXIT_INTERRUPTED;
	}
	if (rc == 0 && o->save) {
		struct eng_cmd sv = { .kind = ENG_CMD_SAVE_MODEL, .req_id = 4 };
		snprintf(sv.u.path, sizeof sv.u.path, "%s", o->save);
		rc = eng_handle(e, &sv);
	}
	st = exit_status(rc ? rc : pr.err_code);
	if (st == EXIT_OK && insight)
		st = query_run(e, o, pr.cat, &pr.summary, &pr.reply);
	eng_free(e);
	eng_catalog_free(pr.cat);
	return st;
}
