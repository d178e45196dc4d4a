/* fuzz_ml100k.c -- the MovieLens 100K loader: u.data, u.item, u.user and
 * u.genre from one input (fuzz.h), loaded as --format ml-100k. */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "u.data", "u.item", "u.user", "u.genre" };

	fuzz_dataset(data, size, names, 4, ENG_FMT_ML100K, 0);
	return 0;
}
