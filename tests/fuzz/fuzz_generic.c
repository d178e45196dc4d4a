/* fuzz_generic.c -- the generic loaders: one user,item,rating[,timestamp]
 * file, read as --format csv, as --format tsv and as detected (auto: a tab
 * in the first line means TSV). */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "ratings.txt" };
	static const enum eng_format formats[] = { ENG_FMT_CSV, ENG_FMT_TSV, ENG_FMT_AUTO };

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		fuzz_dataset(data, size, names, 1, formats[i], 1);
	return 0;
}
