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
#include "synthdemo.h"
#include "afile.h"
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
	/* a FIFO, a device or a directory there is refused, not replaced */
	if (afile_check_target(o->path, err, errlen) != 0)
		return -1;
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

/* An item user u (0-based) has not drawn yet, by popularity; stamp[i] ==
 * u + 1 marks the items already drawn. */
static uint32_t draw_unrated(const struct alias *items, uint32_t *stamp, uint32_t u,
			     struct rng *r)
{
	uint32_t i;

	do
		i = alias_draw(items, r);
	while (stamp[i] == u + 1);
	stamp[i] = u + 1;
	return i;
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

			i = draw_unrated(&items, stamp, u, r);
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

/* ---------------------------------------------------------------------
 * The demo set (synthdemo.h): the generator above, in memory, with the
 * planted factors made of genres and tastes
 */

#define DEMO_USERS 1000u
#define DEMO_ITEMS 1700u
#define DEMO_RATINGS 100000u
#define DEMO_SEED 20261206u
#define DEMO_BASE 3.5           /* the rating of an average user and movie */
#define DEMO_QUALITY_SD 0.5     /* planted movie bias */
#define DEMO_USER_SD 0.35       /* user bias */
#define DEMO_AXIS_SD 0.6        /* a user's position on a taste axis */
#define DEMO_TASTE_SD 0.4       /* a user's genre-by-genre taste */
#define DEMO_FAVOURITE 1.8      /* the favourite genre's boost */
#define DEMO_NOISE 0.5          /* rating noise, before rounding to stars */
#define DEMO_SECOND_GENRE 0.4   /* share of movies with a second genre */

_Static_assert(N_GENRES == SYNTH_DEMO_GENRES, "the demo's genres are synth's");

/* How common each genre is as a movie's primary genre (relative). */
static const double demo_genre_weight[N_GENRES] = {
	10, 5, 2, 4, 15, 5, 2, 20, 2, 1.5, 5, 2, 3, 8, 5, 8, 3, 1.5,
};

/* The taste axes: action and thrills (+) against romance and musicals (-);
 * horror and crime (+) against children's films and animation (-). */
static const double demo_loading[SYNTH_DEMO_AXES][N_GENRES] = {
	/* Act  Adv   Ani  Chi  Com   Cri  Doc  Dra   Fan  Noir Hor  Mus   Mys  Rom   SF   Thr  War  Wes */
	{ 1.0, 0.7, 0.0, 0.0, -0.3, 0.3, 0.0, -0.7, 0.0, 0.0, 0.0, -0.9, 0.0, -1.0, 0.9, 0.6, 0.5, 0.4 },
	{ 0.0, 0.0, -0.9, -1.0, 0.0, 0.6, 0.0, 0.0, -0.5, 0.6, 1.0, 0.0, 0.5, 0.0, 0.0, 0.3, 0.0, 0.0 },
};

static const char *const demo_adjective[] = {
	"Quiet", "Silent", "Broken", "Golden", "Hidden", "Distant", "Crimson", "Burning",
	"Frozen", "Lonely", "Wild", "Secret", "Savage", "Gentle", "Midnight", "Endless",
	"Forgotten", "Electric", "Hollow", "Bright", "Restless", "Iron", "Velvet", "Northern",
	"Stolen", "Shattered", "Painted", "Dark", "Sudden", "Little", "Strange", "Winter",
};
static const char *const demo_noun[] = {
	"Harbour", "Road", "Garden", "Kingdom", "River", "Summer", "Stranger", "Horizon",
	"Mirror", "Promise", "Engine", "Lighthouse", "Frontier", "Orchard", "Signal", "Canyon",
	"Detective", "Island", "Station", "Heart", "Empire", "Shadow", "Carnival", "Witness",
	"Voyage", "Circus", "Valley", "Prophecy", "Letter", "Storm", "Machine", "Tide",
};
/* Each pattern has words of its own, so different combinations never
 * make one title. */
static const char *const demo_pattern[] = {
	"The %s %s", "%s %s", "Return to the %s %s", "Beyond the %s %s",
};
#define DEMO_ADJ (sizeof demo_adjective / sizeof demo_adjective[0])
#define DEMO_NOUN (sizeof demo_noun / sizeof demo_noun[0])
#define DEMO_PAT (sizeof demo_pattern / sizeof demo_pattern[0])
#define DEMO_NAMES (DEMO_ADJ * DEMO_NOUN * DEMO_PAT)
_Static_assert(DEMO_NAMES >= DEMO_ITEMS, "every demo movie needs a name of its own");
_Static_assert((DEMO_NAMES & (DEMO_NAMES - 1)) == 0, "odd strides must permute the names");

const char *synth_demo_genre_name(int g)
{
	return g >= 0 && g < (int)N_GENRES ? genre_names[g] : "";
}

double synth_demo_loading(int axis, int g)
{
	if (axis < 0 || axis >= SYNTH_DEMO_AXES || g < 0 || g >= (int)N_GENRES)
		return 0.0;
	return demo_loading[axis][g];
}

int synth_demo_title(const struct synth_demo *d, uint32_t j, char *buf, size_t n)
{
	char name[64];
	unsigned c = d->name[j];

	snprintf(name, sizeof name, demo_pattern[c % DEMO_PAT],
		 demo_adjective[c / DEMO_PAT % DEMO_ADJ], demo_noun[c / DEMO_PAT / DEMO_ADJ]);
	return snprintf(buf, n, "%s (%u)", name, (unsigned)d->year[j]);
}

int synth_demo_genres(const struct synth_demo *d, uint32_t j, char *buf, size_t n)
{
	if (d->genre2[j] == d->genre[j])
		return snprintf(buf, n, "%s", genre_names[d->genre[j]]);
	return snprintf(buf, n, "%s|%s", genre_names[d->genre[j]], genre_names[d->genre2[j]]);
}

void synth_demo_free(struct synth_demo *d)
{
	free(d->user);
	free(d->item);
	free(d->rating);
	free(d->quality);
	free(d->genre);
	free(d->genre2);
	free(d->year);
	free(d->name);
	free(d->favourite);
	memset(d, 0, sizeof *d);
}

/* The movies: genres, year, name and quality; their planted factor rows
 * (I, G) are 1 on the primary genre, 0.5 on the second. */
static int demo_movies(struct synth_demo *d, float *qf, struct rng *r)
{
	struct alias genres = { 0 };
	unsigned stride = 2 * (unsigned)rng_below(r, DEMO_NAMES / 2) + 1;
	unsigned offset = (unsigned)rng_below(r, DEMO_NAMES);

	if (alias_build(&genres, demo_genre_weight, N_GENRES))
		return -1;
	for (uint32_t j = 0; j < d->n_items; j++) {
		float *q = qf + (size_t)j * N_GENRES;

		d->genre[j] = (uint8_t)alias_draw(&genres, r);
		d->genre2[j] = rng_uniform(r) < DEMO_SECOND_GENRE ?
			       (uint8_t)alias_draw(&genres, r) : d->genre[j];
		d->year[j] = (uint16_t)(1930 + rng_below(r, 69));
		/* an odd stride permutes the power-of-two name space */
		d->name[j] = (uint16_t)((j * stride + offset) % DEMO_NAMES);
		d->quality[j] = (float)(DEMO_QUALITY_SD * rng_normal(r));
		memset(q, 0, N_GENRES * sizeof *q);
		q[d->genre2[j]] = 0.5f;
		q[d->genre[j]] = 1.0f;
	}
	alias_free(&genres);
	return 0;
}

/* The users: a taste for every genre (the rows of pf, (U, G)), a bias and
 * a favourite genre. */
static void demo_users(struct synth_demo *d, float *pf, float *pb, struct rng *r)
{
	for (uint32_t u = 0; u < d->n_users; u++) {
		float *p = pf + (size_t)u * N_GENRES;
		double at[SYNTH_DEMO_AXES];

		for (int a = 0; a < SYNTH_DEMO_AXES; a++)
			at[a] = DEMO_AXIS_SD * rng_normal(r);
		d->favourite[u] = (uint8_t)rng_below(r, N_GENRES);
		for (unsigned g = 0; g < N_GENRES; g++) {
			double t = DEMO_TASTE_SD * rng_normal(r);

			for (int a = 0; a < SYNTH_DEMO_AXES; a++)
				t += at[a] * demo_loading[a][g];
			p[g] = (float)(t + (g == d->favourite[u] ? DEMO_FAVOURITE : 0.0));
		}
		pb[u] = (float)(DEMO_USER_SD * rng_normal(r));
	}
}

/* The ratings, as write_ratings draws them, into d's arrays in whole stars. */
static int demo_ratings(struct synth_demo *d, const float *pf, const float *pb,
			const float *qf, struct rng *r)
{
	uint32_t U = d->n_users, I = d->n_items;
	double *w = malloc((size_t)I * sizeof *w);
	uint32_t *cnt = malloc((size_t)U * sizeof *cnt), *stamp = calloc(I, sizeof *stamp);
	struct alias items = { 0 };
	size_t n = 0;
	int rc = -1;

	if (!w || !cnt || !stamp)
		goto out;
	/* a gentler head than synth's: the most popular movie is rated by
	 * about half the users (479 of 1,000; Star Wars by 583 of 943 in
	 * ML-100K) */
	power_law(w, I, 25.0, r);
	if (alias_build(&items, w, I))
		goto out;
	power_law(w, U, 10.0 + U / 1000.0, r);
	user_counts(cnt, w, U, d->n_ratings, I / 2);
	for (uint32_t u = 0; u < U; u++) {
		const float *p = pf + (size_t)u * N_GENRES;

		for (uint32_t c = 0; c < cnt[u]; c++, n++) {
			uint32_t i = draw_unrated(&items, stamp, u, r);
			const float *q = qf + (size_t)i * N_GENRES;
			float dot = 0.0f;

			for (unsigned g = 0; g < N_GENRES; g++)
				dot += p[g] * q[g];
			double x = DEMO_BASE + pb[u] + d->quality[i] + dot + DEMO_NOISE * rng_normal(r);
			long stars = lround(x);

			d->user[n] = u + 1;
			d->item[n] = i + 1;
			d->rating[n] = (float)(stars < 1 ? 1 : stars > 5 ? 5 : stars);
		}
	}
	rc = 0;
out:
	alias_free(&items);
	free(w);
	free(cnt);
	free(stamp);
	return rc;
}

int synth_demo_make(struct synth_demo *d, char *err, size_t errlen)
{
	uint32_t U = DEMO_USERS, I = DEMO_ITEMS;
	float *pf = malloc((size_t)U * N_GENRES * sizeof *pf), *pb = malloc(U * sizeof *pb);
	float *qf = malloc((size_t)I * N_GENRES * sizeof *qf);
	struct rng r;
	int rc = -1;

	memset(d, 0, sizeof *d);
	d->n_users = U;
	d->n_items = I;
	d->n_ratings = DEMO_RATINGS;
	d->user = malloc(DEMO_RATINGS * sizeof *d->user);
	d->item = malloc(DEMO_RATINGS * sizeof *d->item);
	d->rating = malloc(DEMO_RATINGS * sizeof *d->rating);
	d->quality = malloc(I * sizeof *d->quality);
	d->genre = malloc(I);
	d->genre2 = malloc(I);
	d->year = malloc(I * sizeof *d->year);
	d->name = malloc(I * sizeof *d->name);
	d->favourite = malloc(U);
	rng_seed(&r, DEMO_SEED);
	if (pf && pb && qf && d->user && d->item && d->rating && d->quality && d->genre &&
	    d->genre2 && d->year && d->name && d->favourite && demo_movies(d, qf, &r) == 0) {
		demo_users(d, pf, pb, &r);
		rc = demo_ratings(d, pf, pb, qf, &r);
	}
	free(pf);
	free(pb);
	free(qf);
	if (rc) {
		synth_demo_free(d);
		errmsg_set(err, errlen, "out of memory");
	}
	return rc;
}
