/* npy.c -- NumPy .npy arrays of float32/float64, read and written (npy.h).
 *
 * The header is a Python dict literal; only the subset numpy writes for a
 * plain array is accepted, parsed by hand with a cursor that knows its
 * byte offset, so every refusal names where in the file it happened. */
#include "npy.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "errmsg.h"

#define MAGIC "\x93NUMPY"
#define MAGIC_LEN 6
#define HEADER_ALIGN 64

/* ---- reading -------------------------------------------------------------- */

/* A cursor over the header dict; off is the file offset of p[0]. */
struct cur {
	const char *p, *end;
	size_t off;
	const char *name;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int bad(struct cur *c, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	errmsg_set(c->err, c->errlen, "%s: byte %zu: %s", c->name, c->off, what);
	return -1;
}

static void skip_space(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t')) {
		c->p++;
		c->off++;
	}
}

/* Take the literal s (after spaces); 0, or -1 without a message. */
static int take(struct cur *c, const char *s)
{
	skip_space(c);
	size_t n = strlen(s);
	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return -1;
	c->p += n;
	c->off += n;
	return 0;
}

static int expect(struct cur *c, const char *s, const char *what)
{
	if (take(c, s) != 0)
		return bad(c, "expected %s", what);
	return 0;
}

/* A quoted Python string of at most cap - 1 bytes into buf. */
static int string_lit(struct cur *c, char *buf, size_t cap)
{
	skip_space(c);
	if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
		return bad(c, "expected a quoted string");
	char q = *c->p;
	const char *s = c->p + 1, *e = s;
	while (e < c->end && *e != q && *e != '\\' && (size_t)(e - s) < cap - 1)
		e++;
	if (e >= c->end || *e != q)
		return bad(c, "expected a short quoted string without escapes");
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	c->off += (size_t)(e + 1 - c->p);
	c->p = e + 1;
	return 0;
}

/* A non-negative decimal integer below 2^40. */
static int dim_lit(struct cur *c, uint64_t *out)
{
	skip_space(c);
	uint64_t v = 0;
	const char *s = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		v = v * 10 + (uint64_t)(*c->p - '0');
		if (v >= ((uint64_t)1 << 40))
			return bad(c, "a dimension too large");
		c->p++;
		c->off++;
	}
	if (c->p == s)
		return bad(c, "expected a dimension (a whole number)");
	if (c->p < c->end && *c->p == 'L') {       /* Python 2's long */
		c->p++;
		c->off++;
	}
	*out = v;
	return 0;
}

/* shape: "()" is refused, "(n,)" or "(n, k)". */
static int shape_lit(struct cur *c, struct npy_array *a)
{
	uint64_t dims[3];
	int nd = 0;
	if (expect(c, "(", "'(' opening the shape") != 0)
		return -1;
	for (;;) {
		skip_space(c);
		if (take(c, ")") == 0)
			break;
		if (nd == 3)
			return bad(c, "expected a shape of one or two dimensions");
		if (dim_lit(c, &dims[nd]) != 0)
			return -1;
		nd++;
		if (take(c, ",") != 0) {
			if (expect(c, ")", "',' or ')' in the shape") != 0)
				return -1;
			break;
		}
	}
	if (nd == 0 || nd == 3)
		return bad(c, "expected a shape of one or two dimensions, found %d", nd);
	a->ndim = nd;
	a->rows = dims[0];
	a->cols = nd == 2 ? dims[1] : 1;
	return 0;
}

/* The dict: exactly descr, fortran_order and shape, in any order. */
static int header_dict(struct cur *c, struct npy_array *a)
{
	int seen_descr = 0, seen_order = 0, seen_shape = 0;
	if (expect(c, "{", "'{' opening the header dict") != 0)
		return -1;
	for (;;) {
		if (take(c, "}") == 0)
			break;
		char key[32];
		size_t key_off = (skip_space(c), c->off);
		if (string_lit(c, key, sizeof key) != 0 || expect(c, ":", "':' after a key") != 0)
			return -1;
		if (strcmp(key, "descr") == 0 && !seen_descr) {
			char d[16];
			size_t at = (skip_space(c), c->off);
			if (string_lit(c, d, sizeof d) != 0)
				return -1;
			seen_descr = 1;
			if (strcmp(d, "<f4") == 0 || strcmp(d, "<f8") == 0) {
				a->itemsize = d[2] - '0';
			} else {
				c->off = at;
				return bad(c, "dtype '%s': expected '<f4' or '<f8' (little-endian "
					   "float32 or float64)%s", d,
					   d[0] == '>' ? "; this one is big-endian" : "");
			}
		} else if (strcmp(key, "fortran_order") == 0 && !seen_order) {
			seen_order = 1;
			if (take(c, "True") == 0) {
				c->off -= 4;
				return bad(c, "fortran_order True: expected C order (np.save of "
					   "np.ascontiguousarray(a))");
			}
			if (expect(c, "False", "False or True") != 0)
				return -1;
		} else if (strcmp(key, "shape") == 0 && !seen_shape) {
			seen_shape = 1;
			if (shape_lit(c, a) != 0)
				return -1;
		} else {
			c->off = key_off;
			return bad(c, "unexpected key '%s' (expected descr, fortran_order and "
				   "shape, once each)", key);
		}
		if (take(c, ",") != 0) {
			if (expect(c, "}", "',' or '}' in the header dict") != 0)
				return -1;
			break;
		}
	}
	if (!seen_descr || !seen_order || !seen_shape)
		return bad(c, "the header lacks %s", !seen_descr ? "descr" :
			   !seen_order ? "fortran_order" : "shape");
	/* the rest: padding spaces, then the '\n' numpy ends it with */
	skip_space(c);
	if (c->p < c->end && *c->p == '\n') {
		c->p++;
		c->off++;
	}
	skip_space(c);
	if (c->p != c->end)
		return bad(c, "expected only spaces and '\\n' after the header dict");
	return 0;
}

static uint32_t get_u32le(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float item_at(const unsigned char *p, int itemsize, int *fits)
{
	if (itemsize == 4) {
		uint32_t u = get_u32le(p);
		float f;
		memcpy(&f, &u, sizeof f);
		*fits = isfinite(f);
		return f;
	}
	uint64_t u = (uint64_t)get_u32le(p) | (uint64_t)get_u32le(p + 4) << 32;
	double d;
	memcpy(&d, &u, sizeof d);
	*fits = isfinite(d) && fabs(d) <= FLT_MAX;
	return *fits ? (float)d : NAN;
}

int npy_parse(const void *buf, size_t n, const char *name, struct npy_array *out,
	      char *err, size_t errlen)
{
	const unsigned char *b = buf;
	memset(out, 0, sizeof *out);
	struct cur c = { .name = name, .err = err, .errlen = errlen };
	if (n < MAGIC_LEN + 2 || memcmp(b, MAGIC, MAGIC_LEN) != 0)
		return bad(&c, "not a .npy file (expected the magic \\x93NUMPY)");
	int major = b[6], minor = b[7];
	c.off = 6;
	if (!((major == 1 || major == 2 || major == 3) && minor == 0))
		return bad(&c, "format version %d.%d: expected 1.0, 2.0 or 3.0", major, minor);
	size_t lenlen = major == 1 ? 2 : 4;
	c.off = 8;
	if (n < 8 + lenlen)
		return bad(&c, "truncated in the header length");
	size_t hlen = major == 1 ? (size_t)(b[8] | b[9] << 8) : get_u32le(b + 8);
	size_t data_off = 8 + lenlen;
	if (hlen > n - data_off)
		return bad(&c, "truncated: the header is %zu bytes, the file has %zu after "
			   "this", hlen, n - data_off);
	c.p = (const char *)b + data_off;
	c.end = c.p + hlen;
	c.off = data_off;
	if (header_dict(&c, out) != 0)
		return -1;
	data_off += hlen;
	c.off = data_off;
	uint64_t items = out->rows * out->cols;
	if (out->cols != 0 && out->rows > NPY_ITEMS_MAX / out->cols)
		return bad(&c, "shape (%llu, %llu): more than %llu items",
			   (unsigned long long)out->rows, (unsigned long long)out->cols,
			   (unsigned long long)NPY_ITEMS_MAX);
	uint64_t want = items * (uint64_t)out->itemsize, have = n - data_off;
	if (have < want)
		return bad(&c, "truncated: the shape needs %llu bytes of data, the file has %llu",
			   (unsigned long long)want, (unsigned long long)have);
	if (have > want) {
		c.off = data_off + want;
		return bad(&c, "%llu bytes after the data the shape describes",
			   (unsigned long long)(have - want));
	}
	out->data = malloc(items ? items * sizeof *out->data : 1);
	if (!out->data)
		return bad(&c, "out of memory for %llu items", (unsigned long long)items);
	out->bad_at = items;
	const unsigned char *d = b + data_off;
	for (uint64_t j = 0; j < items; j++) {
		int fits;
		out->data[j] = item_at(d + j * (uint64_t)out->itemsize, out->itemsize, &fits);
		if (!fits && out->bad_at == items)
			out->bad_at = j;
	}
	return 0;
}

int npy_read(const char *path, struct npy_array *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	int fd = afile_open_read(path, err, errlen);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		errmsg_set(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	size_t n = (size_t)st.st_size;
	unsigned char *buf = malloc(n ? n : 1);
	if (!buf) {
		errmsg_set(err, errlen, "%s: out of memory reading %zu bytes", path, n);
		close(fd);
		return -1;
	}
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errmsg_set(err, errlen, "%s: %s", path, r < 0 ? strerror(errno) :
				   "the file shrank while being read");
			free(buf);
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	int rc = npy_parse(buf, n, path, out, err, errlen);
	free(buf);
	return rc;
}

void npy_free(struct npy_array *a)
{
	if (!a)
		return;
	free(a->data);
	a->data = NULL;
}

/* ---- writing -------------------------------------------------------------- */

int npy_write(const char *path, const float *data, uint64_t rows, uint64_t cols, int ndim,
	      char *err, size_t errlen)
{
	char hdr[256];
	int len;
	if (ndim == 1)
		len = snprintf(hdr, sizeof hdr, "{'descr': '<f4', 'fortran_order': False, "
			       "'shape': (%llu,), }", (unsigned long long)rows);
	else
		len = snprintf(hdr, sizeof hdr, "{'descr': '<f4', 'fortran_order': False, "
			       "'shape': (%llu, %llu), }", (unsigned long long)rows,
			       (unsigned long long)cols);
	/* pad with spaces and a '\n' so the data starts at a multiple of 64 */
	size_t total = MAGIC_LEN + 4 + (size_t)len + 1;
	size_t pad = (HEADER_ALIGN - total % HEADER_ALIGN) % HEADER_ALIGN;
	memset(hdr + len, ' ', pad);
	hdr[len + pad] = '\n';
	size_t hlen = (size_t)len + pad + 1;
	unsigned char pre[MAGIC_LEN + 4] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
					     (unsigned char)(hlen & 0xff),
					     (unsigned char)(hlen >> 8) };
	struct afile *f = afile_open(path, err, errlen);
	if (!f)
		return -1;
	afile_write(f, pre, sizeof pre);
	afile_write(f, hdr, hlen);
	/* little-endian float32: the bit patterns, byte by byte */
	unsigned char chunk[4096];
	size_t fill = 0;
	for (uint64_t j = 0; j < rows * cols; j++) {
		uint32_t u;
		memcpy(&u, &data[j], sizeof u);
		for (int b = 0; b < 4; b++)
			chunk[fill++] = (unsigned char)(u >> (8 * b));
		if (fill == sizeof chunk) {
			afile_write(f, chunk, fill);
			fill = 0;
		}
	}
	afile_write(f, chunk, fill);
	return afile_commit(f, err, errlen);
}
