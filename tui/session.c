/* session.c -- the last trained model, kept between sessions (see
 * session.h). */
#include "session.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "afile.h"
#include "history.h"
#include "params.h"
#include "runargs.h"

/* The file PREFIX-DATASET-ITEMKEY.EXT beside the run history into buf. */
static const char *session_file(const struct state *s, const char *prefix,
				const char *ext, char *buf, size_t n)
{
	char dir[ENG_PATH_MAX], name[64];

	if (!s->loaded || !s->summary.name[0] || !history_path(dir, sizeof dir))
		return NULL;
	/* beside the history file; the dataset's name as a file name */
	char *slash = strrchr(dir, '/');
	*slash = '\0';
	snprintf(name, sizeof name, "%s", s->summary.name);
	for (char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '_' && *c != '.')
			*c = '_';
	int len = snprintf(buf, n, "%s/%s-%s-%s.%s", dir, prefix, name,
			   vocab_item_key_word(s->cfg.item_key), ext);
	return len > 0 && (size_t)len < n ? buf : NULL;
}

const char *session_model_path(const struct state *s, char *buf, size_t n)
{
	return session_file(s, "model", "ckpt", buf, n);
}

const char *session_view_path(const struct state *s, char *buf, size_t n)
{
	return session_file(s, "session", "txt", buf, n);
}

void session_model_keep(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_SAVE_MODEL };
	uint32_t req;

	if (session_model_path(s, cmd.u.path, sizeof cmd.u.path))
		state_send(s, &cmd, &req);
}

void session_model_restore(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_LOAD_MODEL };
	struct stat st;

	/* --load names a model: that one, not last session's */
	if (s->trained || s->training || s->model_path[0] ||
	    !session_model_path(s, cmd.u.path, sizeof cmd.u.path) ||
	    stat(cmd.u.path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	/* when it was trained: when it was saved, at the end of its run */
	struct tm tm;
	strftime(s->model_when, sizeof s->model_when, "%Y-%m-%d %H:%M UTC",
		 gmtime_r(&st.st_mtime, &tm));
	if (state_send(s, &cmd, &s->model_req) == 0)
		s->train_req = s->model_req;    /* its BIASES follow it */
}

/* The command line wins: --preset, then each option, as it parsed, over
 * the values in *c. */
static void command_line_over(const struct state *s, struct cfg *c)
{
	const struct opts *o = s->given;
	char err[300];

	if (o && o->preset)
		cfg_preset_apply(c, o->preset, err, sizeof err);
	for (int i = 0; o && i < o->n_given; i++)
		cfg_set(c, o->given[i].key, o->given[i].value, err, sizeof err);
}

/* Whether a and b train differently: a row of the pane that shapes a
 * run (all but the preset's name, threads and the lr finder's sweep)
 * shows another value. */
static int trains_differently(const struct cfg *a, const struct cfg *b)
{
	for (int i = 0; i < PARAM_COUNT; i++) {
		char va[128], vb[128];

		if (i == PARAM_PRESET || i == PARAM_THREADS || i == PARAM_LR_FIND ||
		    !params_shown(a, i))
			continue;
		params_format(a, i, va, sizeof va);
		params_format(b, i, vb, sizeof vb);
		if (strcmp(va, vb) != 0)
			return 1;
	}
	return 0;
}

int session_model_values(struct state *s, const struct eng_model_info *mi, int last_session)
{
	struct cfg model = s->cfg, c;

	if (runargs_from_model(&model, mi))
		return -1;      /* values this build cannot show: as they were */
	/* last session's model with last session's values: as they were
	 * left (stale if they were then); else the model's, under the
	 * command line */
	if (!(s->view_restored && last_session)) {
		c = model;
		command_line_over(s, &c);
		s->cfg = cfg_check(&c) ? model : c;
	}
	s->trained_factors = model.factors;
	s->stale = trains_differently(&model, &s->cfg);
	char loss[40] = "";
	if (mi->valid_loss == mi->valid_loss)   /* not NaN */
		snprintf(loss, sizeof loss, ", valid loss %.4f", mi->valid_loss);
	snprintf(s->model_loaded, sizeof s->model_loaded, "%s, %d factors, %d epoch%s%s",
		 vocab_model_setting_word(model.model, model.fit), model.factors,
		 mi->epochs_done, mi->epochs_done == 1 ? "" : "s", loss);
	return 0;
}

unsigned session_model_loaded(struct state *s, const struct eng_evt *ev)
{
	char msg[sizeof s->status];

	if (ev->req_id != s->model_req || s->training)
		return 0;
	s->trained = 1;
	int shown = session_model_values(s, &ev->u.model_info, 1) == 0;
	/* what was said about your ratings' files stays in view */
	int keep = s->status_seq == s->mine_note_seq && s->status[0];
	snprintf(msg, sizeof msg, "%.300s%sthe model of the last session is back "
		 "(trained %s)%s", keep ? s->status : "", keep ? "; " : "", s->model_when,
		 !shown ? "" : s->stale ? "; the values shown differ from it: t "
		 "trains them" : "");
	state_message(s, keep && s->status_err, msg);
	state_recommend(s);
	if (s->cfg.model != VOCAB_MODEL_DOT)
		state_bias_list(s, s->bias_min);
	state_pca(s);
	return DIRTY_ALL;
}

/* ---- what the panes showed ------------------------------------------------ */

int session_view_save(const struct state *s, char *err, size_t n)
{
	char path[ENG_PATH_MAX], line[600], val[400];
	struct afile *f;

	if (!session_view_path(s, path, sizeof path))
		return 0;       /* nowhere to keep it, or no dataset came */
	f = afile_open(path, err, n);
	if (!f)
		return -1;
	snprintf(line, sizeof line, "# collabtui: the interface as it was left "
		 "(read at start; options given win)\n");
	afile_write(f, line, strlen(line));
	for (int i = 0; i < PARAM_COUNT; i++) {
		if (!params_key(i))
			continue;
		params_format(&s->cfg, i, val, sizeof val);
		int len = snprintf(line, sizeof line, "%s %s\n", params_key(i), val);
		afile_write(f, line, (size_t)len);
	}
	int len = snprintf(line, sizeof line, "pane %d\nsort %d\nsearch %s\n",
			   s->focus, (int)movielist_sort(s->movies),
			   movielist_query(s->movies));
	afile_write(f, line, (size_t)len);
	return afile_commit(f, err, n);
}

/* One line "KEY VALUE" of the session file into c, the list and the
 * pane; 0, or -1 when it is not one this build takes. */
static int view_line(struct state *s, struct cfg *c, char *key, char *val)
{
	char why[300];
	int v;

	if (strcmp(key, "pane") == 0 || strcmp(key, "sort") == 0) {
		char *end;
		long l = strtol(val, &end, 10);

		if (*end || end == val)
			return -1;
		v = (int)l;
		if (key[0] == 'p' ? l < 1 || l > 7 : l < 0 || l >= SORT_COUNT)
			return -1;
		if (key[0] == 'p')
			s->focus_want = v;
		else
			movielist_set_sort(s->movies, (enum movielist_sort)v);
		return 0;
	}
	if (strcmp(key, "search") == 0) {
		/* from a file, on its way to the terminal: no controls */
		for (char *ch = val; *ch; ch++)
			if ((unsigned char)*ch < ' ' || *ch == 0x7F)
				*ch = '?';
		movielist_set_query(s->movies, val);
		return 0;
	}
	for (int i = 0; i < PARAM_COUNT; i++)
		if (params_key(i) && strcmp(params_key(i), key) == 0)
			return cfg_set(c, key, val, why, sizeof why);
	return -1;
}

void session_view_restore(struct state *s)
{
	char path[ENG_PATH_MAX], line[600], err[ENG_PATH_MAX + 100];
	struct cfg c = s->cfg;
	unsigned long lineno = 0, bad = 0;
	FILE *in;

	if (!session_view_path(s, path, sizeof path))
		return;
	in = afile_fopen_read(path, err, sizeof err);
	if (!in)
		return;         /* none yet (or not a file): as the options say */
	while (fgets(line, sizeof line, in)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		char *sp = strchr(line, ' ');
		if (!sp || view_line(s, &c, line, (*sp = '\0', sp + 1)) != 0)
			bad = bad ? bad : lineno;
	}
	fclose(in);
	command_line_over(s, &c);
	if (cfg_check(&c) == NULL) {
		s->cfg = c;
		s->view_restored = 1;
	} else {
		snprintf(err, sizeof err, "%.900s: the values do not go together; "
			 "kept the options' (%s)", path, cfg_check(&c));
		state_message(s, 1, err);
		return;
	}
	if (bad) {
		snprintf(err, sizeof err, "%.900s:%lu: not a setting this version "
			 "knows; skipped", path, bad);
		state_message(s, 1, err);
	}
}
