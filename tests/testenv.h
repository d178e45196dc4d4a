/* testenv.h -- where tests find their data, read from the environment.
 *
 * The Makefile (and .ci/run) pass two absolute paths:
 *   COLLABTUI_FIXTURES  the tiny hand-written files of tests/fixtures (NAME.in),
 *                       copied without the .in by the Makefile (BUILD/fixtures)
 *   COLLABTUI_DATASETS  a directory with the real ml-100k/, ml-latest-small/
 * Fixtures are part of the source, so a missing variable is a failure.
 * The real datasets may be absent on a developer's machine: a test that
 * needs them is skipped there, but fails in CI (CI=true), where skipping
 * would quietly turn the real-data checks off.
 */
#ifndef COLLABTUI_TESTENV_H
#define COLLABTUI_TESTENV_H

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* buf = $COLLABTUI_FIXTURES/rel; aborts the test when unset. */
static inline const char *testenv_fixture(char *buf, size_t n, const char *rel)
{
	const char *dir = getenv("COLLABTUI_FIXTURES");

	if (!dir || !*dir)
		cr_assert_fail("COLLABTUI_FIXTURES is not set (expected the absolute path of BUILD/fixtures, made by make test)");
	cr_assert_lt(snprintf(buf, n, "%s/%s", dir, rel), (int)n, "path too long");
	return buf;
}

/* buf = $COLLABTUI_DATASETS/sub, checked to be a directory.  When the
 * variable is unset the test is skipped, or fails when CI is "true"; a
 * set variable naming a missing directory always fails. */
static inline const char *testenv_dataset(char *buf, size_t n, const char *sub)
{
	const char *dir = getenv("COLLABTUI_DATASETS");
	const char *ci = getenv("CI");
	struct stat st;

	if (!dir || !*dir) {
		if (ci && strcmp(ci, "true") == 0)
			cr_assert_fail("COLLABTUI_DATASETS is not set: the path to the real datasets is missing in CI");
		cr_skip_test("COLLABTUI_DATASETS is not set; skipping the real-data test");
	}
	cr_assert_lt(snprintf(buf, n, "%s/%s", dir, sub), (int)n, "path too long");
	if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode))
		cr_assert_fail("dataset path is missing: %s (from COLLABTUI_DATASETS)", buf);
	return buf;
}

/* A fresh empty directory under $TMPDIR (or /tmp); its path into buf. */
static inline const char *testenv_tmpdir(char *buf, size_t n)
{
	const char *t = getenv("TMPDIR");

	cr_assert_lt(snprintf(buf, n, "%s/collabtui-test.XXXXXX", t && *t ? t : "/tmp"), (int)n,
	             "path too long");
	cr_assert_not_null(mkdtemp(buf), "mkdtemp %s failed", buf);
	return buf;
}

/* Write data[0..len) to dir/name; the file's path into buf. */
static inline const char *testenv_write(char *buf, size_t n, const char *dir,
                                        const char *name, const char *data,
                                        size_t len)
{
	FILE *f;

	cr_assert_lt(snprintf(buf, n, "%s/%s", dir, name), (int)n, "path too long");
	f = fopen(buf, "wb");
	cr_assert_not_null(f, "cannot create %s", buf);
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

/* Remove a directory made by testenv_tmpdir and the files in it, and the
 * directories in it (the collabtui/ a command run with HOME there makes
 * for its run history): a scratch directory left behind is one more in
 * /tmp on every run of the suite. */
static inline void testenv_rmdir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char sub[1200];

	while (d && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) != 0 && errno == EISDIR &&
		    snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name) < (int)sizeof sub)
			testenv_rmdir(sub);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

/* Remove dir and everything under it (subdirectories too). */
static inline void testenv_rmtree(const char *dir)
{
	char cmd[1200];

	cr_assert_lt(snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir), (int)sizeof cmd);
	cr_assert_eq(system(cmd), 0, "%s failed", cmd);
}

/* dir/name in one of a few rotating buffers, so two paths can be alive
 * at once (a scratch directory's files: dir short, name at most 700). */
static inline const char *testenv_in(const char *dir, const char *name)
{
	static char p[4][1024];
	static unsigned next;
	char *r = p[next++ % 4];
	snprintf(r, sizeof p[0], "%.255s/%.700s", dir, name);
	return r;
}

/* The whole file at path in a malloc'd buffer, NUL-terminated (the
 * caller frees it); *len gets its size.  Fails the test when unreadable. */
static inline unsigned char *testenv_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	cr_assert_not_null(fp, "%s: %s", path, strerror(errno));
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	rewind(fp);
	unsigned char *b = malloc((size_t)n + 1);
	cr_assert_not_null(b);
	cr_assert_eq(fread(b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	b[n] = 0;
	*len = (size_t)n;
	return b;
}

#endif
