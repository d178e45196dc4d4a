/* fuzz_dataset.h -- the dataset loader's harnesses share this: one input
 * becomes the files of a dataset folder (fuzz.h's "%%" lines), loaded
 * with the format named, once by movie id and, for the MovieLens formats,
 * once by title (the title key merges items, a path of its own).  The
 * load by id is made twice, on one thread and with the ratings file parsed
 * on two whatever its size (ds_opts.two_threads_from): the two must give
 * the same ratings, or the same error, else the harness aborts (with
 * two_threads_from set, the worker parses every window's second half). */
#ifndef COLLABTUI_FUZZ_DATASET_H
#define COLLABTUI_FUZZ_DATASET_H

#include "fuzz.h"
#include "dataset.h"
#include "rcols.h"

/* Abort (a finding) unless a and b, each a dataset or NULL with its error
 * in ea / eb, are the same load: the error, or the ratings and shape. */
static inline void fuzz_same_load(const struct ds *a, const char *ea, const struct ds *b,
				  const char *eb)
{
	if (!a || !b) {
		if (a || b || strcmp(ea, eb) != 0) {
			fprintf(stderr, "one and two parse threads differ: \"%s\" / \"%s\"\n",
				a ? "loaded" : ea, b ? "loaded" : eb);
			abort();
		}
		return;
	}
	const struct rcols ca = ds_cols(a), cb = ds_cols(b);
	if (ca.n != cb.n || ds_n_users(a) != ds_n_users(b) || ds_n_items(a) != ds_n_items(b)) {
		fprintf(stderr, "one and two parse threads differ in shape\n");
		abort();
	}
	for (size_t j = 0; j < ca.n; j++) {
		float va = rc_value(&ca, j), vb = rc_value(&cb, j);
		if (rc_user(&ca, j) != rc_user(&cb, j) || rc_item(&ca, j) != rc_item(&cb, j) ||
		    memcmp(&va, &vb, sizeof va) != 0) {
			fprintf(stderr, "one and two parse threads differ at rating %zu\n", j);
			abort();
		}
	}
}

/* Load the input as the files names[0..n) in format fmt.  file: give
 * ds_load the first file's path (the generic formats, which have no
 * titles: by id only) rather than the folder. */
static inline void fuzz_dataset(const uint8_t *data, size_t size, const char *const *names,
				int n, enum eng_format fmt, int file)
{
	static const enum eng_item_key keys[] = { ENG_ITEM_KEY_ID, ENG_ITEM_KEY_TITLE };
	char path[512], err[1024];
	const char *dir = fuzz_files(data, size, names, n);

	snprintf(path, sizeof path, "%s/%s", dir, names[0]);
	for (size_t k = 0; k < (file ? 1 : sizeof keys / sizeof keys[0]); k++) {
		struct ds_opts o = {
			.path = file ? path : dir, .format = fmt, .item_key = keys[k],
		};

		if (k > 0) {
			ds_free(ds_load(&o, err, sizeof err));
			continue;
		}
		char err2[1024];
		o.threads = 1;
		struct ds *one = ds_load(&o, err, sizeof err);
		o.threads = 2;
		o.two_threads_from = 1;
		struct ds *two = ds_load(&o, err2, sizeof err2);
		fuzz_same_load(one, err, two, err2);
		ds_free(one);
		ds_free(two);
	}
}

#endif
