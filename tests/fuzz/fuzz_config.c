/* fuzz_config.c -- config.yaml's reader (cfg_load): every input is a
 * settings file. */
#include "fuzz.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg c = cfg_default();
	char path[512], err[1024];

	fuzz_write("config.yaml", data, size, path, sizeof path);
	cfg_load(path, &c, err, sizeof err);
	return 0;
}
