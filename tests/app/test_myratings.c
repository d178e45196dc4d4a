/* test_myratings.c -- your ratings file (app/myratings.c): where it lives,
 * a save/load round trip that headless recommend's parser reads the same,
 * bad lines reported as FILE:LINE, and a save interrupted by `kill -9` at
 * random moments leaving the old file or the new one, never a torn one. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testenv.h"
#include "myratings.h"
#include "testtext.h"

/* A catalogue of n movies named "<prefix> NNN (1990)", each title padded
 * to pad bytes so a file can be made large. */
static struct eng_catalog *catalog(uint32_t n, size_t pad)
{
	struct eng_catalog *c = calloc(1, sizeof *c);
	size_t each = pad + 32;

	c->n_items = n;
	c->items = calloc(n, sizeof *c->items);
	c->strings = calloc(n, each);
	for (uint32_t i = 0; i < n; i++) {
		char *t = c->strings + i * each;
		int k = snprintf(t, each, "Movie %03u, The ", i);

		memset(t + k, 'x', pad);
		snprintf(t + k + pad, each - (size_t)k - pad, " (1990)");
		c->items[i] = (struct eng_item){ .title = t, .genres = "",
						 .id = i + 1, .year = 1990 };
	}
	return c;
}

Test(myratings, path_follows_xdg_then_home)
{
	char path[512], err[200];

	setenv("XDG_DATA_HOME", "/xdg", 1);
	cr_assert_eq(myratings_path("ml-100k", "id", path, sizeof path, err, sizeof err), 0);
	cr_assert_str_eq(path, "/xdg/collabtui/ratings-ml-100k-id.csv");
	setenv("XDG_DATA_HOME", "relative", 1);        /* ignored, as the spec says */
	setenv("HOME", "/home/u", 1);
	cr_assert_eq(myratings_path("my data/set", "title", path, sizeof path, err,
				    sizeof err), 0);
	cr_assert_str_eq(path, "/home/u/.local/share/collabtui/ratings-my_data_set-title.csv");
	cr_assert_eq(myratings_path("my data/set", NULL, path, sizeof path, err,
				    sizeof err), 0);
	cr_assert_str_eq(path, "/home/u/.local/share/collabtui/ratings-my_data_set.csv");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	cr_assert_eq(myratings_path("x", "id", path, sizeof path, err, sizeof err), -1);
	cr_assert(strstr(err, "HOME"), "%s", err);
}

Test(myratings, set_get_clear_keep_order)
{
	struct myratings m = { 0 };

	cr_assert(isnan(myratings_get(&m, 3)));
	cr_assert_eq(myratings_set(&m, 3, 4), 0);
	cr_assert_eq(myratings_set(&m, 1, 2.5f), 0);
	cr_assert_eq(myratings_set(&m, 3, 5), 0);       /* re-rating keeps its place */
	cr_assert_eq(m.n, 2);
	cr_assert_eq(m.r[0].item, 3);
	cr_assert_eq(myratings_get(&m, 3), 5.0f);
	cr_assert_eq(myratings_clear(&m, 3), 1);
	cr_assert_eq(myratings_clear(&m, 3), 0);
	cr_assert_eq(m.n, 1);
	cr_assert_eq(m.r[0].item, 1);
	for (uint32_t i = 10; m.n < MYRATINGS_MAX; i++)
		cr_assert_eq(myratings_set(&m, i, 1), 0);
	cr_assert_eq(myratings_set(&m, 9999, 1), -1);
}

Test(myratings, round_trip_quotes_awkward_titles)
{
	char dir[256], path[512], err[600];
	struct eng_catalog *c = catalog(4, 0);
	struct myratings m = { 0 }, back;

	/* titles that trim or comment parsing would change */
	c->items[1].title = "  Padded  ";
	c->items[2].title = "\"Quoted\", with \"\"marks\"";
	c->items[3].title = "#1 Fan";
	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/sub/dir/ratings.csv", dir);    /* made by save */
	myratings_set(&m, 2, 3.5f);
	myratings_set(&m, 0, 5);
	myratings_set(&m, 1, 1);
	myratings_set(&m, 3, 2);
	cr_assert_eq(myratings_save(&m, path, c, err, sizeof err), 0, "%s", err);
	cr_assert_eq(myratings_load(&back, path, c, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(back.n, 4);
	cr_assert_eq(memcmp(back.r, m.r, sizeof m.r[0] * 4), 0);

	/* the first line is the header headless recommend skips */
	FILE *f = fopen(path, "r");
	char line[128];
	cr_assert(fgets(line, sizeof line, f));
	cr_assert_str_eq(line, "title,rating,id\n");
	cr_assert(fgets(line, sizeof line, f));
	cr_assert_str_eq(line, "\"\"\"Quoted\"\", with \"\"\"\"marks\"\"\",3.5,3\n");
	fclose(f);
	snprintf(path, sizeof path, "%s/sub/dir", dir);
	testenv_rmdir(path);
	snprintf(path, sizeof path, "%s/sub", dir);
	rmdir(path);
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

Test(myratings, bad_lines_name_file_and_line)
{
	char dir[256], path[512], err[600];
	struct eng_catalog *c = catalog(3, 0);
	struct myratings m;
	static const char text[] =
		"title,rating\n"
		"# a comment\n"
		"\n"
		"Movie 000, The  (1990),4\n"
		"no comma here\n"
		"Movie 001, The  (1990),9\n";

	testenv_tmpdir(dir, sizeof dir);
	testenv_write(path, sizeof path, dir, "r.csv", text, sizeof text - 1);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "r.csv:5: expected title_or_id,rating"), "%s", err);
	cr_assert_eq(m.n, 1, "the good line is kept");

	testenv_write(path, sizeof path, dir, "r.csv", "Movie,4\n", 8);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "r.csv:1: \"Movie\" matches 3 titles"), "%s", err);
	testenv_write(path, sizeof path, dir, "r.csv", "Heat,4\n", 7);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "r.csv:1: no movie title contains \"Heat\""), "%s", err);
	testenv_write(path, sizeof path, dir, "r.csv", "Movie 002,four\n", 15);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "r.csv:1: the rating \"four\" is not a number"), "%s", err);
	testenv_write(path, sizeof path, dir, "r.csv", "Movie 002,7\n", 12);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "r.csv:1: rating 7 is outside the dataset's 1..5"), "%s", err);
	/* decimal only: strtod would read these as 4 */
	testenv_write(path, sizeof path, dir, "r.csv", "Movie 002,0x4\n", 14);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "r.csv:1: the rating \"0x4\" is not a number"), "%s", err);
	testenv_write(path, sizeof path, dir, "r.csv", "Movie 002,4e0\n", 14);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "r.csv:1: the rating \"4e0\" is not a number"), "%s", err);
	testenv_write(path, sizeof path, dir, "r.csv", "Movie 002,-1\n", 13);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "r.csv:1: rating -1 is outside"), "%s", err);
	/* a UTF-8 byte order mark before the first line is skipped */
	static const char bom[] = "\xEF\xBB\xBFtitle,rating\nMovie 002,4.5\n";
	testenv_write(path, sizeof path, dir, "r.csv", bom, sizeof bom - 1);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(m.n, 1);
	cr_assert_eq(m.r[0].item, 2);
	cr_assert_eq(m.r[0].rating, 4.5f);
	static const char bom2[] = "\xEF\xBB\xBFMovie 001,3\n";
	testenv_write(path, sizeof path, dir, "r.csv", bom2, sizeof bom2 - 1);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(m.r[0].item, 1);
	unlink(path);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), 1, "no file");
	cr_assert_eq(m.n, 0);
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

Test(myratings, unwritable_directory_is_an_error)
{
	char dir[256], path[512], err[600];
	struct eng_catalog *c = catalog(1, 0);
	struct myratings m = { 0 };

	/* a file where the directory should be: fails even for root */
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(path, sizeof path, dir, "plain", "x", 1);
	snprintf(path, sizeof path, "%s/plain/ratings.csv", dir);
	myratings_set(&m, 0, 3);
	cr_assert_eq(myratings_save(&m, path, c, err, sizeof err), -1);
	cr_assert(strstr(err, "plain"), "%s", err);
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

/* Count PATH.XXXXXX temporaries in dir. */
static int temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)) != NULL)
		if (strncmp(e->d_name, "ratings.csv.", 12) == 0)
			n++;
	if (d)
		closedir(d);
	return n;
}

/* Version v of the ratings: every movie rated v (1..5). */
static void version(struct myratings *m, uint32_t n, int v)
{
	m->n = 0;
	for (uint32_t i = 0; i < n; i++)
		myratings_set(m, i, (float)v);
}

Test(myratings, kill_9_leaves_old_or_new, .timeout = 60)
{
	enum { N = MYRATINGS_MAX, ROUNDS = 40 };
	char dir[256], path[512], err[600];
	/* ~1 KiB titles: 256 KiB files, several afile buffers each */
	struct eng_catalog *c = catalog(N, 1000);
	struct myratings m = { 0 }, back;

	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/ratings.csv", dir);
	version(&m, N, 1);
	cr_assert_eq(myratings_save(&m, path, c, err, sizeof err), 0, "%s", err);
	srand((unsigned)time(NULL));
	for (int round = 0; round < ROUNDS; round++) {
		pid_t pid = fork();

		cr_assert_neq(pid, -1);
		if (pid == 0) {
			/* saves alternating versions until killed */
			for (int v = 2;; v = v % 5 + 1) {
				version(&m, N, v);
				if (myratings_save(&m, path, c, err, sizeof err) != 0)
					_exit(1);
			}
		}
		struct timespec ts = { 0, (long)(rand() % 20000) * 1000L };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int status;
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFSIGNALED(status), "the writer failed before the kill");

		/* whole: every movie, all with the same rating */
		cr_assert_eq(myratings_load(&back, path, c, 1, 5, err, sizeof err), 0,
			     "round %d: %s", round, err);
		cr_assert_eq(back.n, N, "round %d: torn file with %d ratings", round, back.n);
		for (int i = 1; i < N; i++)
			cr_assert_eq(back.r[i].rating, back.r[0].rating, "round %d: mixed", round);
		cr_assert_leq(temps(dir), 1, "more than the one temporary in flight");
		myratings_clean_temps(path);
		cr_assert_eq(temps(dir), 0);
	}
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

/* ---- whole lines, regular files, clean messages ---------------------------- */

Test(myratings, a_long_comment_is_never_a_rating)
{
	char dir[256], path[512], err[600];
	struct eng_catalog *c = catalog(3, 0);
	struct myratings m;
	/* a 4 KiB line buffer once cut this comment after 4095 bytes and read
	 * its tail, "Movie 001 ...,1", as a rating */
	size_t pad = 4094;
	char *text = malloc(pad + 2 * strlen(c->items[1].title) + 64);
	size_t n = 0;

	text[n++] = '#';
	memset(text + n, 'x', pad);
	n += pad;
	n += (size_t)sprintf(text + n, "%s,1\n%s,5\n", c->items[1].title, c->items[2].title);
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(path, sizeof path, dir, "long.csv", text, n);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(m.n, 1, "%d ratings: the comment's tail was read as one", m.n);
	cr_assert_eq(m.r[0].item, 2);
	free(text);
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

Test(myratings, an_over_long_line_is_refused_with_file_and_line)
{
	char dir[256], path[512], err[600], want[700];
	struct eng_catalog *c = catalog(2, 0);
	struct myratings m;
	size_t big = 70000;
	char *text = malloc(big + 64);
	size_t n = (size_t)sprintf(text, "title,rating\n");

	memset(text + n, 'y', big);
	n += big;
	n += (size_t)sprintf(text + n, ",4\n");
	testenv_tmpdir(dir, sizeof dir);
	testenv_write(path, sizeof path, dir, "wide.csv", text, n);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s:2: expected a line of at most", path);
	cr_assert(strncmp(err, want, strlen(want)) == 0, "%s", err);
	free(text);
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

Test(myratings, fifos_and_devices_are_refused_not_read, .timeout = 20)
{
	char dir[256], path[512], err[600], want[700];
	struct eng_catalog *c = catalog(2, 0);
	struct myratings m;

	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/pipe.csv", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: not a regular file (a FIFO)", path);
	cr_assert_str_eq(err, want);
	/* /dev/zero: NUL blocks, once read as blank lines without end */
	cr_assert_eq(myratings_load(&m, "/dev/zero", c, 1, 5, err, sizeof err), -1);
	cr_assert_str_eq(err, "/dev/zero: not a regular file (a character device)");
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

Test(myratings, file_text_in_messages_is_cleaned)
{
	char dir[256], path[512], err[600];
	struct eng_catalog *c = catalog(2, 0);
	struct myratings m;
	static const char title[] = "\033]0;pwned\007\033[31mRed\x9b" "2J,4\n";
	static const char rating[] = "Movie 000,\033[2J\n";

	testenv_tmpdir(dir, sizeof dir);
	testenv_write(path, sizeof path, dir, "t.csv", title, sizeof title - 1);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "no movie title contains"), "%s", err);
	cr_assert(text_is_terminal_safe(err, 0), "raw control bytes in: %s", err);
	testenv_write(path, sizeof path, dir, "t.csv", rating, sizeof rating - 1);
	cr_assert_eq(myratings_load(&m, path, c, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, "is not a number"), "%s", err);
	cr_assert(text_is_terminal_safe(err, 0), "raw control bytes in: %s", err);
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

/* ---- two interfaces on one file -------------------------------------------- */

Test(myratings, two_interfaces_keep_each_others_ratings)
{
	char dir[256], path[512], err[600];
	struct eng_catalog *c = catalog(6, 0);
	static struct myratings a, b, back;

	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/ratings.csv", dir);
	myratings_set(&a, 0, 5);
	cr_assert_eq(myratings_save(&a, path, c, err, sizeof err), 0, "%s", err);
	/* both interfaces start from the same file */
	cr_assert_eq(myratings_load(&a, path, c, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(myratings_load(&b, path, c, 1, 5, err, sizeof err), 0, "%s", err);

	myratings_set(&a, 1, 4);                /* A rates movie 1 */
	cr_assert_eq(myratings_save(&a, path, c, err, sizeof err), 0, "%s", err);
	myratings_set(&b, 2, 3);                /* B, unaware, rates movie 2 */
	myratings_clear(&b, 0);                 /* and clears movie 0 */
	cr_assert_eq(myratings_save(&b, path, c, err, sizeof err), 0, "%s", err);
	myratings_set(&a, 2, 1);                /* A re-rates 2 later: newest wins */
	cr_assert_eq(myratings_save(&a, path, c, err, sizeof err), 0, "%s", err);

	cr_assert_eq(myratings_load(&back, path, c, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(back.n, 2, "%d ratings", back.n);
	cr_assert(isnan(myratings_get(&back, 0)), "B's clearing was lost");
	cr_assert_eq(myratings_get(&back, 1), 4.0f, "A's rating was lost");
	cr_assert_eq(myratings_get(&back, 2), 1.0f, "the newest rating did not win");
	/* and each interface now holds what the file holds */
	cr_assert_eq(myratings_get(&b, 1), 4.0f, "B does not see A's rating");
	cr_assert_eq(a.n, 2);
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

Test(myratings, concurrent_saves_lose_nothing, .timeout = 60)
{
	enum { EACH = 40 };
	char dir[256], path[512], err[600];
	struct eng_catalog *c = catalog(2 * EACH, 0);
	static struct myratings back;
	pid_t pid[2];

	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/ratings.csv", dir);
	for (int w = 0; w < 2; w++) {
		pid[w] = fork();
		cr_assert_neq(pid[w], -1);
		if (pid[w] == 0) {
			static struct myratings m;

			/* each writer rates its own movies, one save each */
			for (uint32_t i = 0; i < EACH; i++) {
				myratings_set(&m, (uint32_t)w * EACH + i, (float)(w + 1));
				if (myratings_save(&m, path, c, err, sizeof err) != 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int w = 0; w < 2; w++) {
		int st;
		cr_assert_eq(waitpid(pid[w], &st, 0), pid[w]);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", w);
	}
	cr_assert_eq(myratings_load(&back, path, c, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(back.n, 2 * EACH, "%d of %d ratings survived", back.n, 2 * EACH);
	myratings_clean_temps(path);
	testenv_rmdir(dir);
	eng_catalog_free(c);
}

/* An all-digit name is the movie id before it is a piece of a title:
 * "50" is id 50, not the one title with 50 in it, and "7" is id 7, not
 * ambiguous among the titles with a 7. */
Test(myratings, an_all_digit_name_is_the_movie_id_first)
{
	struct eng_catalog *c = catalog(120, 0);
	uint32_t m[8];
	int n;

	cr_assert_eq(myratings_find_title(c, "50", m, 8, &n), 49);     /* id = index + 1 */
	cr_assert_eq(myratings_find_title(c, "7", m, 8, &n), 6);
	/* an id no movie has: a title match as before, or ambiguity */
	cr_assert_eq(myratings_find_title(c, "119,", m, 8, &n), 119);
	cr_assert_eq(myratings_find_title(c, "500", m, 8, &n), -1);
	free(c->items);
	free(c->strings);
	free(c);
}

/* Your ratings belong to you, not to an item key: saved under the id
 * key's catalogue (where two movies share a title), they load under the
 * title key's (one item per title, its smallest id) by title, and back
 * again by id and title, so the rated one of the two is found.  A file
 * of earlier versions (title_or_id,rating) is still read. */
Test(myratings, ratings_resolve_under_either_item_key)
{
	char dir[256], path[512], err[600];
	struct eng_catalog *by_id = catalog(4, 0), *by_title = catalog(3, 0);
	struct myratings m = { 0 }, back;

	/* by id: ids 1..4, the movies of ids 3 and 4 share a title; by
	 * title: that title once, with the smallest id, 3 */
	by_id->items[3].title = by_id->items[2].title;
	by_title->items[0].id = 2;
	by_title->items[0].title = by_id->items[1].title;
	by_title->items[1].id = 3;
	by_title->items[1].title = by_id->items[2].title;
	by_title->items[2].id = 1;
	by_title->items[2].title = by_id->items[0].title;
	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/ratings.csv", dir);
	myratings_set(&m, 0, 5);        /* id 1 */
	myratings_set(&m, 3, 2);        /* id 4, the shared title */
	cr_assert_eq(myratings_save(&m, path, by_id, err, sizeof err), 0, "%s", err);

	cr_assert_eq(myratings_load(&back, path, by_title, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(back.n, 2);
	cr_assert_float_eq(myratings_get(&back, 2), 5, 0, "id 1 by its title");
	cr_assert_float_eq(myratings_get(&back, 1), 2, 0, "the shared title");
	/* saved under the title key: the shared title is written with id 3 */
	cr_assert_eq(myratings_save(&back, path, by_title, err, sizeof err), 0, "%s", err);
	cr_assert_eq(myratings_load(&m, path, by_id, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(m.n, 2);
	cr_assert_float_eq(myratings_get(&m, 0), 5, 0);
	cr_assert_float_eq(myratings_get(&m, 2), 2, 0, "id 3 and its title");

	/* the old format, and a line of the new one that names nothing */
	FILE *f = fopen(path, "w");
	fputs("title,rating\n4,3\nMovie 001, The  (1990),1\n", f);
	fclose(f);
	cr_assert_eq(myratings_load(&m, path, by_id, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_float_eq(myratings_get(&m, 3), 3, 0, "an all-digit name is the id");
	cr_assert_float_eq(myratings_get(&m, 1), 1, 0);
	f = fopen(path, "w");
	fputs("title,rating,id\nNo Such Movie (1990),4,99\n", f);
	fclose(f);
	cr_assert_eq(myratings_load(&m, path, by_id, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, ":2: neither movie id 99 nor the title \"No Such Movie (1990)\""),
		  "%s", err);
	f = fopen(path, "w");
	fputs("title,rating,id\nMovie 001 (1990),4.5\n", f);
	fclose(f);
	cr_assert_eq(myratings_load(&m, path, by_id, 1, 5, err, sizeof err), -1);
	cr_assert(strstr(err, ":2: expected title,rating,id"), "%s", err);
	testenv_rmdir(dir);
	eng_catalog_free(by_id);
	eng_catalog_free(by_title);
}

/* Earlier versions' files, one per item key, are merged into the one
 * file once: the current file's ratings win, then the first old file's;
 * the old files are kept under another name; one that cannot be read
 * whole is left as it is and said. */
Test(myratings, earlier_files_are_merged_once)
{
	char dir[256], path[512], old_id[512], old_title[512], moved[600], err[600], msg[1200];
	struct eng_catalog *cat = catalog(5, 0);
	struct myratings m = { 0 }, back;
	struct stat st;

	testenv_tmpdir(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/ratings-ds.csv", dir);
	snprintf(old_id, sizeof old_id, "%s/ratings-ds-id.csv", dir);
	snprintf(old_title, sizeof old_title, "%s/ratings-ds-title.csv", dir);
	myratings_set(&m, 0, 5);
	cr_assert_eq(myratings_save(&m, path, cat, err, sizeof err), 0, "%s", err);
	FILE *f = fopen(old_id, "w");
	fputs("1,2\n2,4\n", f);         /* ids 1, 2: items 0 (rated already), 1 */
	fclose(f);
	f = fopen(old_title, "w");
	fputs("3,3\n2,1\n", f);         /* items 2, and 1 (the id file's wins) */
	fclose(f);

	const char *olds[2] = { old_id, old_title };
	cr_assert_eq(myratings_load(&m, path, cat, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(myratings_migrate(&m, path, olds, 2, cat, 1, 5, msg, sizeof msg), 1,
		     "%s", msg);
	cr_assert(strstr(msg, "2 ratings merged from ratings-ds-id.csv and "
			 "ratings-ds-title.csv"), "%s", msg);
	cr_assert(strstr(msg, "into ratings-ds.csv"), "%s", msg);
	cr_assert_eq(myratings_load(&back, path, cat, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(back.n, 3);
	cr_assert_float_eq(myratings_get(&back, 0), 5, 0, "the current file's rating wins");
	cr_assert_float_eq(myratings_get(&back, 1), 4, 0, "then the first old file's");
	cr_assert_float_eq(myratings_get(&back, 2), 3, 0);
	cr_assert_neq(stat(old_id, &st), 0, "merged once: not read again");
	snprintf(moved, sizeof moved, "%s.migrated", old_title);
	cr_assert_eq(stat(moved, &st), 0, "and kept");
	cr_assert_eq(myratings_migrate(&back, path, olds, 2, cat, 1, 5, msg, sizeof msg), 0,
		     "%s", msg);

	/* none yet: the old file alone makes the new one */
	cr_assert_eq(unlink(path), 0);
	f = fopen(old_title, "w");
	fputs("4,2\n", f);
	fclose(f);
	memset(&m, 0, sizeof m);
	cr_assert_eq(myratings_migrate(&m, path, olds, 2, cat, 1, 5, msg, sizeof msg), 1,
		     "%s", msg);
	cr_assert_eq(myratings_load(&back, path, cat, 1, 5, err, sizeof err), 0, "%s", err);
	cr_assert_eq(back.n, 1);
	cr_assert_float_eq(myratings_get(&back, 3), 2, 0);

	/* a line it cannot read: left as it is, and said */
	f = fopen(old_id, "w");
	fputs("No Such Movie (1990),4\n", f);
	fclose(f);
	cr_assert_eq(myratings_migrate(&back, path, olds, 2, cat, 1, 5, msg, sizeof msg), -1);
	cr_assert(strstr(msg, "ratings-ds-id.csv:1:") && strstr(msg, "not merged"), "%s", msg);
	cr_assert_eq(stat(old_id, &st), 0, "left where it was");
	testenv_rmdir(dir);
	eng_catalog_free(cat);
}
