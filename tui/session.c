/* session.c -- the last trained model, kept between sessions (see
 * session.h). */
#include "session.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "history.h"

const char *session_model_path(const struct state *s, char *buf, size_t n)
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
	int len = snprintf(buf, n, "%s/model-%s-%s.ckpt", dir, name,
			   vocab_item_key_word(s->cfg.item_key));
	return len > 0 && (size_t)len < n ? buf : NULL;
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

unsigned session_model_loaded(struct state *s, const struct eng_evt *ev)
{
	char msg[128];

	if (ev->req_id != s->model_req || s->training)
		return 0;
	s->trained = 1;
	s->trained_factors = s->cfg.factors;
	snprintf(msg, sizeof msg, "the model of the last session is back "
		 "(trained %s)", s->model_when);
	state_message(s, 0, msg);
	state_recommend(s);
	if (s->cfg.model != VOCAB_MODEL_DOT)
		state_bias_list(s, s->bias_min);
	state_pca(s);
	return DIRTY_ALL;
}
