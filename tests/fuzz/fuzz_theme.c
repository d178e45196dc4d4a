/* fuzz_theme.c -- the colour themes' reader (theme_load): every input is
 * themes/fuzz.yaml under the scratch XDG_CONFIG_HOME, loaded by name as
 * --theme fuzz would be. */
#define _XOPEN_SOURCE_EXTENDED 1
#include "fuzz.h"
#include "theme.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[512];

	(void)argc;
	(void)argv;
	setenv("XDG_CONFIG_HOME", fuzz_dir(), 1);
	unsetenv("NO_COLOR");
	snprintf(path, sizeof path, "%s/collabtui", fuzz_dir());
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/collabtui/themes", fuzz_dir());
	mkdir(path, 0700);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	char path[512], err[1024];

	fuzz_write("collabtui/themes/fuzz.yaml", data, size, path, sizeof path);
	theme_load(&t, "fuzz", err, sizeof err);
	return 0;
}
