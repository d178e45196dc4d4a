/* test_cli_files.c -- the real binary on hostile files: FIFOs and devices
 * named by --data, --config, --ratings or found in a dataset folder are
 * refused (exit status 2, the file and the reason) instead of blocking or
 * reading without end; --save refuses what is not a regular file and keeps
 * the mode of the file it replaces; a long comment in a ratings file stays
 * a comment; and titles holding terminal escape sequences reach stdout
 * cleaned. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testcli.h"
#include "testtext.h"

/* A folder with the ML-100K fixture's u.data (and u.item unless
 * with_items is 0) copied in; its path into dir. */
static void ml100k_copy(char *dir, size_t n, int with_items)
{
	static const char *const names[] = { "u.data", "u.item", "u.genre" };
	char src[1024], dst[1024];

	testenv_tmpdir(dir, n);
	for (int i = 0; i < (with_items ? 3 : 1); i++) {
		char rel[64];
		size_t len;

		snprintf(rel, sizeof rel, "ml-100k/%s", names[i]);
		unsigned char *b = testenv_slurp(testenv_fixture(src, sizeof src, rel), &len);
		testenv_write(dst, sizeof dst, dir, names[i], (const char *)b, len);
		free(b);
	}
}

/* `collabtui ARGS` in dir must exit 2 with "WHAT: not a regular file
 * (KIND)" on stderr; the test's timeout catches a run that blocks. */
static void refused(const char *dir, const char *args, const char *what, const char *kind)
{
	struct cli_result r;
	char want[1200];

	cli_run(&r, dir, "%s", args);
	snprintf(want, sizeof want, "%s: not a regular file (%s)", what, kind);
	cr_assert_eq(r.status, 2, "%s: status %d: %s", args, r.status, r.err);
	cr_assert(strstr(r.err, want), "%s: expected \"%s\" in: %s", args, want, r.err);
}

Test(cli_files, fifos_and_devices_are_refused_not_read, .timeout = 120)
{
	char dir[512], p[1024], fx[1024];

	ml100k_copy(dir, sizeof dir, 1);
	testenv_fixture(fx, sizeof fx, "ml-100k");
	snprintf(p, sizeof p, "%s/pipe", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	refused(dir, "summary --data pipe", "pipe", "a FIFO");
	refused(dir, "summary --data /dev/zero", "/dev/zero", "a character device");
	refused(dir, "--config pipe summary --data .", "pipe", "a FIFO");
	char args[2200];
	snprintf(args, sizeof args, "recommend --data %s --bs 2 --ratings pipe", fx);
	refused(dir, args, "pipe", "a FIFO");
	snprintf(args, sizeof args, "recommend --data %s --bs 2 --ratings /dev/zero", fx);
	refused(dir, args, "/dev/zero", "a character device");
	testenv_rmdir(dir);

	/* a dataset folder whose u.item is a FIFO */
	ml100k_copy(dir, sizeof dir, 0);
	snprintf(p, sizeof p, "%s/u.item", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	refused(dir, "summary --data .", "./u.item", "a FIFO");
	testenv_rmdir(dir);

	/* a FIFO u.data, the format named */
	testenv_tmpdir(dir, sizeof dir);
	snprintf(p, sizeof p, "%s/u.data", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	refused(dir, "summary --data . --format ml-100k", "./u.data", "a FIFO");
	testenv_rmdir(dir);
}

Test(cli_files, save_refuses_a_fifo_and_keeps_a_files_mode, .timeout = 120)
{
	char dir[512], p[1024];
	struct cli_result r;
	struct stat st;

	ml100k_copy(dir, sizeof dir, 1);
	snprintf(p, sizeof p, "%s/model.pipe", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	cli_run(&r, dir, "train --data . --bs 2 --epochs 1 --save model.pipe");
	cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "model.pipe: not a regular file (a FIFO)"), "%s", r.err);
	cr_assert(!strstr(r.err, "train_loss"), "training started: %s", r.err);
	cr_assert_eq(lstat(p, &st), 0);
	cr_assert(S_ISFIFO(st.st_mode), "the FIFO was replaced");

	/* a private model stays private when saved again */
	cli_run(&r, dir, "train --data . --bs 2 --epochs 1 --save model.ctm");
	cr_assert_eq(r.status, 0, "%s", r.err);
	snprintf(p, sizeof p, "%s/model.ctm", dir);
	cr_assert_eq(chmod(p, 0600), 0);
	cli_run(&r, dir, "train --data . --bs 2 --epochs 1 --save model.ctm");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(stat(p, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600, "0600 came back 0%o", (unsigned)(st.st_mode & 0777));
	testenv_rmdir(dir);
}

/* synth writes its two files by rename: a FIFO where one goes is
 * refused before any work, and left a FIFO */
Test(cli_files, synth_refuses_a_fifo_target, .timeout = 60)
{
	char dir[512], p[1024];
	struct cli_result r;
	struct stat st;

	testenv_tmpdir(dir, sizeof dir);
	snprintf(p, sizeof p, "%s/movies.csv", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	cli_run(&r, dir, "synth --out . --ratings 1000 --users 50 --items 40");
	cr_assert_eq(r.status, 2, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.err, "movies.csv: not a regular file (a FIFO)"), "%s", r.err);
	cr_assert_eq(lstat(p, &st), 0);
	cr_assert(S_ISFIFO(st.st_mode), "the FIFO was replaced");
	snprintf(p, sizeof p, "%s/ratings.csv", dir);
	cr_assert_neq(access(p, F_OK), 0, "ratings.csv was written before the refusal");
	testenv_rmdir(dir);
}

Test(cli_files, a_long_comment_in_a_ratings_file_stays_a_comment, .timeout = 120)
{
	char dir[512], p[1024];
	struct cli_result r;
	/* 4095 bytes of comment, then what a 4 KiB buffer read as a rating */
	size_t n = 0;
	char *text = malloc(8192);

	ml100k_copy(dir, sizeof dir, 1);
	text[n++] = '#';
	memset(text + n, 'x', 4094);
	n += 4094;
	n += (size_t)sprintf(text + n, "Toy Story (1995),1\nChasers (1994),5\n");
	testenv_write(p, sizeof p, dir, "mine.csv", text, n);
	free(text);
	cli_run(&r, dir, "recommend --data . --bs 2 --epochs 1 --item-key title --ratings mine.csv");
	cr_assert_eq(r.status, 0, "status %d: %s", r.status, r.err);
	cr_assert(strstr(r.out, "from your 1 ratings"), "%s", r.out);
	testenv_rmdir(dir);
}

/* ESC [ 31m, BEL, an OSC title sequence, 0x9B and malformed UTF-8. */
static const char evil_items[] =
	"1|Toy \033[31mStory\007 (1995)|01-Jan-1995||x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
	"2|\033]0;pwned\007Evil\x9b" "2J (1995)|01-Jan-1995||x|0|0|0|0|0|0|0|0|1|0|0|0|1|0|0|0|0|0|0\n"
	"3|Bad \xff\xfe\xc3 (1994)|01-Jan-1994||x|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
	"4|Chasers (1994)|01-Jan-1994||x|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n";
static const char evil_movies[] =
	"movieId,title,genres\n"
	"1,\"Toy \033[31mStory\007 (1995)\",Comedy\n"
	"11,\"\033]0;pwned\007Evil\xc2\x9b" "2J (1995)\",Drama\n"
	"7789,\"Bad \xff\xfe (2002)\",Drama\n";

Test(cli_files, escape_sequences_in_titles_never_reach_the_terminal, .timeout = 120)
{
	char dir[512], p[1024], src[1024];
	struct cli_result r;
	size_t n;

	ml100k_copy(dir, sizeof dir, 0);
	testenv_write(p, sizeof p, dir, "u.item", evil_items, sizeof evil_items - 1);
	cli_run(&r, dir, "summary --data .");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Toy \xef\xbf\xbd[31mStory"), "%s", r.out);
	cr_assert(text_is_terminal_safe(r.out, 1), "summary printed raw controls: %s", r.out);
	cli_run(&r, dir, "similar Toy --data . --bs 2 --epochs 1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Evil"), "%s", r.out);
	cr_assert(text_is_terminal_safe(r.out, 1), "similar printed raw controls: %s", r.out);
	cr_assert(text_is_terminal_safe(r.err, 1), "raw controls on stderr: %s", r.err);
	testenv_rmdir(dir);

	testenv_tmpdir(dir, sizeof dir);
	unsigned char *b = testenv_slurp(testenv_fixture(src, sizeof src, "ml-latest/ratings.csv"), &n);
	testenv_write(p, sizeof p, dir, "ratings.csv", (const char *)b, n);
	free(b);
	testenv_write(p, sizeof p, dir, "movies.csv", evil_movies, sizeof evil_movies - 1);
	cli_run(&r, dir, "similar Toy --data . --bs 2 --epochs 1");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Evil"), "%s", r.out);
	cr_assert(text_is_terminal_safe(r.out, 1), "similar printed raw controls: %s", r.out);
	testenv_rmdir(dir);
}
