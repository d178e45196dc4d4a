/* fuzz_myratings.c -- your ratings file's reader (myratings_load): every
 * input is a ratings file, read against a small catalogue whose titles
 * exercise the lookups (a year, a shared title, a comma, non-ASCII). */
#include "fuzz.h"
#include "myratings.h"

static struct eng_item items[] = {
	{ .title = "Toy Story (1995)", .genres = "", .id = 1, .year = 1995 },
	{ .title = "Chasers (1994)", .genres = "", .id = 3, .year = 1994 },
	{ .title = "Chasers (1994)", .genres = "", .id = 4, .year = 1994 },
	{ .title = "Mis\xc3\xa9rables, Les (1995)", .genres = "", .id = 2, .year = 1995 },
	{ .title = "item 7", .genres = "", .id = 7 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct myratings m;      /* large: not on the stack */
	struct eng_catalog cat = {
		.n_items = sizeof items / sizeof items[0], .items = items,
	};
	char path[512], err[1024];

	fuzz_write("ratings.csv", data, size, path, sizeof path);
	myratings_load(&m, path, &cat, 0.5f, 5.0f, err, sizeof err);
	return 0;
}
