/* csvline.h -- split one delimited line into fields and parse its numbers.
 *
 * Serves every MovieLens layout: tab (u.data), '|' (u.item), "::"
 * (ratings.dat) and RFC 4180 CSV with quoting (movies.csv).  Works in
 * place on a line from lines.h: no allocation, one pass over the bytes.
 * The number parsers are hand-written for the loader's hot path and are
 * strict: the whole field must be the number, nothing before or after.
 */
#ifndef COLLABTUI_CSVLINE_H
#define COLLABTUI_CSVLINE_H

#include <stddef.h>
#include <stdint.h>

struct csv_dialect {
	char sep;               /* field separator */
	unsigned char doubled;  /* 1: the separator is two sep chars ("::") */
	unsigned char quotes;   /* 1: RFC 4180 "quoted" fields, "" inside */
};

struct csv_field {
	char *s;                /* not NUL-terminated */
	size_t n;
};

/* Split line[0..len) into fields, stored in f[0..max).  Quoted fields are
 * unquoted in place (the line's bytes change).  Returns the number of
 * fields on the line, which may exceed max (the extra ones are counted,
 * not stored), or -1 for a quoting error with *why set to a message such
 * as "expected a closing quote".  A quoted field cannot span lines. */
int csv_split(char *line, size_t len, const struct csv_dialect *d,
              struct csv_field *f, int max, const char **why);

/* A non-negative decimal integer of 1 to 19 digits into *out.  0 on
 * success, -1 when the field is anything else. */
int csv_u64(const char *s, size_t n, uint64_t *out);

/* As csv_u64, also -1 above UINT32_MAX. */
int csv_u32(const char *s, size_t n, uint32_t *out);

/* A non-negative decimal number: digits, optionally '.' and digits ("4",
 * "4.5", ".5", "3."); at most 9 digits on each side.  No sign, exponent,
 * spaces, "nan" or "inf".  0 on success, -1 otherwise. */
int csv_decimal(const char *s, size_t n, double *out);

/* One rating line as the loader's fast path reads it. */
struct csv_rating {
	uint32_t user, item;
	double rating;
};

/* The fast path for a whole rating line "USER sep ITEM sep RATING[ sep
 * TIMESTAMP]\n" at p, in one pass with no splitting: the numbers obey the
 * rules of csv_u32, csv_decimal and csv_u64 (with at most 10 digits for
 * an id).  The caller guarantees a '\n' ends the line.  Returns the byte
 * after that '\n' with *out filled, or NULL for any other line (a header,
 * quotes, a CR, an empty or over-long field, a fifth field), which the
 * caller hands to csv_split and the parsers above: only that general path
 * has to explain what is wrong. */
const char *csv_rating_line(const char *p, const struct csv_dialect *d,
			    struct csv_rating *out);

/* Copy a field into dst (size dn >= 8) for an error message: at most 40
 * bytes, control bytes shown as '?', "..." when cut. */
void csv_show(char *dst, size_t dn, const char *s, size_t n);

#endif
