/* driver.c -- the engine side of every headless command that loads a
 * dataset (see driver.h): settings, load, checks, training, saving.
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
#include "driver.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "eng.h"
#include "runargs.h"

/* A progress line appears once a load has taken this long. */
#define BAR_AFTER_S 0.5
#define BAR_W 30

struct printer {
	FILE *out;
	int tty;                /* stderr is a terminal: progress lines */
	int bar;                /* a progress line is showing */
	int err_code;           /* first ENG_EVT_ERROR's code, 0 if none */
	int loaded;
	struct eng_summary summary;
	struct eng_catalog *cat;        /* owned; kept for the insight commands */
	struct eng_evt reply;           /* the last insight reply, for the job */
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

static void print_table_row(FILE *out, const struct eng_train_report *r)
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
	case ENG_EVT_IMPORTED:
	case ENG_EVT_EXPORTED:
		eng_evt_release(&p->reply);
		p->reply = *ev;         /* cli_drive releases it */
		return;
	default:
		break;
	}
	/* Other bulk payloads (biases) are ours to free; unused here. */
	struct eng_evt owned = *ev;
	eng_evt_release(&owned);
}

int cli_refuse(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("collabtui: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_INPUT;
}

int cli_exit_status(int code)
{
	if (code == 0)
		return EXIT_OK;
	return code == ENG_EDATA || code == ENG_EARG ? EXIT_INPUT : EXIT_RUNTIME;
}

void cli_label_demo(const struct opts *o)
{
	if (o->demo)
		printf("dataset: " ENG_DEMO_NAME ", generated by collabtui: not MovieLens\n");
}

int cli_ask(struct cli_session *s, const struct eng_cmd *c)
{
	eng_evt_release(s->reply);
	s->reply->kind = 0;
	int rc = eng_handle(s->e, c);
	if (rc != 0)
		return cli_exit_status(rc);
	return s->reply->kind ? EXIT_OK : EXIT_RUNTIME;
}

/* Whether --save FILE can be written: its folder exists and is writable,
 * and FILE is not a folder, nor anything else afile would refuse.  EXIT_OK, or EXIT_INPUT after saying why. */
static int check_save(const char *path)
{
	char dir[ENG_PATH_MAX];
	struct stat st;
	if (strlen(path) >= sizeof dir) {
		fprintf(stderr, "collabtui: --save: the path is too long\n");
		return EXIT_INPUT;
	}
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "collabtui: --save %s: %s %s\n", path, dir,
			stat(dir, &st) != 0 && errno == ENOENT ? "does not exist" :
			"is not a folder");
		return EXIT_INPUT;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		fprintf(stderr, "collabtui: --save %s: the folder %s is not writable (%s)\n",
			path, dir, strerror(errno));
		return EXIT_INPUT;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "collabtui: --save %s: that is a folder, not a file\n", path);
		return EXIT_INPUT;
	}
	/* a FIFO, a device, a link to nothing: refused now, not after training */
	char why[ENG_PATH_MAX + 200];
	if (afile_check_target(path, why, sizeof why) != 0) {
		fprintf(stderr, "collabtui: --save %s\n", why);
		return EXIT_INPUT;
	}
	return EXIT_OK;
}

int cli_drive(const struct opts *o, const struct cli_job *job)
{
	struct printer pr = { .out = job->table_on_stderr ? stderr : stdout, .tty = isatty(2) };
	struct eng_cmd load = { .kind = ENG_CMD_LOAD_DATA, .req_id = 1 };
	struct eng_cmd train = { .kind = ENG_CMD_TRAIN, .req_id = 2 };
	struct eng_train_args *ta = &train.u.train;
	int st = runargs_build(o, &load.u.load, ta);
	if (st != EXIT_OK)
		return st;
	if (o->save && (st = check_save(o->save)) != EXIT_OK)
		return st;
	load.u.load.summary_only = job->summary_only;
	if (job->work != CLI_LOAD_ONLY) {
		cli_label_demo(o);
		fflush(stdout);
	}

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
	struct cli_session s = { .e = e, .o = o, .summary = &pr.summary, .train = ta,
				 .reply = &pr.reply, .ctx = job->ctx };
	/* A model given with --load: train continues it, an insight command
	 * uses it as it is.  A model that cannot be read is bad input. */
	int use_loaded = job->work == CLI_MODEL && o->load;
	if (rc == 0 && o->load && job->work != CLI_LOAD_ONLY) {
		struct eng_cmd lm = { .kind = ENG_CMD_LOAD_MODEL, .req_id = 3 };
		snprintf(lm.u.path, sizeof lm.u.path, "%s", o->load);
		rc = eng_handle(e, &lm);
		ta->resume = 1;
		if (rc != 0 && rc != ENG_ECANCELED && rc != ENG_ENOMEM)
			rc = ENG_EDATA;
	}
	char slow[256];
	if (rc == 0 && (job->work == CLI_TRAIN || (job->work == CLI_MODEL && !use_loaded)) &&
	    runargs_slow_fit(&o->cfg, &pr.summary, slow, sizeof slow))
		fprintf(stderr, "collabtui: note: %s: --preset fast-adarow or --trainer fast "
			"uses it\n", slow);
	st = EXIT_OK;
	if (rc == 0 && job->check) {
		s.cat = pr.cat;
		st = job->check(&s);
	}
	if (rc == 0 && st == EXIT_OK && job->work == CLI_LR_FIND) {
		struct eng_cmd lf = { .kind = ENG_CMD_LR_FIND, .req_id = 5 };
		lf.u.lr_find.train = *ta;
		lf.u.lr_find.sweep = (struct eng_lr_find_hp){ o->cfg.lr_find.start,
							  o->cfg.lr_find.end,
							  o->cfg.lr_find.num_it };
		rc = eng_handle(e, &lf);
	} else if (rc == 0 && st == EXIT_OK && job->work != CLI_LOAD_ONLY && !use_loaded) {
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
		eng_evt_release(&pr.reply);
		eng_free(e);
		eng_catalog_free(pr.cat);
		return EXIT_INTERRUPTED;
	}
	/* a diverged run left no model (the engine dropped it): nothing to save */
	if (st == EXIT_OK && rc == 0 && pr.err_code != ENG_EDIVERGED && o->save) {
		struct eng_cmd sv = { .kind = ENG_CMD_SAVE_MODEL, .req_id = 4 };
		snprintf(sv.u.path, sizeof sv.u.path, "%s", o->save);
		rc = eng_handle(e, &sv);
	}
	if (st == EXIT_OK)
		st = cli_exit_status(rc ? rc : pr.err_code);
	if (st == EXIT_OK && job->report) {
		s.cat = pr.cat;
		st = job->report(&s);
		fflush(stdout);
	}
	eng_evt_release(&pr.reply);
	eng_free(e);
	eng_catalog_free(pr.cat);
	return st;
}
