/* fuzz_dataset.h -- the dataset loader's harnesses share this: one input
 * becomes the files of a dataset folder (fuzz.h's "%%" lines), loaded
 * with the format named, once by movie id and, for the MovieLens formats,
 * once by title (the title key merges items, a path of its own). */
#ifndef COLLABTUI_FUZZ_DATASET_H
#define COLLABTUI_FUZZ_DATASET_H

#include "fuzz.h"
#include "dataset.h"

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

		ds_free(ds_load(&o, err, sizeof err));
	}
}

#endif
