/* synth.c -- the synthetic MovieLens generator (see synth.h).
 *
 * DESIGN.  Speed comes from three choices: items are drawn with Walker's
 * alias method (one random number and one compare per draw, whatever the
 * catalogue size); per-user distinctness is checked with a stamp array
 * (stamp[item] == user means already drawn), not a set; and output is
 * formatted by hand into a 4 MiB buffer handed to write(2), so the 25M
 * case does no stdio and no per-line system call.  The files are written
 * under a temporary name and renamed into place, without fsync: this is
 * scratch data that can always be made again.
 */
#include "synth.h"
#include "errmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rng.h"

#define OUT_BUF (4u << 20)
#define LINE_MAX_BYTES 96       /* longest line we format, with room to spare */
#define TS_FIRST 789652009u     /* ML-25M's first and last timestamps */
#define TS_SPAN 784675694u

static const char *const genre_names[] = {
	"Action", "Adventure", "Animation", "Children", "Comedy", "Crime",
	"Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical",
	"Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
};
#define N_GENRES (sizeof genre_names / sizeof genre_names[0])

/* A file being written through one big buffer. */
struct out {
	int fd;
	char *buf;
	size_t len;
	int failed;             /* errno of the first failed write, 0 if none */
	char tmp[4096], path[4096];
};

/* Walker's alias table over n weights. */
struct alias {
	uint32_t n;
	float *prob;            /* (n) keep slot j with this probability */
	uint32_t *other;        /* (n) else take this one */
};

struct synth_cfg synth_cfg_default(void)
{
	struct synth_cfg c = {
		.n_ratings = 25000095,
		.n_users = 162541,
		.n_items = 59047,
		.n_factors = 10,
		.noise = 0.5,
		.seed = 42,
	};
	return c;
}

const char *synth_cfg_check(const struct synth_cfg *c)
{
	if (c->n_users < 1 || c->n_items < 2)
		return "expected at least 1 user and 2 items";
	if (c->n_ratings < c->n_users)
		return "expected at least as many ratings as users (every user rates)";
	if (c->n_ratings > (uint64_t)c->n_users * (c->n_items / 2))
		return "expected at most users * items / 2 ratings (each user rates distinct items, "
		       "at most half of them)";
	if (c->n_ratings > 4000000000ull)
		return "expected at most 4,000,000,000 ratings";
	if (c->n_factors < 1 || c->n_factors > 1024)
		return "the planted rank (factors) must be between 1 and 1024";
	if (!(c->noise >= 0.0 && c->noise <= 10.0))
		return "noise must be between 0 and 10";
	return NULL;
}

/* ---------------------------------------------------------------------
 * Output
 */

static int out_open(struct out *o, const char *dir, const char *name, char *err,
		    size_t errlen)
{
	memset(o, 0, sizeof *o);
	o->fd = -1;
	if (snprintf(o->path, sizeof o->path, "%s/%s", dir, name) >= (int)sizeof o->path ||
	    snprintf(o->tmp, sizeof o->tmp, "%s/.%s.tmp", dir, name) >= (int)sizeof o->tmp) {
		errmsg_set(err, errlen, "path too long: %s/%s", dir, name);
		return -1;
	}
	o->buf = malloc(OUT_BUF);
	if (!o->buf) {
		errmsg_set(err, errlen, "out of memory");
		return -1;
	}
	o->fd = open(o->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (o->fd < 0) {
		errmsg_set(err, errlen, "cannot create %s: %s", o->tmp, strerror(errno));
		free(o->buf);
		o->buf = NULL;
		return -1;
	}
	return 0;
}

static void out_flush(struct out *o)
{
	size_t done = 0;

	while (done < o->len && !o->failed) {
		ssize_t w = write(o->fd, o->buf + done, o->len - done);

		if (w < 0 && errno != EINTR)
			o->failed = errno;
		else if (w > 0)
			done += (size_t)w;
	}
	o->len = 0;
}

/* Room for one more line; flushes when the buffer is nearly full. */
static char *out_room(struct out *o)
{
	if (OUT_BUF - o->len < LINE_MAX_BYTES)
		out_flush(o);
	return o->buf + o->len;
}

/* Flush, close and rename into place (commit), or remove the temporary. */
static int out_close(struct out *o, int commit, char *err, size_t errlen)
{
	int rc = 0;

	if (o->fd < 0)
		return -1;
	if (commit)
		out_flush(o);
	if (close(o->fd) != 0 && !o->failed)
		o->failed = errno;
	if (commit && o->failed) {
		errmsg_set(err, errlen, "cannot write %s: %s", o->tmp, strerror(o->failed));
		rc = -1;
	} else if (commit && rename(o->tmp, o->path) != 0) {
		errmsg_set(err, errlen, "cannot rename %s to %s: %s", o->tmp, o->path, strerror(errno));
		rc = -1;
	}
	if (!commit || rc)
		unlink(o->tmp);
	free(o->buf);
	o->buf = NULL;
	o->fd = -1;
	return rc;
}

/* Decimal digits of v at p; returns the end. */
static char *put_u32(char *p, uint32_t v)
{
	char tmp[10];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* ---------------------------------------------------------------------
 * Distributions
 */

static void alias_free(struct alias *a)
{
	free(a->prob);
	free(a->other);
}

/* Vose's construction of the alias table of w[0..n) (all > 0). */
static int alias_build(struct alias *a, const double *w, uint32_t n)
{
	double sum = 0.0, *scaled = malloc(n * sizeof *scaled);
	uint32_t *small = malloc(n * sizeof *small), *large = malloc(n * sizeof *large);
	uint32_t ns = 0, nl = 0;

	a->n = n;
	a->prob = malloc(n * sizeof *a->prob);
	a->other = malloc(n * sizeof *a->other);
	if (!scaled || !small || !large || !a->prob || !a->other) {
		free(scaled);
		free(small);
		free(large);
		alias_free(a);
		return -1;
	}
	for (uint32_t j = 0; j < n; j++)
		sum += w[j];
	for (uint32_t j = 0; j < n; j++) {
		scaled[j] = w[j] * n / sum;
		if (scaled[j] < 1.0)
			small[ns++] = j;
		else
			large[nl++] = j;
	}
	while (ns && nl) {
		uint32_t s = small[--ns], l = large[nl - 1];

		a->prob[s] = (float)scaled[s];
		a->other[s] = l;
		scaled[l] -= 1.0 - scaled[s];
		if (scaled[l] < 1.0) {
			nl--;
			small[ns++] = l;
		}
	}
	/* What is left is 1 up to rounding. */
	while (nl) {
		uint32_t l = large[--nl];

		a->prob[l] = 1.0f;
		a->other[l] = l;
	}
	while (ns) {
		uint32_t t = small[--ns];

		a->prob[t] = 1.0f;
		a->other[t] = t;
	}
	free(scaled);
	free(small);
	free(large);
	return 0;
}

static uint32_t alias_draw(const struct alias *a, struct rng *r)
{
	uint64_t x = rng_next(r);
	/* High 32 bits pick the slot (multiply-shift), low 24 the coin. */
	uint32_t j = (uint32_t)(((x >> 32) * (uint64_t)a->n) >> 32);
	float coin = (float)(x & 0xFFFFFF) * 0x1.0p-24f;

	return coin < a->prob[j] ? j : a->other[j];
}

/* w[j] = 1 / (rank(j) + c) for a random assignment of ranks to slots. */
static void power_law(double *w, uint32_t n, double c, struct rng *r)
{
	for (uint32_t j = 0; j < n; j++)
		w[j] = 1.0 / (j + c);
	for (uint32_t j = n; j > 1; j--) {
		uint32_t k = (uint32_t)rng_below(r, j);
		double t = w[j - 1];

		w[j - 1] = w[k];
		w[k] = t;
	}
}

/* Ratings per user: 1 each, the rest in proportion to w, capped at cap.
 * Sums to exactly n (synth_cfg_check guarantees n <= users * cap). */
static void user_counts(uint32_t *cnt, const double *w, uint32_t users, uint64_t n,
			uint32_t cap)
{
	double sum = 0.0;
	uint64_t given = 0, rest = n - users;

	for (uint32_t u = 0; u < users; u++)
		sum += w[u];
	for (uint32_t u = 0; u < users; u++) {
		uint64_t c = 1 + (uint64_t)((double)rest * w[u] / sum);

		cnt[u] = (uint32_t)(c < cap ? c : cap);
		given += cnt[u];
	}
	/* Rounding and the cap leave a remainder: hand it out one by one. */
	for (uint32_t u = 0; given < n; u = (u + 1) % users)
		if (cnt[u] < cap) {
			cnt[u]++;
			given++;
		}
}

/* ---------------------------------------------------------------------
 * The two files
 */

static int write_movies(const struct synth_cfg *c, const char *dir, struct rng *r,
			char *err, size_t errlen)
{
	struct out o;

	if (out_open(&o, dir, "movies.csv", err, errlen))
		return -1;
	memcpy(out_room(&o), "movieId,title,genres\n", 21);
	o.len += 21;
	for (uint32_t id = 1; id <= c->n_items; id++) {
		char *p = out_room(&o);
		unsigned g1 = (unsigned)rng_below(r, N_GENRES), g2 = (unsigned)rng_below(r, N_GENRES);

		p = put_u32(p, id);
		p = put_str(p, ",Synthetic movie ");
		p = put_u32(p, id);
		p = put_str(p, " (");
		p = put_u32(p, 1920 + (uint32_t)rng_below(r, 100));
		p = put_str(p, "),");
		p = put_str(p, genre_names[g1]);
		if (g2 != g1) {
			*p++ = '|';
			p = put_str(p, genre_names[g2]);
		}
		*p++ = '\n';
		o.len = (size_t)(p - o.buf);
	}
	return out_close(&o, 1, err, errlen);
}

/* The planted model: factors (rows, k) with entries ~ N(0, s) and biases
 * ~ N(0, bsd). */
static void planted(float *f, float *b, uint32_t rows, int k, double s, double bsd,
		    struct rng *r)
{
	for (size_t j = 0; j < (size_t)rows * (size_t)k; j++)
		f[j] = (float)(s * rng_normal(r));
	for (uint32_t j = 0; j < rows; j++)
		b[j] = (float)(bsd * rng_normal(r));
}

static int write_ratings(const struct synth_cfg *c, const char *dir, struct rng *r,
			 char *err, size_t errlen)
{
	uint32_t U = c->n_users, I = c->n_items;
	int k = c->n_factors;
	/* var(p.q) = k s^4 = 0.64: the dot product's sd is 0.8 at every rank */
	double s = sqrt(0.8 / sqrt((double)k));
	double *w = malloc((size_t)(U > I ? U : I) * sizeof *w);
	uint32_t *cnt = malloc((size_t)U * sizeof *cnt);
	uint32_t *stamp = calloc(I, sizeof *stamp);
	float *pf = malloc((size_t)U * k * sizeof *pf), *pb = malloc((size_t)U * sizeof *pb);
	float *qf = malloc((size_t)I * k * sizeof *qf), *qb = malloc((size_t)I * sizeof *qb);
	struct alias items = { 0 };
	struct out o;
	int rc = -1;

	if (!w || !cnt || !stamp || !pf || !pb || !qf || !qb) {
		errmsg_set(err, errlen, "out of memory");
		goto out;
	}
	planted(pf, pb, U, k, s, 0.4, r);
	planted(qf, qb, I, k, s, 0.5, r);
	/* The shifts put the busiest user near ML-25M's 0.1% of all ratings
	 * and the most popular movie near its 0.3%. */
	power_law(w, I, 10.0 + I / 2000.0, r);
	if (alias_build(&items, w, I)) {
		errmsg_set(err, errlen, "out of memory");
		goto out;
	}
	power_law(w, U, 10.0 + U / 1000.0, r);
	user_counts(cnt, w, U, c->n_ratings, I / 2);
	if (out_open(&o, dir, "ratings.csv", err, errlen))
		goto out;
	memcpy(out_room(&o), "userId,movieId,rating,timestamp\n", 32);
	o.len += 32;
	for (uint32_t u = 0; u < U; u++) {
		const float *p = pf + (size_t)u * k;

		for (uint32_t n = 0; n < cnt[u]; n++) {
			uint32_t i;
			char *q = out_room(&o);

			do
				i = alias_draw(&items, r);
			while (stamp[i] == u + 1);
			stamp[i] = u + 1;
			const float *f = qf + (size_t)i * k;
			float dot = 0.0f;
			for (int j = 0; j < k; j++)
				dot += p[j] * f[j];
			double x = 3.5 + pb[u] + qb[i] + dot + c->noise * rng_normal(r);
			/* nearest half star, 0.5..5: twice the rating is 1..10 */
			long h = lround(2.0 * x);
			h = h < 1 ? 1 : h > 10 ? 10 : h;

			q = put_u32(q, u + 1);
			*q++ = ',';
			q = put_u32(q, i + 1);
			*q++ = ',';
			q = put_u32(q, (uint32_t)(h / 2));
			*q++ = '.';
			*q++ = h % 2 ? '5' : '0';
			*q++ = ',';
			q = put_u32(q, TS_FIRST + (uint32_t)rng_below(r, TS_SPAN));
			*q++ = '\n';
			o.len = (size_t)(q - o.buf);
		}
	}
	rc = out_close(&o, 1, err, errlen);
out:
	alias_free(&items);
	free(w);
	free(cnt);
	free(stamp);
	free(pf);
	free(pb);
	free(qf);
	free(qb);
	return rc;
}

int synth_write(const struct synth_cfg *c, const char *dir, char *err, size_t errlen)
{
	const char *why = synth_cfg_check(c);
	struct rng r;

	if (why) {
		errmsg_set(err, errlen, "%s", why);
		return -1;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		errmsg_set(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	rng_seed(&r, c->seed);
	if (write_ratings(c, dir, &r, err, errlen))
		return -1;
	return write_movies(c, dir, &r, err, errlen);
}
