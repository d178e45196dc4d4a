/* history.h -- the run history: one JSON line per finished training run.
 *
 * The file is $XDG_DATA_HOME/collabtui/history.jsonl (an absolute
 * XDG_DATA_HOME only, as the XDG spec says), else
 * ~/.local/share/collabtui/history.jsonl.  Each run is one line: its
 * dataset and split, model and hyperparameters, seed, the per-epoch
 * training and validation losses, the final validation loss and the wall
 * time, and "diverged":true for a run that diverged.
 *
 * Crash safety without a lock or a rewrite: a line is appended with one
 * write(2) on an O_APPEND descriptor and then fsync'ed, so concurrent
 * writers never interleave within a line and a line is either all there
 * or cut short at its end.  A reader keeps only complete lines (ending
 * in '\n' and parsing as a record), and a writer that finds the file not
 * ending in '\n' (a torn line from a crash) starts its own line with one,
 * so a torn line never swallows the next record.
 *
 * Strings are written without escapes: characters JSON would need to
 * escape ('"', '\\', control bytes) are replaced by '?'.
 */
#ifndef COLLABTUI_HISTORY_H
#define COLLABTUI_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define HISTORY_EPOCHS_MAX 1000 /* losses kept per run; later epochs are left out */
#define HISTORY_SECONDS_MAX 1e9 /* a run's wall time, at most (~31 years) */

struct history_run {
	char time[24];          /* UTC, "2025-01-31T12:00:00Z" */
	char dataset[64];
	char split[32];         /* "u1", "random 0.2", "fold 2/5" */
	char model[16];         /* dot, dotbias, als, bpmf, nn */
	char item_key[8];       /* "id" or "title"; "" in records from before
				 * it was written */
	int factors, epochs, bs;
	double lr, wd;
	int y_range_on;
	double y_lo, y_hi;
	char optimizer[16], schedule[16];
	uint64_t seed;
	int n_losses;           /* entries of train_loss / valid_loss */
	float train_loss[HISTORY_EPOCHS_MAX];
	float valid_loss[HISTORY_EPOCHS_MAX];   /* NAN without a validation set */
	double final_valid;     /* NAN without a validation set, or diverged */
	double seconds;
	int diverged;           /* 1: the run ended diverged (NaN or infinite
				 * losses or weights; written "diverged":true,
				 * absent otherwise); its losses are the epochs
				 * before, and it has no model */
};

/* The history file's path into buf (n bytes), creating its directory.
 * Returns buf, or NULL when there is no usable place (no HOME, a path
 * that does not fit, a directory that cannot be made). */
const char *history_path(char *buf, size_t n);

/* Append r to the file at path as one line.  0, or -1 with
 * "PATH: what failed: strerror" in err. */
int history_append(const char *path, const struct history_run *r, char *err,
		   size_t errlen);

/* Read every complete record of the file at path whose dataset is
 * `dataset` (NULL: all), oldest first, into a new array *out of *n
 * records (free() it).  A missing file is an empty history.  Torn or
 * unparsable lines are skipped.  0, or -1 with a message in err when the
 * file cannot be read or memory runs out. */
int history_read(const char *path, const char *dataset, struct history_run **out,
		 size_t *n, char *err, size_t errlen);

/* As history_read(), keeping only the newest `keep` of those records
 * (keep 0: all) in memory of that size however long the file is; *n_total
 * (when not NULL) gets how many the file holds.  The interface rereads
 * the history after every run and shows the newest. */
int history_read_newest(const char *path, const char *dataset, size_t keep,
			struct history_run **out, size_t *n, size_t *n_total,
			char *err, size_t errlen);

/* As history_read_newest() with keep >= 1, into buf, the caller's array of
 * keep records (no allocation besides the line being read): the interface
 * rereads its runs after every run into the same memory. */
int history_read_newest_into(const char *path, const char *dataset, struct history_run *buf,
			     size_t keep, size_t *n, size_t *n_total, char *err, size_t errlen);

/* The order of `runs --sort valid` and the TUI's Runs pane: like with
 * like, grouped by split and then item key (as strings), and within a
 * group by final validation loss, best first, runs without one last.
 * <0, 0 or >0 as for qsort. */
int history_cmp_valid(const struct history_run *a, const struct history_run *b);

/* Sort v (n records) in history_cmp_valid()'s order. */
void history_sort_valid(struct history_run *v, size_t n);

/* Parse one line (without its '\n') into r.  0, or -1 if it is not a
 * complete record or a field is out of its range: strings hold no control
 * byte and fit their arrays; time is "YYYY-MM-DDTHH:MM:SSZ"; factors,
 * epochs and bs are whole numbers 1..INT_MAX; seed a whole number
 * 0..2^64-1, read exactly; lr > 0 and wd >= 0 finite; y_range null or two
 * float-sized numbers lo < hi; losses and final_valid null or finite and
 * >= 0, at most FLT_MAX; seconds 0..HISTORY_SECONDS_MAX.  Of more
 * than HISTORY_EPOCHS_MAX losses the first are kept, the rest checked and
 * left out. */
int history_parse(const char *line, struct history_run *r);

#endif
