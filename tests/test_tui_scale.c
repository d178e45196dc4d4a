/* test_tui_scale.c -- the interface on data big enough to take its time:
 * a load's progress and its cancel (the ratings arrive through a named
 * pipe, testfeed.h, so the test decides when the load is under way), and
 * a fast-trainer run on 1.5 million synthetic ratings stopped mid-epoch.
 * collabtui runs in a tmux pane (tmuxtest.h); the set is written by the
 * binary's own synth command. */
#include <criterion/criterion.h>

#include "testfeed.h"
#include "tmuxtest.h"

/* Generous: under ASan the binary is several times slower, and a wait
 * ends as soon as its text is on screen. */
#define WAIT_S 60.0

static struct tmx T;

static void fini(void)
{
	tmx_done(&T);
}

TestSuite(tui_scale, .fini = fini, .timeout = 180);

Test(tui_scale, load_shows_progress_and_s_cancels_it)
{
	char path[700];
	int fd;

	testenv_tmpdir(T.dir, sizeof T.dir);
	feed_make(path, sizeof path, T.dir);
	tmx_start(&T, 120, 40, "--data ratings.csv --trace trace");
	fd = feed_open(path, WAIT_S);
	/* a load reports progress once it has run 100 ms */
	cr_assert_eq(feed_ratings(fd, 1 << 20, 1), 0);
	usleep(300000);
	cr_assert_eq(feed_ratings(fd, 1 << 20, 0), 0);
	tmx_wait(&T, "loading ratings.csv", WAIT_S);
	tmx_wait(&T, "reading,", WAIT_S);
	cr_assert(strstr(T.cap, "s cancels"), "%s", T.cap);
	tmx_keys(&T, "s");
	tmx_wait(&T, "cancelling the load", WAIT_S);
	/* the loader waits for data: its next look at the cancel ends it */
	for (int i = 0; i < 64 && feed_ratings(fd, 1 << 20, 0) == 0; i++)
		;
	close(fd);
	tmx_wait(&T, "loading cancelled: no dataset", WAIT_S);
	tmx_wait(&T, "no dataset loaded", WAIT_S);
	cr_assert(!strstr(T.cap, "users "), "nothing was loaded:\n%s", T.cap);
	tmx_keys(&T, "t");
	tmx_wait(&T, "no dataset loaded yet", WAIT_S);
	tmx_keys(&T, "q");
	tmx_wait(&T, "[collabtui exited 0]", WAIT_S);

	char events[4096], p[700];
	snprintf(p, sizeof p, "%s/trace.events", T.dir);
	cli_slurp(p, events, sizeof events);
	cr_assert(strncmp(events, "stop ", 5) == 0, "trace.events: %s", events);
}

Test(tui_scale, fast_epoch_on_1_5m_ratings_stops_mid_run)
{
	struct cli_result r;
	char cmd[700];

	testenv_tmpdir(T.dir, sizeof T.dir);
	snprintf(cmd, sizeof cmd, "synth --ratings 1500000 --users 15000 --items 5000 "
		 "--seed 3 --out '%s/data'", T.dir);
	cli_run(&r, T.dir, "%s", cmd);
	cr_assert_eq(r.status, 0, "synth: %s", r.err);
	tmx_start(&T, 120, 40, "--data data --trainer fast --epochs 200 --trace trace");
	tmx_wait(&T, "users 15000", WAIT_S);
	tmx_wait(&T, "ratings 1500000", WAIT_S);
	tmx_keys(&T, "t");
	/* the legend's "epoch N/200 P%" once the run trains */
	tmx_wait(&T, "/200 ", WAIT_S);
	tmx_keys(&T, "s");
	tmx_wait(&T, "training stopped", WAIT_S);
	cr_assert(strstr(T.cap, "stopped"), "%s", T.cap);
	/* idle again: q quits without asking */
	tmx_keys(&T, "q");
	tmx_wait(&T, "[collabtui exited 0]", WAIT_S);
	cr_assert(!strstr(T.cap, "Quit anyway?"), "%s", T.cap);

	char events[1 << 16], p[700];
	snprintf(p, sizeof p, "%s/trace.events", T.dir);
	cli_slurp(p, events, sizeof events);
	cr_assert(strncmp(events, "load ", 5) == 0, "trace.events: %s", events);
	cr_assert(strstr(events, "\nstop "), "trace.events: %s", events);
}
