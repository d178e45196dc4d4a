/* myratings.h -- your own ratings of one dataset, and the file that keeps
 * them: CSV lines `title_or_id,rating`, the format `collabtui recommend
 * --ratings FILE` reads, so the file the interface saves works headless
 * too.  Curses-free; the one reader and writer of the file, shared by
 * `recommend --ratings` and the interface (loading, saving after every
 * change).
 *
 * The file lives at $XDG_DATA_HOME/collabtui/ratings-NAME-KEY.csv (else
 * ~/.local/share/collabtui/...), one per dataset name and item key, since
 * an item index means different movies under the two keys.  Saving goes
 * through afile (temporary, fsync, rename), so a crash or a `kill -9` at
 * any moment leaves the old file or the new one.  A process killed while
 * saving leaves its temporary behind; myratings_clean_temps() removes such
 * leftovers when the interface starts.
 */
#ifndef COLLABTUI_MYRATINGS_H
#define COLLABTUI_MYRATINGS_H

#include <stddef.h>

#include "eng.h"

#define MYRATINGS_MAX ENG_RATED_MAX

/* Ratings in the order they were first given (a re-rating keeps its
 * place), so the file reads like a diary and diffs stay small. */
struct myratings {
	int n;
	struct eng_rating r[MYRATINGS_MAX];
};

/* The file for dataset `name` under item key `key` ("title" or "id"):
 * $XDG_DATA_HOME/collabtui/ratings-NAME-KEY.csv, else under
 * $HOME/.local/share.  Characters of name outside [A-Za-z0-9._-] become
 * '_'.  Returns 0, or -1 when neither variable is set (or out is too
 * small), with the reason in err. */
int myratings_path(const char *name, const char *key, char *out, size_t n,
		   char *err, size_t errlen);

/* Read path into *m, resolving each name against cat as headless
 * recommend does (myratings_find_title) and checking ratings against [lo, hi].
 * A movie listed twice keeps its last rating.  Returns 0 when the whole
 * file was read, 1 when there is no file (m empty), or -1 with
 * "PATH:LINE: what" in err for the first bad line; the lines that were
 * good are kept in *m either way, so the caller can show them, but should
 * not save over a file it could not read whole. */
int myratings_load(struct myratings *m, const char *path,
		   const struct eng_catalog *cat, float lo, float hi, char *err,
		   size_t errlen);

/* Write *m to path atomically (afile), creating the directory if needed;
 * names are cat's titles.  Returns 0, or -1 with "PATH: step: reason" in
 * err; the old file is then untouched. */
int myratings_save(const struct myratings *m, const char *path,
		   const struct eng_catalog *cat, char *err, size_t errlen);

/* Remove the temporaries ("PATH.XXXXXX") that saves killed mid-write left
 * next to path.  Call before this process saves, never while another
 * process may be saving the same file.  Returns how many were removed. */
int myratings_clean_temps(const char *path);

/* Your rating of item, NAN when you have not rated it. */
float myratings_get(const struct myratings *m, uint32_t item);

/* Rate item (replacing an earlier rating).  0, or -1 when MYRATINGS_MAX
 * movies are rated already. */
int myratings_set(struct myratings *m, uint32_t item, float rating);

/* Forget item's rating; 1 when there was one, else 0. */
int myratings_clear(struct myratings *m, uint32_t item);

/* Resolve text to an item of cat: a title equal to it (ignoring ASCII
 * case), else the only title containing it, else (digits only) the
 * dataset id.  Returns the item index, -1 when nothing matches, or -2 when
 * several titles contain it (their indices, at most max, into matches and
 * their count into *n_matches). */
long myratings_find_title(const struct eng_catalog *cat, const char *text,
		      uint32_t *matches, int max, int *n_matches);

/* The one wording of "text names no single movie", into buf: r is what
 * myratings_find_title returned for text (-1 or -2), matches and n what
 * it filled in; at most shown of the matching titles are named (matches
 * must hold that many).  Always NUL-terminates buf (truncating). */
void myratings_title_error(const struct eng_catalog *cat, const char *text, long r,
			   const uint32_t *matches, int n, int shown, char *buf, size_t len);

#endif
