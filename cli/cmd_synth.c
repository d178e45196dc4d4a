/* cmd_synth.c -- `collabtui synth`: the synthetic dataset generator
 * (engine synth.h) behind the command line.  It writes the dataset the
 * options ask for into --out DIR and prints one line saying what was
 * written. */
#include "driver.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "afile.h"
#include "synth.h"

/* A count: digits only, at most max.  0 on success. */
static int parse_count(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

static int run(const struct opts *o)
{
	struct synth_cfg c = synth_cfg_default();
	uint64_t v;
	char err[1024];

	if (!o->out) {
		fprintf(stderr, "collabtui: synth needs --out DIR\n");
		return EXIT_INPUT;
	}
	if (o->ratings) {
		if (parse_count(o->ratings, UINT64_MAX, &v)) {
			fprintf(stderr, "collabtui: --ratings: expected a whole number, got \"%s\"\n",
				o->ratings);
			return EXIT_INPUT;
		}
		c.n_ratings = v;
	}
	if (o->users) {
		if (parse_count(o->users, UINT32_MAX, &v)) {
			fprintf(stderr, "collabtui: --users: expected a whole number up to 4294967295, "
				"got \"%s\"\n", o->users);
			return EXIT_INPUT;
		}
		c.n_users = (uint32_t)v;
	}
	if (o->items) {
		if (parse_count(o->items, UINT32_MAX, &v)) {
			fprintf(stderr, "collabtui: --items: expected a whole number up to 4294967295, "
				"got \"%s\"\n", o->items);
			return EXIT_INPUT;
		}
		c.n_items = (uint32_t)v;
	}
	/* --factors and --seed are settings with defaults of their own (50,
	 * 42); the planted rank follows --factors only when it was given. */
	if (o->factors_set)
		c.n_factors = o->cfg.factors;
	c.seed = o->cfg.seed;
	if (o->noise >= 0.0)
		c.noise = o->noise;
	const char *why = synth_cfg_check(&c);
	if (why) {
		fprintf(stderr, "collabtui: synth: %s\n", why);
		return EXIT_INPUT;
	}
	/* a FIFO, a device or a directory where a file goes: refused now */
	for (int i = 0; i < 2; i++) {
		char path[4200];

		snprintf(path, sizeof path, "%s/%s", o->out, i ? "movies.csv" : "ratings.csv");
		if (afile_check_target(path, err, sizeof err) != 0) {
			fprintf(stderr, "collabtui: synth: %s\n", err);
			return EXIT_INPUT;
		}
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (synth_write(&c, o->out, err, sizeof err) != 0) {
		fprintf(stderr, "collabtui: %s\n", err);
		return EXIT_RUNTIME;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("wrote %s/ratings.csv (%llu ratings, %u users, %u items, rank %d, noise %g, "
	       "seed %llu) and movies.csv in %.2f s\n", o->out,
	       (unsigned long long)c.n_ratings, c.n_users, c.n_items, c.n_factors, c.noise,
	       (unsigned long long)c.seed,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9);
	return EXIT_OK;
}

const struct cmd_entry cmd_synth = {
	.name = "synth",
	.id = CMD_SYNTH,
	.summary = "write a synthetic MovieLens-shaped dataset (--out DIR)",
	.run = run,
};
