/* dot.h -- dot products of float rows with four partial sums.
 *
 * The plain loop, x += a[j] * b[j], is one chain of k dependent
 * additions: the CPU waits for each before the next, and the compiler may
 * not reorder float additions to vectorise it.  Four independent partial
 * sums cut the chain to k/4 and let the additions overlap; the result
 * differs from the plain loop by rounding only.  Used where a loop over
 * many rows is bound by that chain: the fold-in prior, the fast trainer's
 * validation, the cosine lengths.
 */
#ifndef COLLABTUI_DOT_H
#define COLLABTUI_DOT_H

/* a . b over k floats, in float. */
static inline float dot_f32(const float *a, const float *b, int k)
{
	float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
	int j = 0;

	for (; j + 4 <= k; j += 4) {
		s0 += a[j] * b[j];
		s1 += a[j + 1] * b[j + 1];
		s2 += a[j + 2] * b[j + 2];
		s3 += a[j + 3] * b[j + 3];
	}
	for (; j < k; j++)
		s0 += a[j] * b[j];
	return (s0 + s1) + (s2 + s3);
}

/* a . b over k floats, summed in double: for lengths of small embeddings
 * (~0.1) over a large k. */
static inline double dot_f64(const float *a, const float *b, int k)
{
	double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
	int j = 0;

	for (; j + 4 <= k; j += 4) {
		s0 += (double)a[j] * b[j];
		s1 += (double)a[j + 1] * b[j + 1];
		s2 += (double)a[j + 2] * b[j + 2];
		s3 += (double)a[j + 3] * b[j + 3];
	}
	for (; j < k; j++)
		s0 += (double)a[j] * b[j];
	return (s0 + s1) + (s2 + s3);
}

#endif
