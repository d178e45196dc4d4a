/* test_tui_keys.c -- escape sequences curses does not know, end to end:
 * under TERM=xterm-256color in tmux, Home arrives as ESC [ 1 ~, which that
 * terminfo entry does not list.  Its bytes must never be read as keys
 * (`1` would rate the selected movie, End's `4` likewise); the sequence
 * is swallowed whole and moves the selection, as Home and End do.
 *
 * The dataset is the tiny hand-written ml-100k fixture; the Movies pane
 * lists its five movies by title, "Chasers (1994)" first, "item 7" last.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tmuxtest.h"

static struct tmx T;

static void teardown(void)
{
	tmx_done(&T);
}

TestSuite(tui_escapes, .fini = teardown, .timeout = 120);

/* Send raw bytes, given in hex, as the terminal would. */
static void send_hex(struct tmx *t, const char *const *hex)
{
	const char *args[40] = { "send-keys", "-t", "c", "-H" };
	int n = 4;

	while (*hex && n < 39)
		args[n++] = *hex++;
	args[n] = NULL;
	cr_assert_eq(tmx_run(t, NULL, 0, args), 0, "send-keys -H failed");
}

/* The ratings file, after waiting for it to hold `want`. */
static const char *wait_ratings(struct tmx *t, const char *want, char *buf, size_t n)
{
	char path[700];
	double end = tmx_now() + TMX_WAIT_S;

	snprintf(path, sizeof path, "%s/collabtui/ratings-ml-100k.csv", t->dir);
	do {
		buf[0] = '\0';
		cli_slurp(path, buf, n);
		if (strstr(buf, want))
			return buf;
		usleep(40000);
	} while (tmx_now() < end);
	cr_assert_fail("the ratings file %s never held \"%s\"; it has:\n%s", path, want, buf);
	return buf;
}

Test(tui_escapes, home_and_end_sequences_move_and_never_rate)
{
	char ds[512], args[700], rated[4096];

	snprintf(args, sizeof args, "--data '%s'", testenv_fixture(ds, sizeof ds, "ml-100k"));
	tmx_start(&T, 120, 40, "TERM=xterm-256color", args);
	TMX_WAIT_TEXT(&T, "5 of 5, by title");
	/* the Movies pane, third row */
	tmx_keys(&T, "4 j j");
	/* Home as tmux sends it, then the variants of Home, all before a
	 * key that rates: only the first row may be rated, and only 5 */
	send_hex(&T, (const char *const[]){ "1b", "5b", "31", "7e", NULL });
	send_hex(&T, (const char *const[]){ "1b", "5b", "37", "7e", NULL });
	send_hex(&T, (const char *const[]){ "1b", "5b", "48", "1b", "4f", "48", NULL });
	tmx_keys(&T, "5");
	wait_ratings(&T, "Chasers (1994),5", rated, sizeof rated);
	/* End's variants, then a key that rates: the last row gets 3 */
	send_hex(&T, (const char *const[]){ "1b", "5b", "34", "7e", NULL });
	send_hex(&T, (const char *const[]){ "1b", "5b", "38", "7e", "1b", "5b", "46",
					    "1b", "4f", "46", NULL });
	tmx_keys(&T, "3");
	wait_ratings(&T, "item 7,3", rated, sizeof rated);
	/* sequences that mean no key here are swallowed whole: F13, a
	 * modified Home, a paste bracket, a private one */
	send_hex(&T, (const char *const[]){ "1b", "5b", "32", "35", "7e",
					    "1b", "5b", "31", "3b", "35", "48",
					    "1b", "5b", "32", "30", "30", "7e",
					    "1b", "5b", "3f", "31", "32", "3b", "34", "24", "79", NULL });
	/* Delete's sequence clears the rating on the selected (last) row */
	send_hex(&T, (const char *const[]){ "1b", "5b", "33", "7e", NULL });
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 0);
	wait_ratings(&T, "Chasers (1994),5", rated, sizeof rated);
	cr_assert_str_eq(rated, "title,rating,id\nChasers (1994),5,3\n",
			 "the ratings file holds more than Home's rating:\n%s", rated);
	tmx_assert_clean_terminal(&T, 0);
}
