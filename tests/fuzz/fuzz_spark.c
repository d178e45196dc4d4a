/* fuzz_spark.c -- Spark's JSON factor files (factors_read_spark, and so
 * jansson on each line): every input is the one part file of a
 * write.json directory. */
#include <sys/stat.h>

#include "factors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct factors t;
	char path[512], dir[512], err[1024];

	snprintf(dir, sizeof dir, "%s/uf", fuzz_dir());
	mkdir(dir, 0700);
	fuzz_write("uf/part-00000-fuzz-c000.json", data, size, path, sizeof path);
	if (factors_read_spark(dir, &t, err, sizeof err) == 0)
		factors_free(&t);
	return 0;
}
