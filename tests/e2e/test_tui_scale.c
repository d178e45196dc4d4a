/* test_tui_scale.c -- the interface on data big enough to take its time:
 * a load's progress and its cancel (of a ratings file big enough,
 * testfeed.h, that it takes a while to read), and
 * a fast-trainer run on 1.5 million synthetic ratings stopped mid-epoch.
 * collabtui runs in a tmux pane (tmuxtest.h); the set is written by the
 * binary's own synth command. */
#include <criterion/criterion.h>

#include "testfeed.h"
#include "tmuxtest.h"

static struct tmx T;

static void fini(void)
{
	tmx_done(&T);
}

TestSuite(tui_scale, .fini = fini, .timeout = 180);

Test(tui_scale, load_shows_progress_and_s_cancels_it)
{
	char path[700];

	testenv_tmpdir(T.dir, sizeof T.dir);
	feed_make(path, sizeof path, T.dir);
	tmx_start(&T, 120, 40, "", "--data ratings.csv --trace trace");
	struct feed_slow slow;
	feed_slow_start(&slow, feed_wait_open(0, path, TMX_WAIT_S));
	/* a load reports progress once it has run 100 ms */
	TMX_WAIT_TEXT(&T, "loading ratings.csv");
	/* a regular file's size is known: the progress is a share of it */
	TMX_WAIT_TEXT(&T, "MB read");
	cr_assert(strstr(T.cap, "s cancels"), "%s", T.cap);
	tmx_keys(&T, "s");
	/* the loader's next look at the cancel, a window later, ends it
	 * (so soon that "cancelling the load" may never be on a capture) */
	TMX_WAIT_TEXT(&T, "loading cancelled: no dataset");
	feed_slow_stop(&slow);
	TMX_WAIT_TEXT(&T, "no dataset loaded");
	cr_assert(!strstr(T.cap, "users "), "nothing was loaded:\n%s", T.cap);
	tmx_keys(&T, "t");
	TMX_WAIT_TEXT(&T, "no dataset loaded yet");
	tmx_keys(&T, "q");
	TMX_WAIT_TEXT(&T, "[collabtui exited 0]");

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
	tmx_start(&T, 120, 40, "", "--data data --trainer fast --epochs 200 --trace trace");
	TMX_WAIT_TEXT(&T, "users 15000");
	TMX_WAIT_TEXT(&T, "ratings 1500000");
	tmx_keys(&T, "t");
	/* the legend's "epoch N/200 P%" once the run trains */
	TMX_WAIT_TEXT(&T, "/200 ");
	tmx_keys(&T, "s");
	TMX_WAIT_TEXT(&T, "training stopped");
	cr_assert(strstr(T.cap, "stopped"), "%s", T.cap);
	/* idle again: q quits without asking */
	tmx_keys(&T, "q");
	TMX_WAIT_TEXT(&T, "[collabtui exited 0]");
	cr_assert(!strstr(T.cap, "Quit anyway?"), "%s", T.cap);

	char events[1 << 16], p[700];
	snprintf(p, sizeof p, "%s/trace.events", T.dir);
	cli_slurp(p, events, sizeof events);
	cr_assert(strncmp(events, "load ", 5) == 0, "trace.events: %s", events);
	cr_assert(strstr(events, "\nstop "), "trace.events: %s", events);
}
