/* myratings.h -- your own ratings of one dataset, and the file that keeps
 * them: CSV lines `title_or_id,rating`, the format `collabtui recommend
 * --ratings FILE` reads, so the file the interface saves works headless
 * too.  Curses-free; the one reader and writer of the file, shared by
 * `recommend --ratings` and the interface (loading, saving after every
 * change).
 *
 * The interface's file lives at $XDG_DATA_HOME/collabtui/ratings-NAME.csv
 * (else ~/.local/share/collabtui/...), one per dataset name for both item
 * keys: it is written as "title,rating,id" lines under that header, so a
 * movie rated under --item-key id is found under --item-key title (by its
 * title) and the reverse (by the id and title, else the id).  Files
 * without that header are read as title_or_id,rating lines, as before.
 * Earlier versions kept one file per item key, ratings-NAME-KEY.csv: the
 * interface merges both into ratings-NAME.csv once (myratings_migrate),
 * and renames each to ratings-NAME-KEY.csv.migrated.  Saving goes
 * through afile (temporary, fsync, rename), so a crash or a `kill -9` at
 * any moment leaves the old file or the new one.  A process killed while
 * saving leaves its temporary behind; myratings_clean_temps() removes such
 * leftovers when the interface starts.
 *
 * Two interfaces on one file.  A save holds an exclusive flock(2) on the
 * hidden lock file ".NAME.lock" next to the file while it reads the file
 * again, merges and writes, so saves never interleave.  The merge keeps
 * the changes this process made since it last read or wrote the file and
 * everything else as the file has it now: a movie rated or cleared here
 * takes this process's rating (or none); every other movie keeps the file's
 * rating, so what another interface saved in the meantime survives, and
 * appears in *m after the save.  When both changed the same movie, the
 * newest rating wins: the one saved last.
 */
#ifndef COLLABTUI_MYRATINGS_H
#define COLLABTUI_MYRATINGS_H

#include <stddef.h>

#include "eng.h"

#define MYRATINGS_MAX ENG_RATED_MAX

/* Ratings in the order they were first given (a re-rating keeps its
 * place), so the file reads like a diary and diffs stay small.  Zero it, or
 * fill it with myratings_load(), before use: the base is what a save
 * merges against. */
struct myratings {
	int n;
	struct eng_rating r[MYRATINGS_MAX];
	/* The file as this process last read or wrote it: the changes made
	 * since are the ratings that differ from these. */
	int n_base;
	struct eng_rating base[MYRATINGS_MAX];
	/* Which file that was (inode, size, mtime), so a save whose file
	 * nobody else touched need not read it again; all 0 when unknown. */
	unsigned long long file_dev, file_ino, file_size, file_mtime_ns;
};

/* The file for dataset `name`: $XDG_DATA_HOME/collabtui/ratings-NAME.csv,
 * or, for the item key `key` ("title" or "id", non-NULL) earlier versions
 * kept it under, ratings-NAME-KEY.csv; else under
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
 * names are cat's titles.  Under the lock (see the top), the file as it is
 * now is merged in first: *m becomes the merged ratings, what was written.
 * Returns 0, or -1 with "PATH: step: reason" in err (also when the file
 * changed under us and cannot be read back, so merging would lose it); the
 * old file and *m are then untouched. */
int myratings_save(struct myratings *m, const char *path,
		   const struct eng_catalog *cat, char *err, size_t errlen);

#define MYRATINGS_OLD_MAX 4               /* earlier files merged at once */
#define MYRATINGS_OLD_SUFFIX ".migrated"  /* what a merged one is renamed to */

/* Merge the files earlier versions kept (old[0..n_old), per item key;
 * missing ones are skipped) into *m, which holds path's ratings as read
 * whole (or none, when path is not there yet), and save *m to path: a
 * movie rated in *m keeps that rating, and the old files' other movies
 * are added, an earlier file's rating winning over a later one's.  Each
 * file merged is then renamed to itself + MYRATINGS_OLD_SUFFIX, so the
 * merge happens once and nothing is deleted.  A file that cannot be read
 * whole, or whose ratings would pass MYRATINGS_MAX, is left as it is.
 * Returns 0 when there was nothing to merge, 1 when files were merged
 * and saved (msg says how many ratings from which files), or -1 with
 * why in msg (what could be merged was, and saved, when the save
 * itself did not fail). */
int myratings_migrate(struct myratings *m, const char *path, const char *const old[],
		      int n_old, const struct eng_catalog *cat, float lo, float hi,
		      char *msg, size_t msglen);

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
