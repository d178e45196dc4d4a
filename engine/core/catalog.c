/* catalog.c -- the item catalogue the UI browses, copied out of a dataset
 * (see catalog.h). */
#include "catalog.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eng.h"

/* The year of a MovieLens title, "Heat (1995)" -> 1995; 0 when absent. */
static int title_year(const char *t)
{
	size_t n = strlen(t);
	while (n > 0 && t[n - 1] == ' ')
		n--;
	if (n < 6 || t[n - 1] != ')' || t[n - 6] != '(')
		return 0;
	int y = 0;
	for (size_t i = n - 5; i < n - 1; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		y = y * 10 + (t[i] - '0');
	}
	return y;
}

struct eng_catalog *catalog_make(const struct ds *ds)
{
	uint32_t n = ds_n_items(ds);
	struct eng_catalog *c = calloc(1, sizeof *c);
	double *sum = calloc(n ? n : 1, sizeof *sum);
	if (!c || !sum)
		goto fail;
	c->n_items = n;
	c->items = calloc(n ? n : 1, sizeof *c->items);
	size_t bytes = 0;
	for (uint32_t i = 0; i < n; i++)
		bytes += strlen(ds_item_title(ds, i)) + strlen(ds_item_genres(ds, i)) + 2;
	c->strings = malloc(bytes ? bytes : 1);
	if (!c->items || !c->strings)
		goto fail;
	const struct rcols rc = ds_cols(ds);
	struct rc_chunk *b = malloc(sizeof *b);   /* 24 KiB: not on a thread's stack */
	if (!b)
		goto fail;
	for (size_t lo = 0; lo < rc.n; lo += RC_CHUNK)
		for (size_t j = 0, m = rc_chunk_get(&rc, lo, b); j < m; j++) {
			c->items[b->item[j]].n_ratings++;
			sum[b->item[j]] += b->value[j];
		}
	free(b);
	char *s = c->strings;
	for (uint32_t i = 0; i < n; i++) {
		struct eng_item *it = &c->items[i];
		size_t lt = strlen(ds_item_title(ds, i)) + 1;
		size_t lg = strlen(ds_item_genres(ds, i)) + 1;
		it->id = ds_item_id(ds, i);
		it->title = memcpy(s, ds_item_title(ds, i), lt);
		s += lt;
		it->genres = memcpy(s, ds_item_genres(ds, i), lg);
		s += lg;
		it->year = title_year(it->title);
		it->mean = it->n_ratings ? (float)(sum[i] / it->n_ratings) : NAN;
	}
	free(sum);
	return c;
fail:
	free(sum);
	eng_catalog_free(c);
	return NULL;
}
