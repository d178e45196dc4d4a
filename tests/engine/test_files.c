/* test_files.c -- hostile files at the engine's readers and writers: every
 * reader refuses a FIFO or a device instead of blocking or reading without
 * end (the dataset loader, its companion files, the run history); text
 * from data files enters the dataset cleaned of terminal controls; and a
 * failed history append reports the errno of the call that failed. */
#include <criterion/criterion.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dataset.h"
#include "history.h"
#include "testenv.h"
#include "testtext.h"

static char err[1024];

/* Copy fixture rel to dir/name. */
static void copy_fixture(const char *rel, const char *dir, const char *name)
{
	char src[4096], dst[4096];
	size_t n;
	unsigned char *b = testenv_slurp(testenv_fixture(src, sizeof src, rel), &n);

	testenv_write(dst, sizeof dst, dir, name, (const char *)b, n);
	free(b);
}

/* ds_load(path, fmt) must fail, quickly, with "WHERE: not a regular file
 * (KIND)" (the Criterion timeout catches a reader that blocks). */
static void expect_refused(const char *path, enum eng_format fmt, const char *where,
			   const char *kind)
{
	struct ds_opts o = { .path = path, .format = fmt };
	char want[4200];

	cr_assert_null(ds_load(&o, err, sizeof err), "%s was read", path);
	snprintf(want, sizeof want, "%s: not a regular file (%s)", where, kind);
	cr_assert(strstr(err, want), "expected \"%s\" in: %s", want, err);
}

Test(files, dataset_readers_refuse_fifos_and_devices, .timeout = 20)
{
	char dir[512], p[1024], q[1024];

	testenv_tmpdir(dir, sizeof dir);
	/* --data naming a FIFO */
	snprintf(p, sizeof p, "%s/ratings.pipe", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	expect_refused(p, ENG_FMT_AUTO, p, "a FIFO");
	expect_refused(p, ENG_FMT_CSV, p, "a FIFO");
	/* --data /dev/zero */
	expect_refused("/dev/zero", ENG_FMT_AUTO, "/dev/zero", "a character device");
	testenv_rmdir(dir);

	/* an ML-100K folder whose u.item is a FIFO */
	testenv_tmpdir(dir, sizeof dir);
	copy_fixture("ml-100k/u.data", dir, "u.data");
	snprintf(q, sizeof q, "%s/u.item", dir);
	cr_assert_eq(mkfifo(q, 0600), 0);
	expect_refused(dir, ENG_FMT_AUTO, q, "a FIFO");
	testenv_rmdir(dir);

	/* a FIFO u.data with --format ml-100k */
	testenv_tmpdir(dir, sizeof dir);
	snprintf(q, sizeof q, "%s/u.data", dir);
	cr_assert_eq(mkfifo(q, 0600), 0);
	expect_refused(dir, ENG_FMT_ML100K, q, "a FIFO");
	testenv_rmdir(dir);
}

Test(files, history_reader_refuses_a_fifo, .timeout = 20)
{
	char dir[512], p[1024];
	struct history_run *v = NULL;
	size_t n = 0;

	testenv_tmpdir(dir, sizeof dir);
	snprintf(p, sizeof p, "%s/history.jsonl", dir);
	cr_assert_eq(mkfifo(p, 0600), 0);
	cr_assert_eq(history_read(p, NULL, &v, &n, err, sizeof err), -1);
	cr_assert(strstr(err, "not a regular file (a FIFO)"), "%s", err);
	testenv_rmdir(dir);
}

Test(files, a_failed_history_append_reports_its_own_errno)
{
	char dir[512], p[1024];
	struct history_run r;
	struct rlimit lim;

	memset(&r, 0, sizeof r);
	snprintf(r.dataset, sizeof r.dataset, "ml-100k");
	snprintf(r.model, sizeof r.model, "dotbias");
	r.n_losses = 0;
	testenv_tmpdir(dir, sizeof dir);
	snprintf(p, sizeof p, "%s/history.jsonl", dir);
	/* a file size limit 10 bytes in: the append's write is cut short,
	 * and the write that follows it fails with EFBIG */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &lim), 0);
	lim.rlim_cur = 10;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	errno = EEXIST;         /* stale: what an earlier mkdir left */
	int rc = history_append(p, &r, err, sizeof err);
	lim.rlim_cur = lim.rlim_max;
	setrlimit(RLIMIT_FSIZE, &lim);
	cr_assert_eq(rc, -1);
	cr_assert(strstr(err, "write") && strstr(err, strerror(EFBIG)),
		  "expected \"write: %s\" in: %s", strerror(EFBIG), err);
	cr_assert(!strstr(err, strerror(EEXIST)), "stale errno: %s", err);
	testenv_rmdir(dir);
}

/* Titles holding ESC [ 31m, BEL, an OSC title sequence, 0x9B (CSI in
 * Latin-1 and in 8-bit terminals) and malformed UTF-8. */
#define EVIL_ITEMS \
	"1|Toy \033[31mStory\007 (1995)|01-Jan-1995||x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n" \
	"2|\033]0;pwned\007Evil\x9b" "2J (1995)|01-Jan-1995||x|0|0|0|0|0|0|0|0|1|0|0|0|1|0|0|0|0|0|0\n" \
	"3|Bad \xff\xfe\xc3 (1994)|01-Jan-1994||x|0|0|0|0|0|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
#define EVIL_MOVIES \
	"movieId,title,genres\n" \
	"1,\"Toy \033[31mStory\007 (1995)\",Comedy\033[2J\n" \
	"11,\"\033]0;pwned\007Evil\xc2\x9b" "2J (1995)\",Drama\n" \
	"7789,\"Bad \xff\xfe (2002)\",Drama|\x7f\n"

Test(files, titles_and_genres_enter_the_dataset_clean)
{
	char dir[512], p[1024];

	testenv_tmpdir(dir, sizeof dir);
	copy_fixture("ml-100k/u.data", dir, "u.data");
	testenv_write(p, sizeof p, dir, "u.item", EVIL_ITEMS, sizeof EVIL_ITEMS - 1);
	struct ds_opts o = { .path = dir };
	struct ds *ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "%s", err);
	for (uint32_t k = 0; k < ds_n_items(ds); k++) {
		cr_assert(text_is_terminal_safe(ds_item_title(ds, k), 0), "title %u: %s", k,
			  ds_item_title(ds, k));
		cr_assert(text_is_terminal_safe(ds_item_genres(ds, k), 0), "genres %u", k);
	}
	/* the readable part survives; each control is one U+FFFD */
	cr_assert_str_eq(ds_item_title(ds, 0), "Toy \xef\xbf\xbd[31mStory\xef\xbf\xbd (1995)");
	ds_free(ds);
	testenv_rmdir(dir);

	testenv_tmpdir(dir, sizeof dir);
	copy_fixture("ml-latest/ratings.csv", dir, "ratings.csv");
	testenv_write(p, sizeof p, dir, "movies.csv", EVIL_MOVIES, sizeof EVIL_MOVIES - 1);
	ds = ds_load(&o, err, sizeof err);
	cr_assert_not_null(ds, "%s", err);
	for (uint32_t k = 0; k < ds_n_items(ds); k++) {
		cr_assert(text_is_terminal_safe(ds_item_title(ds, k), 0), "title %u: %s", k,
			  ds_item_title(ds, k));
		cr_assert(text_is_terminal_safe(ds_item_genres(ds, k), 0), "genres %u: %s", k,
			  ds_item_genres(ds, k));
	}
	ds_free(ds);
	testenv_rmdir(dir);
}
