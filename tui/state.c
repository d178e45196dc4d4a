/* state.c -- the interface's model of the engine (see state.h). */
#include "state.h"
#include "occupation.h"
#include "session.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "runargs.h"

int state_init(struct state *s, const struct cfg *cfg, struct backend *be)
{
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	s->be = be;
	s->next_req = 1;
	s->curves = curves_new();
	s->movies = movielist_new();
	if (!s->curves || !s->movies) {
		state_done(s);
		return -1;
	}
	return 0;
}

void state_done(struct state *s)
{
	curves_free(s->curves);
	movielist_free(s->movies);
	eng_pca_free(s->pca);
	free(s->runs);
	free(s->marks);
	s->marks = NULL;
	s->runs = NULL;
	s->n_runs = s->n_runs_file = 0;
	s->curves = NULL;
	s->movies = NULL;
	s->pca = NULL;
}

void state_message(struct state *s, int err, const char *msg)
{
	snprintf(s->status, sizeof s->status, "%.*s", (int)sizeof s->status - 1,
		 msg);
	s->status_err = err;
	s->status_seq++;
}

/* Send cmd with a fresh req_id; 0 or -1 (status set). */
static int send(struct state *s, struct eng_cmd *cmd, uint32_t *req)
{
	cmd->req_id = s->next_req++;
	if (s->be->send(s->be->ctx, cmd) != 0) {
		state_message(s, 1, "the engine is busy; try again");
		return -1;
	}
	*req = cmd->req_id;
	return 0;
}

int state_send(struct state *s, struct eng_cmd *cmd, uint32_t *req)
{
	return send(s, cmd, req);
}

int state_load(struct state *s, const char *path, const char *split)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_LOAD_DATA };
	struct eng_load_args *a = &cmd.u.load;

	runargs_load(&s->cfg, a);
	if (path)
		snprintf(a->path, sizeof a->path, "%s", path);
	else
		runargs_demo(a);
	snprintf(a->split, sizeof a->split, "%s", split ? split : "");
	if (send(s, &cmd, &s->load_req) != 0)
		return -1;
	s->loading = 1;
	s->load = (struct eng_load_progress){0};
	s->demo = !path;
	if (!path)
		path = ENG_DEMO_NAME;
	/* "/data/ml-25m/" -> "ml-25m" */
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	const char *b = path + n;
	while (b > path && b[-1] != '/')
		b--;
	snprintf(s->load_name, sizeof s->load_name, "%.*s", (int)(path + n - b), b);
	state_message(s, 0, "loading the dataset...");
	return 0;
}

/* Whether a training run or sweep may start now; if not, s->status says why. */
static int can_start(struct state *s)
{
	if (!s->loaded) {
		state_message(s, 1, "no dataset loaded yet");
		return 0;
	}
	if (s->training || s->lr_running) {
		state_message(s, 1, "already training; s stops it");
		return 0;
	}
	return 1;
}

int state_train(struct state *s, int with_me)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_TRAIN };
	char label[64], why[160];

	if (!can_start(s))
		return -1;
	if (params_check_y_range(s->cfg.y_range_on, s->cfg.y_range[0],
				 s->cfg.y_range[1], &s->range, why, sizeof why)) {
		char msg[200];

		snprintf(msg, sizeof msg, "y_range: %s", why);
		state_message(s, 1, msg);
		return -1;
	}
	runargs_train(&s->cfg, &cmd.u.train);
	if (with_me) {
		if (s->mine.n == 0) {
			state_message(s, 1, "rate some movies first (1-5 in the movie list)");
			return -1;
		}
		/* myratings holds at most MYRATINGS_MAX == ENG_RATED_MAX */
		cmd.u.train.n_mine = s->mine.n;
		memcpy(cmd.u.train.mine, s->mine.r, (size_t)s->mine.n * sizeof *s->mine.r);
	}
	if (send(s, &cmd, &s->train_req) != 0)
		return -1;
	/* the chapter's dotbias goes unnamed; other models are named */
	int named = s->cfg.model != VOCAB_MODEL_DOTBIAS ||
		    s->cfg.fit != VOCAB_FIT_GRADIENT;
	snprintf(label, sizeof label, "lr %g wd %g k %d%s%s%s%s", s->cfg.lr,
		 s->cfg.wd, s->cfg.factors, named ? " " : "",
		 named ? vocab_model_setting_word(s->cfg.model, s->cfg.fit) : "",
		 s->cfg.trainer == VOCAB_TRAINER_FAST ? " fast" : "",
		 with_me ? " +you" : "");
	curves_begin(s->curves, label, s->cfg.epochs);
	s->lr_shown = 0;
	s->trained_factors = s->cfg.factors;
	s->training = 1;
	s->stale = 0;
	state_message(s, 0, with_me ? "training started, with your ratings as one more user"
				    : "training started");
	return 0;
}

int state_lr_find(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_LR_FIND };
	char msg[128];

	if (!can_start(s))
		return -1;
	runargs_train(&s->cfg, &cmd.u.lr_find.train);
	runargs_sweep(&s->cfg, &cmd.u.lr_find);
	if (send(s, &cmd, &s->lr_req) != 0)
		return -1;
	s->lr_running = 1;
	s->lr_shown = 1;
	s->lr = (struct eng_lr_curve){ .num_it = cmd.u.lr_find.sweep.num_it,
				       .suggest = { -1, -1 } };
	snprintf(msg, sizeof msg, "finding a learning rate: a fresh model, lr from "
		 "%g to %g in %d batches", s->cfg.lr_find.start, s->cfg.lr_find.end,
		 s->cfg.lr_find.num_it);
	state_message(s, 0, msg);
	return 0;
}

int state_lr_apply(struct state *s)
{
	char msg[96];

	if (s->lr_running || s->lr.suggest.valley < 0) {
		state_message(s, 1, "no suggested learning rate yet: F finds one");
		return -1;
	}
	s->cfg.lr = s->lr.lr[s->lr.suggest.valley];
	state_param_changed(s);
	snprintf(msg, sizeof msg, "lr set to %.2e, the finder's valley", s->cfg.lr);
	state_message(s, 0, msg);
	return 0;
}

int state_stop(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_STOP };

	if (!s->training && !s->lr_running && !s->loading) {
		state_message(s, 0, "not training");
		return -1;
	}
	if (send(s, &cmd, &s->stop_req) != 0)
		return -1;
	state_message(s, 0, s->loading && !s->training ? "cancelling the load..."
						       : "stopping after this batch...");
	return 0;
}

int state_detail(struct state *s, uint32_t item)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_ITEM_DETAIL };

	cmd.u.item = item;
	s->detail.valid = 0;
	s->detail.item = item;
	return send(s, &cmd, &s->detail_req);
}

int state_recommend(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_RECOMMEND };

	if (!s->loaded)
		return -1;
	cmd.u.recommend.top = STATE_RECS_TOP;
	cmd.u.recommend.n = s->mine.n;
	memcpy(cmd.u.recommend.r, s->mine.r, (size_t)s->mine.n * sizeof s->mine.r[0]);
	if (send(s, &cmd, &s->recs_req) != 0)
		return -1;
	s->recs_from_form = 0;
	return 0;
}

/* Save your ratings where they live; failures go to the status line. */
static void save_mine(struct state *s)
{
	char err[ENG_PATH_MAX + 200], msg[sizeof err + 40];

	if (!s->mine_path[0] || !movielist_items(s->movies))
		return;
	if (s->mine_keep) {
		snprintf(msg, sizeof msg, "not saved: %s could not be read whole "
			 "(fix or remove it)", s->mine_path);
		state_message(s, 1, msg);
		return;
	}
	if (myratings_save(&s->mine, s->mine_path, movielist_catalog(s->movies),
			   err, sizeof err) != 0) {
		snprintf(msg, sizeof msg, "ratings not saved: %s", err);
		state_message(s, 1, msg);
	}
}

int state_rate(struct state *s, uint32_t item, float rating)
{
	char msg[200];

	if (!s->loaded || item >= movielist_items(s->movies)) {
		state_message(s, 1, "no movie to rate");
		return -1;
	}
	if (isnan(rating)) {
		if (!myratings_clear(&s->mine, item)) {
			state_message(s, 0, "you have not rated it");
			return -1;
		}
		snprintf(msg, sizeof msg, "rating cleared");
	} else if (rating < s->range.lo || rating > s->range.hi) {
		snprintf(msg, sizeof msg, "ratings of %s go from %g to %g",
			 s->summary.name, s->range.lo, s->range.hi);
		state_message(s, 1, msg);
		return -1;
	} else if (myratings_set(&s->mine, item, rating) != 0) {
		snprintf(msg, sizeof msg, "at most %d ratings", MYRATINGS_MAX);
		state_message(s, 1, msg);
		return -1;
	} else {
		snprintf(msg, sizeof msg, "you rated it %g (%d rated)", rating,
			 s->mine.n);
	}
	state_message(s, 0, msg);
	/* the engine works on the reply while the file is written */
	state_recommend(s);
	save_mine(s);
	return 0;
}

int state_half_stars(const struct state *s)
{
	for (int i = 0; i < s->summary.n_bins; i++)
		if (s->summary.bin_lo[i] != floorf(s->summary.bin_lo[i]))
			return 1;
	return 0;
}

int state_rate_half(struct state *s, uint32_t item)
{
	float r = myratings_get(&s->mine, item);

	if (!state_half_stars(s)) {
		state_message(s, 1, "this dataset has whole stars only");
		return -1;
	}
	if (isnan(r))
		r = 0.5f;
	else if (r != floorf(r))
		r -= 0.5f;
	else
		r += 0.5f;
	return state_rate(s, item, r);
}

int state_parse_form(const char *text, struct eng_meta_args *a, char *why,
		     size_t n)
{
	char buf[128], *tok[4], *save = NULL, *end;
	int nt = 0;
	long age;

	snprintf(buf, sizeof buf, "%s", text);
	for (char *t = strtok_r(buf, " ,\t", &save); t && nt < 4;
	     t = strtok_r(NULL, " ,\t", &save))
		tok[nt++] = t;
	if (nt != 3) {
		snprintf(why, n, "expected AGE GENDER OCCUPATION, e.g. 34 F engineer");
		return -1;
	}
	age = strtol(tok[0], &end, 10);
	if (*end || age < 1 || age > 120) {
		snprintf(why, n, "the age '%.20s' is not a number of years", tok[0]);
		return -1;
	}
	if (strlen(tok[1]) >= sizeof a->gender ||
	    strlen(tok[2]) >= sizeof a->occupation) {
		snprintf(why, n, "gender or occupation too long");
		return -1;
	}
	if (strlen(tok[1]) != 1 || !strchr("MFmf", tok[1][0])) {
		snprintf(why, n, "the gender '%.20s': expected M or F", tok[1]);
		return -1;
	}
	if (!occupation_known(tok[2])) {
		snprintf(why, n, "the occupation '%.20s': expected one of %s", tok[2],
			 OCCUPATION_LIST);
		return -1;
	}
	memset(a, 0, sizeof *a);
	a->top = STATE_RECS_TOP;
	a->age = (int)age;
	for (int i = 0; tok[1][i]; i++)
		a->gender[i] = (char)toupper((unsigned char)tok[1][i]);
	for (int i = 0; tok[2][i]; i++)
		a->occupation[i] = (char)tolower((unsigned char)tok[2][i]);
	return 0;
}

int state_recommend_form(struct state *s, const char *text)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_RECOMMEND_META };
	char why[400];

	if (state_parse_form(text, &cmd.u.meta, why, sizeof why) != 0) {
		state_message(s, 1, why);
		return -1;
	}
	if (send(s, &cmd, &s->recs_req) != 0)
		return -1;
	s->form = cmd.u.meta;
	s->recs_from_form = 1;
	return 0;
}

int state_bias_list(struct state *s, uint32_t min_ratings)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_BIAS_LIST };

	cmd.u.bias = (struct eng_bias_args){ STATE_BIAS_N, STATE_BIAS_N, min_ratings };
	s->bias_min = min_ratings;
	return send(s, &cmd, &s->bias_req);
}

int state_similar(struct state *s, uint32_t item)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_SIMILAR };

	if (!s->trained) {
		state_message(s, 1, "similar movies need a trained model: press t");
		return -1;
	}
	cmd.u.similar = (struct eng_similar_args){ 0, item, STATE_SIMILAR_K };
	s->similar_valid = 0;
	s->similar_item = item;
	return send(s, &cmd, &s->similar_req);
}

int state_pca(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_PCA };
	int k = s->trained_factors;

	if (!s->trained) {
		state_message(s, 1, "the map needs a trained model: press t");
		return -1;
	}
	cmd.u.pca.top_n = STATE_PCA_TOP;
	cmd.u.pca.n_comp = k < STATE_PCA_COMP ? (k > 0 ? k : 1) : STATE_PCA_COMP;
	return send(s, &cmd, &s->pca_req);
}

/* ---- the run history and presets ------------------------------------------ */

void state_load_model(struct state *s, const char *path)
{
	snprintf(s->model_path, sizeof s->model_path, "%s", path);
}

int state_export(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_EXPORT };
	char *dir = cmd.u.export.dir, name[80];

	if (!s->trained || s->training) {
		state_message(s, 1, s->training ? "training is running: export when it ends" :
			      "no model to export: train one first (t)");
		return -1;
	}
	/* "demo (synthetic)" -> "demo-synthetic" */
	size_t n = 0;
	for (const char *c = s->load_name; *c && n < sizeof name - 1; c++)
		if (isalnum((unsigned char)*c) || *c == '-' || *c == '_' || *c == '.')
			name[n++] = *c;
		else if (n && name[n - 1] != '-')
			name[n++] = '-';
	while (n && name[n - 1] == '-')
		n--;
	snprintf(name + n, sizeof name - n, "%s", n ? "" : "model");
	char rel[128];
	snprintf(rel, sizeof rel, "export/%s", name);
	if (paths_user_file(PATHS_DATA, rel, dir, sizeof cmd.u.export.dir) != 0) {
		state_message(s, 1, "no place to export to (set XDG_DATA_HOME or HOME)");
		return -1;
	}
	/* mkdir -p */
	for (char *p = dir + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char c = *p;
		*p = '\0';
		int rc = mkdir(dir, 0777);
		*p = c;
		if (rc != 0 && errno != EEXIST) {
			char msg[ENG_PATH_MAX + 64];
			snprintf(msg, sizeof msg, "%s: %s", dir, strerror(errno));
			state_message(s, 1, msg);
			return -1;
		}
		if (!c)
			break;
	}
	return send(s, &cmd, &s->export_req);
}

int state_keep_history(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_HISTORY };
	uint32_t req;

	/* no usable place (no HOME): runs go unrecorded, as headless */
	if (!history_path(cmd.u.path, sizeof cmd.u.path))
		return -1;
	if (send(s, &cmd, &req) != 0)
		return -1;
	snprintf(s->history_path, sizeof s->history_path, "%s", cmd.u.path);
	return 0;
}

int state_runs_reload(struct state *s)
{
	char err[ENG_PATH_MAX + 200];
	size_t n;

	s->n_runs = s->n_runs_file = 0;
	if (!s->history_path[0] || !s->loaded)
		return 0;
	/* one array for the session: rereading after every run allocates
	 * nothing (bench/bench_soak.sh) */
	if (!s->runs && !(s->runs = malloc(STATE_RUNS_MAX * sizeof *s->runs))) {
		state_message(s, 1, "out of memory for the run history");
		return -1;
	}
	if (history_read_newest_into(s->history_path, s->summary.name, s->runs, STATE_RUNS_MAX,
				     &n, &s->n_runs_file, err, sizeof err) != 0) {
		state_message(s, 1, err);
		return -1;
	}
	if (s->runs_by_valid) {
		history_sort_valid(s->runs, n);
	} else {
		/* the file is oldest first; the pane lists the newest first */
		for (size_t i = 0; i < n / 2; i++) {
			struct history_run t = s->runs[i];

			s->runs[i] = s->runs[n - 1 - i];
			s->runs[n - 1 - i] = t;
		}
	}
	s->n_runs = n;
	return 0;
}

void state_runs_sort(struct state *s)
{
	s->runs_by_valid = !s->runs_by_valid;
	if (state_runs_reload(s) == 0)
		state_message(s, 0, s->runs_by_valid ? "runs by valid loss, best first"
						      : "runs newest first");
}

/* Whether a and b are the same record: runs are never edited, so time,
 * split, seed, losses and duration tell them apart (CV folds share a
 * second, not a split). */
static int same_run(const struct history_run *a, const struct history_run *b)
{
	return strcmp(a->time, b->time) == 0 && strcmp(a->split, b->split) == 0 &&
	       strcmp(a->model, b->model) == 0 && a->seed == b->seed &&
	       a->n_losses == b->n_losses && a->seconds == b->seconds &&
	       memcmp(&a->final_valid, &b->final_valid, sizeof a->final_valid) == 0;
}

/* Whether the chart still shows the overlay: newer runs push it out. */
static int overlay_shown(const struct state *s)
{
	for (int i = 0; i < curves_count(s->curves); i++)
		if (curves_run(s->curves, i)->state == CURVES_PAST)
			return s->overlay_on;
	return 0;
}

int state_runs_overlaid(const struct state *s, size_t i)
{
	return i < s->n_runs && overlay_shown(s) && same_run(&s->runs[i], &s->overlay);
}

int state_runs_overlay(struct state *s, size_t i)
{
	const struct history_run *r;
	char label[64], msg[128];

	if (i >= s->n_runs) {
		state_message(s, 1, "no run selected");
		return -1;
	}
	s->lr_shown = 0;        /* the chart of runs, not the finder's */
	if (state_runs_overlaid(s, i)) {
		curves_overlay_clear(s->curves);
		s->overlay_on = 0;
		state_message(s, 0, "past run removed from the chart");
		return 0;
	}
	r = &s->runs[i];
	/* "2025-01-31T12:00:00Z" -> "12:00": the legend has little room */
	snprintf(label, sizeof label, "%.5s %s lr %g wd %g k %d", r->time + 11,
		 r->model, r->lr, r->wd, r->factors);
	curves_overlay(s->curves, label, r->train_loss, r->valid_loss, r->n_losses);
	s->overlay = *r;
	s->overlay_on = 1;
	snprintf(msg, sizeof msg, "on the chart: %s", label);
	state_message(s, 0, msg);
	return 0;
}

int state_runs_restore(struct state *s, size_t i)
{
	char why[200], msg[300];

	if (i >= s->n_runs) {
		state_message(s, 1, "no run selected");
		return -1;
	}
	if (params_from_run(&s->cfg, &s->runs[i], why, sizeof why) != 0) {
		snprintf(msg, sizeof msg, "cannot restore that run: %s", why);
		state_message(s, 1, msg);
		return -1;
	}
	state_param_changed(s);
	snprintf(msg, sizeof msg, "restored the values of the run of %s (t trains)",
		 s->runs[i].time);
	state_message(s, 0, msg);
	return 0;
}

int state_preset_next(struct state *s)
{
	char err[300], msg[400];
	int i;

	/* the preset row's right step: the same checks, the same refusals */
	if (params_step(&s->cfg, PARAM_PRESET, 1, &s->range, err, sizeof err) != 0) {
		snprintf(msg, sizeof msg, "preset: %s", err);
		state_message(s, 1, msg);
		return -1;
	}
	i = cfg_preset_current(&s->cfg);
	state_param_changed(s);
	snprintf(msg, sizeof msg, "preset %s (%d of %d)", s->cfg.presets[i].name,
		 i + 1, s->cfg.n_presets);
	state_message(s, 0, msg);
	return 0;
}

void state_param_changed(struct state *s)
{
	if (s->training || s->trained)
		s->stale = 1;
}

/* The end of the current training run, however it ended; began: whether
 * it got to train (a run stopped while being prepared leaves the model
 * there was, if any). */
static void train_ended(struct state *s, int began)
{
	s->training = 0;
	if (!began)
		return;
	s->trained = 1;
	s->model_when[0] = '\0';       /* this session's model now */
	/* the engine appended the run before its end event */
	state_runs_reload(s);
	/* the nn model answers no insight query: keep what the panes show */
	if (s->cfg.model == VOCAB_MODEL_NN)
		return;
	session_model_keep(s);
	/* what the panes show came from the old model: ask again */
	if (s->recs_from_form && s->mine.n == 0) {
		struct eng_cmd cmd = { .kind = ENG_CMD_RECOMMEND_META };

		cmd.u.meta = s->form;
		send(s, &cmd, &s->recs_req);
	} else {
		state_recommend(s);
	}
	if (s->cfg.model != VOCAB_MODEL_DOT)
		state_bias_list(s, s->bias_min);
	state_pca(s);
}

/* The dataset's catalogue is in: find, read and show your ratings. */
static void load_mine(struct state *s)
{
	char err[ENG_PATH_MAX + 600];

	s->mine.n = 0;
	s->mine_keep = 0;
	/* one file for both item keys (its lines name the movie by both) */
	if (myratings_path(s->summary.name, NULL, s->mine_path,
			   sizeof s->mine_path, err, sizeof err) != 0) {
		s->mine_path[0] = '\0';
		state_message(s, 1, err);
		state_recommend(s);
		return;
	}
	myratings_clean_temps(s->mine_path);
	int rc = myratings_load(&s->mine, s->mine_path, movielist_catalog(s->movies),
				s->range.lo, s->range.hi, err, sizeof err);
	/* the files of one item key each that earlier versions kept: merged
	 * in once, this item key's first (its ratings win) */
	char old[2][ENG_PATH_MAX], msg[sizeof err];
	const char *olds[2] = { old[0], old[1] };
	enum vocab_item_key other = s->cfg.item_key == VOCAB_ITEM_KEY_ID ?
				    VOCAB_ITEM_KEY_TITLE : VOCAB_ITEM_KEY_ID;
	if (rc >= 0 &&
	    myratings_path(s->summary.name, vocab_item_key_word(s->cfg.item_key),
			   old[0], sizeof old[0], err, sizeof err) == 0 &&
	    myratings_path(s->summary.name, vocab_item_key_word(other),
			   old[1], sizeof old[1], err, sizeof err) == 0) {
		int mig = myratings_migrate(&s->mine, s->mine_path, olds, 2,
					    movielist_catalog(s->movies), s->range.lo,
					    s->range.hi, msg, sizeof msg);
		if (mig != 0) {
			state_message(s, mig < 0, msg);
			s->mine_note_seq = s->status_seq;
		}
	}
	if (rc < 0) {
		s->mine_keep = 1;
		state_message(s, 1, err);
	}
	state_recommend(s);
}

unsigned state_apply(struct state *s, struct eng_evt *ev)
{
	char msg[ENG_MSG_MAX + 32];

	switch (ev->kind) {
	case ENG_EVT_LOADED:
		if (ev->req_id != s->load_req)
			return 0;
		s->loading = 0;
		s->loaded = 1;
		s->summary = ev->u.summary;
		s->range.known = 1;
		s->range.lo = ev->u.summary.rating_min;
		s->range.hi = ev->u.summary.rating_max;
		/* the summary names the format with config.yaml's word */
		enum vocab_format fmt;
		s->has_meta = vocab_format_parse(ev->u.summary.format, &fmt) == 0 &&
			      fmt == VOCAB_FORMAT_ML_100K;
		if (s->demo_instead)
			snprintf(msg, sizeof msg, "no dataset: `make data` fetches MovieLens");
		else   /* the demo's name is on the status line already */
			snprintf(msg, sizeof msg, "loaded%s%s: %u users, %u movies",
				 s->demo ? "" : " ", s->demo ? "" : s->summary.name,
				 s->summary.n_users, s->summary.n_items);
		char slow[256];
		if (runargs_slow_fit(&s->cfg, &s->summary, slow, sizeof slow)) {
			size_t at = strlen(msg);
			snprintf(msg + at, sizeof msg - at, "; %s: p cycles the presets to "
				 "fast-adarow, which uses it", slow);
		}
		state_message(s, 0, msg);
		session_view_restore(s);
		state_runs_reload(s);
		if (s->model_path[0]) {
			/* its BIASES come with the LOAD_MODEL's req_id */
			struct eng_cmd cmd = { .kind = ENG_CMD_LOAD_MODEL };
			snprintf(cmd.u.path, sizeof cmd.u.path, "%s", s->model_path);
			send(s, &cmd, &s->train_req);
		}
		return DIRTY_ALL;
	case ENG_EVT_MODEL_LOADED:
		if (ev->req_id != s->train_req || !s->model_path[0])
			/* or last session's model (session.h) */
			return session_model_loaded(s, ev);
		/* its values first: what train_ended asks for depends on them */
		session_model_values(s, &ev->u.model_info, 0);
		train_ended(s, 1);
		snprintf(msg, sizeof msg, "model loaded from %.400s: the Hyperparameters "
			 "pane shows its values%s", s->model_path, s->stale ?
			 ", with the options given over them (t trains those)" : "");
		state_message(s, 0, msg);
		return DIRTY_ALL;
	case ENG_EVT_CATALOG:
		if (ev->req_id != s->load_req) {
			eng_evt_release(ev);
			return 0;
		}
		if (movielist_set_catalog(s->movies, ev->u.catalog) != 0) {
			state_message(s, 1, "out of memory for the movie list");
		} else {
			load_mine(s);
			session_model_restore(s);
		}
		ev->u.catalog = NULL;
		return DIRTY_MOVIES | DIRTY_STATUS | DIRTY_RECS;
	case ENG_EVT_BIASES:
		if (ev->req_id != s->train_req) {
			eng_evt_release(ev);
			return 0;
		}
		movielist_set_biases(s->movies, ev->u.biases);
		ev->u.biases = NULL;
		return DIRTY_MOVIES;
	case ENG_EVT_ITEM_DETAIL:
		if (ev->req_id != s->detail_req)
			return 0;
		s->detail.valid = 1;
		s->detail.item = ev->u.detail.item;
		s->detail.n_ratings = ev->u.detail.n_ratings;
		s->detail.mean = ev->u.detail.mean;
		s->detail.n_bins = ev->u.detail.n_bins;
		memcpy(s->detail.bin_lo, ev->u.detail.bin_lo, sizeof s->detail.bin_lo);
		memcpy(s->detail.bin_count, ev->u.detail.bin_count,
		       sizeof s->detail.bin_count);
		return DIRTY_MOVIES;
	case ENG_EVT_TRAIN_START:
	case ENG_EVT_PROGRESS:
	case ENG_EVT_EPOCH:
		if (ev->req_id != s->train_req)
			return 0;
		curves_apply(s->curves, ev);
		s->n_progress += ev->kind != ENG_EVT_TRAIN_START;
		return DIRTY_TRAIN | DIRTY_STATUS;
	case ENG_EVT_LR_PROGRESS:
	case ENG_EVT_LR_FOUND:
		if (ev->req_id != s->lr_req || !s->lr_running)
			return 0;
		s->lr = ev->u.lr;
		if (ev->kind == ENG_EVT_LR_PROGRESS)
			return DIRTY_TRAIN;
		s->lr_running = 0;
		if (s->lr.suggest.valley >= 0)
			snprintf(msg, sizeof msg, "suggested lr %.2e (the valley): A sets it",
				 s->lr.lr[s->lr.suggest.valley]);
		else
			snprintf(msg, sizeof msg, "the sweep was too short to suggest a learning rate");
		state_message(s, 0, msg);
		return DIRTY_TRAIN | DIRTY_STATUS;
	case ENG_EVT_LOAD_PROGRESS:
		if (ev->req_id != s->load_req || !s->loading)
			return 0;
		s->load = ev->u.load;
		if (s->load.phase == ENG_LOAD_READ && s->load.total > 0)
			snprintf(msg, sizeof msg, "loading %s: %.0f%% of %.0f MB",
				 s->load_name, 100.0 * (double)s->load.done / (double)s->load.total,
				 (double)s->load.total / 1e6);
		else
			snprintf(msg, sizeof msg, "loading %s: %s", s->load_name,
				 s->load.phase == ENG_LOAD_SUMMARY ? "summarising" : "indexing");
		state_message(s, 0, msg);
		return DIRTY_DATASET | DIRTY_STATUS;
	case ENG_EVT_STOPPED:
		if (s->loading && ev->req_id == s->load_req) {
			/* the engine kept what it had: here, nothing */
			s->loading = 0;
			state_message(s, 0, "loading cancelled: no dataset (q quits)");
			return DIRTY_ALL;
		}
		if (s->lr_running && ev->req_id == s->stop_req) {
			s->lr_running = 0;
			state_message(s, 0, "learning-rate sweep stopped");
			return DIRTY_TRAIN | DIRTY_STATUS;
		}
		/* fall through */
	case ENG_EVT_TRAINED:
		/* STOPPED may carry the STOP command's req_id or the run's */
		if (!s->training || (ev->req_id != s->train_req &&
				     ev->req_id != s->stop_req))
			return 0;
		const struct curve_run *cur = curves_run(s->curves, curves_count(s->curves) - 1);
		int began = ev->kind == ENG_EVT_TRAINED || (cur && cur->state != CURVES_WAITING);
		curves_apply(s->curves, ev);
		if (began)
			s->model_loaded[0] = '\0';     /* trained here now */
		train_ended(s, began);
		state_message(s, 0, ev->kind == ENG_EVT_TRAINED ?
			      "training finished" : "training stopped");
		return DIRTY_TRAIN | DIRTY_STATUS | DIRTY_PARAMS | DIRTY_RECS |
		       DIRTY_RUNS;
	case ENG_EVT_RECS:
		if (ev->req_id != s->recs_req)
			return 0;
		s->recs = ev->u.recs;
		s->recs_valid = 1;
		return DIRTY_RECS;
	case ENG_EVT_BIAS_LIST:
		if (ev->req_id != s->bias_req)
			return 0;
		s->bias = ev->u.bias_list;
		s->bias_valid = 1;
		return DIRTY_MOVIES;
	case ENG_EVT_SIMILAR:
		if (ev->req_id != s->similar_req)
			return 0;
		s->similar = ev->u.similar;
		s->similar_valid = 1;
		return DIRTY_MOVIES;
	case ENG_EVT_PCA:
		if (ev->req_id != s->pca_req) {
			eng_evt_release(ev);
			return 0;
		}
		eng_pca_free(s->pca);
		s->pca = ev->u.pca;
		ev->u.pca = NULL;
		return DIRTY_MAP;
	case ENG_EVT_EXPORTED:
		if (ev->req_id != s->export_req)
			return 0;
		snprintf(msg, sizeof msg, "exported %d files to %.400s", ev->u.exported.n_files,
			 ev->u.exported.dir);
		state_message(s, 0, msg);
		return DIRTY_STATUS;
	case ENG_EVT_ERROR:
		snprintf(msg, sizeof msg, "%s", ev->u.error.msg);
		state_message(s, 1, msg);
		if (ev->req_id == s->load_req && s->loading) {
			s->loading = 0;
			return DIRTY_ALL;
		}
		if (ev->req_id == s->train_req && s->training) {
			curves_apply(s->curves, ev);
			s->training = 0;
			if (ev->u.error.code != ENG_EDIVERGED)
				return DIRTY_TRAIN | DIRTY_STATUS | DIRTY_PARAMS;
			/* the engine dropped the diverged model: the panes
			 * show what the engine answers without one */
			s->trained = 0;
			state_runs_reload(s);
			state_recommend(s);
			return DIRTY_TRAIN | DIRTY_STATUS | DIRTY_PARAMS | DIRTY_RECS |
			       DIRTY_RUNS;
		}
		if (ev->req_id == s->lr_req && s->lr_running) {
			s->lr_running = 0;
			return DIRTY_TRAIN | DIRTY_STATUS;
		}
		return DIRTY_STATUS;
	default:
		/* replies this interface never asks for; free what they own */
		eng_evt_release(ev);
		return 0;
	}
}

unsigned state_pump(struct state *s)
{
	struct eng_evt ev;
	unsigned dirty = 0;

	while (s->be->poll(s->be->ctx, &ev) == 1)
		dirty |= state_apply(s, &ev);
	return dirty;
}
