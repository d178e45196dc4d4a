/* movielist.h -- the movie browser's model: the engine's catalogue, the
 * learned biases, a sort order and an incremental search.  Curses-free.
 *
 * It owns the catalogue and biases it is given (from ENG_EVT_CATALOG and
 * ENG_EVT_BIASES) and frees them.  Sorting and filtering allocate nothing:
 * the index arrays are sized when a catalogue arrives.
 */
#ifndef COLLABTUI_MOVIELIST_H
#define COLLABTUI_MOVIELIST_H

#include <stdint.h>

#include "eng.h"

/* The sort orders `o` cycles through, in this order. */
enum movielist_sort {
	SORT_TITLE,             /* A..Z, bytewise on UTF-8 */
	SORT_RATINGS,           /* most rated first */
	SORT_MEAN,              /* highest mean first */
	SORT_BIAS_DESC,         /* highest learned bias first */
	SORT_BIAS_ASC,          /* lowest learned bias first */
	SORT_COUNT
};

#define MOVIELIST_QUERY_MAX 64

struct movielist;

/* An empty list; NULL when memory runs out. */
struct movielist *movielist_new(void);

/* Release the list, its catalogue and biases; NULL is accepted. */
void movielist_free(struct movielist *m);

/* Take ownership of a catalogue (replacing and freeing any earlier one and
 * the biases, which belonged to its items).  Returns 0, or -1 when memory
 * runs out (the catalogue is then freed and the list is empty). */
int movielist_set_catalog(struct movielist *m, struct eng_catalog *c);

/* Take ownership of biases; they are dropped when their item count does
 * not match the catalogue's. */
void movielist_set_biases(struct movielist *m, struct eng_biases *b);

/* Sort order and search text; both re-derive the visible rows. */
void movielist_set_sort(struct movielist *m, enum movielist_sort s);
enum movielist_sort movielist_sort(const struct movielist *m);
void movielist_set_query(struct movielist *m, const char *query);
const char *movielist_query(const struct movielist *m);

/* The sort's name for the pane's title ("title", "bias desc", ...). */
const char *movielist_sort_name(enum movielist_sort s);

/* Visible rows (matching the query) and the item index of row i. */
uint32_t movielist_rows(const struct movielist *m);
uint32_t movielist_item_at(const struct movielist *m, uint32_t row);

/* Every item in the catalogue (0 before one arrives). */
uint32_t movielist_items(const struct movielist *m);

/* Item i of the catalogue (i < movielist_items). */
const struct eng_item *movielist_item(const struct movielist *m, uint32_t i);

/* The catalogue (borrowed; NULL before one arrives). */
const struct eng_catalog *movielist_catalog(const struct movielist *m);

/* Item i's learned bias, NAN when there is none. */
float movielist_bias(const struct movielist *m, uint32_t i);

/* Whether biases are known. */
int movielist_has_biases(const struct movielist *m);

#endif
