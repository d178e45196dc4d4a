/* csvline.c -- field splitting and strict number parsing. */
#include "csvline.h"

#include <string.h>

#include "text.h"
#include "utf8.h"

/* Where the next separator starts in p[0..n), or p + n when none. */
static char *find_sep(char *p, size_t n, const struct csv_dialect *d)
{
	char *end = p + n;

	for (;;) {
		char *q = memchr(p, d->sep, (size_t)(end - p));

		if (!q)
			return end;
		if (!d->doubled)
			return q;
		if (q + 1 < end && q[1] == d->sep)
			return q;
		p = q + 1;   /* a lone ':' inside a "::" line is field text */
	}
}

/* Unquote the field whose opening quote is at *pp; on return *pp is just
 * past the closing quote and the field text is f->s[0..f->n). */
static int unquote(char **pp, char *end, struct csv_field *f, const char **why)
{
	char *r = *pp + 1, *w = *pp;

	f->s = w;
	while (r < end) {
		if (*r != '"') {
			*w++ = *r++;
		} else if (r + 1 < end && r[1] == '"') {
			*w++ = '"';
			r += 2;
		} else {
			f->n = (size_t)(w - f->s);
			*pp = r + 1;
			return 0;
		}
	}
	*why = "expected a closing quote";
	return -1;
}

int csv_split(char *line, size_t len, const struct csv_dialect *d,
              struct csv_field *f, int max, const char **why)
{
	char *p = line, *end = line + len;
	size_t seplen = d->doubled ? 2 : 1;
	int count = 0;

	for (;;) {
		struct csv_field cur;

		if (d->quotes && p < end && *p == '"') {
			if (unquote(&p, end, &cur, why))
				return -1;
			if (p < end && *p != d->sep) {
				*why = d->sep == ',' ? "expected ',' after a closing quote"
				                     : "expected a separator after a closing quote";
				return -1;
			}
		} else {
			char *q = find_sep(p, (size_t)(end - p), d);

			cur.s = p;
			cur.n = (size_t)(q - p);
			p = q;
		}
		if (count < max)
			f[count] = cur;
		count++;
		if (p >= end)
			return count;
		p += seplen;
	}
}

int csv_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	/* 19 digits always fit in 64 bits, so no per-digit overflow check. */
	if (n == 0 || n > 19)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned dgt = (unsigned)(unsigned char)s[i] - '0';

		if (dgt > 9)
			return -1;
		v = v * 10 + dgt;
	}
	*out = v;
	return 0;
}

int csv_u32(const char *s, size_t n, uint32_t *out)
{
	uint64_t v;

	if (csv_u64(s, n, &v) || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int csv_decimal(const char *s, size_t n, double *out)
{
	static const double scale[10] = {
		1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	};
	uint32_t ip = 0, fp = 0;
	size_t i = 0, ni, nf;

	while (i < n && (unsigned)(unsigned char)s[i] - '0' <= 9)
		ip = ip * 10 + (uint32_t)(s[i++] - '0');
	ni = i;
	if (i < n && s[i] == '.') {
		size_t start = ++i;

		while (i < n && (unsigned)(unsigned char)s[i] - '0' <= 9)
			fp = fp * 10 + (uint32_t)(s[i++] - '0');
		nf = i - start;
	} else
		nf = 0;
	/* Nine digits a side keep both parts inside uint32 and exact. */
	if (i != n || ni + nf == 0 || ni > 9 || nf > 9)
		return -1;
	*out = ip + fp / scale[nf];
	return 0;
}

/* The separator at p ("::" counts as one), or NULL. */
static const char *skip_sep(const char *p, const struct csv_dialect *d)
{
	if (*p != d->sep)
		return NULL;
	if (!d->doubled)
		return p + 1;
	return p[1] == d->sep ? p + 2 : NULL;
}

static inline unsigned digit(const char *p)
{
	return (unsigned)(unsigned char)*p - '0';
}

/* Digits at *pp into *v (at most max of them, at least one); advances *pp. */
static int digits(const char **pp, unsigned max, uint64_t *v)
{
	const char *p = *pp;
	uint64_t x = 0;
	unsigned n = 0;

	while (digit(p) <= 9) {
		x = x * 10 + digit(p++);
		if (++n > max)
			return -1;
	}
	*pp = p;
	*v = x;
	return n ? 0 : -1;
}

/* Past the digits at *pp, at least one and at most max of them, without
 * their value: a timestamp is checked, not kept, and the multiply-add
 * chain that reading it cost (a dependent multiply a digit, ten digits a
 * line) was the longest part of a line's parse. */
static int skip_digits(const char **pp, unsigned max)
{
	const char *p = *pp;

	while (digit(p) <= 9)
		p++;
	if (p == *pp || (size_t)(p - *pp) > max)
		return -1;
	*pp = p;
	return 0;
}

const char *csv_rating_line(const char *p, const struct csv_dialect *d,
			    struct csv_rating *out)
{
	static const double scale[10] = {
		1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	};
	uint64_t u, i, ip = 0, fp = 0;
	unsigned ni = 0, nf = 0;

	if (digits(&p, 10, &u) || u > UINT32_MAX || !(p = skip_sep(p, d)) ||
	    digits(&p, 10, &i) || i > UINT32_MAX || !(p = skip_sep(p, d)))
		return NULL;
	/* As csv_decimal: "4", "4.5", ".5", "3."; nine digits a side. */
	while (digit(p) <= 9 && ni < 10) {
		ip = ip * 10 + digit(p++);
		ni++;
	}
	if (*p == '.') {
		p++;
		while (digit(p) <= 9 && nf < 10) {
			fp = fp * 10 + digit(p++);
			nf++;
		}
	}
	if (ni + nf == 0 || ni > 9 || nf > 9)
		return NULL;
	if (*p != '\n') {
		if (!(p = skip_sep(p, d)) || skip_digits(&p, 19) || *p != '\n')
			return NULL;
	}
	out->user = (uint32_t)u;
	out->item = (uint32_t)i;
	out->rating = (double)ip + (double)fp / scale[nf];
	return p + 1;
}

void csv_show(char *dst, size_t dn, const char *s, size_t n)
{
	size_t room = dn - 4;   /* keep space for "..." and the NUL */
	size_t cut = utf8_prefix(s, n, room > 40 ? 40 : room);

	/* the field is file text: shown cleaned (text.h), never raw */
	text_clean(dst, dn - 3, s, cut);
	if (cut < n)
		strcat(dst, "...");
}
