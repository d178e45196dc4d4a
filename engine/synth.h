/* synth.h -- a synthetic MovieLens-shaped dataset with planted structure.
 *
 * Writes ratings.csv and movies.csv in the ML-20M/25M layout, so every
 * large-data path (loader, trainers, benchmarks) can be exercised and
 * timed without downloading MovieLens, and so accuracy at scale can be
 * checked: the ratings come from a known low-rank model.
 *
 * The generative model, all drawn from one seeded stream:
 *   - user activity and item popularity follow shifted power laws
 *     (weight of the r-th most active user 1/(r + c)), with the ranks
 *     shuffled over the ids so popularity is not id order;
 *   - every user rates a fixed number of distinct items (the counts sum
 *     to exactly n_ratings, at least one each), drawn by popularity;
 *   - rating = 3.5 + user bias + item bias + p_u . q_i + noise, with
 *     biases ~ N(0, 0.4) and N(0, 0.5), factor entries scaled so the dot
 *     product has a standard deviation near 0.8, noise ~ N(0, noise);
 *     then rounded to the nearest half star and clamped to 0.5..5.
 * Lines are grouped by user in increasing userId order, as in ML-25M.
 * The same configuration always gives byte-identical files.
 */
#ifndef COLLABTUI_SYNTH_H
#define COLLABTUI_SYNTH_H

#include <stddef.h>
#include <stdint.h>

struct synth_cfg {
	uint64_t n_ratings;     /* exactly this many lines in ratings.csv */
	uint32_t n_users;       /* user ids 1..n_users, each with >= 1 rating */
	uint32_t n_items;       /* movie ids 1..n_items (movies.csv lists all) */
	int n_factors;          /* rank of the planted model, 1..1024 */
	double noise;           /* standard deviation of the rating noise */
	uint64_t seed;
};

/* ML-25M's shape: 25,000,095 ratings, 162,541 users, 59,047 items; rank
 * 10, noise 0.5, seed 42. */
struct synth_cfg synth_cfg_default(void);

/* NULL when acceptable, else a sentence naming the bad field.  Each user
 * rates distinct items, at most half the catalogue, so n_ratings must lie
 * between n_users and n_users * n_items / 2. */
const char *synth_cfg_check(const struct synth_cfg *cfg);

/* Create dir if needed and write dir/ratings.csv and dir/movies.csv
 * (each replaced atomically).  0 on success; -1 with a one-line message
 * in err on a bad configuration, an I/O error or lack of memory.  Never
 * prints. */
int synth_write(const struct synth_cfg *cfg, const char *dir, char *err,
		size_t errlen);

#endif
