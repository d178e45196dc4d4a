/* state.c -- the interface's model of the engine (see state.h). */
#include "state.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int state_init(struct state *s, const struct cfg *cfg, double mom,
	       struct backend *be)
{
	memset(s, 0, sizeof *s);
	s->cfg = *cfg;
	s->mom = mom;
	s->be = be;
	s->next_req = 1;
	s->hist = hist_new();
	s->movies = movielist_new();
	if (!s->hist || !s->movies) {
		state_done(s);
		return -1;
	}
	return 0;
}

void state_done(struct state *s)
{
	hist_free(s->hist);
	movielist_free(s->movies);
	s->hist = NULL;
	s->movies = NULL;
}

void state_message(struct state *s, int err, const char *msg)
{
	snprintf(s->status, sizeof s->status, "%.*s", (int)sizeof s->status - 1,
		 msg);
	s->status_err = err;
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

int state_load(struct state *s, const char *path, const char *split)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_LOAD_DATA };
	struct eng_load_args *a = &cmd.u.load;

	if (ds_format_parse(s->cfg.format, &a->format) != 0) {
		state_message(s, 1, "unknown dataset format");
		return -1;
	}
	a->item_key = strcmp(s->cfg.item_key, "title") == 0 ? DS_KEY_TITLE :
							       DS_KEY_ID;
	snprintf(a->path, sizeof a->path, "%s", path);
	snprintf(a->split, sizeof a->split, "%s", split ? split : "");
	if (send(s, &cmd, &s->load_req) != 0)
		return -1;
	s->loading = 1;
	state_message(s, 0, "loading the dataset...");
	return 0;
}

int state_train(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_TRAIN };
	char label[64], why[160];

	if (!s->loaded) {
		state_message(s, 1, "no dataset loaded yet");
		return -1;
	}
	if (s->training) {
		state_message(s, 1, "already training; s stops it");
		return -1;
	}
	if (params_check_y_range(s->cfg.y_range_on, s->cfg.y_range[0],
				 s->cfg.y_range[1], &s->range, why, sizeof why)) {
		char msg[200];

		snprintf(msg, sizeof msg, "y_range: %s", why);
		state_message(s, 1, msg);
		return -1;
	}
	if (params_train_args(&s->cfg, s->mom, &cmd.u.train) != 0) {
		state_message(s, 1, "internal error: unparsed keyword");
		return -1;
	}
	if (send(s, &cmd, &s->train_req) != 0)
		return -1;
	snprintf(label, sizeof label, "lr %g wd %g k %d%s", s->cfg.lr,
		 s->cfg.wd, s->cfg.factors,
		 strcmp(s->cfg.model, "dot") == 0 ? " dot" : "");
	hist_begin(s->hist, label, s->cfg.epochs);
	s->training = 1;
	s->stale = 0;
	state_message(s, 0, "training started");
	return 0;
}

int state_stop(struct state *s)
{
	struct eng_cmd cmd = { .kind = ENG_CMD_STOP };

	if (!s->training) {
		state_message(s, 0, "not training");
		return -1;
	}
	if (send(s, &cmd, &s->stop_req) != 0)
		return -1;
	state_message(s, 0, "stopping after this batch...");
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

void state_param_changed(struct state *s)
{
	if (s->training || s->trained)
		s->stale = 1;
}

/* The end of the current training run, however it ended. */
static void train_ended(struct state *s)
{
	s->training = 0;
	s->trained = 1;
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
		snprintf(msg, sizeof msg, "loaded %s: %u users, %u movies",
			 s->summary.name, s->summary.n_users,
			 s->summary.n_items);
		state_message(s, 0, msg);
		return DIRTY_ALL;
	case ENG_EVT_CATALOG:
		if (ev->req_id != s->load_req) {
			eng_evt_release(ev);
			return 0;
		}
		if (movielist_set_catalog(s->movies, ev->u.catalog) != 0)
			state_message(s, 1, "out of memory for the movie list");
		ev->u.catalog = NULL;
		return DIRTY_MOVIES | DIRTY_STATUS;
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
		hist_apply(s->hist, ev);
		return DIRTY_TRAIN | DIRTY_STATUS;
	case ENG_EVT_TRAINED:
	case ENG_EVT_STOPPED:
		/* STOPPED may carry the STOP command's req_id or the run's */
		if (!s->training || (ev->req_id != s->train_req &&
				     ev->req_id != s->stop_req))
			return 0;
		hist_apply(s->hist, ev);
		train_ended(s);
		state_message(s, 0, ev->kind == ENG_EVT_TRAINED ?
			      "training finished" : "training stopped");
		return DIRTY_TRAIN | DIRTY_STATUS | DIRTY_PARAMS;
	case ENG_EVT_ERROR:
		snprintf(msg, sizeof msg, "%s", ev->u.error.msg);
		state_message(s, 1, msg);
		if (ev->req_id == s->load_req && s->loading) {
			s->loading = 0;
			return DIRTY_ALL;
		}
		if (ev->req_id == s->train_req && s->training) {
			hist_apply(s->hist, ev);
			s->training = 0;
			return DIRTY_TRAIN | DIRTY_STATUS | DIRTY_PARAMS;
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
