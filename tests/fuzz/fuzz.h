/* fuzz.h -- what the libFuzzer harnesses in tests/fuzz/ share.
 *
 * Each fuzz_NAME.c is one program (make fuzz links it with clang's
 * -fsanitize=fuzzer,address,undefined) that feeds libFuzzer's inputs to one
 * parser through the same door the program uses: the parsers read files,
 * so an input is written to a scratch directory under the file name the
 * parser looks for, then the parser is called on it.  The seeds are the
 * small hand-written files in tests/fuzz/NAME/ (never MovieLens data).
 *
 * A parser that reads several files of a folder (ml-100k's u.data, u.item,
 * u.user, u.genre) gets them from one input: a line holding just "%%"
 * separates one file's text from the next (fuzz_files), in the order the
 * harness names them; a file left out of the input is absent from the
 * folder, as on a disk where it is missing.
 *
 * Header-only (static inline): each harness is a single translation unit.
 */
#ifndef COLLABTUI_FUZZ_H
#define COLLABTUI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* libFuzzer's entry points: what each harness defines. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_SEP "\n%%\n"       /* between the files of one input */
#define FUZZ_FILES_MAX 8

static char fuzz_scratch[256];

/* Remove the scratch directory and what is in it (at exit). */
static inline void fuzz_cleanup(void)
{
	char cmd[300];

	if (!fuzz_scratch[0])
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fuzz_scratch);
	if (system(cmd) != 0) {
		/* a leftover under /tmp is all it costs */
	}
}

/* This process's scratch directory, made on the first call (the process
 * exits when it cannot be made: no input could be tried). */
static inline const char *fuzz_dir(void)
{
	if (fuzz_scratch[0])
		return fuzz_scratch;
	const char *tmp = getenv("TMPDIR");

	snprintf(fuzz_scratch, sizeof fuzz_scratch, "%s/collabtui-fuzz-XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (!mkdtemp(fuzz_scratch)) {
		perror("fuzz: mkdtemp");
		exit(1);
	}
	atexit(fuzz_cleanup);
	return fuzz_scratch;
}

/* Write n bytes of data to the file rel under the scratch directory
 * (replacing it); its path into path.  Exits when it cannot. */
static inline const char *fuzz_write(const char *rel, const void *data, size_t n,
				     char *path, size_t pathlen)
{
	FILE *f;

	snprintf(path, pathlen, "%s/%s", fuzz_dir(), rel);
	f = fopen(path, "wb");
	if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	return path;
}

/* Split the input at FUZZ_SEP into the files names[0..n) of the scratch
 * directory; the names the input has no part for are removed.  Returns
 * the directory. */
static inline const char *fuzz_files(const uint8_t *data, size_t size,
				     const char *const *names, int n)
{
	const uint8_t *at = data, *end = data + size;
	char path[512];
	int i = 0;

	for (; i < n && at; i++) {
		const uint8_t *sep = NULL;
		size_t len = (size_t)(end - at);

		for (const uint8_t *p = at; p + 4 <= end; p++)
			if (memcmp(p, FUZZ_SEP, 4) == 0) {
				sep = p;
				break;
			}
		if (sep)
			len = (size_t)(sep - at) + 1;   /* the line's '\n' is its own */
		fuzz_write(names[i], at, len, path, sizeof path);
		at = sep ? sep + 4 : NULL;
	}
	for (; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", fuzz_dir(), names[i]);
		unlink(path);
	}
	return fuzz_dir();
}

#endif
