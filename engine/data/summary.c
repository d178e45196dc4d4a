/* summary.c -- descriptive statistics of a dataset (see summary.h).
 *
 * The per-user and per-item counts are the dataset's (made with its
 * dense ids), copied and sorted for the medians.  One pass over the
 * values (sum, and the count of each value that is a whole or half number
 * below HALF_SLOTS / 2, which is every MovieLens rating); ratings of
 * other values take two more passes (distinct values, then counts).
 * With one-byte value codes (rcols.h) the pass counts codes, and the sum
 * and the half-star counts come from the count of each code (see
 * code_stats).  The only memory taken is the copies of the counts, freed
 * before returning.
 */
#include "summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Copy a NUL-terminated string into dst[size], cut on a UTF-8 boundary. */
static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = utf8_prefix(src, strlen(src), size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* Minimum, lower median and maximum of c[0..n); sorts c. */
static void spread(uint32_t *c, uint32_t n, uint32_t *min, uint32_t *med, uint32_t *max)
{
	if (n == 0) {
		*min = *med = *max = 0;
		return;
	}
	qsort(c, n, sizeof *c, cmp_u32);
	*min = c[0];
	*med = c[(n - 1) / 2];
	*max = c[n - 1];
}

#define HALF_SLOTS 64   /* slot h counts the rating h / 2 */

/* The histogram from the half-star counts alone, when every rating has a
 * slot and there are at most ENG_RATING_BINS values: 1, else 0. */
static int histogram_halves(const uint64_t *half, struct eng_summary *out)
{
	int nv = 0;

	for (int h = 0; h < HALF_SLOTS; h++)
		nv += half[h] > 0;
	if (nv > ENG_RATING_BINS)
		return 0;
	out->n_bins = 0;
	for (int h = 0; h < HALF_SLOTS; h++)
		if (half[h]) {
			out->bin_lo[out->n_bins] = 0.5f * (float)h;
			out->bin_count[out->n_bins++] = half[h];
		}
	return 1;
}

/* The histogram: one bin per distinct value when there are few, else
 * ENG_RATING_BINS equal-width bins. */
static void histogram(const struct ds *ds, struct eng_summary *out)
{
	const struct rcols c = ds_cols(ds);
	size_t n = c.n;
	float lo = ds_rating_min(ds), hi = ds_rating_max(ds), width;
	float v[ENG_RATING_BINS];
	int nv = 0, distinct = 1;

	/* Distinct values, kept sorted; gives up past ENG_RATING_BINS. */
	for (size_t i = 0; i < n && distinct; i++) {
		int k = 0;

		float r = rc_value(&c, i);

		while (k < nv && v[k] < r)
			k++;
		if (k < nv && v[k] == r)
			continue;
		if (nv == ENG_RATING_BINS) {
			distinct = 0;
			break;
		}
		memmove(v + k + 1, v + k, (size_t)(nv - k) * sizeof *v);
		v[k] = r;
		nv++;
	}
	if (distinct) {
		out->n_bins = nv;
		memcpy(out->bin_lo, v, (size_t)nv * sizeof *v);
		for (size_t i = 0; i < n; i++) {
			int k = 0;

			while (v[k] != rc_value(&c, i))
				k++;
			out->bin_count[k]++;
		}
		return;
	}
	out->n_bins = ENG_RATING_BINS;
	width = (hi - lo) / ENG_RATING_BINS;
	for (int k = 0; k < ENG_RATING_BINS; k++)
		out->bin_lo[k] = lo + width * (float)k;
	for (size_t i = 0; i < n; i++) {
		int k = (int)((rc_value(&c, i) - lo) / width);

		/* The maximum itself, and rounding at an edge, go in the last bin. */
		out->bin_count[k < ENG_RATING_BINS ? (k < 0 ? 0 : k) : ENG_RATING_BINS - 1]++;
	}
}

/* The sum of the n values of c in double, added in order, from the
 * count of each code: when every value is a multiple of 2^-k whose
 * multiples add up below 2^53, every partial sum of the ordered loop is
 * exact, so the loop's result is the exact sum, which integers give in
 * any order.  MovieLens's half stars take k = 1.  -1 when that does not
 * hold (the caller adds the values in order). */
static int exact_sum(const struct rcols *c, int n_values, const uint64_t *count, double *sum)
{
	uint64_t total = 0;
	int k = 0;

	for (int v = 0; v < n_values; v++)
		while (k <= 24 && ldexp((double)c->value[v], k) != floor(ldexp((double)c->value[v], k)))
			k++;
	if (k > 24)
		return -1;
	for (int v = 0; v < n_values; v++) {
		double m = ldexp((double)c->value[v], k);

		/* m < 2^35 (a float below 2^11 times 2^24); stay well inside 2^53 */
		if (m < 0 || (count[v] && m > 0x1p52 / (double)count[v]) ||
		    (double)total + m * (double)count[v] >= 0x1p52)
			return -1;
		total += (uint64_t)m * count[v];
	}
	*sum = ldexp((double)total, -k);
	return 0;
}

/* The count of each of the n codes of c, into four tables in turn so
 * that a run of one code does not wait on one counter. */
static void count_codes(const struct rcols *c, uint64_t *count)
{
	uint64_t four[4][RCOLS_VALUES_MAX] = {{0}};
	size_t n = c->n, j = 0;

	for (; j + 4 <= n; j += 4) {
		four[0][c->code[j]]++;
		four[1][c->code[j + 1]]++;
		four[2][c->code[j + 2]]++;
		four[3][c->code[j + 3]]++;
	}
	for (; j < n; j++)
		four[0][c->code[j]]++;
	for (int v = 0; v < RCOLS_VALUES_MAX; v++)
		count[v] = four[0][v] + four[1][v] + four[2][v] + four[3][v];
}

/* Sum, half-star counts and values without a half-star slot, from the
 * count of each code. */
static double code_stats(const struct rcols *c, int n_values, const uint64_t *count,
			 uint64_t *half, size_t *unslotted)
{
	double sum = 0;

	for (int v = 0; v < n_values; v++) {
		float r = c->value[v], h2 = 2.0f * r;

		if (h2 >= 0.0f && h2 < (float)HALF_SLOTS && (float)(int)h2 == h2)
			half[(int)h2] += count[v];
		else
			*unslotted += count[v];
	}
	if (exact_sum(c, n_values, count, &sum))
		for (size_t i = 0; i < c->n; i++)
			sum += c->value[c->code[i]];
	return sum;
}

/* The ENG_SUMMARY_TOP most-rated items, most first, ties by lower index. */
static void top_items(const struct ds *ds, const uint32_t *count, struct eng_summary *out)
{
	uint32_t n = ds_n_items(ds);

	out->n_top = 0;
	for (uint32_t k = 0; k < n; k++) {
		int pos = out->n_top;

		while (pos > 0 && out->top_count[pos - 1] < count[k])
			pos--;
		if (pos == ENG_SUMMARY_TOP)
			continue;
		if (out->n_top < ENG_SUMMARY_TOP)
			out->n_top++;
		memmove(out->top_item + pos + 1, out->top_item + pos,
		        (size_t)(out->n_top - 1 - pos) * sizeof *out->top_item);
		memmove(out->top_count + pos + 1, out->top_count + pos,
		        (size_t)(out->n_top - 1 - pos) * sizeof *out->top_count);
		out->top_item[pos] = k;
		out->top_count[pos] = count[k];
	}
	for (int t = 0; t < out->n_top; t++)
		copy_cut(out->top_title[t], sizeof out->top_title[t],
		         ds_item_title(ds, out->top_item[t]));
}

int summary_compute(const struct ds *ds, struct eng_summary *out)
{
	size_t n = ds_n_ratings(ds);
	const struct rcols c = ds_cols(ds);
	uint32_t nu = ds_n_users(ds), ni = ds_n_items(ds);
	uint32_t *cu = malloc((nu ? nu : 1) * sizeof *cu);
	uint32_t *ci = malloc((ni ? ni : 1) * sizeof *ci);
	double sum = 0;
	uint64_t half[HALF_SLOTS] = {0};
	size_t unslotted = 0;

	memset(out, 0, sizeof *out);
	if (!cu || !ci) {
		free(cu);
		free(ci);
		return -1;
	}
	memcpy(cu, ds_user_ratings(ds), nu * sizeof *cu);
	memcpy(ci, ds_item_ratings(ds), ni * sizeof *ci);
	copy_cut(out->name, sizeof out->name, ds_name(ds));
	copy_cut(out->format, sizeof out->format, ds_format_name(ds_format(ds)));
	out->n_users = nu;
	out->n_items = ni;
	out->n_ratings = n;
	out->density = nu && ni ? (double)n / ((double)nu * (double)ni) : 0;
	out->rating_min = ds_rating_min(ds);
	out->rating_max = ds_rating_max(ds);
	if (c.code) {
		uint64_t count[RCOLS_VALUES_MAX];

		count_codes(&c, count);
		sum = code_stats(&c, ds_n_values(ds), count, half, &unslotted);
	} else {
		for (size_t i = 0; i < n; i++) {
			float r = c.real[i], h2 = 2.0f * r;

			sum += r;
			if (h2 >= 0.0f && h2 < (float)HALF_SLOTS && (float)(int)h2 == h2)
				half[(int)h2]++;
			else
				unslotted++;
		}
	}
	out->mean = n ? sum / (double)n : 0;
	if (unslotted || !histogram_halves(half, out))
		histogram(ds, out);
	top_items(ds, ci, out);   /* before spread() sorts ci */
	spread(cu, nu, &out->user_min, &out->user_median, &out->user_max);
	spread(ci, ni, &out->item_min, &out->item_median, &out->item_max);
	free(cu);
	free(ci);
	return 0;
}
