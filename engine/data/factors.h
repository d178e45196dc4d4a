/* factors.h -- factor matrices and bias vectors trained elsewhere, read
 * from the files other tools write, for `collabtui import`.
 *
 * Each reader gives one table: a key per row (a user or item id, or a
 * title, as written), the row's k factors and, where the file has one, its
 * bias, and where each row came from (file and line) so that a later
 * check against the dataset can say FILE:LINE too.  The formats:
 *
 *   CSV      a header naming the columns, then one row per line:
 *            `id` and/or `title`, then f1..fk, then optionally `bias`
 *            (`id,f1,...,fk[,bias]`; a bias file is `id,bias`).  RFC 4180
 *            quoting; numbers as C's strtod reads them.
 *   .npy     a (n, k) or (n,) float32/float64 array (npy.h), its keys in an
 *            ids file: one key per line, row j's on line j + 1.
 *   Spark    the directory Spark MLlib's `model.userFactors.write.json(dir)`
 *            writes: part-*.json files of JSON lines
 *            {"id":123,"features":[0.1,...]}; _SUCCESS, .crc and other
 *            files whose names start with '_' or '.' are ignored.
 *
 * Every problem is refused with "FILE:LINE: what was expected" (for .npy,
 * "FILE: byte N: ..."): a missing or unknown column, a field that is not a
 * finite number within float32's range, rows of different widths, a line
 * that is not a JSON object of exactly "id" (a whole number >= 0) and
 * "features" (an array of numbers), JSON jansson refuses (deep nesting,
 * numbers too big, NUL bytes, invalid UTF-8, duplicate keys), a line
 * longer than LINES_MAX.  File text quoted in a message is cleaned
 * (text.h).  Nothing here prints or exits.
 */
#ifndef COLLABTUI_FACTORS_H
#define COLLABTUI_FACTORS_H

#include <stddef.h>
#include <stdint.h>

#define FACTORS_K_MAX 4096      /* factors per row, at most */

struct factors {
	size_t n;               /* rows */
	int k;                  /* factors per row; 0 for a bias file */
	char **keys;            /* (n) the id or title as written, NUL-terminated */
	float *f;               /* (n, k) row-major */
	float *bias;            /* (n), or NULL when the file has none */
	char **files;           /* (n_files) the files the rows came from */
	size_t n_files;
	uint32_t *file_of;      /* (n) index into files */
	unsigned long *line_of; /* (n) line of the row in its file */
};

/* Read path, choosing the format: a directory is Spark's, a name ending
 * in ".npy" is NumPy's with its keys in ids_path, anything else CSV.
 * key_col is "id" or "title": the CSV column that holds the key.  0, or -1
 * with the reason in err; *out is then empty (factors_free is safe). */
int factors_read(const char *path, const char *ids_path, const char *key_col,
		 struct factors *out, char *err, size_t errlen);

int factors_read_csv(const char *path, const char *key_col, struct factors *out,
		     char *err, size_t errlen);
int factors_read_npy(const char *path, const char *ids_path, struct factors *out,
		     char *err, size_t errlen);
int factors_read_spark(const char *dir, struct factors *out, char *err, size_t errlen);

/* Parse one Spark JSON line (len bytes, may hold NULs) into *id and the
 * features, at most max of them, into f; returns how many there were, or
 * -1 with a message (no file or line: the caller adds them). */
int factors_spark_line(const char *line, size_t len, uint64_t *id, float *f, int max,
		       char *why, size_t whylen);

/* "FILE:LINE" of row j into buf. */
const char *factors_where(const struct factors *t, size_t j, char *buf, size_t n);

/* Release everything t owns and empty it; NULL is accepted. */
void factors_free(struct factors *t);

#endif
