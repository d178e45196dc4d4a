/* history.c -- append and read the run history (see history.h).
 *
 * Lines are read with jansson, the project's one JSON library (also
 * Spark's factor files, sparkjson.c).  They are still written by hand
 * below: jansson's integers are long long, and the seed, a 64-bit
 * unsigned number, is written in full; the output is byte for byte what
 * earlier versions wrote, so their files and ours read alike. */
#include "history.h"

#include <errno.h>
#include <ctype.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "afile.h"

/* ---- the path ------------------------------------------------------------ */

/* mkdir -p of the directory part of path. */
static int make_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int rc = mkdir(path, 0755);
		*p = '/';
		if (rc != 0 && errno != EEXIST)
			return -1;
	}
	return 0;
}

const char *history_path(char *buf, size_t n)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int len;
	if (xdg && xdg[0] == '/')
		len = snprintf(buf, n, "%s/collabtui/history.jsonl", xdg);
	else if (home && home[0])
		len = snprintf(buf, n, "%s/.local/share/collabtui/history.jsonl", home);
	else
		return NULL;
	if (len < 0 || (size_t)len >= n || make_parents(buf) != 0)
		return NULL;
	return buf;
}

/* ---- writing ------------------------------------------------------------- */

struct out {
	char *p;
	size_t len, cap;
	int oom;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int w = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (w < 0) {
			o->oom = 1;
			return;
		}
		if ((size_t)w < o->cap - o->len) {
			o->len += (size_t)w;
			return;
		}
		char *q = realloc(o->p, 2 * o->cap + (size_t)w);
		if (!q) {
			o->oom = 1;
			o->p[o->len] = '\0';
			return;
		}
		o->p = q;
		o->cap = 2 * o->cap + (size_t)w;
	}
}

/* A string field with the characters JSON would escape replaced. */
static void put_str(struct out *o, const char *key, const char *s)
{
	put(o, "\"%s\":\"", key);
	for (; *s; s++)
		put(o, "%c", *s == '"' || *s == '\\' || (unsigned char)*s < 0x20 ? '?' : *s);
	put(o, "\",");
}

static void put_num(struct out *o, double v)
{
	if (isfinite(v))
		put(o, "%.9g", v);
	else
		put(o, "null");
}

static void put_losses(struct out *o, const char *key, const float *v, int n)
{
	put(o, "\"%s\":[", key);
	for (int j = 0; j < n; j++) {
		if (j)
			put(o, ",");
		put_num(o, v[j]);
	}
	put(o, "],");
}

int history_append(const char *path, const struct history_run *r, char *err,
		   size_t errlen)
{
	struct out o = { .cap = 4096 };
	if (!(o.p = malloc(o.cap))) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* the leading newline is dropped below unless a torn line needs it */
	put(&o, "\n{");
	put_str(&o, "time", r->time);
	put_str(&o, "dataset", r->dataset);
	put_str(&o, "split", r->split);
	put_str(&o, "model", r->model);
	if (r->item_key[0])
		put_str(&o, "item_key", r->item_key);
	put(&o, "\"factors\":%d,\"epochs\":%d,\"bs\":%d,\"lr\":%.9g,\"wd\":%.9g,",
	    r->factors, r->epochs, r->bs, r->lr, r->wd);
	if (r->y_range_on)
		put(&o, "\"y_range\":[%.9g,%.9g],", r->y_lo, r->y_hi);
	else
		put(&o, "\"y_range\":null,");
	put_str(&o, "optimizer", r->optimizer);
	put_str(&o, "schedule", r->schedule);
	put(&o, "\"seed\":%llu,", (unsigned long long)r->seed);
	int n = r->n_losses < HISTORY_EPOCHS_MAX ? r->n_losses : HISTORY_EPOCHS_MAX;
	put_losses(&o, "train_loss", r->train_loss, n);
	put_losses(&o, "valid_loss", r->valid_loss, n);
	if (r->diverged)
		put(&o, "\"diverged\":true,");
	put(&o, "\"final_valid\":");
	put_num(&o, r->final_valid);
	put(&o, ",\"seconds\":%.3f}\n", r->seconds);
	if (o.oom) {
		free(o.p);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	int fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	const char *step = "open";
	int rc = -1;
	if (fd >= 0) {
		/* a file that does not end in '\n' ends in a torn line: start
		 * ours on a line of its own */
		struct stat st;
		char last = '\n';
		step = "read";
		if (fstat(fd, &st) == 0 && (st.st_size == 0 ||
		    pread(fd, &last, 1, st.st_size - 1) == 1)) {
			const char *p = last == '\n' ? o.p + 1 : o.p;
			size_t len = last == '\n' ? o.len - 1 : o.len;
			step = "write";
			/* O_APPEND places it at the end; a short write (a full
			 * disk, a file size limit) is retried for the rest, so
			 * the errno reported is that of the call that failed */
			int we = afile_write_all(fd, p, len);
			if (we != 0) {
				errno = we;
			} else {
				step = "fsync";
				rc = fsync(fd);
			}
		}
		int e = errno;
		close(fd);
		errno = e;
	}
	if (rc != 0)
		snprintf(err, errlen, "%s: %s: %s", path, step, strerror(errno));
	free(o.p);
	return rc;
}

/* ---- reading ------------------------------------------------------------- */

/* A line is parsed by jansson (JSON_REJECT_DUPLICATES: a key given twice
 * is not a record), then every field is range-checked here.  Integers are
 * decoded as doubles (JSON_DECODE_INT_AS_REAL): jansson's integers are
 * long long, and a seed may be any 64-bit unsigned number, which the
 * writer prints in full; the seed's exact digits are then read from the
 * line itself (whole_number), as are the other whole numbers.  Keys the
 * reader does not know are ignored, so a newer writer's extra fields do
 * not hide a run. */

/* A string field that fits buf (n bytes) and holds no control byte (C0,
 * NUL or DEL: the writer never writes one, and they would reach the
 * terminal). */
static int get_str(json_t *o, const char *key, char *buf, size_t n)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		return -1;
	size_t len = json_string_length(v);
	const char *s = json_string_value(v);
	if (len >= n)
		return -1;
	for (size_t j = 0; j < len; j++)
		if ((unsigned char)s[j] < 0x20 || s[j] == 0x7f)
			return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return 0;
}

/* A number or null (NAN); finite (jansson refuses what overflows a double). */
static int num_of(json_t *v, double *d)
{
	if (json_is_null(v)) {
		*d = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return -1;
	*d = json_number_value(v);
	return isfinite(*d) ? 0 : -1;
}

/* A number within [lo, hi] (finite bounds), or null when null_ok. */
static int get_num(json_t *o, const char *key, double lo, double hi, int null_ok, double *v)
{
	json_t *x = json_object_get(o, key);
	if (!x || num_of(x, v) != 0)
		return -1;
	if (isnan(*v))
		return null_ok ? 0 : -1;
	return *v >= lo && *v <= hi ? 0 : -1;
}

/* Whether p is where a value ends: the next field, or the array or record. */
static int value_ends(const char *p)
{
	return *p == ',' || *p == ']' || *p == '}' || *p == ' ';
}

/* A whole number written in decimal digits, exactly: jansson gave its
 * value as a double d (which rounds above 2^53, and which "6.4e1" gives
 * too), so take the digits after a "key": of the line whose value rounds
 * to d.  line is a NUL-terminated string (jansson has refused any NUL in
 * it). */
static int whole_number(const char *line, const char *key, double d, uint64_t *v)
{
	char pat[40];
	int n = snprintf(pat, sizeof pat, "\"%s\":", key);
	if (!(d >= 0.0 && d <= 18446744073709551616.0 && d == floor(d)))
		return -1;
	for (const char *p = line; (p = strstr(p, pat)); p++) {
		const char *q = p + n;
		while (*q == ' ')
			q++;
		if (!isdigit((unsigned char)*q))
			continue;
		char *e;
		errno = 0;
		unsigned long long x = strtoull(q, &e, 10);
		if (errno != ERANGE && value_ends(e) && (double)x == d) {
			*v = (uint64_t)x;
			return 0;
		}
	}
	return -1;
}

/* A whole number within [lo, hi] (lo >= 0), in decimal digits: checked
 * before the cast, so nothing out of range reaches an int. */
static int get_int(json_t *o, const char *line, const char *key, int lo, int hi, int *v)
{
	double d;
	uint64_t u;
	if (get_num(o, key, lo, hi, 0, &d) != 0 || whole_number(line, key, d, &u) != 0)
		return -1;
	*v = (int)u;
	return 0;
}

/* A loss: an MSE, so null or a number in [0, FLT_MAX] (a float holds it). */
static int loss_ok(double d)
{
	return isnan(d) || (d >= 0.0 && d <= FLT_MAX);
}

/* The losses of key: the first HISTORY_EPOCHS_MAX go into v, later ones
 * are checked and left out (as the header says); *n of them kept, *total
 * in the record. */
static int get_losses(json_t *o, const char *key, float *v, int *n, size_t *total)
{
	json_t *a = json_object_get(o, key);
	if (!json_is_array(a))
		return -1;
	size_t k = json_array_size(a);
	for (size_t j = 0; j < k; j++) {
		double d;
		if (num_of(json_array_get(a, j), &d) != 0 || !loss_ok(d))
			return -1;
		if (j < HISTORY_EPOCHS_MAX)
			v[j] = (float)d;
	}
	*n = k < HISTORY_EPOCHS_MAX ? (int)k : HISTORY_EPOCHS_MAX;
	*total = k;
	return 0;
}

/* y_range: null, or [lo, hi] of float-sized numbers with lo < hi. */
static int get_y_range(json_t *o, struct history_run *r)
{
	json_t *y = json_object_get(o, "y_range");
	double lo, hi;
	if (json_is_null(y))
		return 0;
	if (!json_is_array(y) || json_array_size(y) != 2 ||
	    num_of(json_array_get(y, 0), &lo) != 0 || num_of(json_array_get(y, 1), &hi) != 0 ||
	    !(fabs(lo) <= FLT_MAX && fabs(hi) <= FLT_MAX && lo < hi))
		return -1;
	r->y_range_on = 1;
	r->y_lo = lo;
	r->y_hi = hi;
	return 0;
}

/* Whether s is a time as the writer puts it, "2025-01-31T12:00:00Z". */
static int time_ok(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	for (size_t j = 0; j < sizeof shape - 1; j++)
		if (shape[j] == 'd' ? !isdigit((unsigned char)s[j]) : s[j] != shape[j])
			return 0;
	return s[sizeof shape - 1] == '\0';
}

/* history_parse of line[0..len) (a NUL inside is not a record). */
static int parse_record(const char *line, size_t len, struct history_run *r)
{
	memset(r, 0, sizeof *r);
	json_error_t je;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
	if (!json_is_object(o)) {
		json_decref(o);
		return -1;
	}
	double seed;
	int nt = 0, nv = 0;
	size_t total_t = 0, total_v = 0;
	/* every field range-checked: a record that fails one is skipped */
	int bad = get_str(o, "time", r->time, sizeof r->time) || !time_ok(r->time) ||
		  get_str(o, "dataset", r->dataset, sizeof r->dataset) ||
		  get_str(o, "split", r->split, sizeof r->split) ||
		  get_str(o, "model", r->model, sizeof r->model) ||
		  get_str(o, "optimizer", r->optimizer, sizeof r->optimizer) ||
		  get_str(o, "schedule", r->schedule, sizeof r->schedule) ||
		  get_int(o, line, "factors", 1, INT_MAX, &r->factors) ||
		  get_int(o, line, "epochs", 1, INT_MAX, &r->epochs) ||
		  get_int(o, line, "bs", 1, INT_MAX, &r->bs) ||
		  get_num(o, "lr", DBL_MIN, DBL_MAX, 0, &r->lr) ||
		  get_num(o, "wd", 0.0, DBL_MAX, 0, &r->wd) ||
		  get_num(o, "seed", 0.0, DBL_MAX, 0, &seed) ||
		  whole_number(line, "seed", seed, &r->seed) ||
		  get_num(o, "final_valid", 0.0, FLT_MAX, 1, &r->final_valid) ||
		  get_num(o, "seconds", 0.0, HISTORY_SECONDS_MAX, 0, &r->seconds) ||
		  get_losses(o, "train_loss", r->train_loss, &nt, &total_t) ||
		  get_losses(o, "valid_loss", r->valid_loss, &nv, &total_v) ||
		  total_t != total_v || get_y_range(o, r) ||
		  /* optional: older records have none */
		  (json_object_get(o, "item_key") &&
		   get_str(o, "item_key", r->item_key, sizeof r->item_key));
	r->n_losses = nt;
	r->diverged = json_is_true(json_object_get(o, "diverged"));
	json_decref(o);
	return bad ? -1 : 0;
}

int history_parse(const char *line, struct history_run *r)
{
	return parse_record(line, strlen(line), r);
}

int history_read(const char *path, const char *dataset, struct history_run **out,
		 size_t *n, char *err, size_t errlen)
{
	return history_read_newest(path, dataset, 0, out, n, NULL, err, errlen);
}

/* Reverse v[0..n). */
static void reverse_runs(struct history_run *v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		struct history_run t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

/* Read the matching records into v: all of them, growing v (keep 0), or
 * the newest keep, with v a ring of keep records the caller gave.  *total
 * gets how many matched.  0, or -1 with a message. */
static int read_records(FILE *f, const char *path, const char *dataset, size_t keep,
			struct history_run **v, size_t *total, char *err, size_t errlen)
{
	char *line = NULL;
	size_t cap = 0, have = keep;
	ssize_t got;
	struct history_run r;
	int rc = 0;

	*total = 0;
	while ((got = getline(&line, &cap, f)) > 0) {
		/* no '\n': the last line, cut short by a crash */
		if (line[got - 1] != '\n')
			break;
		line[got - 1] = '\0';
		if (history_parse(line, &r) != 0 ||
		    (dataset && strcmp(r.dataset, dataset) != 0))
			continue;
		if (keep) {
			(*v)[*total % keep] = r;
			++*total;
			continue;
		}
		if (*total == have) {
			size_t want = have ? 2 * have : 16;
			struct history_run *q = realloc(*v, want * sizeof *q);
			if (!q) {
				snprintf(err, errlen, "%s: out of memory", path);
				rc = -1;
				break;
			}
			*v = q;
			have = want;
		}
		(*v)[(*total)++] = r;
	}
	if (rc == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	return rc;
}

int history_read_newest_into(const char *path, const char *dataset, struct history_run *buf,
			     size_t keep, size_t *n, size_t *n_total, char *err, size_t errlen)
{
	size_t total;

	*n = 0;
	if (n_total)
		*n_total = 0;
	FILE *f = afile_fopen_read(path, err, errlen);
	if (!f)
		return errno == ENOENT ? 0 : -1;
	int rc = read_records(f, path, dataset, keep, &buf, &total, err, errlen);
	fclose(f);
	if (rc != 0)
		return -1;
	if (total > keep) {
		/* the ring's oldest record is at total % keep: rotate it to the
		 * front in place (three reversals), oldest first again */
		size_t first = total % keep;

		reverse_runs(buf, first);
		reverse_runs(buf + first, keep - first);
		reverse_runs(buf, keep);
	}
	*n = total > keep ? keep : total;
	if (n_total)
		*n_total = total;
	return 0;
}

int history_read_newest(const char *path, const char *dataset, size_t keep,
			struct history_run **out, size_t *n, size_t *n_total,
			char *err, size_t errlen)
{
	struct history_run *v = NULL;
	size_t total = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (n_total)
		*n_total = 0;
	if (keep) {
		/* a ring of keep records, allocated once: reading a long
		 * history takes the same memory every time */
		if (!(v = malloc(keep * sizeof *v))) {
			snprintf(err, errlen, "%s: out of memory", path);
			return -1;
		}
		rc = history_read_newest_into(path, dataset, v, keep, n, n_total, err, errlen);
	} else {
		FILE *f = afile_fopen_read(path, err, errlen);

		if (!f)
			return errno == ENOENT ? 0 : -1;
		rc = read_records(f, path, dataset, 0, &v, &total, err, errlen);
		fclose(f);
		*n = total;
		if (n_total)
			*n_total = total;
	}
	if (rc != 0 || *n == 0) {
		free(v);
		*n = 0;
		return rc;
	}
	*out = v;
	return 0;
}

/* Best validation loss first; runs without one go last. */
int history_cmp_valid(const struct history_run *a, const struct history_run *b)
{
	/* like with like: a loss on one split says nothing against a loss
	 * on another */
	int c = strcmp(a->split, b->split);
	if (c == 0)
		c = strcmp(a->item_key, b->item_key);
	if (c != 0)
		return c;
	double x = a->final_valid, y = b->final_valid;
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

static int by_valid(const void *a, const void *b)
{
	return history_cmp_valid(a, b);
}

void history_sort_valid(struct history_run *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, by_valid);
}
