/* movielist.c -- the movie browser's model (see movielist.h). */
#include "movielist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct movielist {
	struct eng_catalog *cat;        /* owned; NULL before LOADED */
	struct eng_biases *bias;        /* owned; NULL until trained */
	enum movielist_sort sort;
	char query[MOVIELIST_QUERY_MAX];
	uint32_t *order;                /* (n_items) all items, sorted */
	uint32_t *tmp;                  /* (n_items) merge sort scratch */
	uint32_t *rows;                 /* (n_items) the matching ones */
	uint32_t n_rows;
};

struct movielist *movielist_new(void)
{
	return calloc(1, sizeof(struct movielist));
}

void movielist_free(struct movielist *m)
{
	if (!m)
		return;
	eng_catalog_free(m->cat);
	eng_biases_free(m->bias);
	free(m->order);
	free(m->tmp);
	free(m->rows);
	free(m);
}

/* NaN sorts last in either direction, so an unrated movie never heads a
 * "highest mean" list. */
static int cmp_float(float a, float b, int desc)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	if (a == b)
		return 0;
	return (a < b) == !desc ? -1 : 1;
}

/* Order of items a and b under the current sort; ties go by title, then
 * index, so the order is total and stable across runs. */
static int cmp(const struct movielist *m, uint32_t a, uint32_t b)
{
	const struct eng_item *x = &m->cat->items[a], *y = &m->cat->items[b];
	int c = 0;

	switch (m->sort) {
	case SORT_RATINGS:
		c = x->n_ratings == y->n_ratings ? 0 :
		    x->n_ratings > y->n_ratings ? -1 : 1;
		break;
	case SORT_MEAN:
		c = cmp_float(x->mean, y->mean, 1);
		break;
	case SORT_BIAS_DESC:
	case SORT_BIAS_ASC:
		c = cmp_float(movielist_bias(m, a), movielist_bias(m, b),
			      m->sort == SORT_BIAS_DESC);
		break;
	case SORT_TITLE:
	case SORT_COUNT:
		break;
	}
	if (c == 0)
		c = strcmp(x->title, y->title);
	if (c == 0)
		c = a < b ? -1 : a > b;
	return c;
}

/* Bottom-up merge sort of m->order with m->tmp: qsort has no context
 * argument in C11, and this needs none of the heap. */
static void sort_order(struct movielist *m)
{
	uint32_t n = m->cat->n_items, *src = m->order, *dst = m->tmp;

	for (uint32_t i = 0; i < n; i++)
		src[i] = i;
	for (uint32_t w = 1; w < n; w *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * w) {
			uint32_t mid = lo + w < n ? lo + w : n;
			uint32_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			uint32_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				dst[k++] = cmp(m, src[i], src[j]) <= 0 ?
					   src[i++] : src[j++];
			while (i < mid)
				dst[k++] = src[i++];
			while (j < hi)
				dst[k++] = src[j++];
		}
		uint32_t *t = src;
		src = dst;
		dst = t;
	}
	if (src != m->order)
		memcpy(m->order, src, n * sizeof *src);
}

static void filter_rows(struct movielist *m)
{
	m->n_rows = 0;
	if (!m->cat)
		return;
	for (uint32_t i = 0; i < m->cat->n_items; i++) {
		uint32_t it = m->order[i];

		if (text_contains_ci(m->cat->items[it].title, m->query))
			m->rows[m->n_rows++] = it;
	}
}

static void refresh(struct movielist *m)
{
	if (!m->cat)
		return;
	sort_order(m);
	filter_rows(m);
}

int movielist_set_catalog(struct movielist *m, struct eng_catalog *c)
{
	size_t n = c ? c->n_items : 0;

	eng_catalog_free(m->cat);
	eng_biases_free(m->bias);
	free(m->order);
	free(m->tmp);
	free(m->rows);
	m->cat = NULL;
	m->bias = NULL;
	m->n_rows = 0;
	m->order = malloc((n ? n : 1) * sizeof *m->order);
	m->tmp = malloc((n ? n : 1) * sizeof *m->tmp);
	m->rows = malloc((n ? n : 1) * sizeof *m->rows);
	if (!m->order || !m->tmp || !m->rows) {
		eng_catalog_free(c);
		return -1;
	}
	m->cat = c;
	refresh(m);
	return 0;
}

void movielist_set_biases(struct movielist *m, struct eng_biases *b)
{
	eng_biases_free(m->bias);
	m->bias = NULL;
	if (b && m->cat && b->n_items == m->cat->n_items)
		m->bias = b;
	else
		eng_biases_free(b);
	if (m->sort == SORT_BIAS_ASC || m->sort == SORT_BIAS_DESC)
		refresh(m);
}

void movielist_set_sort(struct movielist *m, enum movielist_sort s)
{
	m->sort = s;
	refresh(m);
}

enum movielist_sort movielist_sort(const struct movielist *m)
{
	return m->sort;
}

void movielist_set_query(struct movielist *m, const char *query)
{
	size_t n = strlen(query);

	/* keep whole characters when the query is too long */
	if (n >= sizeof m->query) {
		n = sizeof m->query - 1;
		while (n > 0 && ((unsigned char)query[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(m->query, query, n);
	m->query[n] = '\0';
	filter_rows(m);
}

const char *movielist_query(const struct movielist *m)
{
	return m->query;
}

const char *movielist_sort_name(enum movielist_sort s)
{
	static const char *const names[SORT_COUNT] = {
		[SORT_TITLE] = "title", [SORT_RATINGS] = "ratings",
		[SORT_MEAN] = "mean", [SORT_BIAS_DESC] = "bias desc",
		[SORT_BIAS_ASC] = "bias asc",
	};
	return s < SORT_COUNT ? names[s] : "?";
}

uint32_t movielist_rows(const struct movielist *m)
{
	return m->n_rows;
}

uint32_t movielist_item_at(const struct movielist *m, uint32_t row)
{
	return m->rows[row];
}

uint32_t movielist_items(const struct movielist *m)
{
	return m->cat ? m->cat->n_items : 0;
}

const struct eng_item *movielist_item(const struct movielist *m, uint32_t i)
{
	return &m->cat->items[i];
}

const struct eng_catalog *movielist_catalog(const struct movielist *m)
{
	return m->cat;
}

float movielist_bias(const struct movielist *m, uint32_t i)
{
	return m->bias ? m->bias->item_bias[i] : NAN;
}

int movielist_has_biases(const struct movielist *m)
{
	return m->bias != NULL;
}
