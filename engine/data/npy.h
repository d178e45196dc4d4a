/* npy.h -- NumPy's .npy files: the arrays `np.save` writes and `np.load`
 * reads, for the factor matrices and bias vectors collabtui exports and
 * imports.
 *
 * The format (numpy's NEP 1, format versions 1.0, 2.0 and 3.0):
 *
 *     0  magic         "\x93NUMPY"
 *     6  major, minor  one byte each: 1.0, 2.0 or 3.0
 *     8  header_len    u16 little-endian (1.0), u32 (2.0, 3.0)
 *    10  header        (or 12) a Python dict literal, e.g.
 *                      {'descr': '<f4', 'fortran_order': False, 'shape': (943, 50), }
 *                      padded with spaces and ending in '\n'
 *    ..  data          rows * cols items, C order, nothing after them
 *
 * Read: descr '<f4' or '<f8' (little-endian float32 or float64), C order,
 * shape (n,) or (n, k); the header's dict holds exactly those three keys.
 * Refused, with the byte offset where it went wrong ("FILE: byte 10: ..."):
 * a wrong magic or version, a header that is not such a dict, fortran_order
 * True, any other dtype (big-endian floats and integers named as such), a
 * shape of another rank, data shorter or longer than the shape says.
 * float64 values are rounded to float32, the precision of collabtui's
 * models; one beyond float32's range, NaN or infinite is left for the
 * caller to refuse (npy_array.bad_at).
 *
 * Written: format 1.0, '<f4', C order, the header padded so the data
 * starts at a multiple of 64 bytes, as numpy itself writes it; atomically
 * (afile.h).  Nothing here prints or exits.
 */
#ifndef COLLABTUI_NPY_H
#define COLLABTUI_NPY_H

#include <stddef.h>
#include <stdint.h>

#define NPY_ITEMS_MAX ((uint64_t)1 << 32)       /* items of an array we read */

struct npy_array {
	int ndim;               /* 1 or 2 */
	uint64_t rows;          /* shape[0] */
	uint64_t cols;          /* shape[1]; 1 for a 1-D array */
	int itemsize;           /* 4 (float32) or 8 (float64) in the file */
	float *data;            /* (rows, cols) row-major, owned */
	/* the first item that is NaN, infinite or beyond float32's range,
	 * rows * cols when every one is finite */
	uint64_t bad_at;
};

/* Parse the .npy bytes buf[0..n); name starts the messages.  0, or -1
 * with "NAME: byte N: what was expected" in err.  out->data is allocated
 * only once the header has been checked against n. */
int npy_parse(const void *buf, size_t n, const char *name, struct npy_array *out,
	      char *err, size_t errlen);

/* Read the file at path (a regular file: afile_open_read) and parse it.
 * 0, or -1 with the reason in err (messages start with path). */
int npy_read(const char *path, struct npy_array *out, char *err, size_t errlen);

/* Release out's data; the struct may be reused.  NULL is accepted. */
void npy_free(struct npy_array *a);

/* Write data (rows, cols) row-major as a float32 .npy at path, 2-D
 * (rows, cols) when ndim is 2, 1-D (rows,) when ndim is 1 (cols must then
 * be 1), atomically.  0, or -1 with "PATH: step: strerror" in err. */
int npy_write(const char *path, const float *data, uint64_t rows, uint64_t cols, int ndim,
	      char *err, size_t errlen);

#endif
