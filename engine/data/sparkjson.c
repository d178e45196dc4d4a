/* sparkjson.c -- Spark MLlib ALS factors as `write.json(dir)` leaves them
 * (factors.h): a directory of part-*.json files of JSON lines
 * {"id":123,"features":[...]}, parsed with jansson.
 *
 * jansson (2.14 in Debian 12) refuses what a hostile file may hold: it
 * stops at a nesting depth of 2048 ("maximum parsing depth reached"),
 * refuses integers beyond long long and reals beyond double ("too big
 * integer", "real number overflow"), a NUL byte, invalid UTF-8, and, with
 * JSON_REJECT_DUPLICATES, a key given twice; its message is cleaned
 * before it is quoted.  Lines are read through lines.h, so one longer
 * than LINES_MAX is refused before jansson sees it. */
#include "factors.h"
#include "factors_table.h"

#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "errmsg.h"
#include "lines.h"
#include "text.h"

int factors_spark_line(const char *line, size_t len, uint64_t *id, float *f, int max,
		       char *why, size_t whylen)
{
	json_error_t je;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		char q[160];
		errmsg_set(why, whylen, "column %d: %s", je.column,
			   text_clean(q, sizeof q, je.text, strlen(je.text)));
		return -1;
	}
	int n = -1;
	json_t *jid = json_object_get(o, "id"), *jf = json_object_get(o, "features");
	if (!json_is_object(o) || json_object_size(o) != 2 || !jid || !jf) {
		errmsg_set(why, whylen, "expected an object of exactly \"id\" and \"features\" "
			   "(Spark's {\"id\":123,\"features\":[...]})");
		goto done;
	}
	if (!json_is_integer(jid) || json_integer_value(jid) < 0) {
		errmsg_set(why, whylen, "\"id\": expected a whole number >= 0");
		goto done;
	}
	if (!json_is_array(jf) || json_array_size(jf) == 0 || json_array_size(jf) > (size_t)max) {
		errmsg_set(why, whylen, "\"features\": expected an array of 1..%d numbers", max);
		goto done;
	}
	size_t k = json_array_size(jf);
	for (size_t j = 0; j < k; j++) {
		json_t *v = json_array_get(jf, j);
		double d = json_is_number(v) ? json_number_value(v) : NAN;
		if (!isfinite(d) || fabs(d) > FLT_MAX) {
			errmsg_set(why, whylen, "\"features\"[%zu]: expected a finite number "
				   "within float32's range", j);
			goto done;
		}
		f[j] = (float)d;
	}
	*id = (uint64_t)json_integer_value(jid);
	n = (int)k;
done:
	json_decref(o);
	return n;
}

/* Spark's part files: part-*.json; names starting with '_' (_SUCCESS) or
 * '.' (.part-....json.crc) are its bookkeeping. */
static int is_part(const char *name)
{
	size_t n = strlen(name);
	return strncmp(name, "part-", 5) == 0 && n > 10 && strcmp(name + n - 5, ".json") == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of dir's part files into *names (n of them). */
static int list_parts(const char *dir, char ***names, size_t *n, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	*names = NULL;
	*n = 0;
	if (!d) {
		errmsg_set(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *de;
	size_t cap = 0;
	int rc = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		if (!is_part(de->d_name)) {
			char q[96];
			errmsg_set(err, errlen, "%s: unexpected file \"%s\" (a Spark JSON directory "
				   "holds part-*.json, _SUCCESS and .crc files)", dir,
				   text_clean(q, sizeof q, de->d_name, strlen(de->d_name)));
			rc = -1;
			break;
		}
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			char **v = realloc(*names, cap * sizeof *v);
			if (!v) {
				rc = -1;
				errmsg_set(err, errlen, "%s: out of memory", dir);
				break;
			}
			*names = v;
		}
		if (!((*names)[*n] = strdup(de->d_name))) {
			rc = -1;
			errmsg_set(err, errlen, "%s: out of memory", dir);
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (rc == 0 && *n == 0) {
		errmsg_set(err, errlen, "%s: no part-*.json files (expected the directory "
			   "Spark's write.json wrote)", dir);
		rc = -1;
	}
	if (rc == 0)
		qsort(*names, *n, sizeof **names, by_name);
	return rc;
}

/* Append the rows of one part file to t. */
static int read_part(const char *path, struct factors *t, size_t *cap, float *row,
		     char *err, size_t errlen)
{
	struct lines l;
	if (lines_open(&l, path, err, errlen) != 0)
		return -1;
	if (factors_add_file(t, path) != 0) {
		lines_close(&l);
		errmsg_set(err, errlen, "%s: out of memory", path);
		return -1;
	}
	char *line;
	size_t len;
	int got, rc = 0;
	while ((got = lines_next(&l, &line, &len, err, errlen)) == 1) {
		char why[256], key[24];
		uint64_t id;
		int k = factors_spark_line(line, len, &id, row, FACTORS_K_MAX, why, sizeof why);
		if (k < 0) {
			lines_fail(&l, err, errlen, "%s", why);
			rc = -1;
			break;
		}
		if (t->n > 0 && k != t->k) {
			lines_fail(&l, err, errlen, "%d features, expected %d as the rows before", k,
				   t->k);
			rc = -1;
			break;
		}
		t->k = k;
		int kl = snprintf(key, sizeof key, "%llu", (unsigned long long)id);
		if (factors_add_row(t, cap, key, (size_t)kl, l.lineno, row, NULL) != 0) {
			errmsg_set(err, errlen, "%s: out of memory", path);
			rc = -1;
			break;
		}
	}
	if (got < 0)
		rc = -1;
	lines_close(&l);
	return rc;
}

int factors_read_spark(const char *dir, struct factors *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char **names;
	size_t n_names, cap = 0;
	if (list_parts(dir, &names, &n_names, err, errlen) != 0) {
		for (size_t j = 0; j < n_names; j++)
			free(names[j]);
		free(names);
		return -1;
	}
	float *row = malloc(FACTORS_K_MAX * sizeof *row);
	int rc = row ? 0 : -1;
	if (!row)
		errmsg_set(err, errlen, "%s: out of memory", dir);
	for (size_t j = 0; j < n_names && rc == 0; j++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[j]);
		rc = read_part(path, out, &cap, row, err, errlen);
	}
	if (rc == 0 && out->n == 0) {
		errmsg_set(err, errlen, "%s: the part files hold no rows", dir);
		rc = -1;
	}
	for (size_t j = 0; j < n_names; j++)
		free(names[j]);
	free(names);
	free(row);
	if (rc != 0)
		factors_free(out);
	return rc;
}
