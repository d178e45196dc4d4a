/* catalog.h -- the item catalogue the movie browser shows: every item's
 * title, genres, year, number of ratings and mean rating, copied out of a
 * dataset into one heap object (struct eng_catalog of msg.h), so it can be
 * handed to the UI thread, which owns and frees it (eng_catalog_free).
 */
#ifndef COLLABTUI_CATALOG_H
#define COLLABTUI_CATALOG_H

#include "dataset.h"
#include "msg.h"

/* A new catalogue of ds's items by dense index; NULL when memory runs out.
 * The year comes from a trailing "(1995)" in the title, 0 when absent. */
struct eng_catalog *catalog_make(const struct ds *ds);

#endif
