/* fuzz_history.c -- the run history's reader (history_read, and so
 * history_parse on each line): every input is a history.jsonl. */
#include "fuzz.h"
#include "history.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history_run *runs = NULL;
	size_t n = 0;
	char path[512], err[1024];

	fuzz_write("history.jsonl", data, size, path, sizeof path);
	if (history_read(path, NULL, &runs, &n, err, sizeof err) == 0)
		history_sort_valid(runs, n);
	free(runs);
	return 0;
}
