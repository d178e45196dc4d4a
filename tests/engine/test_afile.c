/* test_afile.c -- atomic file replacement: content, atomicity, no leftover
 * temporaries, modes, and each failure path reporting the step; what is
 * refused as a target (FIFO, device, directory) and kept of the replaced
 * file (mode, owner, a symbolic link); and afile_open_read, the one way a
 * reader opens a file: regular files only, never blocking on a FIFO. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/sysmacros.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "testenv.h"

static char scratch[256];  /* short, so scratch/name always fits */

static void scratch_setup(void)
{
	testenv_tmpdir(scratch, sizeof scratch);
}

/* testenv_rmdir removes files only; two tests make a subdirectory. */
static void scratch_teardown(void)
{
	static const char *subdirs[] = { "target", "ro" };
	char p[1024];

	for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		snprintf(p, sizeof p, "%.255s/%s", scratch, subdirs[i]);
		testenv_rmdir(p);
	}
	testenv_rmdir(scratch);
}

TestSuite(afile, .init = scratch_setup, .fini = scratch_teardown);

static const char *in_scratch(const char *name)
{
	return testenv_in(scratch, name);
}

/* Number of directory entries other than . and .. */
static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Write text to scratch/name. */
static void put_file(const char *name, const char *text)
{
	char p[1024];
	testenv_write(p, sizeof p, scratch, name, text, strlen(text));
}

static void assert_content(const char *path, const char *text)
{
	size_t n;
	unsigned char *b = testenv_slurp(path, &n);
	cr_assert_eq(n, strlen(text), "%s: %zu bytes, expected %zu", path, n,
		     strlen(text));
	cr_assert_eq(memcmp(b, text, n), 0, "%s: wrong content", path);
	free(b);
}

Test(afile, commit_creates_file)
{
	char err[256];
	const char *p = in_scratch("new.txt");
	struct afile *f = afile_open(p, err, sizeof err);

	cr_assert_not_null(f, "%s", err);
	cr_assert_eq(afile_write(f, "hello, ", 7), 0);
	cr_assert_eq(afile_write(f, "world", 5), 0);
	cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);
	assert_content(p, "hello, world");
	cr_assert_eq(count_entries(scratch), 1, "a temporary was left behind");
}

Test(afile, commit_replaces_and_old_content_visible_until_then)
{
	char err[256];
	const char *p = in_scratch("model.bin");
	put_file("model.bin", "old content");

	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	cr_assert_eq(count_entries(scratch), 2, "temporary lives next to the target");
	cr_assert_eq(afile_write(f, "new", 3), 0);
	assert_content(p, "old content");
	cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);
	assert_content(p, "new");
	cr_assert_eq(count_entries(scratch), 1);
}

Test(afile, abort_keeps_old_content_and_leaves_nothing)
{
	char err[256];
	const char *p = in_scratch("keep.txt");
	put_file("keep.txt", "precious");

	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	/* Larger than the buffer, so bytes really reach the temporary. */
	static unsigned char junk[200000];
	cr_assert_eq(afile_write(f, junk, sizeof junk), 0);
	afile_abort(f);
	assert_content(p, "precious");
	cr_assert_eq(count_entries(scratch), 1);
}

Test(afile, abort_without_old_file_leaves_directory_empty)
{
	char err[256];
	struct afile *f = afile_open(in_scratch("never.txt"), err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	afile_write(f, "x", 1);
	afile_abort(f);
	cr_assert_eq(count_entries(scratch), 0);
}

Test(afile, abort_null_is_a_no_op)
{
	afile_abort(NULL);
}

Test(afile, empty_commit_makes_empty_file)
{
	char err[256];
	const char *p = in_scratch("empty");
	put_file("empty", "something");
	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	cr_assert_eq(afile_write(f, "", 0), 0);
	cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);
	assert_content(p, "");
}

Test(afile, large_mixed_writes_round_trip)
{
	static const size_t sizes[] = { 1, 7, 65535, 65536, 65537, 3, 200000, 4096, 1 };
	size_t total = 0;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
		total += sizes[i];
	unsigned char *want = malloc(total);
	cr_assert_not_null(want);
	for (size_t i = 0; i < total; i++)
		want[i] = (unsigned char)(i * 2654435761u >> 13);

	char err[256];
	const char *p = in_scratch("big");
	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	size_t off = 0;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		cr_assert_eq(afile_write(f, want + off, sizes[i]), 0);
		off += sizes[i];
	}
	cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);

	size_t n;
	unsigned char *got = testenv_slurp(p, &n);
	cr_assert_eq(n, total);
	cr_assert_eq(memcmp(got, want, total), 0);
	free(got);
	free(want);
}

Test(afile, missing_directory_is_reported)
{
	char err[256] = "";
	const char *p = in_scratch("no/such/dir/file");
	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_null(f);
	cr_assert_not_null(strstr(err, p), "message names the file: %s", err);
	cr_assert_not_null(strstr(err, strerror(ENOENT)), "%s", err);
}

Test(afile, bad_names_are_refused)
{
	char err[256];
	cr_assert_null(afile_open("", err, sizeof err));
	cr_assert_null(afile_open(in_scratch("sub/"), err, sizeof err));
	cr_assert_not_null(strstr(err, "directory"), "%s", err);
}

Test(afile, relative_path_uses_current_directory)
{
	char err[256];
	cr_assert_eq(chdir(scratch), 0);
	struct afile *f = afile_open("rel.txt", err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	afile_write(f, "rel", 3);
	cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);
	assert_content(in_scratch("rel.txt"), "rel");
	cr_assert_eq(count_entries(scratch), 1);
}

static mode_t mode_with_umask(mode_t mask, const char *name)
{
	char err[256];
	struct stat st;
	const char *p = in_scratch(name);

	umask(mask);
	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);
	cr_assert_eq(stat(p, &st), 0);
	return st.st_mode & 07777;
}

Test(afile, mode_follows_umask)
{
	/* Criterion runs each test in its own process, so umask is ours. */
	cr_expect_eq(mode_with_umask(022, "m022"), 0644);
	cr_expect_eq(mode_with_umask(077, "m077"), 0600);
	cr_expect_eq(mode_with_umask(002, "m002"), 0664);
}

Test(afile, rename_failure_reports_step_and_cleans_up)
{
	char err[256] = "";
	const char *p = in_scratch("target");

	/* A non-empty directory cannot be replaced by a file.  afile_open
	 * refuses one that is there already, so it appears after the open. */
	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	cr_assert_eq(mkdir(p, 0755), 0);
	put_file("target/inner", "x");
	afile_write(f, "data", 4);
	cr_assert_eq(afile_commit(f, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, "rename"), "%s", err);
	cr_assert_not_null(strstr(err, p), "%s", err);
	cr_assert_eq(count_entries(scratch), 1, "temporary removed after failure");
	assert_content(in_scratch("target/inner"), "x");
}

/* Make writes past `bytes` fail with EFBIG (instead of SIGXFSZ killing
 * the test process); the previous limit goes into *old for restoring. */
static void limit_file_size(rlim_t bytes, struct rlimit *old)
{
	struct rlimit lim;

	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, old), 0);
	lim = *old;
	lim.rlim_cur = bytes;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
}

Test(afile, write_failure_reports_step_and_keeps_old_file)
{
	char err[256] = "";
	const char *p = in_scratch("limited");
	struct rlimit old;

	put_file("limited", "old");
	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_not_null(f, "%s", err);

	limit_file_size(100000, &old);

	static unsigned char block[30000];
	int failed_at = -1;
	for (int i = 0; i < 10; i++) {
		if (afile_write(f, block, sizeof block) != 0) {
			failed_at = i;
			break;
		}
	}
	int rc = afile_commit(f, err, sizeof err);
	setrlimit(RLIMIT_FSIZE, &old);

	cr_assert_eq(rc, -1);
	cr_assert_neq(failed_at, -1, "a write past the limit reports failure");
	cr_assert_not_null(strstr(err, "write"), "%s", err);
	cr_assert_not_null(strstr(err, strerror(EFBIG)), "%s", err);
	assert_content(p, "old");
	cr_assert_eq(count_entries(scratch), 1);
}

Test(afile, writes_after_a_failure_are_refused)
{
	char err[256] = "";
	struct rlimit old;
	struct afile *f = afile_open(in_scratch("sticky"), err, sizeof err);
	cr_assert_not_null(f, "%s", err);

	limit_file_size(1000, &old);
	static unsigned char block[100000];
	int first = afile_write(f, block, sizeof block);
	setrlimit(RLIMIT_FSIZE, &old);
	/* The limit is gone, yet the handle stays failed: the file would
	 * otherwise have a hole of lost bytes in it. */
	int second = afile_write(f, "x", 1);
	int rc = afile_commit(f, err, sizeof err);

	cr_assert_eq(first, -1);
	cr_assert_eq(second, -1);
	cr_assert_eq(rc, -1);
	cr_assert_eq(count_entries(scratch), 0);
}

Test(afile, small_or_null_error_buffers_are_safe)
{
	char err[8];
	memset(err, 'z', sizeof err);
	cr_assert_null(afile_open(in_scratch("x/y"), err, sizeof err));
	cr_assert_eq(err[sizeof err - 1], '\0');
	cr_assert_null(afile_open(in_scratch("x/y"), NULL, 0));
}

Test(afile, unwritable_directory_is_reported)
{
	char err[256] = "";
	if (geteuid() == 0) {
		scratch_teardown();     /* .fini does not run after a skip */
		cr_skip_test("root ignores directory permissions");
	}
	const char *d = in_scratch("ro");
	cr_assert_eq(mkdir(d, 0555), 0);
	struct afile *f = afile_open(in_scratch("ro/file"), err, sizeof err);
	chmod(d, 0755);
	cr_assert_null(f);
	cr_assert_not_null(strstr(err, strerror(EACCES)), "%s", err);
}

/* ---- what is at the target ------------------------------------------------ */

static mode_t mode_of(const char *path)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0, "%s is gone", path);
	return st.st_mode;
}

/* Replace name with "new", expecting refusal with reason in the message
 * and nothing created. */
static void expect_target_refused(const char *name, const char *reason)
{
	char err[512] = "";
	const char *p = in_scratch(name);
	int before = count_entries(scratch);

	cr_assert_null(afile_open(p, err, sizeof err), "%s was replaced", name);
	cr_assert_not_null(strstr(err, p), "%s", err);
	cr_assert_not_null(strstr(err, reason), "'%s' not in: %s", reason, err);
	cr_assert_eq(afile_check_target(p, err, sizeof err), -1);
	cr_assert_eq(count_entries(scratch), before, "a temporary was left");
}

Test(afile, a_fifo_target_is_refused_and_kept)
{
	cr_assert_eq(mkfifo(in_scratch("pipe"), 0600), 0);
	expect_target_refused("pipe", "not a regular file (a FIFO)");
	cr_assert(S_ISFIFO(mode_of(in_scratch("pipe"))));
}

Test(afile, a_directory_target_is_refused)
{
	cr_assert_eq(mkdir(in_scratch("target"), 0755), 0);
	expect_target_refused("target", "not a regular file (a directory)");
	cr_assert(S_ISDIR(mode_of(in_scratch("target"))));
}

Test(afile, a_device_target_is_refused_and_kept)
{
	/* a private copy of /dev/null's node: replacing the real one as root
	 * is exactly the bug */
	if (mknod(in_scratch("null"), S_IFCHR | 0666, makedev(1, 3)) != 0) {
		char err[512] = "";

		/* not root: /dev/null itself is safe to try */
		cr_assert_null(afile_open("/dev/null", err, sizeof err));
		cr_assert_not_null(strstr(err, "not a regular file (a character device)"),
				   "%s", err);
		return;
	}
	expect_target_refused("null", "not a regular file (a character device)");
	cr_assert(S_ISCHR(mode_of(in_scratch("null"))));
}

Test(afile, a_replaced_file_keeps_its_mode)
{
	static const mode_t modes[] = { 0600, 0640, 0444, 0755 };
	char err[256] = "";

	umask(022);
	for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		const char *p = in_scratch("kept");
		put_file("kept", "old");
		cr_assert_eq(chmod(p, modes[i]), 0);
		struct afile *f = afile_open(p, err, sizeof err);
		cr_assert_not_null(f, "%s", err);
		afile_write(f, "new", 3);
		cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);
		cr_assert_eq(mode_of(p) & 07777, modes[i], "0%o came back 0%o",
			     (unsigned)modes[i], (unsigned)(mode_of(p) & 07777));
		assert_content(p, "new");
		unlink(p);
	}
}

Test(afile, a_replaced_file_keeps_its_owner_where_possible)
{
	char err[256] = "";
	const char *p = in_scratch("owned");
	struct stat st;

	put_file("owned", "old");
	/* root can give the file away, and the replacement must follow; for
	 * anyone else the owner is ours already and the group must stay */
	if (geteuid() == 0)
		cr_assert_eq(chown(p, 65534, 65534), 0);
	cr_assert_eq(stat(p, &st), 0);
	struct afile *f = afile_open(p, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	afile_write(f, "new", 3);
	cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);
	struct stat now;
	cr_assert_eq(stat(p, &now), 0);
	cr_assert_eq(now.st_uid, st.st_uid, "owner %u became %u", (unsigned)st.st_uid,
		     (unsigned)now.st_uid);
	cr_assert_eq(now.st_gid, st.st_gid);
}

Test(afile, a_symbolic_link_is_written_through)
{
	char err[256] = "";
	const char *link = in_scratch("link");

	put_file("real", "old");
	cr_assert_eq(chmod(in_scratch("real"), 0600), 0);
	cr_assert_eq(symlink("real", link), 0);
	struct afile *f = afile_open(link, err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	afile_write(f, "new", 3);
	cr_assert_eq(afile_commit(f, err, sizeof err), 0, "%s", err);
	cr_assert(S_ISLNK(mode_of(link)), "the link was replaced by a file");
	assert_content(in_scratch("real"), "new");
	cr_assert_eq(mode_of(in_scratch("real")) & 0777, 0600);
	cr_assert_eq(count_entries(scratch), 2);
}

Test(afile, a_link_to_nothing_or_to_a_fifo_is_refused)
{
	cr_assert_eq(symlink("missing", in_scratch("dangling")), 0);
	expect_target_refused("dangling", "a symbolic link to a missing file");
	cr_assert_eq(mkfifo(in_scratch("pipe"), 0600), 0);
	cr_assert_eq(symlink("pipe", in_scratch("topipe")), 0);
	expect_target_refused("topipe", "not a regular file (a FIFO)");
	cr_assert(S_ISFIFO(mode_of(in_scratch("pipe"))));
}

/* ---- opening for reading -------------------------------------------------- */

Test(afile, open_read_takes_regular_files, .timeout = 10)
{
	char err[256] = "", buf[8] = "";

	put_file("plain", "abc");
	int fd = afile_open_read(in_scratch("plain"), err, sizeof err);
	cr_assert_geq(fd, 0, "%s", err);
	cr_assert_eq(read(fd, buf, sizeof buf), 3);
	cr_assert_str_eq(buf, "abc");
	cr_assert_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0, "O_NONBLOCK left on");
	cr_assert_neq(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
	FILE *f = afile_fopen_read(in_scratch("plain"), err, sizeof err);
	cr_assert_not_null(f, "%s", err);
	fclose(f);
}

Test(afile, open_read_refuses_what_is_not_a_regular_file, .timeout = 10)
{
	char err[512] = "", want[600];
	const char *p = in_scratch("pipe");

	/* a FIFO with no writer: a plain open would wait forever */
	cr_assert_eq(mkfifo(p, 0600), 0);
	cr_assert_eq(afile_open_read(p, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: not a regular file (a FIFO)", p);
	cr_assert_str_eq(err, want);
	cr_assert_eq(errno, EINVAL);
	cr_assert_null(afile_fopen_read(p, err, sizeof err));

	/* the null device reads as an empty file: --config /dev/null */
	int fd = afile_open_read("/dev/null", err, sizeof err);
	cr_assert_geq(fd, 0, "%s", err);
	close(fd);
	cr_assert_eq(afile_open_read("/dev/zero", err, sizeof err), -1);
	cr_assert_str_eq(err, "/dev/zero: not a regular file (a character device)");
	cr_assert_eq(afile_open_read(scratch, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, "not a regular file (a directory)"), "%s", err);
	cr_assert_eq(errno, EISDIR);

	cr_assert_eq(afile_open_read(in_scratch("absent"), err, sizeof err), -1);
	cr_assert_eq(errno, ENOENT, "a caller may treat a missing file as absent");
	snprintf(want, sizeof want, "%s: %s", in_scratch("absent"), strerror(ENOENT));
	cr_assert_str_eq(err, want);
	cr_assert_eq(afile_open_read(in_scratch("absent"), NULL, 0), -1);
}

/* ---- afile_write_all: the errno of the failing call ------------------------ */

Test(afile, write_all_reports_the_errno_of_the_failing_write)
{
	struct rlimit old;
	static unsigned char block[5000];
	int fd = open(in_scratch("capped"), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	cr_assert_geq(fd, 0);
	limit_file_size(1000, &old);
	errno = EEXIST;         /* stale, as an earlier mkdir would leave it */
	int e = afile_write_all(fd, block, sizeof block);
	setrlimit(RLIMIT_FSIZE, &old);
	close(fd);
	/* the first write is short (1000 bytes), the retry fails with EFBIG */
	cr_assert_eq(e, EFBIG, "got %s", strerror(e));
}
