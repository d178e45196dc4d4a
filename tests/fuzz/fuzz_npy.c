/* fuzz_npy.c -- the .npy reader (npy_parse, which npy_read calls on the
 * file's bytes): every input is a .npy file. */
#include "fuzz.h"
#include "npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct npy_array a;
	char err[512];

	if (npy_parse(data, size, "fuzz.npy", &a, err, sizeof err) == 0)
		npy_free(&a);
	return 0;
}
