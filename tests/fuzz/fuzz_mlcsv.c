/* fuzz_mlcsv.c -- the MovieLens latest/20M/25M loader: ratings.csv and
 * movies.csv (quoted CSV, header lines) from one input (fuzz.h), loaded as
 * --format ml-csv. */
#include "fuzz_dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "ratings.csv", "movies.csv" };

	fuzz_dataset(data, size, names, 2, ENG_FMT_MLCSV, 0);
	return 0;
}
