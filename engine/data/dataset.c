/* dataset.c -- load MovieLens (100K, 1M/10M, 20M/25M/latest) or a generic
 * ratings file into dense struct-of-arrays form; see dataset.h.
 *
 * DESIGN.  A load runs in fixed steps, each a function below:
 *   1. resolve()        path + options -> format and the files to read;
 *   2. parse_ratings()  stream the ratings file(s) (lines.h, csvline.h)
 *                       straight into the final arrays, original ids first;
 *   3. densify()        rewrite user and item ids in place as dense indices
 *                       (idmap.h), as narrow as their count allows;
 *   4. load_items(), load_users()  titles, genres, demographics, kept per
 *                       dense index, so only ids that have ratings cost
 *                       memory;
 *   5. merge_titles()   with ENG_ITEM_KEY_TITLE, renumber items by title.
 *   6. finish_codes()   the value table sorted, the codes renumbered (done
 *                       with step 3, on the items' thread: it needs only
 *                       the codes).
 * Ratings are the only per-row data, in three columns grown
 * geometrically while loading (glibc moves large blocks with mremap, so
 * growth copies nothing), each as narrow as it can be from the start:
 * the original ids in 3 bytes (4 once one needs it), the value as a
 * one-byte code (a float once there are more than RCOLS_VALUES_MAX
 * distinct ones), so 7 bytes a rating while parsing; step 3 then writes
 * the dense indices in 2, 3 or 4 bytes over the originals, 5 to 12 a
 * rating in all (MovieLens-25M: 6).  The peak is what the parse holds:
 * 12 bytes a rating when it stored 32-bit ids and floats, a third of a
 * 25M load's time going to the kernel zeroing the pages.  Every
 * string (titles, genres, occupations, the name) lives in one arena and
 * is referred to by a 32-bit offset, so the dataset is a handful of
 * allocations whatever its size.  Errors stop the load at the
 * first bad line; nothing is printed.
 */
#include "dataset.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "csvline.h"
#include "idmap.h"
#include "lines.h"
#include "rcols.h"
#include "synthdemo.h"
#include "utf8.h"

#define NO_STR UINT32_MAX         /* arena offset of a string not set yet */
#define GENRES_MAX 32             /* u.genre entries we keep */
#define ID_RANGE "(an integer from 0 to 4294967295)"

struct ds {
	enum eng_format fmt;
	uint32_t name;                /* arena offset */
	uint32_t n_users, n_items;
	size_t n, n_train;
	/* The columns (rcols.h).  Ids take uw and iw bytes an entry: 2 and
	 * 4 as native integers, 3 little-endian; original ids in 3 or 4
	 * while loading, then the dense indices in as few as their count
	 * allows.  One byte more than that, so that a 24-bit column is never
	 * 0 bytes.  Values are codes into value[] (in first-seen order while
	 * loading, in L->coder) or, past RCOLS_VALUES_MAX of them, floats:
	 * exactly one of code and rating is set. */
	unsigned char *users, *items; /* (n uw + 1), (n iw + 1) */
	int uw, iw;
	uint8_t *code;                /* (n) index into value[], or NULL */
	float *rating;                /* (n) rating value, or NULL */
	float value[RCOLS_VALUES_MAX]; /* (n_values) the distinct ratings, ascending */
	int n_values;
	float rmin, rmax;
	int half;
	uint32_t *user_id;            /* (n_users) original id */
	uint32_t *item_id;            /* (n_items) original id */
	uint32_t *user_n;             /* (n_users) ratings each */
	uint32_t *item_n;             /* (n_items) ratings each */
	uint32_t *item_title;         /* (n_items) arena offset */
	uint32_t *item_genres;        /* (n_items) arena offset */
	int *user_age;                /* (n_users), NULL without u.user */
	uint32_t *user_gender;        /* (n_users) arena offset */
	uint32_t *user_occ;           /* (n_users) arena offset */
	char *arena;                  /* NUL-terminated strings; offset 0 is "" */
	size_t arena_len, arena_cap;
};

/* Everything one ds_load call works with. */
struct load {
	struct ds *ds;
	char *err;
	size_t errlen;
	enum eng_format fmt;
	enum eng_item_key key;
	struct csv_dialect dialect;   /* of the ratings file(s) */
	float lo, hi;                 /* accepted rating range */
	char rating_what[48];         /* "a rating between 1 and 5" */
	size_t cap;                   /* capacity of the columns, in ratings */
	struct coder *coder;          /* values to codes, while ds->code is set */
	int threads;                  /* ds_opts.threads */
	uint64_t two_threads_from;    /* ds_opts.two_threads_from, 0 made 8 MiB */
	/* The loading thread never takes a window's second half itself: the
	 * worker parses it every time (set with ds_opts.two_threads_from,
	 * whose users -- tests, fuzzers -- want that path taken). */
	int worker_takes_half;
	char dir[PATH_MAX];           /* where the companion files are */
	char ratings[2][PATH_MAX];    /* u.data, or NAME.base + NAME.test */
	int n_files;
	char meta[PATH_MAX];          /* the companion file being read */
	ds_progress_fn progress;      /* from ds_opts, may be NULL */
	void *progress_ctx;
	uint64_t read;                /* bytes of the ratings file(s) read so far */
};

static const char *const format_names[] = {
	[ENG_FMT_AUTO] = "auto",     [ENG_FMT_ML100K] = "ml-100k",
	[ENG_FMT_MLDAT] = "ml-dat",  [ENG_FMT_MLCSV] = "ml-csv",
	[ENG_FMT_CSV] = "csv",       [ENG_FMT_TSV] = "tsv",
	[ENG_FMT_DEMO] = "demo",
};

/* u.genre's contents, for a u.item that comes without it. */
static const char *const default_genres[] = {
	"unknown", "Action", "Adventure", "Animation", "Children's", "Comedy",
	"Crime", "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror",
	"Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
};

static void fail(struct load *L, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(struct load *L, const char *fmt, ...)
{
	va_list ap;

	if (L->errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(L->err, L->errlen, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------------
 * String arena
 */

/* Append s[0..n) (converted from Latin-1 when latin1 is set) plus a NUL;
 * returns its offset, or NO_STR when memory or the 32-bit offset space
 * runs out.  Every string from a file enters the dataset here, and here it
 * is made safe to show (utf8_clean: controls and malformed UTF-8 become
 * U+FFFD), once, for every consumer. */
static uint32_t arena_add(struct ds *ds, const char *s, size_t n, int latin1)
{
	size_t need = UTF8_CLEAN_ROOM(n) + 1, off = ds->arena_len;

	if (need > ds->arena_cap - ds->arena_len) {
		size_t cap = ds->arena_cap ? ds->arena_cap : 4096;
		char *p;

		while (cap - ds->arena_len < need)
			cap *= 2;
		if (cap > UINT32_MAX)
			return NO_STR;
		p = realloc(ds->arena, cap);
		if (!p)
			return NO_STR;
		ds->arena = p;
		ds->arena_cap = cap;
	}
	if (latin1)
		n = utf8_from_latin1(ds->arena + off, s, n);
	else
		n = utf8_clean(ds->arena + off, s, n);
	ds->arena[off + n] = '\0';
	ds->arena_len = off + n + 1;
	return (uint32_t)off;
}

/* A title or label from a file that should be UTF-8 but, in ML-1M's
 * movies.dat, is Latin-1: keep valid UTF-8 as is, convert anything else. */
static uint32_t arena_add_text(struct ds *ds, const char *s, size_t n)
{
	return arena_add(ds, s, n, !utf8_valid(s, n));
}

/* ---------------------------------------------------------------------
 * Step 1: which format, which files
 */

static int join(struct load *L, char *dst, const char *dir, const char *name)
{
	int k = snprintf(dst, PATH_MAX, "%s/%s", dir, name);

	if (k < 0 || k >= PATH_MAX) {
		fail(L, "path too long: %s/%s", dir, name);
		return -1;
	}
	return 0;
}

static int is_file(const char *dir, const char *name)
{
	char p[PATH_MAX];
	struct stat st;
	int k = snprintf(p, sizeof p, "%s/%s", dir, name);

	return k > 0 && k < (int)sizeof p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* A generic ratings file is TSV when its first line has a tab. */
static enum eng_format sniff(const char *path)
{
	struct lines lf;
	char *line, err[8];
	size_t len;
	enum eng_format f = ENG_FMT_CSV;

	if (lines_open(&lf, path, err, sizeof err))
		return f;   /* parse_ratings will open it again and say why */
	if (lines_next(&lf, &line, &len, err, sizeof err) > 0 && memchr(line, '\t', len))
		f = ENG_FMT_TSV;
	lines_close(&lf);
	return f;
}

static const char *base_name(const char *path, char *buf, size_t n)
{
	size_t len = strlen(path);
	const char *slash;

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(buf, path, len);
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	return slash && slash[1] ? slash + 1 : buf;
}

static int check_split(struct load *L, const char *split)
{
	static const char *const ok[] = { "u1", "u2", "u3", "u4", "u5", "ua", "ub" };

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strcmp(split, ok[i]) == 0)
			return 0;
	fail(L, "unknown split \"%s\": expected u1, u2, u3, u4, u5, ua or ub", split);
	return -1;
}

static int resolve(struct load *L, const struct ds_opts *o)
{
	static const char *const ratings_file[] = {
		[ENG_FMT_ML100K] = "u.data", [ENG_FMT_MLDAT] = "ratings.dat",
		[ENG_FMT_MLCSV] = "ratings.csv",
	};
	char namebuf[PATH_MAX];
	const char *base = base_name(o->path, namebuf, sizeof namebuf);
	struct stat st;

	L->fmt = o->format;
	if (strlen(o->path) >= PATH_MAX) {
		fail(L, "path too long: %s", o->path);
		return -1;
	}
	if (stat(o->path, &st) != 0) {
		fail(L, "cannot open %s: %s", o->path, strerror(errno));
		return -1;
	}
	L->ds->name = arena_add(L->ds, base, strlen(base), 0);
	if (L->ds->name == NO_STR) {
		fail(L, "out of memory");
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		strcpy(L->dir, o->path);
		for (enum eng_format f = ENG_FMT_ML100K; L->fmt == ENG_FMT_AUTO && f <= ENG_FMT_MLCSV; f++)
			if (is_file(L->dir, ratings_file[f]))
				L->fmt = f;
		if (L->fmt == ENG_FMT_AUTO) {
			fail(L, "%s: expected u.data, ratings.dat or ratings.csv in the directory",
			     o->path);
			return -1;
		}
		if (L->fmt == ENG_FMT_CSV || L->fmt == ENG_FMT_TSV) {
			fail(L, "%s: format %s reads a ratings file, not a directory",
			     o->path, ds_format_name(L->fmt));
			return -1;
		}
		if (join(L, L->ratings[0], L->dir, ratings_file[L->fmt]))
			return -1;
	} else {
		char *slash;

		strcpy(L->dir, o->path);
		slash = strrchr(L->dir, '/');
		if (slash)
			*slash = '\0';
		else
			strcpy(L->dir, ".");
		strcpy(L->ratings[0], o->path);
		for (enum eng_format f = ENG_FMT_ML100K; L->fmt == ENG_FMT_AUTO && f <= ENG_FMT_MLCSV; f++)
			if (strcmp(base, ratings_file[f]) == 0)
				L->fmt = f;
		if (L->fmt == ENG_FMT_AUTO)
			L->fmt = sniff(o->path);
	}
	L->n_files = 1;
	if (o->split) {
		char name[16];

		if (check_split(L, o->split))
			return -1;
		if (L->fmt != ENG_FMT_ML100K) {
			fail(L, "split %s: expected an ML-100K dataset, %s is %s",
			     o->split, o->path, ds_format_name(L->fmt));
			return -1;
		}
		snprintf(name, sizeof name, "%s.base", o->split);
		if (join(L, L->ratings[0], L->dir, name))
			return -1;
		snprintf(name, sizeof name, "%s.test", o->split);
		if (join(L, L->ratings[1], L->dir, name))
			return -1;
		L->n_files = 2;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Values as codes, ids in 2, 3 or 4 bytes (rcols.h)
 */

/* The float's bits: values are told apart by them, so -0 and 0 (both
 * accepted ratings) keep their own codes and decode as they were read. */
static uint32_t float_bits(float v)
{
	uint32_t b;

	memcpy(&b, &v, sizeof b);
	return b;
}

/* Values to codes: first a direct-mapped cache on the top 12 bits of a
 * value's float (sign, exponent and 3 mantissa bits: the half steps 0.5
 * to 7.5 each get their own entry), then an open-addressing table from
 * the bits to the code. */
#define DIRECT_SLOTS 4096
#define CODE_SLOTS (2 * RCOLS_VALUES_MAX)

struct coder {
	float value[RCOLS_VALUES_MAX];  /* (n) by code, in first-seen order */
	int n;
	uint32_t dbits[DIRECT_SLOTS];   /* the value cached in each entry */
	int16_t dcode[DIRECT_SLOTS];    /* and its code, or -1 */
	int16_t slot[CODE_SLOTS];       /* codes by hash of the bits, -1 empty */
};

static struct coder *coder_new(void)
{
	struct coder *k = calloc(1, sizeof *k);

	if (k) {
		memset(k->dcode, 0xFF, sizeof k->dcode);
		memset(k->slot, 0xFF, sizeof k->slot);
	}
	return k;
}

static unsigned code_slot(uint32_t bits)
{
	return (unsigned)((bits * 0x9E3779B97F4A7C15ull) >> 55) & (CODE_SLOTS - 1);
}

/* The slot of bits: where its code is, or the empty slot for it. */
static unsigned coder_slot(const struct coder *k, uint32_t bits)
{
	unsigned h = code_slot(bits);

	while (k->slot[h] >= 0 && float_bits(k->value[k->slot[h]]) != bits)
		h = (h + 1) & (CODE_SLOTS - 1);
	return h;
}

/* The code of a value, or -1 when it has none yet.  Reads only: the
 * parse's two threads call it at once. */
static inline int coder_find(const struct coder *k, float v)
{
	uint32_t bits = float_bits(v), d = bits >> 20;

	return k->dcode[d] >= 0 && k->dbits[d] == bits ? k->dcode[d] :
	       k->slot[coder_slot(k, bits)];
}

/* The code of a value, added when new; -1 when RCOLS_VALUES_MAX are
 * taken. */
static int coder_code(struct coder *k, float v)
{
	uint32_t bits = float_bits(v), d = bits >> 20;
	unsigned h;

	if (k->dcode[d] >= 0 && k->dbits[d] == bits)
		return k->dcode[d];
	h = coder_slot(k, bits);
	if (k->slot[h] < 0) {
		if (k->n == RCOLS_VALUES_MAX)
			return -1;
		k->value[k->n] = v;
		k->slot[h] = (int16_t)k->n++;
	}
	if (k->dcode[d] < 0) {
		k->dbits[d] = bits;
		k->dcode[d] = k->slot[h];
	}
	return k->slot[h];
}

static int by_value(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	uint32_t bx = float_bits(x), by = float_bits(y);

	return x < y ? -1 : x > y ? 1 : bx < by ? -1 : bx > by;
}

/* Floats as one-byte codes when there are at most RCOLS_VALUES_MAX
 * distinct ones, in one pass in place (the demo set's ratings come as
 * floats): byte j is written after float j/4 <= j was read (char
 * copies, so the compiler keeps that order).  Past the limit at j the
 * pass is undone from the back (float i's bytes 4i.. hold codes of
 * ratings past i only) and the floats stay; else L->coder holds the
 * table and ds->code the codes. */
static void code_floats(struct load *L)
{
	struct ds *ds = L->ds;
	struct coder *k = coder_new();
	unsigned char *b = (unsigned char *)ds->rating;
	size_t n = ds->n, j;

	if (!k)
		return;   /* the floats stay, as they are */
	for (j = 0; j < n; j++) {
		float v;
		int c;

		memcpy(&v, b + j * sizeof v, sizeof v);
		if ((c = coder_code(k, v)) < 0)
			break;
		b[j] = (unsigned char)c;
	}
	if (j < n) {
		while (j-- > 0)
			memcpy(b + j * sizeof(float), &k->value[b[j]], sizeof(float));
		free(k);
		return;
	}
	L->coder = k;
	ds->code = b;
	ds->rating = NULL;
}

/* Codes back to floats, when a value past RCOLS_VALUES_MAX turns up in
 * the middle of a parse.  -1 when memory runs out. */
static int codes_to_floats(struct load *L)
{
	struct ds *ds = L->ds;
	float *r = malloc((L->cap ? L->cap : 1) * sizeof *r);

	if (!r)
		return -1;
	for (size_t j = 0; j < ds->n; j++)
		r[j] = L->coder->value[ds->code[j]];
	free(ds->code);
	free(L->coder);
	ds->code = NULL;
	L->coder = NULL;
	ds->rating = r;
	return 0;
}

/* Step 6: the table sorted ascending into ds->value, the codes
 * renumbered to match, the array shrunk to size. */
static void finish_codes(struct load *L)
{
	struct ds *ds = L->ds;
	struct coder *k = L->coder;
	float sorted[RCOLS_VALUES_MAX];
	unsigned char renum[RCOLS_VALUES_MAX];
	int same = 1;

	memcpy(sorted, k->value, (size_t)k->n * sizeof *sorted);
	qsort(sorted, (size_t)k->n, sizeof *sorted, by_value);
	for (int c = 0; c < k->n; c++) {
		int s = 0;
		while (float_bits(sorted[s]) != float_bits(k->value[c]))
			s++;
		renum[c] = (unsigned char)s;
		same &= s == c;
	}
	for (size_t j = 0; !same && j < ds->n; j++)
		ds->code[j] = renum[ds->code[j]];
	memcpy(ds->value, sorted, (size_t)k->n * sizeof *sorted);
	ds->n_values = k->n;
	free(k);
	L->coder = NULL;
	void *shrunk = realloc(ds->code, ds->n ? ds->n : 1);
	if (shrunk)
		ds->code = shrunk;
}

/* Bytes an id takes for n_ids distinct ones: 2, 3 or 4. */
static int id_width(uint32_t n_ids)
{
	return n_ids <= UINT16_MAX + 1u ? 2 : n_ids <= (1u << 24) ? 3 : 4;
}

/* Store id at entry j of a column of 3- or 4-byte ids (the parse's). */
static inline void put_id(unsigned char *col, int w, size_t j, uint32_t id)
{
	if (w == 3) {
		unsigned char *p = col + 3 * j;

		p[0] = (unsigned char)id;
		p[1] = (unsigned char)(id >> 8);
		p[2] = (unsigned char)(id >> 16);
	} else {
		memcpy(col + 4 * j, &id, sizeof id);
	}
}

/* Rewrite an id column of n entries from *w bytes each to `to`, through
 * the dense indices of m when m is set, else through map[] when it is
 * set, in place, counting each new id's entries into count[] when it is
 * set (zeroed by the caller), then make its allocation fit: block by block through a
 * buffer, from the front when it narrows (block [a, a + B) is read
 * whole, then written below (a + B) * *w, over entries already read),
 * from the back when it widens (the array grown first).  -1 when memory
 * runs out, the column unchanged. */
static int recode_ids(unsigned char **col, int *w, size_t n, int to, const struct idmap *m,
		      const uint32_t *map, uint32_t *count)
{
	enum { B = 1024 };
	unsigned char *c = *col;
	uint32_t in[B];
	uint16_t o16[B];
	unsigned char o24[3 * B];
	int from = *w;

	if (to > from) {
		c = realloc(c, n * (size_t)to + 1);
		if (!c)
			return -1;
		*col = c;
	}
	for (size_t k = 0; k < n; k += B) {
		/* block a: the k-th from the front, or from the back */
		size_t a = to > from ? (n - k - 1) / B * B : k;
		size_t b = n - a < B ? n - a : B;
		const void *src;

		rc_ids(from == 4 ? (const void *)(c + 4 * a) : NULL,
		       from == 2 ? (const void *)(c + 2 * a) : NULL,
		       from == 3 ? c + 3 * a : NULL, 0, b, in);
		if (m)
			idmap_remap(m, in, b);
		else if (map)
			for (size_t j = 0; j < b; j++)
				in[j] = map[in[j]];
		if (count)
			for (size_t j = 0; j < b; j++)
				count[in[j]]++;
		if (to == 2) {
			for (size_t j = 0; j < b; j++)
				o16[j] = (uint16_t)in[j];
			src = o16;
		} else if (to == 3) {
			for (size_t j = 0; j < b; j++) {
				o24[3 * j] = (unsigned char)in[j];
				o24[3 * j + 1] = (unsigned char)(in[j] >> 8);
				o24[3 * j + 2] = (unsigned char)(in[j] >> 16);
			}
			src = o24;
		} else {
			src = in;
		}
		memcpy(c + a * (size_t)to, src, b * (size_t)to);
	}
	if (to < from) {
		void *shrunk = realloc(c, n * (size_t)to + 1);
		if (shrunk)
			*col = shrunk;
	}
	*w = to;
	return 0;
}

/* ---------------------------------------------------------------------
 * Step 2: ratings
 */

static const char *sep_name(const struct csv_dialect *d)
{
	if (d->doubled)
		return "'::'";
	switch (d->sep) {
	case '\t': return "tab";
	case ',':  return "','";
	default:   return "'|'";
	}
}

/* Report field f of the current line as not what was expected. */
static void bad_field(struct load *L, const struct lines *lf, const char *what,
                      const struct csv_field *f)
{
	char shown[48];

	csv_show(shown, sizeof shown, f->s, f->n);
	lines_fail(lf, L->err, L->errlen, "expected %s, got \"%s\"", what, shown);
}

/* Grow the columns to cap ratings.  On failure they stay valid.  They
 * are not advised as huge pages (hugemem.h): written once, front to
 * back, they cost 4 KiB faults the kernel serves from pages it has at
 * hand, where a 2 MiB page can stall the fault for compaction or, on a
 * virtual machine, for the host to back fresh memory: 7 alternating
 * runs of summary on 25M ratings (load average 2.2-2.5) took 1.13-1.47 s
 * (median 1.28) with 4 KiB pages against 1.18-2.06 s (1.72) with huge
 * ones, system time 0.25-0.34 against 0.31-0.80 s. */
static int reserve(struct load *L, size_t cap)
{
	struct ds *ds = L->ds;
	void *p;

	if (cap == 0 || cap > (SIZE_MAX - 1) / sizeof(float))
		return -1;
	p = realloc(ds->users, cap * (size_t)ds->uw + 1);
	if (!p)
		return -1;
	ds->users = p;
	p = realloc(ds->items, cap * (size_t)ds->iw + 1);
	if (!p)
		return -1;
	ds->items = p;
	if (L->coder) {
		p = realloc(ds->code, cap);
		if (!p)
			return -1;
		ds->code = p;
	} else {
		p = realloc(ds->rating, cap * sizeof *ds->rating);
		if (!p)
			return -1;
		ds->rating = p;
	}
	L->cap = cap;
	return 0;
}

/* Append a rating the general path read: an id column widened to 4
 * bytes first when the id needs it, the codes turned into floats when
 * its value would be one code too many.  -1 when memory runs out. */
static int put_rating(struct load *L, uint32_t u, uint32_t it, float v)
{
	struct ds *ds = L->ds;
	int c = 0;

	if (ds->n == L->cap && reserve(L, L->cap + L->cap / 2 + 1024))
		return -1;
	/* recode_ids() fits the array to the ratings; reserve() regrows it */
	if ((u >> 24 && ds->uw == 3 &&
	     (recode_ids(&ds->users, &ds->uw, ds->n, 4, NULL, NULL, NULL) || reserve(L, L->cap))) ||
	    (it >> 24 && ds->iw == 3 &&
	     (recode_ids(&ds->items, &ds->iw, ds->n, 4, NULL, NULL, NULL) || reserve(L, L->cap))))
		return -1;
	if (L->coder && (c = coder_code(L->coder, v)) < 0 && codes_to_floats(L))
		return -1;
	put_id(ds->users, ds->uw, ds->n, u);
	put_id(ds->items, ds->iw, ds->n, it);
	if (L->coder)
		ds->code[ds->n] = (uint8_t)c;
	else
		ds->rating[ds->n] = v;
	ds->n++;
	return 0;
}

/* The general path for one line: split it, recognise a header, parse
 * and check every field, explaining the first problem.  0 to go on
 * (the rating appended, or the line skipped), -1 with err set. */
static int general_line(struct load *L, const struct lines *lf, char *line, size_t len,
			int header_ok, int *first)
{
	struct csv_field f[5];
	const char *why;
	double v;
	uint32_t u, it;
	uint64_t ts;
	int nf, numeric;

	if (len == 0)
		return 0;
	nf = csv_split(line, len, &L->dialect, f, 5, &why);
	if (nf < 0) {
		lines_fail(lf, L->err, L->errlen, "%s", why);
		return -1;
	}
	if (nf < 3 || nf > 4) {
		lines_fail(lf, L->err, L->errlen,
		           "expected 3 or 4 %s-separated fields (user, item, rating[, timestamp]), got %d",
		           sep_name(&L->dialect), nf);
		return -1;
	}
	numeric = csv_decimal(f[2].s, f[2].n, &v) == 0;
	/* A header is recognised by its rating column not being a number. */
	if (*first && header_ok && !numeric) {
		*first = 0;
		return 0;
	}
	*first = 0;
	if (csv_u32(f[0].s, f[0].n, &u)) {
		bad_field(L, lf, "a user id " ID_RANGE, &f[0]);
		return -1;
	}
	if (csv_u32(f[1].s, f[1].n, &it)) {
		bad_field(L, lf, "an item id " ID_RANGE, &f[1]);
		return -1;
	}
	if (!numeric || !(v >= L->lo && v <= L->hi)) {
		bad_field(L, lf, L->rating_what, &f[2]);
		return -1;
	}
	if (nf == 4 && csv_u64(f[3].s, f[3].n, &ts)) {
		bad_field(L, lf, "a timestamp (a non-negative integer)", &f[3]);
		return -1;
	}
	if (put_rating(L, u, it, (float)v)) {
		fail(L, "%s: out of memory", lf->name);
		return -1;
	}
	return 0;
}

/* Where the fast path writes: the dataset's own columns (grown through
 * the load as they fill), or a fixed scratch of cap ratings; the ids in
 * the dataset's widths, the values as codes when L->coder is set. */
struct fast_out {
	struct load *grow;            /* non-NULL: the dataset's columns */
	unsigned char *user, *item;
	uint8_t *code;
	float *real;
	size_t n, cap;
};

/* The fast path over the whole lines in [p, end): parse each with
 * csv_rating_line straight into out until the span ends, a line needs the
 * general path (which also takes an id too wide for its column, and a
 * value without a code yet), or a scratch is full.  Returns where it
 * stopped; *n_lines gets the lines taken, and -1 in *oom when the
 * columns could not grow.  Reads L and its coder only, so the parse's
 * two threads run it at once. */
static const char *fast_lines(const struct load *L, const char *p, const char *end,
			      struct fast_out *o, unsigned long *n_lines, int *oom)
{
	const double lo = L->lo, hi = L->hi;
	const struct coder *k = L->coder;
	const int uw = L->ds->uw, iw = L->ds->iw;
	/* ids past 24 bits leave the fast path while their column is 3 bytes */
	const uint32_t ubig = uw == 3 ? 0xFF000000u : 0, ibig = iw == 3 ? 0xFF000000u : 0;
	/* in locals, so the stores below cannot alias them */
	unsigned char *user = o->user, *item = o->item;
	uint8_t *code = o->code;
	float *real = o->real;
	size_t n = o->n, cap = o->cap;

	while (p < end) {
		struct csv_rating r;
		const char *next = csv_rating_line(p, &L->dialect, &r);
		float v;
		int c = 0;

		if (!next || !(r.rating >= lo && r.rating <= hi) || (r.user & ubig) ||
		    (r.item & ibig))
			break;
		v = (float)r.rating;
		if (k && (c = coder_find(k, v)) < 0)
			break;
		if (n == cap) {
			if (!o->grow)
				break;
			if (reserve(o->grow, cap + cap / 2 + 1024)) {
				*oom = -1;
				break;
			}
			user = o->grow->ds->users;
			item = o->grow->ds->items;
			code = o->grow->ds->code;
			real = o->grow->ds->rating;
			cap = o->grow->cap;
		}
		put_id(user, uw, n, r.user);
		put_id(item, iw, n, r.item);
		if (k)
			code[n] = (uint8_t)c;
		else
			real[n] = v;
		n++;
		p = next;
	}
	*n_lines = n - o->n;
	o->user = user;
	o->item = item;
	o->code = code;
	o->real = real;
	o->n = n;
	o->cap = cap;
	return p;
}

/* Files at least this big are parsed on two threads (the window's second
 * half on a worker), unless ds_opts.threads says one: parsing is most of
 * a big load, and it is the same work per line.  ds_opts.two_threads_from
 * may set another size (the fuzzers: every file). */
#define SPLIT_PARSE_MIN (8u << 20)
#define HALF_CAP (LINES_WINDOW / 2 / 6 + 1)   /* "1,1,1\n" is the shortest line */

/* One window's fast path on two threads: the loading thread takes lines
 * up to mid into the dataset, the worker the rest into a scratch in the
 * same widths, which is then appended.  The ratings keep the file's
 * order, and where either half stops at a line for the general path the
 * window's result is what the one-thread path would give.  The worker
 * sleeps on a semaphore between windows: the gap (the next read, the
 * append) is longer than a spin is worth, and a spinning worker cost a
 * 25M load 0.45 s of CPU time.  When other jobs hold the second vCPU,
 * the worker may not run for a while: the second half is claimed by
 * whichever thread gets to it first, so the loading thread, done with
 * its own half, takes the rest itself rather than wait, and parses the
 * windows after on its own until the worker has answered (a `make
 * bench` at load average 2-2.5 took 1.68 s for summary-25m on two
 * threads, waiting so, against 1.54 s on one). */
struct split_parse {
	struct load *L;
	pthread_t thread;
	sem_t go, done;
	int quit;
	int busy;                     /* a job posted, its done not yet taken */
	atomic_int claimed;           /* the job's second half taken, by either */
	const char *mid, *end;        /* the worker's lines */
	struct fast_out out;          /* its scratch */
	const char *stop;             /* where it stopped, */
	unsigned long n_lines;        /* after this many lines */
	unsigned char *user, *item;   /* (4 HALF_CAP + 1) the scratch's arrays */
	uint8_t *code;
	float *real;
};

static void sem_wait_all(sem_t *s)
{
	while (sem_wait(s) != 0 && errno == EINTR)
		;
}

static void *split_worker(void *arg)
{
	struct split_parse *sp = arg;
	int oom = 0;

	for (;;) {
		sem_wait_all(&sp->go);
		if (sp->quit)
			return NULL;
		if (atomic_exchange(&sp->claimed, 1) == 0)
			sp->stop = fast_lines(sp->L, sp->mid, sp->end, &sp->out, &sp->n_lines,
					      &oom);
		sem_post(&sp->done);
	}
}

static const char *window_lines(struct load *L, struct split_parse *sp, const char *p,
				const char *end, unsigned long *n_lines, int *oom)
{
	struct ds *ds = L->ds;
	struct fast_out all = { L, ds->users, ds->items, ds->code, ds->rating, ds->n, L->cap };
	const char *mid = sp ? memchr(p + (end - p) / 2, '\n', (size_t)(end - p) / 2) : NULL;
	const char *q;

	if (sp && sp->busy && sem_trywait(&sp->done) == 0)
		sp->busy = 0;
	if (!mid || mid + 1 >= end || sp->busy) {   /* one thread */
		q = fast_lines(L, p, end, &all, n_lines, oom);
		ds->n = all.n;
		return q;
	}
	sp->mid = mid + 1;
	sp->end = end;
	sp->out = (struct fast_out){ NULL, sp->user, sp->item, sp->code, sp->real, 0, HALF_CAP };
	atomic_store(&sp->claimed, 0);
	sp->busy = 1;
	sem_post(&sp->go);
	q = fast_lines(L, p, sp->mid, &all, n_lines, oom);
	ds->n = all.n;
	if (*oom || q != sp->mid) {
		/* the worker's lines, if it takes them, are not used; but it
		 * reads the coder and the widths, which the general path may
		 * change next */
		sem_wait_all(&sp->done);
		sp->busy = 0;
		return q;
	}
	if (!L->worker_takes_half && atomic_exchange(&sp->claimed, 1) == 0) {
		/* the worker has not started: the rest here, as on one thread */
		unsigned long more;

		q = fast_lines(L, sp->mid, end, &all, &more, oom);
		ds->n = all.n;
		*n_lines += more;
		return q;
	}
	sem_wait_all(&sp->done);
	sp->busy = 0;
	/* the first half whole: the second's lines follow, up to its stop */
	size_t n2 = sp->out.n, vsize = L->coder ? 1 : sizeof(float);
	if (L->cap - ds->n < n2 && reserve(L, ds->n + n2 + L->cap / 2)) {
		*oom = -1;
		return sp->mid;
	}
	memcpy(ds->users + ds->n * (size_t)ds->uw, sp->user, n2 * (size_t)ds->uw);
	memcpy(ds->items + ds->n * (size_t)ds->iw, sp->item, n2 * (size_t)ds->iw);
	if (L->coder)
		memcpy(ds->code + ds->n, sp->code, n2 * vsize);
	else
		memcpy(ds->rating + ds->n, sp->real, n2 * vsize);
	ds->n += n2;
	*n_lines += sp->n_lines;
	return sp->stop;
}

static void split_parse_free(struct split_parse *sp)
{
	if (!sp)
		return;
	if (sp->busy)
		sem_wait_all(&sp->done);   /* quit is read only by an idle worker */
	sp->quit = 1;
	sem_post(&sp->go);
	pthread_join(sp->thread, NULL);
	sem_destroy(&sp->go);
	sem_destroy(&sp->done);
	free(sp->user);
	free(sp->item);
	free(sp->code);
	free(sp->real);
	free(sp);
}

/* A two-thread parse for a file of size bytes, or NULL (one thread: a
 * small file, ds_opts.threads 1, or no memory or thread for it). */
static struct split_parse *split_parse_new(struct load *L, off_t size)
{
	if ((uint64_t)size < L->two_threads_from || L->threads == 1)
		return NULL;
	struct split_parse *sp = calloc(1, sizeof *sp);
	if (!sp)
		return NULL;
	sp->L = L;
	sp->user = malloc(4 * HALF_CAP + 1);
	sp->item = malloc(4 * HALF_CAP + 1);
	sp->code = malloc(HALF_CAP);
	sp->real = malloc(HALF_CAP * sizeof *sp->real);
	if (!sp->user || !sp->item || !sp->code || !sp->real || sem_init(&sp->go, 0, 0))
		goto free_bufs;
	if (sem_init(&sp->done, 0, 0))
		goto destroy_go;
	if (pthread_create(&sp->thread, NULL, split_worker, sp))
		goto destroy_done;
	return sp;
destroy_done:
	sem_destroy(&sp->done);
destroy_go:
	sem_destroy(&sp->go);
free_bufs:
	free(sp->user);
	free(sp->item);
	free(sp->code);
	free(sp->real);
	free(sp);
	return NULL;
}

/* Tell the caller's progress callback how far the file has been read;
 * -1 when it asks to stop. */
static int report_progress(struct load *L, const struct lines *lf)
{
	if (!L->progress)
		return 0;
	if (L->progress(L->progress_ctx, (uint64_t)lf->nread, (uint64_t)lf->size) == 0)
		return 0;
	fail(L, "%s: loading cancelled", lf->name);
	return -1;
}

/* The same between the steps after parsing (ids, titles, user data),
 * with the file wholly read: on 25M ratings they take a second or so, and
 * a caller should still hear that work goes on, and be able to stop it. */
static int report_step(struct load *L)
{
	if (!L->progress || L->progress(L->progress_ctx, L->read, L->read) == 0)
		return 0;
	fail(L, "%s: loading cancelled", L->ds->arena + L->ds->name);
	return -1;
}

static int parse_ratings(struct load *L, const char *path, int header_ok)
{
	struct ds *ds = L->ds;
	struct lines lf;
	char *line;
	size_t len, start = ds->n;
	int rc, first = 1;
	struct split_parse *sp = NULL;

	if (lines_open(&lf, path, L->err, L->errlen))
		return -1;
	/* A rating line is rarely under 16 bytes, so this first guess is
	 * seldom exceeded; pages never written are never resident. */
	if (L->cap == 0 && reserve(L, (size_t)lf.size / 16 + 1024))
		goto oom;
	sp = split_parse_new(L, lf.size);
	/* Whole lines go through the fast path a window at a time; the line
	 * it declines (and the last line without a newline) through the
	 * general one, which alone explains errors. */
	for (;;) {
		char *p, *end;

		rc = lines_span(&lf, &p, &end, L->err, L->errlen);
		if (rc < 0)
			goto fail;
		if (rc > 0) {
			unsigned long n_lines;
			int oom = 0;
			const char *q = window_lines(L, sp, p, end, &n_lines, &oom);

			lines_skip(&lf, q, n_lines);
			if (oom)
				goto oom;
			if (n_lines)
				first = 0;
			if (report_progress(L, &lf))
				goto fail;
			if (q == end)
				continue;
		}
		rc = lines_next(&lf, &line, &len, L->err, L->errlen);
		if (rc <= 0)
			break;
		if (general_line(L, &lf, line, len, header_ok, &first))
			goto fail;
	}
	if (rc < 0)
		goto fail;
	if (ds->n == start) {
		fail(L, "%s: expected ratings, %s", lf.name,
		     lf.size == 0 ? "the file is empty" : "found none");
		goto fail;
	}
	L->read += (uint64_t)lf.nread;
	lines_close(&lf);
	split_parse_free(sp);
	return 0;
oom:
	fail(L, "%s: out of memory", lf.name);
fail:
	lines_close(&lf);
	split_parse_free(sp);
	return -1;
}

/* Smallest and largest rating and whether any is a half star, after
 * parsing, so the per-line loops stay short: over the distinct values in
 * the order they were first seen when they are coded, which gives what
 * a pass over every rating would (a value seen again changes nothing),
 * else over every rating. */
static void rating_stats(const struct load *L)
{
	struct ds *ds = L->ds;
	const float *r = L->coder ? L->coder->value : ds->rating;
	size_t n = L->coder ? (size_t)L->coder->n : ds->n;
	float lo = ds->rmin, hi = ds->rmax;
	int half = 0;

	for (size_t j = 0; j < n; j++) {
		float v = r[j], t = 2.0f * v;

		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
		half |= t == (float)(uint32_t)t && v != (float)(uint32_t)v;
	}
	ds->rmin = lo;
	ds->rmax = hi;
	ds->half = half;
}

static int load_ratings(struct load *L)
{
	static const struct {
		struct csv_dialect d;
		float lo, hi;
		int header;
	} spec[] = {
		[ENG_FMT_ML100K] = { { '\t', 0, 0 }, 1.0f, 5.0f, 0 },
		[ENG_FMT_MLDAT]  = { { ':', 1, 0 }, 0.5f, 5.0f, 0 },
		[ENG_FMT_MLCSV]  = { { ',', 0, 1 }, 0.5f, 5.0f, 1 },
		[ENG_FMT_CSV]    = { { ',', 0, 1 }, 0.0f, 10.0f, 1 },
		[ENG_FMT_TSV]    = { { '\t', 0, 0 }, 0.0f, 10.0f, 1 },
	};

	L->dialect = spec[L->fmt].d;
	L->lo = spec[L->fmt].lo;
	L->hi = spec[L->fmt].hi;
	snprintf(L->rating_what, sizeof L->rating_what, "a rating between %g and %g",
	         (double)L->lo, (double)L->hi);
	L->ds->rmin = L->hi;
	L->ds->rmax = L->lo;
	/* original ids in 3 bytes, values as codes, from the first rating */
	L->ds->uw = L->ds->iw = 3;
	if (!(L->coder = coder_new())) {
		fail(L, "out of memory");
		return -1;
	}
	for (int k = 0; k < L->n_files; k++) {
		if (parse_ratings(L, L->ratings[k], spec[L->fmt].header))
			return -1;
		if (k == 0 && L->n_files == 2)
			L->ds->n_train = L->ds->n;
	}
	rating_stats(L);
	/* Give back the slack of the capacity guess. */
	if (L->ds->n < L->cap && reserve(L, L->ds->n)) {
		fail(L, "out of memory");
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Step 3: dense ids
 */

/* One id column of n original ids, to be rewritten as dense indices as
 * narrow as their count allows; ids gets the (count) originals, and
 * n_ratings how many ratings each has (counted in the same pass: the
 * summary and the catalogue need them, and another pass over 25M
 * ratings was a tenth of a second). */
struct densify {
	size_t n;
	unsigned char **col;
	int *w;
	uint32_t **ids;
	uint32_t *count;
	uint32_t **n_ratings;
	struct load *codes;           /* non-NULL: then finish_codes() on it */
	int rc;                       /* -1: out of memory */
};

static void *densify_col(void *arg)
{
	struct densify *d = arg;
	struct idmap m;

	d->rc = -1;
	if (idmap_build(&m, *d->col, *d->w, d->n) == 0 &&
	    (*d->n_ratings = calloc(m.n ? m.n : 1, sizeof **d->n_ratings)) &&
	    recode_ids(d->col, d->w, d->n, id_width(m.n), &m, NULL, *d->n_ratings) == 0) {
		*d->count = m.n;
		*d->ids = idmap_take_ids(&m);
		d->rc = 0;
	}
	idmap_free(&m);
	if (d->codes && d->codes->coder)
		finish_codes(d->codes);
	return NULL;
}

/* Step 3 for both columns, the items' on a second thread when there are
 * many ratings and ds_opts.threads allows: they share nothing, and on
 * 25M ratings each is a fifth of a second.  Step 6 as well. */
#define DENSIFY_SPLIT_MIN ((size_t)1 << 19)

static int densify(struct load *L)
{
	struct ds *ds = L->ds;
	struct densify u = { ds->n, &ds->users, &ds->uw, &ds->user_id, &ds->n_users,
			     &ds->user_n, NULL, 0 };
	/* the items' column is the lighter (16 bits for MovieLens), so the
	 * value codes' step 6 follows it */
	struct densify i = { ds->n, &ds->items, &ds->iw, &ds->item_id, &ds->n_items,
			     &ds->item_n, L, 0 };
	pthread_t t;
	int two = ds->n >= DENSIFY_SPLIT_MIN && L->threads != 1 &&
		  pthread_create(&t, NULL, densify_col, &i) == 0;

	densify_col(&u);
	if (two)
		pthread_join(t, NULL);
	else
		densify_col(&i);
	if (u.rc || i.rc) {
		fail(L, "out of memory");
		return -1;
	}
	return 0;
}

/* Dense index of an original id; ids[] is sorted, so a binary search
 * serves the metadata files, which are small next to the ratings. */
static uint32_t find_id(const uint32_t *ids, uint32_t n, uint32_t id)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ids[lo] == id ? lo : IDMAP_NONE;
}

/* ---------------------------------------------------------------------
 * Step 4: item and user metadata
 */

/* Handle one record of a metadata file, split into f[0..nf) (nf counts
 * fields past META_FIELDS too, which are not stored).  0 to go on, -1 to
 * stop with err set. */
typedef int row_fn(struct load *L, const struct lines *lf, struct csv_field *f,
                   int nf, void *ctx);

#define META_FIELDS (5 + GENRES_MAX)   /* u.item is the widest */

/* Read the optional companion file dir/name row by row.  1 when read,
 * 0 when it does not exist, -1 on any other failure (err set).  A file
 * that is there must be text with at least one record: a NUL byte
 * (a binary or damaged file) and a file of blank lines only (an empty
 * u.item would leave every movie untitled) are refused. */
static int read_meta(struct load *L, const char *name, const struct csv_dialect *d,
                     row_fn *fn, void *ctx)
{
	struct csv_field f[META_FIELDS];
	struct lines lf;
	char *line;
	size_t len;
	int rc;

	if (join(L, L->meta, L->dir, name))
		return -1;
	if (lines_open(&lf, L->meta, L->err, L->errlen))
		return errno == ENOENT ? 0 : -1;
	int records = 0;
	while ((rc = lines_next(&lf, &line, &len, L->err, L->errlen)) > 0) {
		const char *why;
		const char *nul;
		int nf;

		if (len == 0)
			continue;
		records++;
		nul = memchr(line, '\0', len);
		if (nul) {
			lines_fail(&lf, L->err, L->errlen, "a NUL byte at column %zu: "
			           "expected text", (size_t)(nul - line) + 1);
			rc = -1;
			break;
		}
		nf = csv_split(line, len, d, f, META_FIELDS, &why);
		if (nf < 0) {
			lines_fail(&lf, L->err, L->errlen, "%s", why);
			rc = -1;
		} else if (fn(L, &lf, f, nf, ctx)) {
			rc = -1;
		}
		if (rc < 0)
			break;
	}
	if (rc == 0 && records == 0) {
		fail(L, "%s: empty: expected one record a line (or no such file)", lf.name);
		rc = -1;
	}
	lines_close(&lf);
	return rc < 0 ? -1 : 1;
}

struct genres {
	uint32_t name[GENRES_MAX];    /* arena offset, NO_STR for a gap */
	int n;
};

/* u.genre: "name|index". */
static int genre_row(struct load *L, const struct lines *lf, struct csv_field *f,
                     int nf, void *ctx)
{
	struct genres *g = ctx;
	uint32_t idx;

	if (nf != 2) {
		lines_fail(lf, L->err, L->errlen, "expected 2 '|'-separated fields (name|index), got %d", nf);
		return -1;
	}
	if (csv_u32(f[1].s, f[1].n, &idx) || idx >= GENRES_MAX) {
		bad_field(L, lf, "a genre index from 0 to 31", &f[1]);
		return -1;
	}
	g->name[idx] = arena_add_text(L->ds, f[0].s, f[0].n);
	if ((int)idx >= g->n)
		g->n = (int)idx + 1;
	return 0;
}

static int load_genres(struct load *L, struct genres *g)
{
	static const struct csv_dialect pipe = { '|', 0, 0 };
	int rc;

	for (int k = 0; k < GENRES_MAX; k++)
		g->name[k] = NO_STR;
	g->n = 0;
	rc = read_meta(L, "u.genre", &pipe, genre_row, g);
	for (size_t k = 0; rc == 0 && k < sizeof default_genres / sizeof *default_genres; k++) {
		g->name[k] = arena_add(L->ds, default_genres[k], strlen(default_genres[k]), 0);
		g->n = (int)k + 1;
	}
	return rc < 0 ? -1 : 0;
}

/* u.item's genre flags f[0..n) -> "Action|Comedy" in the arena. */
static int join_genres(struct load *L, const struct lines *lf, const struct csv_field *f,
                       int n, const struct genres *g, uint32_t *out)
{
	char buf[1024];
	size_t len = 0;

	for (int k = 0; k < n; k++) {
		const char *name;
		size_t nl;

		if (f[k].n != 1 || (f[k].s[0] != '0' && f[k].s[0] != '1')) {
			bad_field(L, lf, "a genre flag 0 or 1", &f[k]);
			return -1;
		}
		if (f[k].s[0] == '0' || g->name[k] == NO_STR)
			continue;
		name = L->ds->arena + g->name[k];
		nl = strlen(name);
		if (len + nl + 2 > sizeof buf)
			break;
		if (len)
			buf[len++] = '|';
		memcpy(buf + len, name, nl);
		len += nl;
	}
	*out = arena_add(L->ds, buf, len, 0);
	return 0;
}

struct items_ctx {
	struct genres genres;         /* ML-100K only */
	int first;                    /* no row seen yet: movies.csv's header */
};

/* One line of u.item (Latin-1, genre flags), movies.dat ("::") or
 * movies.csv (quoted, header). */
static int item_row(struct load *L, const struct lines *lf, struct csv_field *f,
                    int nf, void *ctx)
{
	struct items_ctx *c = ctx;
	struct ds *ds = L->ds;
	int ml100k = L->fmt == ENG_FMT_ML100K, first = c->first;
	uint32_t id, k;

	c->first = 0;
	if (ml100k ? nf < 2 : nf != 3) {
		lines_fail(lf, L->err, L->errlen, "expected %s, got %d fields",
		           ml100k ? "at least 2 '|'-separated fields (id|title|...)"
		                  : "3 fields (id, title, genres)", nf);
		return -1;
	}
	if (csv_u32(f[0].s, f[0].n, &id)) {
		if (first && L->fmt == ENG_FMT_MLCSV)
			return 0;   /* the header */
		bad_field(L, lf, "a movie id " ID_RANGE, &f[0]);
		return -1;
	}
	k = find_id(ds->item_id, ds->n_items, id);
	if (k == IDMAP_NONE)
		return 0;   /* no ratings: the rest of its line is not read */
	if (ds->item_title[k] != NO_STR) {
		/* which title would its ratings be of? */
		lines_fail(lf, L->err, L->errlen, "movie id %" PRIu32 " is listed a "
		           "second time: expected each movie once", id);
		return -1;
	}
	if (ml100k) {
		int nflags = nf - 5 < c->genres.n ? nf - 5 : c->genres.n;

		ds->item_title[k] = arena_add(ds, f[1].s, f[1].n, 1);
		ds->item_genres[k] = 0;   /* "" (the arena's offset 0) without flags */
		if (nflags > 0 && join_genres(L, lf, f + 5, nflags, &c->genres, &ds->item_genres[k]))
			return -1;
	} else {
		ds->item_title[k] = arena_add_text(ds, f[1].s, f[1].n);
		ds->item_genres[k] = arena_add_text(ds, f[2].s, f[2].n);
	}
	if (ds->item_title[k] == NO_STR || ds->item_genres[k] == NO_STR) {
		fail(L, "%s: out of memory", lf->name);
		return -1;
	}
	return 0;
}

/* Titles and genres for the items that have ratings. */
static int load_items(struct load *L)
{
	static const char *const file[] = {
		[ENG_FMT_ML100K] = "u.item", [ENG_FMT_MLDAT] = "movies.dat",
		[ENG_FMT_MLCSV] = "movies.csv",
	};
	static const struct csv_dialect dialect[] = {
		[ENG_FMT_ML100K] = { '|', 0, 0 }, [ENG_FMT_MLDAT] = { ':', 1, 0 },
		[ENG_FMT_MLCSV] = { ',', 0, 1 },
	};
	struct items_ctx c = { .first = 1 };

	if (L->fmt > ENG_FMT_MLCSV)
		return 0;
	if (L->fmt == ENG_FMT_ML100K && load_genres(L, &c.genres))
		return -1;
	return read_meta(L, file[L->fmt], &dialect[L->fmt], item_row, &c) < 0 ? -1 : 0;
}

/* u.user: id|age|gender|occupation|zip. */
static int user_row(struct load *L, const struct lines *lf, struct csv_field *f,
                    int nf, void *ctx)
{
	struct ds *ds = L->ds;
	uint32_t id, age, k;

	(void)ctx;
	if (nf != 5) {
		lines_fail(lf, L->err, L->errlen,
		           "expected 5 '|'-separated fields (id|age|gender|occupation|zip), got %d", nf);
		return -1;
	}
	if (csv_u32(f[0].s, f[0].n, &id)) {
		bad_field(L, lf, "a user id " ID_RANGE, &f[0]);
		return -1;
	}
	if (csv_u32(f[1].s, f[1].n, &age) || age > 200) {
		bad_field(L, lf, "an age from 0 to 200", &f[1]);
		return -1;
	}
	k = find_id(ds->user_id, ds->n_users, id);
	if (k == IDMAP_NONE)
		return 0;
	ds->user_age[k] = (int)age;
	ds->user_gender[k] = arena_add_text(ds, f[2].s, f[2].n);
	ds->user_occ[k] = arena_add_text(ds, f[3].s, f[3].n);
	if (ds->user_gender[k] == NO_STR || ds->user_occ[k] == NO_STR) {
		fail(L, "%s: out of memory", lf->name);
		return -1;
	}
	return 0;
}

/* Demographics from ML-100K's u.user; ds_has_user_meta() is then true. */
static int load_users(struct load *L)
{
	static const struct csv_dialect pipe = { '|', 0, 0 };
	struct ds *ds = L->ds;
	int rc;

	if (L->fmt != ENG_FMT_ML100K)
		return 0;
	/* calloc: users u.user does not list read as age 0, gender "". */
	ds->user_age = calloc(ds->n_users, sizeof *ds->user_age);
	ds->user_gender = calloc(ds->n_users, sizeof *ds->user_gender);
	ds->user_occ = calloc(ds->n_users, sizeof *ds->user_occ);
	if (!ds->user_age || !ds->user_gender || !ds->user_occ) {
		fail(L, "out of memory");
		return -1;
	}
	rc = read_meta(L, "u.user", &pipe, user_row, NULL);
	if (rc == 0) {   /* no u.user: no metadata at all */
		free(ds->user_age);
		free(ds->user_gender);
		free(ds->user_occ);
		ds->user_age = NULL;
		ds->user_gender = ds->user_occ = NULL;
	}
	return rc < 0 ? -1 : 0;
}

/* Items without a movies-file entry get "item <id>" and no genres. */
static int fill_missing_titles(struct load *L)
{
	struct ds *ds = L->ds;

	for (uint32_t k = 0; k < ds->n_items; k++) {
		if (ds->item_title[k] == NO_STR) {
			char buf[32];
			int n = snprintf(buf, sizeof buf, "item %" PRIu32, ds->item_id[k]);

			ds->item_title[k] = arena_add(ds, buf, (size_t)n, 0);
			if (ds->item_title[k] == NO_STR)
				goto oom;
		}
		if (ds->item_genres[k] == NO_STR)
			ds->item_genres[k] = 0;   /* the arena's leading "" */
	}
	return 0;
oom:
	fail(L, "out of memory");
	return -1;
}

/* ---------------------------------------------------------------------
 * Step 5: ENG_ITEM_KEY_TITLE
 */

struct titled {
	const char *title;
	uint32_t k;                   /* dense index by id */
};

static int cmp_titled(const void *a, const void *b)
{
	const struct titled *x = a, *y = b;
	int c = strcmp(x->title, y->title);

	/* Equal titles keep id order, so a group starts with its smallest id. */
	return c ? c : (x->k > y->k) - (x->k < y->k);
}

static void swap_arrays(uint32_t **a, uint32_t **b)
{
	uint32_t *t = *a;

	*a = *b;
	*b = t;
}

/* Renumber items so that equal titles share one index, in bytewise title
 * order (UTF-8 byte order is code point order, as Python sorts).  The
 * per-item arrays are rebuilt at the group count rather than compacted in
 * place, because sorted order does not follow the old slots. */
static int merge_titles(struct load *L)
{
	struct ds *ds = L->ds;
	uint32_t n = ds->n_items, m = 0;
	size_t cap = n ? n : 1;
	struct titled *t = malloc(cap * sizeof *t);
	uint32_t *newk = malloc(cap * sizeof *newk);     /* old index -> group */
	uint32_t *id = malloc(cap * sizeof *id);         /* per group */
	uint32_t *title = malloc(cap * sizeof *title);
	uint32_t *genres = malloc(cap * sizeof *genres);
	uint32_t *count = calloc(cap, sizeof *count);    /* ratings per group */
	int rc = -1;

	if (!t || !newk || !id || !title || !genres || !count) {
		fail(L, "out of memory");
		goto out;
	}
	for (uint32_t k = 0; k < n; k++) {
		t[k].title = ds->arena + ds->item_title[k];
		t[k].k = k;
	}
	qsort(t, n, sizeof *t, cmp_titled);
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(t[i].title, t[i - 1].title) != 0)
			m++;
		newk[t[i].k] = m;
		if (i == 0 || newk[t[i - 1].k] != m) {   /* first = smallest id */
			id[m] = ds->item_id[t[i].k];
			title[m] = ds->item_title[t[i].k];
			genres[m] = ds->item_genres[t[i].k];
		}
	}
	ds->n_items = n ? m + 1 : 0;
	if (recode_ids(&ds->items, &ds->iw, ds->n, id_width(ds->n_items), NULL, newk, NULL)) {
		fail(L, "out of memory");
		goto out;
	}
	for (uint32_t k = 0; k < n; k++)
		count[newk[k]] += ds->item_n[k];
	/* Swap the new arrays in; the old ones are freed below. */
	swap_arrays(&ds->item_n, &count);
	swap_arrays(&ds->item_id, &id);
	swap_arrays(&ds->item_title, &title);
	swap_arrays(&ds->item_genres, &genres);
	rc = 0;
out:
	free(t);
	free(newk);
	free(id);
	free(title);
	free(genres);
	free(count);
	return rc;
}

/* ---------------------------------------------------------------------
 * The demo set (synthdemo.h): steps 1, 2 and 4 from the generator
 */

/* Steps 1 and 2: the generated ratings become the dataset's, original ids
 * first, as parse_ratings leaves them; *demo keeps the rest. */
static int demo_ratings(struct load *L, const char *split, struct synth_demo *demo)
{
	struct ds *ds = L->ds;

	if (split) {
		fail(L, "the demo set has no canonical splits (--split %s is for MovieLens 100K)",
		     split);
		return -1;
	}
	if (synth_demo_make(demo, L->err, L->errlen))
		return -1;
	L->fmt = ENG_FMT_DEMO;
	ds->users = (unsigned char *)demo->user;
	ds->items = (unsigned char *)demo->item;
	ds->uw = ds->iw = 4;
	ds->rating = demo->rating;
	demo->user = demo->item = NULL;
	demo->rating = NULL;
	ds->n = L->cap = demo->n_ratings;
	ds->rmin = 5.0f;
	ds->rmax = 1.0f;
	rating_stats(L);
	code_floats(L);
	ds->name = arena_add(ds, SYNTH_DEMO_NAME, strlen(SYNTH_DEMO_NAME), 0);
	if (ds->name == NO_STR) {
		fail(L, "out of memory");
		return -1;
	}
	return 0;
}

/* Step 4: titles and genres from the generator. */
static int demo_items(struct load *L, const struct synth_demo *demo)
{
	struct ds *ds = L->ds;
	char buf[128];

	for (uint32_t k = 0; k < ds->n_items; k++) {
		uint32_t j = ds->item_id[k] - 1;
		int n = synth_demo_title(demo, j, buf, sizeof buf);

		ds->item_title[k] = arena_add(ds, buf, (size_t)n, 0);
		n = synth_demo_genres(demo, j, buf, sizeof buf);
		ds->item_genres[k] = arena_add(ds, buf, (size_t)n, 0);
		if (ds->item_title[k] == NO_STR || ds->item_genres[k] == NO_STR) {
			fail(L, "out of memory");
			return -1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Public API
 */

struct ds *ds_load(const struct ds_opts *opts, char *err, size_t errlen)
{
	struct load *L;
	struct ds *ds;
	struct synth_demo demo = { 0 };  /* ENG_FMT_DEMO: the generator's output */

	if (errlen)
		err[0] = '\0';
	if (!opts || ((!opts->path || !opts->path[0]) && opts->format != ENG_FMT_DEMO)) {
		if (errlen)
			snprintf(err, errlen, "no dataset path given");
		return NULL;
	}
	if ((unsigned)opts->format > ENG_FMT_DEMO || (unsigned)opts->item_key > ENG_ITEM_KEY_TITLE) {
		if (errlen)
			snprintf(err, errlen, "unknown dataset format or item key");
		return NULL;
	}
	/* struct load holds several PATH_MAX buffers: too big for a thread's
	 * stack to take lightly. */
	L = calloc(1, sizeof *L);
	ds = calloc(1, sizeof *ds);
	if (!L || !ds) {
		free(L);
		free(ds);
		if (errlen)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	L->ds = ds;
	L->err = err;
	L->errlen = errlen;
	L->key = opts->item_key;
	L->progress = opts->progress;
	L->progress_ctx = opts->progress_ctx;
	L->threads = opts->threads;
	L->two_threads_from = opts->two_threads_from ? opts->two_threads_from : SPLIT_PARSE_MIN;
	L->worker_takes_half = opts->two_threads_from != 0;
	if (arena_add(ds, "", 0, 0) == NO_STR) {   /* offset 0 is "" */
		fail(L, "out of memory");
		goto fail;
	}
	if (opts->format == ENG_FMT_DEMO ? demo_ratings(L, opts->split, &demo) :
	    resolve(L, opts) || load_ratings(L))
		goto fail;
	if (report_step(L))
		goto fail;
	ds->fmt = L->fmt;
	if (densify(L) || report_step(L))
		goto fail;
	ds->item_title = malloc(ds->n_items * sizeof *ds->item_title);
	ds->item_genres = malloc(ds->n_items * sizeof *ds->item_genres);
	if (!ds->item_title || !ds->item_genres) {
		fail(L, "out of memory");
		goto fail;
	}
	memset(ds->item_title, 0xFF, ds->n_items * sizeof *ds->item_title);
	memset(ds->item_genres, 0xFF, ds->n_items * sizeof *ds->item_genres);
	if (L->fmt == ENG_FMT_DEMO ? demo_items(L, &demo) :
	    load_items(L) || fill_missing_titles(L) || report_step(L) || load_users(L))
		goto fail;
	if (L->key == ENG_ITEM_KEY_TITLE && (report_step(L) || merge_titles(L)))
		goto fail;
	synth_demo_free(&demo);
	free(L);
	return ds;
fail:
	synth_demo_free(&demo);
	free(L->coder);
	free(L);
	ds_free(ds);
	return NULL;
}

void ds_free(struct ds *ds)
{
	if (!ds)
		return;
	free(ds->users);
	free(ds->items);
	free(ds->rating);
	free(ds->code);
	free(ds->user_id);
	free(ds->item_id);
	free(ds->user_n);
	free(ds->item_n);
	free(ds->item_title);
	free(ds->item_genres);
	free(ds->user_age);
	free(ds->user_gender);
	free(ds->user_occ);
	free(ds->arena);
	free(ds);
}

const char *ds_format_name(enum eng_format f)
{
	return (unsigned)f < sizeof format_names / sizeof *format_names
	       ? format_names[f] : "unknown";
}

const char *ds_name(const struct ds *ds) { return ds->arena + ds->name; }
enum eng_format ds_format(const struct ds *ds) { return ds->fmt; }
uint32_t ds_n_users(const struct ds *ds) { return ds->n_users; }
uint32_t ds_n_items(const struct ds *ds) { return ds->n_items; }
size_t ds_n_ratings(const struct ds *ds) { return ds->n; }
struct rcols ds_cols(const struct ds *ds)
{
	const void *u = ds->users, *i = ds->items;
	struct rcols c = {
		.n = ds->n,
		.user32 = ds->uw == 4 ? u : NULL, .user16 = ds->uw == 2 ? u : NULL,
		.user24 = ds->uw == 3 ? u : NULL,
		.item32 = ds->iw == 4 ? i : NULL, .item16 = ds->iw == 2 ? i : NULL,
		.item24 = ds->iw == 3 ? i : NULL,
		.code = ds->code, .value = ds->value, .real = ds->rating,
	};
	return c;
}

int ds_n_values(const struct ds *ds) { return ds->code ? ds->n_values : 0; }
size_t ds_n_train(const struct ds *ds) { return ds->n_train; }
float ds_rating_min(const struct ds *ds) { return ds->rmin; }
float ds_rating_max(const struct ds *ds) { return ds->rmax; }
int ds_half_stars(const struct ds *ds) { return ds->half; }

const uint32_t *ds_user_ratings(const struct ds *ds) { return ds->user_n; }
const uint32_t *ds_item_ratings(const struct ds *ds) { return ds->item_n; }

uint64_t ds_user_id(const struct ds *ds, uint32_t user)
{
	assert(user < ds->n_users);
	return ds->user_id[user];
}

uint64_t ds_item_id(const struct ds *ds, uint32_t item)
{
	assert(item < ds->n_items);
	return ds->item_id[item];
}

const char *ds_item_title(const struct ds *ds, uint32_t item)
{
	assert(item < ds->n_items);
	return ds->arena + ds->item_title[item];
}

const char *ds_item_genres(const struct ds *ds, uint32_t item)
{
	assert(item < ds->n_items);
	return ds->arena + ds->item_genres[item];
}

int ds_has_user_meta(const struct ds *ds) { return ds->user_age != NULL; }

int ds_user_age(const struct ds *ds, uint32_t user)
{
	assert(user < ds->n_users);
	return ds->user_age ? ds->user_age[user] : 0;
}

const char *ds_user_gender(const struct ds *ds, uint32_t user)
{
	assert(user < ds->n_users);
	return ds->arena + (ds->user_gender ? ds->user_gender[user] : 0);
}

const char *ds_user_occupation(const struct ds *ds, uint32_t user)
{
	assert(user < ds->n_users);
	return ds->arena + (ds->user_occ ? ds->user_occ[user] : 0);
}
