/* test_tui_recs.c -- your ratings end to end: collabtui runs in a tmux
 * pane on $COLLABTUI_DATASETS/ml-100k (a private server, `tmux -L NAME`,
 * never the default one; a scratch directory as HOME, XDG_CONFIG_HOME and
 * XDG_DATA_HOME), trains, rates three movies from the movie list and sees
 * the Recommendations pane change; after quitting and starting again the
 * ratings are back (in the list, and in the file headless `recommend
 * --ratings` reads) and, retrained with the same seed, so is the list. */
#include <criterion/criterion.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testcli.h"

#define WAIT_S 120.0            /* training under ASan takes a while */
#define CAP 65536

struct session {
	char sock[96];
	char dir[512];
	char cap[CAP];
};

static struct session S;

/* Run a tmux command on the private server: "tmux -L sock -f /dev/null
 * ARGS" (ARGS is shell text); its exit status. */
__attribute__((format(printf, 1, 2)))
static int tmux(const char *fmt, ...)
{
	char args[4096], cmd[5000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "tmux -L '%s' -f /dev/null %s >/dev/null 2>&1", S.sock, args);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *screen(void)
{
	char cmd[256];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof cmd, "tmux -L '%s' -f /dev/null capture-pane -p -t c 2>/dev/null",
		 S.sock);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(S.cap, 1, sizeof S.cap - 1, p);
	S.cap[n] = '\0';
	pclose(p);
	return S.cap;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Poll the screen until it shows text; fail with the screen after WAIT_S. */
static void wait_text(const char *text)
{
	double end = now() + WAIT_S;

	while (!strstr(screen(), text)) {
		cr_assert(now() < end, "\"%s\" did not appear; the screen:\n%s", text, S.cap);
		usleep(50000);
	}
}

/* Poll the screen until text is gone from it. */
static void wait_gone(const char *text)
{
	double end = now() + WAIT_S;

	while (strstr(screen(), text)) {
		cr_assert(now() < end, "\"%s\" stayed; the screen:\n%s", text, S.cap);
		usleep(50000);
	}
}

/* Start collabtui in a 120x40 pane on a fresh server, in S.dir. */
static void start(void)
{
	static int serial;
	const char *bin = getenv("COLLABTUI_BIN");
	char ds[512];

	setlocale(LC_CTYPE, "C.UTF-8");
	testenv_dataset(ds, sizeof ds, "ml-100k");
	if (system("tmux -V >/dev/null 2>&1") != 0) {
		const char *ci = getenv("CI");

		cr_assert(!ci || strcmp(ci, "true") != 0, "tmux is not installed");
		cr_skip_test("tmux is not installed");
	}
	cr_assert(bin && *bin, "COLLABTUI_BIN is not set");
	snprintf(S.sock, sizeof S.sock, "collabtui-recs-%ld-%d", (long)getpid(), serial++);
	cr_assert_eq(tmux("new-session -d -s c -x 120 -y 40 \"cd '%s' && env -u NO_COLOR "
			  "HOME='%s' XDG_CONFIG_HOME='%s' XDG_DATA_HOME='%s' "
			  "LANG=C.UTF-8 LC_ALL=C.UTF-8 '%s' --data '%s'; "
			  "sleep 600\"", S.dir, S.dir, S.dir, S.dir, bin, ds), 0);
	tmux("set-option -t c remain-on-exit on");
	wait_text("users 943");
}

static void stop(void)
{
	tmux("kill-server");
}

static void fini(void)
{
	if (S.sock[0])
		stop();
	if (S.dir[0])
		testenv_rmdir(S.dir);
}

/* The Recommendations list: the rows under its "pred  title" header,
 * right of the pane's left border, joined with newlines. */
static void recs_rows(char *out, size_t n)
{
	const char *l = strstr(screen(), " pred  title");
	size_t used = 0;

	cr_assert_not_null(l, "no recommendations header:\n%s", S.cap);
	out[0] = '\0';
	for (l = strchr(l, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
		const char *end = strchr(l + 1, '\n'), *pane = strstr(l + 1, "\u2502\u2502");

		if (!end || !pane || pane > end)
			break;          /* the bottom border */
		used += (size_t)snprintf(out + used, n - used, "%.*s\n",
					 (int)(end - pane), pane);
		cr_assert_lt(used, n);
	}
	cr_assert(used > 0, "an empty recommendations list:\n%s", S.cap);
}

/* Search the movie list for title and give it stars (keys 1-5). */
static void rate(const char *title, int stars)
{
	/* apart, or curses would read Esc / as Alt-/ */
	cr_assert_eq(tmux("send-keys -t c Escape"), 0);
	usleep(200000);
	cr_assert_eq(tmux("send-keys -t c /"), 0);
	cr_assert_eq(tmux("send-keys -t c -l -- '%s'", title), 0);
	cr_assert_eq(tmux("send-keys -t c Enter %d", stars), 0);
}

TestSuite(tui_recs, .fini = fini, .timeout = 600);

Test(tui_recs, ratings_change_recommendations_and_persist)
{
	char before[4096], after[4096], again[4096], path[700];
	struct cli_result r;

	testenv_tmpdir(S.dir, sizeof S.dir);
	start();
	/* untrained: the fallback ranking, and it says so */
	wait_text("model untrained");
	wait_text("fallback: no trained model");
	cr_assert_eq(tmux("send-keys -t c t"), 0);
	wait_text("training finished");
	wait_text("model trained");
	recs_rows(before, sizeof before);

	/* focus the movie list, rate three movies */
	cr_assert_eq(tmux("send-keys -t c 4"), 0);
	rate("star wars", 5);
	wait_text("your ratings 1");
	rate("fargo", 1);
	wait_text("your ratings 2");
	rate("toy story", 4);
	wait_text("from your 3 ratings, folded in");
	recs_rows(after, sizeof after);
	cr_assert_str_neq(after, before, "the recommendations did not change:\n%s", S.cap);
	cr_assert_eq(tmux("send-keys -t c q"), 0);
	wait_gone("users 943");
	stop();

	/* the file, in the format headless recommend reads */
	snprintf(path, sizeof path, "%s/collabtui/ratings-ml-100k-id.csv", S.dir);
	cli_slurp(path, before, sizeof before);
	cr_assert_str_eq(before, "title,rating\nStar Wars (1977),5\nFargo (1996),1\n"
			 "Toy Story (1995),4\n");
	char ds[512];
	cli_run(&r, S.dir, "recommend --ratings '%s' --data '%s' --epochs 1 --top 3", path,
		testenv_dataset(ds, sizeof ds, "ml-100k"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Recommendations from your 3 ratings"), "%s", r.out);

	/* a new start: the ratings are back, and retraining gives the list again */
	start();
	wait_text("your ratings 3");
	cr_assert_eq(tmux("send-keys -t c t"), 0);
	wait_text("training finished");
	wait_text("from your 3 ratings, folded in");
	recs_rows(again, sizeof again);
	cr_assert_str_eq(again, after, "after a restart:\n%s", S.cap);
	cr_assert_eq(tmux("send-keys -t c 4 / star Space wars Enter"), 0);
	wait_text("1 of 1682");
	/* the yours column of Star Wars' row holds the 5: offsets from the
	 * Movies pane's left border, where the text is ASCII (what is left
	 * of it depends on the layout) */
	const char *hb = strstr(screen(), "\u2502 title "), *rb = strstr(S.cap,
		"\u2502 Star Wars (1977) ");
	cr_assert(hb && rb, "%s", S.cap);
	const char *col = strstr(hb, "yours");
	cr_assert_not_null(col);
	cr_assert_eq(rb[(col - hb) + 4], '5', "the yours column lacks the 5:\n%s", S.cap);
}
