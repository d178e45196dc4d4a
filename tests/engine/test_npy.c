/* test_npy.c -- .npy files: what npy_write writes is what numpy writes (the
 * header checked byte by byte, no Python needed), it reads back bit for
 * bit, float64 is rounded to float32, and every malformed file is refused
 * with the byte offset where it went wrong. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"
#include "testenv.h"

/* A .npy of format 1.0 with header text hdr (padded to end in '\n' at a
 * multiple of 64) and n data bytes, into buf; returns its size. */
static size_t make_npy(unsigned char *buf, const char *hdr, const void *data, size_t n)
{
	size_t len = strlen(hdr), total = 10 + len + 1;
	size_t pad = (64 - total % 64) % 64, hlen = len + pad + 1;
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = (unsigned char)(hlen & 0xff);
	buf[9] = (unsigned char)(hlen >> 8);
	memcpy(buf + 10, hdr, len);
	memset(buf + 10 + len, ' ', pad);
	buf[10 + len + pad] = '\n';
	memcpy(buf + 10 + hlen, data, n);
	return 10 + hlen + n;
}

/* npy_parse must refuse buf with a message holding want. */
static void refused(const unsigned char *buf, size_t n, const char *want)
{
	struct npy_array a;
	char err[512] = "";
	cr_assert_eq(npy_parse(buf, n, "x.npy", &a, err, sizeof err), -1, "accepted; wanted %s",
		     want);
	cr_assert(strstr(err, want), "message \"%s\" lacks \"%s\"", err, want);
	cr_assert(strncmp(err, "x.npy: byte ", 12) == 0, "no byte offset: %s", err);
	cr_assert_null(a.data);
}

Test(npy, write_is_what_numpy_writes_and_reads_back_bit_for_bit)
{
	char dir[512], path[600], err[512];
	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/a.npy", dir);
	float v[6] = { 1.0f, -0.0f, 3.14159274f, 1e-30f, -2.5e20f, 0.1f };
	cr_assert_eq(npy_write(path, v, 3, 2, 2, err, sizeof err), 0, "%s", err);
	size_t len;
	unsigned char *b = testenv_slurp(path, &len);
	/* magic, version 1.0, a u16 header length; data at a multiple of 64 */
	cr_assert(memcmp(b, "\x93NUMPY\x01\x00", 8) == 0);
	size_t hlen = (size_t)(b[8] | b[9] << 8);
	cr_assert_eq((10 + hlen) % 64, 0, "data at %zu", 10 + hlen);
	const char *want = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }";
	cr_assert(memcmp(b + 10, want, strlen(want)) == 0, "%.*s", (int)hlen, b + 10);
	cr_assert_eq(b[10 + hlen - 1], '\n');
	cr_assert_eq(len, 10 + hlen + sizeof v);
	/* little-endian float32 bit patterns */
	uint32_t u;
	memcpy(&u, &v[2], 4);
	cr_assert_eq(b[10 + hlen + 8], u & 0xff);
	cr_assert_eq(b[10 + hlen + 11], u >> 24);
	struct npy_array a;
	cr_assert_eq(npy_read(path, &a, err, sizeof err), 0, "%s", err);
	cr_assert_eq(a.ndim, 2);
	cr_assert_eq(a.rows, 3);
	cr_assert_eq(a.cols, 2);
	cr_assert_eq(a.itemsize, 4);
	cr_assert_eq(a.bad_at, 6);
	cr_assert(memcmp(a.data, v, sizeof v) == 0, "not bit for bit");
	npy_free(&a);
	free(b);

	/* a 1-D vector: shape (n,) */
	cr_assert_eq(npy_write(path, v, 6, 1, 1, err, sizeof err), 0, "%s", err);
	b = testenv_slurp(path, &len);
	cr_assert(strstr((char *)b + 10, "'shape': (6,), }"), "%s", b + 10);
	cr_assert_eq(npy_read(path, &a, err, sizeof err), 0, "%s", err);
	cr_assert_eq(a.ndim, 1);
	cr_assert_eq(a.rows, 6);
	cr_assert_eq(a.cols, 1);
	npy_free(&a);
	free(b);
	testenv_rmdir(dir);
}

Test(npy, float64_is_rounded_to_float32_and_keys_may_come_in_any_order)
{
	unsigned char buf[256];
	double d[2] = { 0.1, -1e300 };
	size_t n = make_npy(buf, "{'shape': (2,), 'fortran_order': False, 'descr': '<f8'}", d,
			    sizeof d);
	struct npy_array a;
	char err[256];
	cr_assert_eq(npy_parse(buf, n, "x.npy", &a, err, sizeof err), 0, "%s", err);
	cr_assert_eq(a.itemsize, 8);
	cr_assert_eq(a.data[0], 0.1f);
	/* -1e300 does not fit a float32: the caller is told where */
	cr_assert_eq(a.bad_at, 1);
	npy_free(&a);
}

Test(npy, malformed_files_are_refused_with_the_byte)
{
	unsigned char buf[512];
	float v[4] = { 1, 2, 3, 4 };
	size_t n;
	n = make_npy(buf, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", v,
		     sizeof v);
	refused(buf, n, "fortran_order True");
	n = make_npy(buf, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 2), }", v,
		     sizeof v);
	refused(buf, n, "big-endian");
	n = make_npy(buf, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", v,
		     sizeof v);
	refused(buf, n, "dtype '<i4'");
	n = make_npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 2), }", v,
		     sizeof v);
	refused(buf, n, "one or two dimensions");
	n = make_npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", v, 0);
	refused(buf, n, "one or two dimensions");
	n = make_npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", v,
		     sizeof v);
	refused(buf, n, "truncated: the shape needs 24 bytes of data, the file has 16");
	n = make_npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", v,
		     sizeof v);
	refused(buf, n, "4 bytes after the data");
	n = make_npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'x': 1}",
		     v, sizeof v);
	refused(buf, n, "unexpected key 'x'");
	n = make_npy(buf, "{'descr': '<f4', 'shape': (4,), }", v, sizeof v);
	refused(buf, n, "lacks fortran_order");
	n = make_npy(buf, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), } junk", v,
		     sizeof v);
	refused(buf, n, "only spaces");
	/* the offset is the key's: 10 bytes of preamble, then "{'descr'..." */
	n = make_npy(buf, "{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }", v, 16);
	struct npy_array a;
	char err[256];
	cr_assert_eq(npy_parse(buf, n, "x.npy", &a, err, sizeof err), -1);
	cr_assert(strncmp(err, "x.npy: byte 20: dtype '<u8'", 27) == 0, "%s", err);
	memcpy(buf, "\x93NUMPZ", 6);
	refused(buf, n, "not a .npy file");
	memcpy(buf, "\x93NUMPY\x04\x00", 8);
	refused(buf, n, "format version 4.0");
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	refused(buf, 9, "truncated in the header length");
	memcpy(buf, "\x93NUMPY\x01\x00\xff\x7f", 10);
	refused(buf, n, "truncated: the header is 32767 bytes");
}
