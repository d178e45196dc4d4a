/* fuzz_factorcsv.c -- the factor CSV reader (factors_read_csv): every input
 * is a factors.csv, read keyed by id and by title. */
#include "factors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct factors t;
	char path[512], err[1024];

	fuzz_write("factors.csv", data, size, path, sizeof path);
	if (factors_read_csv(path, "id", &t, err, sizeof err) == 0)
		factors_free(&t);
	if (factors_read_csv(path, "title", &t, err, sizeof err) == 0)
		factors_free(&t);
	return 0;
}
