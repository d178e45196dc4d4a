/* test_tui.c -- the real interface end to end: collabtui runs in a tmux
 * pane on $COLLABTUI_DATASETS/ml-100k, keys go in with send-keys, and the
 * screen comes back with capture-pane.
 *
 * Every test has a tmux server of its own (-L collabtui-test-PID-N, never
 * the default socket), a fresh empty scratch directory as its HOME,
 * XDG_CONFIG_HOME, XDG_DATA_HOME and working directory, TERM=tmux-256color
 * (xterm-256color when that terminfo entry is missing) and LANG/LC_ALL
 * C.UTF-8.  The pane runs, under remain-on-exit,
 *
 *     stty -g >stty.before; collabtui ...; rc=$?; stty -g >stty.after
 *     echo "[collabtui exited $rc]"; read line; echo "[shell read: $line]"
 *     exit $rc
 *
 * so a test can see collabtui's exit status, compare the terminal modes
 * before and after, check tmux's view of the terminal while the shell has
 * it back (normal screen, cursor on, no mouse or keypad mode), type a line
 * that must be echoed and read, and finally read #{pane_dead_status}.  A
 * watchdog process kills the server if the test process dies without
 * cleaning up (a Criterion timeout).
 *
 * Assertions look for stable labels ("users 943", pane titles, the epoch
 * table's rows, error text), never for exact positions, and every wait
 * polls the screen until the text is there or a deadline passes.  tmux
 * missing: the tests are skipped, or fail when CI=true.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "testcli.h"
#include "../tui/keys.h"

/* Generous: the ASan build is several times slower, and a wait returns as
 * soon as its text is on screen. */
#define WAIT_S 60.0
#define CAP_MAX (256 * 1024)

struct tui {
	int used;
	char sock[96];          /* tmux -L name */
	char dir[512];          /* scratch: HOME, XDG_*, cwd */
	char cap[CAP_MAX];      /* the last capture */
};

static struct tui T;            /* one per test: each test is a process */

/* ---- running tmux ---------------------------------------------------------- */

/* Run `tmux -L sock ARGS...`; its stdout into out (when not NULL).  Returns
 * its exit status, or -1. */
static int tmux_v(const struct tui *t, char *out, size_t n, const char *const *args)
{
	const char *argv[64];
	int k = 0, pfd[2], st;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	argv[k++] = "tmux";
	argv[k++] = "-L";
	argv[k++] = t->sock;
	argv[k++] = "-f";
	argv[k++] = "/dev/null";
	for (int i = 0; args[i] && k < 63; i++)
		argv[k++] = args[i];
	argv[k] = NULL;
	if (pipe(pfd) != 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		dup2(nul, 0);
		dup2(pfd[1], 1);
		dup2(nul, 2);
		close(pfd[0]);
		close(pfd[1]);
		execvp("tmux", (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		char sink[4096];

		if (out && got + 1 < n)
			r = read(pfd[0], out + got, n - 1 - got);
		else
			r = read(pfd[0], sink, sizeof sink);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (out && got + 1 < n)
			got += (size_t)r;
	}
	close(pfd[0]);
	if (out)
		out[got] = '\0';
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define TMUX(t, ...) tmux_v(t, NULL, 0, (const char *const[]){ __VA_ARGS__, NULL })
#define TMUX_OUT(t, out, n, ...) tmux_v(t, out, n, (const char *const[]){ __VA_ARGS__, NULL })

/* tmux present, else skip (fail in CI). */
static void need_tmux(void)
{
	const char *ci = getenv("CI");

	if (system("tmux -V >/dev/null 2>&1") == 0)
		return;
	if (ci && strcmp(ci, "true") == 0)
		cr_assert_fail("tmux is not installed: the interface tests need it in CI");
	cr_skip_test("tmux is not installed; skipping the interface tests");
}

static const char *term_name(void)
{
	static const char *const dirs[] = {
		"/usr/share/terminfo/t/tmux-256color", "/lib/terminfo/t/tmux-256color",
		"/etc/terminfo/t/tmux-256color", "/usr/lib/terminfo/t/tmux-256color",
	};

	for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
		if (access(dirs[i], R_OK) == 0)
			return "tmux-256color";
	return "xterm-256color";
}

/* A process that outlives this test's process by at most 0.2 s and then
 * takes its tmux server down: a timed-out test leaves nothing running. */
static void watchdog(const char *sock)
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return;
	int nul = open("/dev/null", O_RDWR);
	dup2(nul, 0);
	dup2(nul, 1);
	dup2(nul, 2);
	for (int fd = 3; fd < 1024; fd++)
		close(fd);
	setsid();
	for (int i = 0; i < 5 * 600 && getppid() == parent; i++)
		usleep(200000);
	execlp("tmux", "tmux", "-L", sock, "kill-server", (char *)NULL);
	_exit(0);
}

static void teardown(void)
{
	if (!T.used)
		return;
	TMUX(&T, "kill-server");
	testenv_rmdir(T.dir);
	T.used = 0;
}

/* Start collabtui in a w x h pane: `env ENV collabtui --data ml-100k ARGS`
 * (ENV: extra NAME=value words, ARGS: shell words; either may be ""). */
static void tui_start_env(struct tui *t, int w, int h, const char *env, const char *args)
{
	static int serial;
	const char *bin = getenv("COLLABTUI_BIN");
	char ds[512], script[4096], ws[16], hs[16];

	setlocale(LC_CTYPE, "C.UTF-8");
	testenv_dataset(ds, sizeof ds, "ml-100k");
	need_tmux();
	cr_assert(bin && *bin, "COLLABTUI_BIN is not set (the path of the collabtui binary)");
	memset(t, 0, sizeof *t);
	snprintf(t->sock, sizeof t->sock, "collabtui-test-%ld-%d", (long)getpid(), serial++);
	testenv_tmpdir(t->dir, sizeof t->dir);
	t->used = 1;
	watchdog(t->sock);
	snprintf(script, sizeof script,
		 "cd '%s' || exit 99\n"
		 "trap : INT TERM\n"
		 "stty -g >stty.before\n"
		 "env -u NO_COLOR -u COLUMNS -u LINES -u TMUX HOME='%s' XDG_CONFIG_HOME='%s' "
		 "XDG_DATA_HOME='%s' TERM=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 %s '%s' --data '%s' %s\n"
		 "rc=$?\n"
		 "stty -g >stty.after\n"
		 "printf '[collabtui exited %%d]\\n' \"$rc\"\n"
		 "IFS= read -r line\n"
		 "printf '[shell read: %%s]\\n' \"$line\"\n"
		 /* tmux 3.3a can mark a pane dead before it has drawn the last
		  * output of a process that exits at once: linger a moment */
		 "sleep 0.3\n"
		 "exit $rc\n",
		 t->dir, t->dir, t->dir, t->dir, term_name(), env, bin, ds, args);
	snprintf(ws, sizeof ws, "%d", w);
	snprintf(hs, sizeof hs, "%d", h);
	int rc = TMUX(t, "start-server", ";", "set-option", "-g", "status", "off", ";",
		      "set-option", "-g", "remain-on-exit", "on", ";",
		      "set-option", "-g", "default-shell", "/bin/sh", ";",
		      "new-session", "-d", "-s", "c", "-x", ws, "-y", hs, "sh", "-c", script);
	cr_assert_eq(rc, 0, "tmux new-session failed (status %d)", rc);
}

static void tui_start(struct tui *t, const char *args)
{
	tui_start_env(t, 120, 40, "", args);
}

/* The screen as text (plain, or with attributes as escape sequences). */
static const char *capture(struct tui *t, int escapes)
{
	if (escapes)
		TMUX_OUT(t, t->cap, sizeof t->cap, "capture-pane", "-p", "-e", "-t", "c");
	else
		TMUX_OUT(t, t->cap, sizeof t->cap, "capture-pane", "-p", "-t", "c");
	return t->cap;
}

/* A tmux format for the pane, e.g. "#{pane_dead}". */
static void display(struct tui *t, const char *fmt, char *out, size_t n)
{
	TMUX_OUT(t, out, n, "display-message", "-p", "-t", "c", fmt);
	out[strcspn(out, "\n")] = '\0';
}

static int pane_alive(struct tui *t)
{
	char b[16];

	display(t, "#{pane_dead}", b, sizeof b);
	return strcmp(b, "0") == 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Poll the screen until pred(screen, arg) or the deadline; returns pred. */
static int wait_for(struct tui *t, int (*pred)(const char *, const void *),
		    const void *arg, double secs)
{
	double end = now_s() + secs;

	for (;;) {
		if (pred(capture(t, 0), arg))
			return 1;
		if (now_s() > end)
			return 0;
		usleep(40000);
	}
}

static int has_text(const char *cap, const void *s)
{
	return strstr(cap, s) != NULL;
}

static int lacks_text(const char *cap, const void *s)
{
	return strstr(cap, s) == NULL;
}

static int has_regex(const char *cap, const void *re)
{
	return regexec(re, cap, 0, NULL, 0) == 0;
}

#define WAIT_TEXT(t, s)                                                          \
	cr_assert(wait_for(t, has_text, s, WAIT_S),                              \
		  "\"%s\" did not appear within %.0f s; the screen:\n%s", s, WAIT_S, \
		  (t)->cap)
#define WAIT_GONE(t, s)                                                          \
	cr_assert(wait_for(t, lacks_text, s, WAIT_S),                            \
		  "\"%s\" was still on screen after %.0f s; the screen:\n%s", s,    \
		  WAIT_S, (t)->cap)
#define ON_SCREEN(t, s)                                                          \
	cr_assert(strstr((t)->cap, s), "expected \"%s\" on screen:\n%s", s, (t)->cap)
#define NOT_ON_SCREEN(t, s)                                                      \
	cr_assert(!strstr((t)->cap, s), "did not expect \"%s\" on screen:\n%s", s, \
		  (t)->cap)

static void wait_regex(struct tui *t, const char *pattern)
{
	regex_t re;

	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0, "bad regex %s", pattern);
	int ok = wait_for(t, has_regex, &re, WAIT_S);
	regfree(&re);
	cr_assert(ok, "nothing matched /%s/ within %.0f s; the screen:\n%s", pattern,
		  WAIT_S, t->cap);
}

/* Wait until collabtui has exited (the pane's shell says so); its exit
 * status.  The pane stays alive, at the shell, for assert_clean_terminal. */
static int wait_exit(struct tui *t)
{
	regex_t re;
	regmatch_t m[2];

	cr_assert_eq(regcomp(&re, "\\[collabtui exited ([0-9]+)\\]", REG_EXTENDED), 0);
	int ok = wait_for(t, has_regex, &re, WAIT_S);
	if (ok)
		regexec(&re, t->cap, 2, m, 0);
	regfree(&re);
	cr_assert(ok, "collabtui did not exit within %.0f s; the screen:\n%s", WAIT_S, t->cap);
	return atoi(t->cap + m[1].rm_so);
}

/* The dead pane's exit status, as tmux reports it.  tmux built with
 * libutempter can miss a SIGCHLD (tmux issue #311), leaving the pane dead
 * with no status: a SIGCHLD to that server (its own pid) makes it look. */
static int pane_dead_status(struct tui *t)
{
	double end = now_s() + WAIT_S;
	char b[64];

	for (;;) {
		display(t, "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}", b, sizeof b);
		if (strncmp(b, "1:", 2) == 0 && b[2] != ':')
			return atoi(b + 2);
		cr_assert(strncmp(b, "1::", 3) != 0 || b[3] == '\0',
			  "the pane's shell was killed by signal %s", b + 3);
		if (now_s() > end)
			break;
		if (strcmp(b, "1::") == 0) {
			char pid[32];

			display(t, "#{pid}", pid, sizeof pid);
			if (atol(pid) > 1)
				kill((pid_t)atol(pid), SIGCHLD);
		}
		usleep(40000);
	}
	cr_assert_fail("the pane did not end within %.0f s (%s)", WAIT_S, b);
	return -1;
}

/* The terminal as collabtui left it to the shell (rc: its exit status):
 * the same stty modes as before, the normal screen, the cursor shown, no
 * mouse or keypad mode left on, none of the interface left on screen; a
 * line typed now is echoed and read; and tmux sees the shell exit rc. */
static void assert_clean_terminal(struct tui *t, int rc)
{
	char before[1024], after[1024], p[700], b[128];

	snprintf(p, sizeof p, "%s/stty.before", t->dir);
	cli_slurp(p, before, sizeof before);
	snprintf(p, sizeof p, "%s/stty.after", t->dir);
	cli_slurp(p, after, sizeof after);
	cr_assert(before[0], "stty.before is empty");
	cr_assert_str_eq(after, before, "terminal modes not restored:\nbefore %safter  %s",
			 before, after);
	display(t, "#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{mouse_standard_flag} "
		"#{mouse_button_flag} #{keypad_cursor_flag} #{insert_flag}", b, sizeof b);
	cr_assert_str_eq(b, "0 1 0 0 0 0 0",
			 "alternate screen, cursor, mouse, keypad, insert flags: \"%s\" "
			 "(expected \"0 1 0 0 0 0 0\")", b);
	capture(t, 0);
	NOT_ON_SCREEN(t, "users 943");
	NOT_ON_SCREEN(t, "Hyperparameters");
	/* a cooked, echoing terminal: the typed line shows and the shell reads it */
	cr_assert_eq(TMUX(t, "send-keys", "-t", "c", "-l", "sane-tty-check"), 0);
	cr_assert_eq(TMUX(t, "send-keys", "-t", "c", "Enter"), 0);
	wait_regex(t, "^sane-tty-check$");
	WAIT_TEXT(t, "[shell read: sane-tty-check]");
	cr_assert_eq(pane_dead_status(t), rc, "tmux's #{pane_dead_status}");
}

static void keys(struct tui *t, const char *k)
{
	/* one key name per word */
	char buf[256], *save = NULL;
	const char *args[40] = { "send-keys", "-t", "c" };
	int n = 3;

	snprintf(buf, sizeof buf, "%s", k);
	for (char *w = strtok_r(buf, " ", &save); w && n < 39; w = strtok_r(NULL, " ", &save))
		args[n++] = w;
	args[n] = NULL;
	cr_assert_eq(tmux_v(t, NULL, 0, args), 0, "send-keys %s failed", k);
}

static void type(struct tui *t, const char *text)
{
	cr_assert_eq(TMUX(t, "send-keys", "-t", "c", "-l", "--", text), 0, "send-keys -l failed");
}

static void start_loaded(struct tui *t, const char *args)
{
	tui_start(t, args);
	WAIT_TEXT(t, "users 943");
}

/* ---- reading the screen ---------------------------------------------------- */

/* The screen row (0-based) of the Hyperparameters field `label`, or -1. */
static int field_row(const char *cap, const char *label)
{
	char pat[64];
	int row = 0;

	snprintf(pat, sizeof pat, "\u2502 %s  ", label);
	for (const char *l = cap; *l; row++) {
		const char *nl = strchr(l, '\n');
		const char *hit = strstr(l, pat);

		if (hit && (!nl || hit < nl))
			return row;
		if (!nl)
			break;
		l = nl + 1;
	}
	return -1;
}

/* Select the field `label` in the Hyperparameters pane: focus it, go to
 * the first field (the preset), then down as many rows as label is below
 * it. */
static void select_field(struct tui *t, const char *label)
{
	capture(t, 0);
	int first = field_row(t->cap, "preset"), row = field_row(t->cap, label);
	char k[256] = "3 g";

	cr_assert(first >= 0 && row >= first, "no field %s below preset:\n%s", label, t->cap);
	for (int i = 0; i < row - first; i++)
		strcat(k, " j");
	keys(t, k);
}

/* Enter, replace the value with text, Enter. */
static void edit_field(struct tui *t, const char *label, const char *text)
{
	select_field(t, label);
	keys(t, "Enter");
	type(t, text);
	keys(t, "Enter");
}

/* Split the screen into rows of wide characters (one per column here:
 * box drawing, blocks and braille are all one column wide). */
static int wide_rows(const char *cap, wchar_t rows[][256], int max)
{
	int n = 0;

	for (const char *l = cap; *l && n < max; n++) {
		char line[2048];
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, l, len);
		line[len] = '\0';
		if (mbstowcs(rows[n], line, 255) == (size_t)-1)
			rows[n][0] = L'\0';
		rows[n][255] = L'\0';
		if (!nl)
			break;
		l = nl + 1;
	}
	return n + 1;
}

/* ---- the tests --------------------------------------------------------------- */

TestSuite(tui, .fini = teardown, .timeout = 120);

Test(tui, panes_show_the_dataset)
{
	start_loaded(&T, "");
	capture(&T, 0);
	/* the main panes and the status line */
	ON_SCREEN(&T, "\u2500 Dataset ");
	ON_SCREEN(&T, "\u2500 Training ");
	ON_SCREEN(&T, "\u2500 Hyperparameters ");
	ON_SCREEN(&T, "\u2500 Movies ");
	ON_SCREEN(&T, "q quit");
	ON_SCREEN(&T, "? help");
	/* MovieLens 100K's numbers */
	ON_SCREEN(&T, "ml-100k");
	ON_SCREEN(&T, "users 943");
	ON_SCREEN(&T, "items 1682");
	ON_SCREEN(&T, "ratings 100000");
	ON_SCREEN(&T, "density 6.30%");
	ON_SCREEN(&T, "mean rating 3.530");
	ON_SCREEN(&T, "per user min 20  median 65  max 737");
	ON_SCREEN(&T, "per item min 1  median 27  max 583");
	/* the histogram's counts for 1..5 stars */
	ON_SCREEN(&T, " 6110");
	ON_SCREEN(&T, " 11370");
	ON_SCREEN(&T, " 27145");
	ON_SCREEN(&T, " 34174");
	ON_SCREEN(&T, " 21201");
	ON_SCREEN(&T, "most rated");
	ON_SCREEN(&T, "583 Star Wars (1977)");
	/* the movie list and the untrained chart */
	ON_SCREEN(&T, "1682 of 1682");
	ON_SCREEN(&T, "not trained yet");
	/* the default theme colours something (so the NO_COLOR test means it) */
	capture(&T, 1);
	cr_assert(strstr(T.cap, "\033[3") || strstr(T.cap, "\033[9") || strstr(T.cap, "38;5;"),
		  "no colours in the default theme's screen");
	cr_assert(pane_alive(&T));
}

/* Is the region's text different, and does it hold chart dots? */
static int count_chart_cells(const wchar_t *s)
{
	int n = 0;

	for (; *s; s++)
		if ((*s >= 0x2801 && *s <= 0x28FF) || *s == L'*' || *s == L'o')
			n++;
	return n;
}

Test(tui, editing_lr_then_t_trains, .timeout = 180)
{
	static wchar_t before[64][256], after[64][256];
	int nb, na, title = -1, header = -1, col = -1;

	/* bs 512: five epochs in seconds under ASan too */
	start_loaded(&T, "--bs 512");
	edit_field(&T, "lr", "0.01");
	wait_regex(&T, "\u2502 lr +0\\.01 ");
	nb = wide_rows(capture(&T, 0), before, 64);

	keys(&T, "t");
	/* fastai's table, one row per epoch 0..4, as it grows */
	WAIT_TEXT(&T, "train_loss");
	for (int e = 0; e < 5; e++) {
		char re[160];

		snprintf(re, sizeof re, " %d +[0-9]+\\.[0-9]{6} +([0-9]+\\.[0-9]{6}|-) +"
			 "[0-9]{2}:[0-9]{2}", e);
		wait_regex(&T, re);
	}
	WAIT_TEXT(&T, "training finished");
	capture(&T, 0);
	/* the run is labelled with the edited value; the best epoch is named */
	ON_SCREEN(&T, "lr 0.01 wd 0.1 k 50");
	wait_regex(&T, "best [0-9]+\\.[0-9]{4} @ [0-4]");
	ON_SCREEN(&T, "\u25c6");                /* the best-epoch marker */
	NOT_ON_SCREEN(&T, "not trained yet");

	/* the chart: the Training pane's rows between its title and the table */
	na = wide_rows(T.cap, after, 64);
	for (int r = 0; r < na && header < 0; r++) {
		wchar_t *hit;

		if (title < 0 && (hit = wcsstr(after[r], L"\u2500 Training ")) != NULL) {
			title = r;
			col = (int)(hit - after[r]) - 1;
		} else if (title >= 0 && wcsstr(after[r], L"epoch   train_loss")) {
			header = r;
		}
	}
	cr_assert(title >= 0 && header > title + 3 && col >= 0,
		  "no Training pane with a chart above its table:\n%s", T.cap);
	int changed = 0, dots = 0;
	for (int r = title + 1; r < header; r++) {
		const wchar_t *a = (int)wcslen(after[r]) > col ? after[r] + col : L"";
		const wchar_t *b = r < nb && (int)wcslen(before[r]) > col ? before[r] + col : L"";

		changed += wcscmp(a, b) != 0;
		dots += count_chart_cells(a);
	}
	cr_assert_geq(changed, 3, "the chart area hardly changed after training:\n%s", T.cap);
	cr_assert_geq(dots, 20, "no curves drawn in the chart (%d cells):\n%s", dots, T.cap);
	cr_assert(pane_alive(&T));
}

Test(tui, runs_lists_overlays_and_restores, .timeout = 180)
{
	/* two short runs land in the scratch XDG_DATA_HOME's history */
	start_loaded(&T, "--bs 1024 --epochs 1");
	keys(&T, "t");
	WAIT_TEXT(&T, "training finished");
	edit_field(&T, "lr", "0.01");
	keys(&T, "t");
	WAIT_TEXT(&T, "training finished");
	/* 7: the Runs pane takes the Movies pane's place, newest first */
	keys(&T, "7");
	WAIT_TEXT(&T, "\u2500 Runs ");
	WAIT_TEXT(&T, "2 run(s) on ml-100k");
	capture(&T, 0);
	NOT_ON_SCREEN(&T, "\u2500 Movies ");
	wait_regex(&T, "dotbias +[0-9]\\.[0-9]{6} +1 +50 +0\\.01 ");
	/* the older run (lr 0.005) on the chart, then its values back */
	keys(&T, "Down c");
	WAIT_TEXT(&T, "on the chart:");
	WAIT_TEXT(&T, "(past)");
	keys(&T, "r");
	WAIT_TEXT(&T, "restored the values");
	wait_regex(&T, "\u2502 lr +0\\.005 ");
	WAIT_TEXT(&T, "stale: values changed");
	/* v: best valid loss first; 4 brings the Movies back */
	keys(&T, "v");
	WAIT_TEXT(&T, "by valid loss");
	keys(&T, "4");
	WAIT_TEXT(&T, "\u2500 Movies ");
	cr_assert(pane_alive(&T));
}

Test(tui, bad_values_are_refused_with_the_reason)
{
	start_loaded(&T, "");
	/* a y_range that cannot reach ratings 1..5 (the chapter's NN mistake) */
	edit_field(&T, "y_range", "0,0.5");
	WAIT_TEXT(&T, "cannot reach ratings 1-5");
	capture(&T, 0);
	wait_regex(&T, "\u2502 y_range +0,5\\.5 ");        /* the old value stays */
	wait_regex(&T, "y_range.*\u2190 cannot");           /* reason beside it */
	ON_SCREEN(&T, "below 0.5");                         /* ... and in full */

	/* a negative learning rate */
	edit_field(&T, "lr", "-1");
	WAIT_TEXT(&T, "lr must be a positive number");
	wait_regex(&T, "\u2502 lr +0\\.005 ");
	wait_regex(&T, "\u2502 lr +0\\.005 \u2190 lr must");

	/* a good value clears the reason beside the field */
	edit_field(&T, "lr", "0.002");
	wait_regex(&T, "\u2502 lr +0\\.002 ");
	WAIT_GONE(&T, "lr must be a positive number");
	cr_assert(pane_alive(&T));
}

Test(tui, lr_find_sweeps_the_pane_range_and_A_applies, .timeout = 180)
{
	/* bs 512 and 40 batches: seconds under ASan too */
	start_loaded(&T, "--bs 512");
	wait_regex(&T, "\u2502 lr_find +1e-07,10,100 ");      /* fastai's defaults */
	edit_field(&T, "lr_find", "1e-4,1,40");
	wait_regex(&T, "\u2502 lr_find +0\\.0001,1,40 ");
	keys(&T, "F");
	WAIT_TEXT(&T, "smoothed loss by lr");
	/* the sweep's range reached the engine: the lr axis starts at 1e-04 */
	wait_regex(&T, "\u2500+1e-04\u2500");
	WAIT_TEXT(&T, "(the valley): A sets it");
	capture(&T, 0);
	ON_SCREEN(&T, "\u25c6 valley ");
	NOT_ON_SCREEN(&T, "1e-07\u2500");
	wait_regex(&T, "\u2502 lr +0\\.005 ");
	/* A puts the suggestion into lr: a new value, so the preset is custom */
	keys(&T, "A");
	WAIT_TEXT(&T, "the finder's valley");
	WAIT_GONE(&T, "\u2502 lr          0.005 ");
	wait_regex(&T, "\u2502 lr +[0-9.e-]+ ");
	wait_regex(&T, "\u2502 preset +custom ");
	/* a sweep range the pane cannot take is refused there */
	edit_field(&T, "lr_find", "1,0.1,40");
	WAIT_TEXT(&T, "lr_find start must be less than lr_find end");
	wait_regex(&T, "\u2502 lr_find +0\\.0001,1,40 ");
	cr_assert(pane_alive(&T));
}

Test(tui, preset_row_applies_names_and_refuses)
{
	start_loaded(&T, "");
	wait_regex(&T, "\u2502 preset +fastai ");
	/* right: the next preset, every setting of it */
	select_field(&T, "preset");
	keys(&T, "Right");
	wait_regex(&T, "\u2502 preset +u1-best ");
	wait_regex(&T, "\u2502 model +bpmf ");
	wait_regex(&T, "\u2502 n_factors +10 ");
	wait_regex(&T, "\u2502 epochs +400 ");
	WAIT_TEXT(&T, "presets: fastai u1-best als");
	/* typed by name */
	edit_field(&T, "preset", "als");
	wait_regex(&T, "\u2502 preset +als ");
	wait_regex(&T, "\u2502 model +als ");
	wait_regex(&T, "\u2502 wd +12 ");
	wait_regex(&T, "\u2502 epochs +15 ");
	WAIT_TEXT(&T, "preset als applied");
	/* an unknown name: refused with the known ones, the values stay */
	edit_field(&T, "preset", "best");
	WAIT_TEXT(&T, "no preset 'best' (the presets are");     /* wrapped */
	ON_SCREEN(&T, "fastai, u1-best, als)");
	wait_regex(&T, "\u2502 model +als ");
	/* an edit away from the preset's values: custom */
	edit_field(&T, "epochs", "3");
	wait_regex(&T, "\u2502 preset +custom ");
	/* p applies the preset after... the first, from custom values */
	keys(&T, "p");
	wait_regex(&T, "\u2502 preset +fastai ");
	wait_regex(&T, "\u2502 model +dotbias ");
	wait_regex(&T, "\u2502 epochs +5 ");
	cr_assert(pane_alive(&T));
}

Test(tui, fast_trainer_trains_dot_models_only, .timeout = 180)
{
	start_loaded(&T, "");
	wait_regex(&T, "\u2502 trainer +fastai ");
	select_field(&T, "trainer");
	keys(&T, "Right");
	wait_regex(&T, "\u2502 trainer +fast ");
	/* nn with the fast trainer: refused, with the reason */
	select_field(&T, "model");
	keys(&T, "Right");
	WAIT_TEXT(&T, "model: the fast trainer fits only the dot and dotbias models");
	wait_regex(&T, "\u2502 model +dotbias \u2190 the fast");
	/* F sweeps fastai's trainer only */
	keys(&T, "F");
	WAIT_TEXT(&T, "the lr finder sweeps fastai's trainer, not the fast one");
	/* t trains with it: fastai's table, one row per epoch */
	keys(&T, "t");
	WAIT_TEXT(&T, "train_loss");
	for (int e = 0; e < 5; e++) {
		char re[160];

		snprintf(re, sizeof re, " %d +[0-9]+\\.[0-9]{6} +[0-9]+\\.[0-9]{6} +"
			 "[0-9]{2}:[0-9]{2}", e);
		wait_regex(&T, re);
	}
	WAIT_TEXT(&T, "training finished");
	WAIT_TEXT(&T, "lr 0.005 wd 0.1 k 50 fast");
	cr_assert(pane_alive(&T));
}

/* How many pane boxes (top-left corners) are on screen. */
static int boxes(const char *cap)
{
	int n = 0;

	for (const char *p = cap; (p = strstr(p, "\u250c")) != NULL; p++)
		n++;
	return n;
}

/* The screen's first line. */
static void first_line(const char *cap, char *out, size_t n)
{
	snprintf(out, n, "%.*s", (int)strcspn(cap, "\n"), cap);
}

Test(tui, resize_to_tabs_and_back)
{
	char b[64], top[1024];

	start_loaded(&T, "");
	cr_assert_geq(boxes(capture(&T, 0)), 4, "not every pane at 120x40:\n%s", T.cap);
	cr_assert_eq(TMUX(&T, "resize-window", "-t", "c", "-x", "60", "-y", "20"), 0);
	display(&T, "#{pane_width}x#{pane_height}", b, sizeof b);
	cr_assert_str_eq(b, "60x20");
	/* one pane at a time (Hyperparameters has the focus) under a tab bar */
	WAIT_TEXT(&T, "\u2500 Hyperparameters ");
	WAIT_GONE(&T, "users 943");
	cr_assert_eq(boxes(capture(&T, 0)), 1, "not one pane at 60x20:\n%s", T.cap);
	first_line(T.cap, top, sizeof top);
	cr_assert(strstr(top, "1 Dataset") && strstr(top, "2 Training"),
		  "no tab bar on the first line: \"%s\"", top);
	ON_SCREEN(&T, "q quit");
	/* the tabs switch panes */
	keys(&T, "1");
	WAIT_TEXT(&T, "users 943");
	WAIT_GONE(&T, "\u2500 Hyperparameters ");
	keys(&T, "Tab");
	WAIT_TEXT(&T, "not trained yet");
	WAIT_GONE(&T, "users 943");
	cr_assert_eq(boxes(T.cap), 1, "not one pane at 60x20:\n%s", T.cap);

	/* back to 120x40: every pane again */
	cr_assert_eq(TMUX(&T, "resize-window", "-t", "c", "-x", "120", "-y", "40"), 0);
	WAIT_TEXT(&T, "\u2500 Movies ");
	WAIT_TEXT(&T, "users 943");
	capture(&T, 0);
	ON_SCREEN(&T, "\u2500 Dataset ");
	ON_SCREEN(&T, "\u2500 Training ");
	ON_SCREEN(&T, "\u2500 Hyperparameters ");
	ON_SCREEN(&T, "not trained yet");
	cr_assert_geq(boxes(T.cap), 4, "not every pane back at 120x40:\n%s", T.cap);
	cr_assert(pane_alive(&T), "collabtui died while resizing");
	/* and it still answers keys */
	keys(&T, "q");
	cr_assert_eq(wait_exit(&T), 0);
}

Test(tui, too_small_terminal)
{
	start_loaded(&T, "");
	cr_assert_eq(TMUX(&T, "resize-window", "-t", "c", "-x", "50", "-y", "12"), 0);
	WAIT_TEXT(&T, "terminal too small: 50x12, need 60x16");
	cr_assert(pane_alive(&T));
	/* big enough again: tabs */
	cr_assert_eq(TMUX(&T, "resize-window", "-t", "c", "-x", "80", "-y", "24"), 0);
	WAIT_GONE(&T, "terminal too small");
	WAIT_TEXT(&T, "\u2500 Hyperparameters ");
	/* q quits from the small screen too */
	cr_assert_eq(TMUX(&T, "resize-window", "-t", "c", "-x", "40", "-y", "10"), 0);
	WAIT_TEXT(&T, "terminal too small: 40x10");
	keys(&T, "q");
	cr_assert_eq(wait_exit(&T), 0);
	assert_clean_terminal(&T, 0);
}

Test(tui, q_leaves_a_clean_terminal)
{
	char path[700], trace[4096];
	int lines = 0;

	tui_start(&T, "--trace trace.txt");
	WAIT_TEXT(&T, "users 943");
	keys(&T, "j j k o");
	/* a key that quits in the same read as others leaves them unrendered
	 * and untraced; wait until o's sort shows, so all four were drawn */
	WAIT_TEXT(&T, "by ratings");
	keys(&T, "q");
	cr_assert_eq(wait_exit(&T), 0);
	assert_clean_terminal(&T, 0);
	/* --trace wrote one latency (microseconds) per key before q */
	snprintf(path, sizeof path, "%s/trace.txt", T.dir);
	cli_slurp(path, trace, sizeof trace);
	for (const char *p = trace; *p; p++) {
		cr_assert(isdigit((unsigned char)*p) || *p == '\n', "trace: %s", trace);
		lines += *p == '\n';
	}
	cr_assert_geq(lines, 4, "trace: %s", trace);
}

/* The pid of the pane shell's child (collabtui), from /proc. */
static pid_t collabtui_pid(struct tui *t)
{
	char b[32], path[300], stat[512];
	pid_t shell, found = -1;
	DIR *d;
	struct dirent *e;

	display(t, "#{pane_pid}", b, sizeof b);
	shell = (pid_t)atol(b);
	cr_assert_gt(shell, 0);
	d = opendir("/proc");
	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL && found < 0) {
		long ppid;
		char *rp;

		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		cli_slurp(path, stat, sizeof stat);
		rp = strrchr(stat, ')');
		if (rp && sscanf(rp + 1, " %*c %ld", &ppid) == 1 && ppid == shell)
			found = (pid_t)atol(e->d_name);
	}
	closedir(d);
	cr_assert_gt(found, 0, "collabtui's process not found under the pane's shell %ld",
		     (long)shell);
	return found;
}

/* Ctrl-C and SIGTERM quit through the normal path: terminal restored. */
Test(tui, ctrl_c_restores_the_terminal)
{
	start_loaded(&T, "");
	keys(&T, "C-c");
	int st = wait_exit(&T);
	cr_assert_eq(st, 128 + SIGINT, "Ctrl-C: exit status %d", st);
	assert_clean_terminal(&T, st);
}

Test(tui, sigterm_restores_the_terminal)
{
	start_loaded(&T, "");
	cr_assert_eq(kill(collabtui_pid(&T), SIGTERM), 0);
	int st = wait_exit(&T);
	cr_assert_eq(st, 128 + SIGTERM, "SIGTERM: exit status %d", st);
	assert_clean_terminal(&T, st);
}

/* Ctrl-Z gives the shell a sane terminal; fg brings the screen back. */
Test(tui, ctrl_z_and_fg)
{
	const char *bin = getenv("COLLABTUI_BIN");
	char ds[512], cmd[4096], b[64];

	setlocale(LC_CTYPE, "C.UTF-8");
	testenv_dataset(ds, sizeof ds, "ml-100k");
	need_tmux();
	if (access("/bin/bash", X_OK) != 0)
		cr_skip_test("no /bin/bash for a job-control shell");
	cr_assert(bin && *bin, "COLLABTUI_BIN is not set");
	snprintf(T.sock, sizeof T.sock, "collabtui-test-%ld-z", (long)getpid());
	testenv_tmpdir(T.dir, sizeof T.dir);
	T.used = 1;
	watchdog(T.sock);
	snprintf(cmd, sizeof cmd, "cd '%s' && exec env HOME='%s' XDG_CONFIG_HOME='%s' "
		 "XDG_DATA_HOME='%s' TERM=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='prompt$ ' "
		 "/bin/bash --norc --noprofile -i", T.dir, T.dir, T.dir, T.dir, term_name());
	cr_assert_eq(TMUX(&T, "start-server", ";", "set-option", "-g", "status", "off", ";",
			  "new-session", "-d", "-s", "c", "-x", "120", "-y", "40",
			  "/bin/sh", "-c", cmd), 0);
	WAIT_TEXT(&T, "prompt$");
	snprintf(cmd, sizeof cmd, "'%s' --data '%s'", bin, ds);
	type(&T, cmd);
	keys(&T, "Enter");
	WAIT_TEXT(&T, "users 943");
	keys(&T, "C-z");
	WAIT_TEXT(&T, "Stopped");
	display(&T, "#{alternate_on} #{cursor_flag} #{mouse_any_flag}", b, sizeof b);
	cr_assert_str_eq(b, "0 1 0", "suspended: alternate screen, cursor, mouse: %s", b);
	type(&T, "fg");
	keys(&T, "Enter");
	WAIT_TEXT(&T, "users 943");
	WAIT_TEXT(&T, "\u2500 Movies ");
	display(&T, "#{alternate_on}", b, sizeof b);
	cr_assert_str_eq(b, "1", "fg: not back on the alternate screen");
	keys(&T, "q");
	WAIT_GONE(&T, "users 943");
	type(&T, "echo \"[collabtui exited $?]\"");
	keys(&T, "Enter");
	WAIT_TEXT(&T, "[collabtui exited 0]");
}

Test(tui, q_while_training_asks_first, .timeout = 180)
{
	/* epochs enough that training outlasts the test */
	start_loaded(&T, "--epochs 400");
	keys(&T, "t");
	wait_regex(&T, "epoch [0-9]+/400");
	keys(&T, "q");
	WAIT_TEXT(&T, "Quit anyway? (y/n)");
	cr_assert(pane_alive(&T));
	/* n: carry on */
	keys(&T, "n");
	WAIT_GONE(&T, "Quit anyway?");
	wait_regex(&T, "epoch [0-9]+/400");
	cr_assert(pane_alive(&T));
	/* s stops; the stopped run stays, labelled, behind a new one */
	keys(&T, "s");
	WAIT_TEXT(&T, "training stopped");
	keys(&T, "t");
	WAIT_TEXT(&T, "before: lr 0.005 wd 0.1 k 50 (stopped)");
	wait_regex(&T, "epoch [0-9]+/400");
	/* y: quit while the engine is busy */
	keys(&T, "q");
	WAIT_TEXT(&T, "Quit anyway? (y/n)");
	keys(&T, "y");
	cr_assert_eq(wait_exit(&T), 0);
	assert_clean_terminal(&T, 0);
}

/* Mark in seen[] the actions whose keys and description are on screen. */
static int help_mark(const char *cap, const struct keymap *km, int *seen)
{
	int missing = 0;

	for (int a = 1; a < ACT_COUNT; a++) {
		char k[64];

		keys_describe(km, (enum keys_action)a, k, sizeof k);
		if (!seen[a] && strstr(cap, keys_action_desc((enum keys_action)a)) &&
		    strstr(cap, k))
			seen[a] = 1;
		missing += !seen[a];
	}
	return missing;
}

Test(tui, help_shows_every_key)
{
	struct keymap km;
	int seen[ACT_COUNT] = { 0 }, missing;

	keys_default(&km);
	start_loaded(&T, "");
	keys(&T, "?");
	WAIT_TEXT(&T, "Keys (any key closes)");
	missing = help_mark(capture(&T, 0), &km, seen);
	/* a long list scrolls: j shows the rest */
	for (int i = 0; missing && i < ACT_COUNT; i++) {
		static char prev[CAP_MAX];

		memcpy(prev, T.cap, sizeof prev);
		keys(&T, "j");
		for (int k = 0; k < 50 && strcmp(capture(&T, 0), prev) == 0; k++)
			usleep(20000);
		missing = help_mark(T.cap, &km, seen);
	}
	for (int a = 1; a < ACT_COUNT; a++)
		cr_expect(seen[a], "help lacks %s: \"%s\"", keys_action_name((enum keys_action)a),
			  keys_action_desc((enum keys_action)a));
	cr_assert_eq(missing, 0, "the help screen:\n%s", T.cap);
	/* any key closes it */
	keys(&T, "Escape");
	WAIT_GONE(&T, "Keys (any key closes)");
	WAIT_TEXT(&T, "users 943");
	cr_assert(pane_alive(&T));
}

Test(tui, search_finds_miserables)
{
	start_loaded(&T, "");
	capture(&T, 0);
	NOT_ON_SCREEN(&T, "Misérables");
	keys(&T, "/");
	type(&T, "misér");
	WAIT_TEXT(&T, "Misérables, Les (1995)");
	WAIT_TEXT(&T, "1 of 1682");
	ON_SCREEN(&T, "/misér");
	/* Enter keeps the filter, Esc clears it */
	keys(&T, "Enter");
	WAIT_TEXT(&T, "(Esc clears)");
	keys(&T, "Escape");
	WAIT_TEXT(&T, "1682 of 1682");
	cr_assert(pane_alive(&T));
}

/* Every SGR sequence in s: is any of its parameters a colour? */
static int has_colour_sgr(const char *s)
{
	for (const char *p = s; (p = strstr(p, "\033[")) != NULL; p += 2) {
		const char *q = p + 2;
		size_t n = strspn(q, "0123456789;");

		if (q[n] != 'm')
			continue;
		for (const char *a = q; a < q + n;) {
			int v = atoi(a);

			if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) ||
			    (v >= 90 && v <= 97) || (v >= 100 && v <= 107))
				return 1;
			a += strcspn(a, ";m");
			if (*a == ';')
				a++;
		}
	}
	return 0;
}

Test(tui, no_color_still_works, .timeout = 180)
{
	tui_start_env(&T, 120, 40, "NO_COLOR=1", "--bs 512");
	WAIT_TEXT(&T, "users 943");
	capture(&T, 1);
	cr_assert(!has_colour_sgr(T.cap), "NO_COLOR=1 but the screen has colours:\n%s", T.cap);
	cr_assert(strstr(T.cap, "\033["), "no attributes at all under NO_COLOR (expected bold, "
		  "reverse...)");
	keys(&T, "t");
	wait_regex(&T, " 4 +[0-9]+\\.[0-9]{6} +[0-9]+\\.[0-9]{6} +[0-9]{2}:[0-9]{2}");
	WAIT_TEXT(&T, "training finished");
	capture(&T, 1);
	cr_assert(!has_colour_sgr(T.cap), "colours after training under NO_COLOR:\n%s", T.cap);
	keys(&T, "q");
	cr_assert_eq(wait_exit(&T), 0);
}

/* A stderr message written while curses is up is shown after exit. */
Test(tui, stderr_is_shown_after_exit)
{
	tui_start(&T, "--trace no-such-dir/trace.txt");
	WAIT_TEXT(&T, "users 943");
	keys(&T, "q");
	cr_assert_eq(wait_exit(&T), 1, "a trace that cannot be written: status 1");
	WAIT_TEXT(&T, "collabtui: --trace no-such-dir/trace.txt: No such file or directory");
	assert_clean_terminal(&T, 1);
}

/* Standard output is a terminal but standard input is not. */
Test(tui, stdin_not_a_terminal_in_tmux)
{
	tui_start(&T, "</dev/null");
	cr_assert_eq(wait_exit(&T), 2);
	WAIT_TEXT(&T, "needs a terminal");
	assert_clean_terminal(&T, 2);
}

/* No terminal at all: a pipe or a cron job. */
Test(tui, no_terminal_exits_2_with_help)
{
	struct cli_result r;

	cli_run(&r, NULL, "--data /nonexistent");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "needs a terminal") && strstr(r.err, "collabtui train"),
		  "%s", r.err);
	cr_assert_str_empty(r.out, "curses output in a pipe: %s", r.out);
}
