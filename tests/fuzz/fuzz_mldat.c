/* fuzz_mldat.c -- the MovieLens 1M/10M loader: ratings.dat and movies.dat
 * ("::"-separated) from one input (fuzz.h), loaded as --format ml-dat. */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "ratings.dat", "movies.dat" };

	fuzz_dataset(data, size, names, 2, ENG_FMT_MLDAT, 0);
	return 0;
}
