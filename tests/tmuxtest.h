/* tmuxtest.h -- collabtui's interface in a tmux pane, for end-to-end tests:
 * a private server (tmux -L collabtui-tmx-PID-N, never the default one), a
 * scratch directory as working directory, HOME, XDG_CONFIG_HOME and
 * XDG_DATA_HOME, TERM=tmux-256color (xterm-256color when that terminfo
 * entry is missing), LANG/LC_ALL C.UTF-8; keys in with send-keys, the
 * screen back with capture-pane.
 *
 * tmx_start's pane runs, under remain-on-exit,
 *
 *     trap : INT TERM QUIT
 *     stty -g >stty.before; collabtui ...; rc=$?; stty -g >stty.after
 *     echo "[collabtui exited $rc]"; read line; echo "[shell read: $line]"
 *     exit $rc
 *
 * so a test can read collabtui's exit status off the screen
 * (tmx_wait_exit), compare the terminal modes before and after, type a
 * line to the shell that has the terminal back, and finally read tmux's
 * #{pane_dead_status} (tmx_dead_status).  A watchdog process takes the
 * server down if the test process dies without cleaning up (a Criterion
 * timeout).  tmux missing: the test is skipped, or fails when CI=true.
 *
 * Waits poll the screen until their text is there or TMX_WAIT_S seconds
 * pass (define it before including this to change it), then fail with the
 * screen.  They are macros so that a failure names the test's line.
 */
#ifndef COLLABTUI_TMUXTEST_H
#define COLLABTUI_TMUXTEST_H

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <regex.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "testcli.h"

#ifndef TMX_WAIT_S
/* Generous: under ASan the binary is several times slower, and a wait
 * ends as soon as its text is on screen. */
#define TMX_WAIT_S 60.0
#endif
#define TMX_CAP (256 * 1024)

struct tmx {
	char sock[96];          /* tmux -L name; "" when no server runs */
	char dir[512];          /* scratch: cwd, HOME, XDG_*; "" before the first start */
	char cap[TMX_CAP];      /* the last capture */
};

/* Run `tmux -L sock -f /dev/null ARGS...` (one argv word each, no shell);
 * its stdout into out when not NULL.  Returns its exit status, or -1. */
static inline int tmx_run(const struct tmx *t, char *out, size_t n, const char *const *args)
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

#define TMX(t, ...) tmx_run(t, NULL, 0, (const char *const[]){ __VA_ARGS__, NULL })
#define TMX_OUT(t, out, n, ...) tmx_run(t, out, n, (const char *const[]){ __VA_ARGS__, NULL })

/* tmux present, else skip (fail in CI). */
static inline void tmx_need_tmux(void)
{
	const char *ci = getenv("CI");

	if (system("tmux -V >/dev/null 2>&1") == 0)
		return;
	if (ci && strcmp(ci, "true") == 0)
		cr_assert_fail("tmux is not installed: the interface tests need it in CI");
	cr_skip_test("tmux is not installed; skipping the interface tests");
}

static inline const char *tmx_term(void)
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

static inline double tmx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A process that outlives this test's process by at most 0.2 s and then
 * takes its tmux server down: a timed-out test leaves nothing running.
 * It gives up after 10 minutes, longer than any suite's timeout. */
static inline void tmx_watchdog(const char *sock)
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

/* A fresh server with one w x h pane running `sh -c cmd`; t->dir becomes
 * a new scratch directory unless it is already set (a test that prepares
 * files there first, or starts collabtui again on the same HOME). */
static inline void tmx_open(struct tmx *t, int w, int h, const char *cmd)
{
	static int serial;
	char ws[16], hs[16];

	setlocale(LC_CTYPE, "C.UTF-8");
	tmx_need_tmux();
	if (!t->dir[0])
		testenv_tmpdir(t->dir, sizeof t->dir);
	snprintf(t->sock, sizeof t->sock, "collabtui-tmx-%ld-%d", (long)getpid(), serial++);
	tmx_watchdog(t->sock);
	snprintf(ws, sizeof ws, "%d", w);
	snprintf(hs, sizeof hs, "%d", h);
	int rc = TMX(t, "start-server", ";", "set-option", "-g", "status", "off", ";",
		     "set-option", "-g", "remain-on-exit", "on", ";",
		     "set-option", "-g", "default-shell", "/bin/sh", ";",
		     "new-session", "-d", "-s", "c", "-x", ws, "-y", hs, "sh", "-c", cmd);
	cr_assert_eq(rc, 0, "tmux new-session failed (status %d)", rc);
}

/* Start `env ENV collabtui ARGS` in a w x h pane (ENV: extra NAME=value
 * words, ARGS: shell words; either may be ""), in the pane script above. */
static inline void tmx_start(struct tmx *t, int w, int h, const char *env, const char *args)
{
	const char *bin = getenv("COLLABTUI_BIN");
	char script[8192];

	cr_assert(bin && *bin, "COLLABTUI_BIN is not set (the path of the collabtui binary)");
	if (!t->dir[0])
		testenv_tmpdir(t->dir, sizeof t->dir);
	int len = snprintf(script, sizeof script,
		 "cd '%s' || exit 99\n"
		 /* Ctrl-C and Ctrl-\\ reach the whole pane: the shell stays */
		 "trap : INT TERM QUIT\n"
		 "stty -g >stty.before\n"
		 "env -u NO_COLOR -u COLUMNS -u LINES -u TMUX HOME='%s' XDG_CONFIG_HOME='%s' "
		 "XDG_DATA_HOME='%s' TERM=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 %s '%s' %s\n"
		 "rc=$?\n"
		 "stty -g >stty.after\n"
		 "printf '[collabtui exited %%d]\\n' \"$rc\"\n"
		 "IFS= read -r line\n"
		 "printf '[shell read: %%s]\\n' \"$line\"\n"
		 /* tmux 3.3a can mark a pane dead before it has drawn the last
		  * output of a process that exits at once: linger a moment */
		 "sleep 0.3\n"
		 "exit $rc\n",
		 t->dir, t->dir, t->dir, t->dir, tmx_term(), env, bin, args);
	cr_assert_lt(len, (int)sizeof script, "the pane script is too long");
	tmx_open(t, w, h, script);
}

/* The screen as text (plain, or with attributes as escape sequences). */
static inline const char *tmx_capture(struct tmx *t, int escapes)
{
	if (escapes)
		TMX_OUT(t, t->cap, sizeof t->cap, "capture-pane", "-p", "-e", "-t", "c");
	else
		TMX_OUT(t, t->cap, sizeof t->cap, "capture-pane", "-p", "-t", "c");
	return t->cap;
}

/* A tmux format for the pane, e.g. "#{pane_dead}", into out. */
static inline void tmx_display(struct tmx *t, const char *fmt, char *out, size_t n)
{
	TMX_OUT(t, out, n, "display-message", "-p", "-t", "c", fmt);
	out[strcspn(out, "\n")] = '\0';
}

static inline int tmx_alive(struct tmx *t)
{
	char b[16];

	tmx_display(t, "#{pane_dead}", b, sizeof b);
	return strcmp(b, "0") == 0;
}

/* Poll the screen until pred(screen, arg) or secs pass; returns pred. */
static inline int tmx_wait_for(struct tmx *t, int (*pred)(const char *, const void *),
			       const void *arg, double secs)
{
	double end = tmx_now() + secs;

	for (;;) {
		if (pred(tmx_capture(t, 0), arg))
			return 1;
		if (tmx_now() > end)
			return 0;
		usleep(40000);
	}
}

static inline int tmx_has_text(const char *cap, const void *s)
{
	return strstr(cap, s) != NULL;
}

static inline int tmx_lacks_text(const char *cap, const void *s)
{
	return strstr(cap, s) == NULL;
}

static inline int tmx_has_regex(const char *cap, const void *re)
{
	return regexec(re, cap, 0, NULL, 0) == 0;
}

#define TMX_WAIT_TEXT(t, s)                                                        \
	cr_assert(tmx_wait_for(t, tmx_has_text, s, TMX_WAIT_S),                    \
		  "\"%s\" did not appear within %.0f s; the screen:\n%s", s,       \
		  TMX_WAIT_S, (t)->cap)
#define TMX_WAIT_GONE(t, s)                                                        \
	cr_assert(tmx_wait_for(t, tmx_lacks_text, s, TMX_WAIT_S),                  \
		  "\"%s\" was still on screen after %.0f s; the screen:\n%s", s,   \
		  TMX_WAIT_S, (t)->cap)
/* About the last capture. */
#define TMX_ON_SCREEN(t, s)                                                        \
	cr_assert(strstr((t)->cap, s), "expected \"%s\" on screen:\n%s", s, (t)->cap)
#define TMX_NOT_ON_SCREEN(t, s)                                                    \
	cr_assert(!strstr((t)->cap, s), "did not expect \"%s\" on screen:\n%s", s, \
		  (t)->cap)

/* Poll the screen until the extended regex (^ and $ at line ends) matches. */
static inline void tmx_wait_regex(struct tmx *t, const char *pattern)
{
	regex_t re;

	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0, "bad regex %s", pattern);
	int ok = tmx_wait_for(t, tmx_has_regex, &re, TMX_WAIT_S);
	regfree(&re);
	cr_assert(ok, "nothing matched /%s/ within %.0f s; the screen:\n%s", pattern,
		  TMX_WAIT_S, t->cap);
}

/* Wait until collabtui has exited (tmx_start's pane says so); its exit
 * status.  The pane stays alive, at the shell's read. */
static inline int tmx_wait_exit(struct tmx *t)
{
	regex_t re;
	regmatch_t m[2];

	cr_assert_eq(regcomp(&re, "\\[collabtui exited ([0-9]+)\\]", REG_EXTENDED), 0);
	int ok = tmx_wait_for(t, tmx_has_regex, &re, TMX_WAIT_S);
	if (ok)
		regexec(&re, t->cap, 2, m, 0);
	regfree(&re);
	cr_assert(ok, "collabtui did not exit within %.0f s; the screen:\n%s", TMX_WAIT_S, t->cap);
	return atoi(t->cap + m[1].rm_so);
}

/* The dead pane's exit status, as tmux reports it.  tmux built with
 * libutempter can miss a SIGCHLD (tmux issue #311), leaving the pane dead
 * with no status: a SIGCHLD to that server (its own pid) makes it look. */
static inline int tmx_dead_status(struct tmx *t)
{
	double end = tmx_now() + TMX_WAIT_S;
	char b[64];

	for (;;) {
		tmx_display(t, "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}", b, sizeof b);
		if (strncmp(b, "1:", 2) == 0 && b[2] != ':')
			return atoi(b + 2);
		cr_assert(strncmp(b, "1::", 3) != 0 || b[3] == '\0',
			  "the pane's shell was killed by signal %s", b + 3);
		if (tmx_now() > end)
			break;
		if (strcmp(b, "1::") == 0) {
			char pid[32];

			tmx_display(t, "#{pid}", pid, sizeof pid);
			if (atol(pid) > 1)
				kill((pid_t)atol(pid), SIGCHLD);
		}
		usleep(40000);
	}
	cr_assert_fail("the pane did not end within %.0f s (%s)", TMX_WAIT_S, b);
	return -1;
}

/* Send keys: tmux key names, one per space-separated word. */
static inline void tmx_keys(struct tmx *t, const char *k)
{
	char buf[256], *save = NULL;
	const char *args[40] = { "send-keys", "-t", "c" };
	int n = 3;

	snprintf(buf, sizeof buf, "%s", k);
	for (char *w = strtok_r(buf, " ", &save); w && n < 39; w = strtok_r(NULL, " ", &save))
		args[n++] = w;
	args[n] = NULL;
	cr_assert_eq(tmx_run(t, NULL, 0, args), 0, "send-keys %s failed", k);
}

/* Send text literally, as typed. */
static inline void tmx_type(struct tmx *t, const char *text)
{
	cr_assert_eq(TMX(t, "send-keys", "-t", "c", "-l", "--", text), 0, "send-keys -l failed");
}

/* The terminal as collabtui left it to the shell (rc: its exit status):
 * the same stty modes as before, the normal screen, the cursor shown, no
 * mouse or keypad mode left on, no pane of the interface left on screen;
 * a line typed now is echoed and read; and tmux sees the shell exit rc. */
static inline void tmx_assert_clean_terminal(struct tmx *t, int rc)
{
	char before[1024], after[1024], p[700], b[128];

	snprintf(p, sizeof p, "%s/stty.before", t->dir);
	cli_slurp(p, before, sizeof before);
	snprintf(p, sizeof p, "%s/stty.after", t->dir);
	cli_slurp(p, after, sizeof after);
	cr_assert(before[0], "stty.before is empty");
	cr_assert_str_eq(after, before, "terminal modes not restored:\nbefore %safter  %s",
			 before, after);
	tmx_display(t, "#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{mouse_standard_flag} "
		"#{mouse_button_flag} #{keypad_cursor_flag} #{insert_flag}", b, sizeof b);
	cr_assert_str_eq(b, "0 1 0 0 0 0 0",
			 "alternate screen, cursor, mouse, keypad, insert flags: \"%s\" "
			 "(expected \"0 1 0 0 0 0 0\")", b);
	tmx_capture(t, 0);
	TMX_NOT_ON_SCREEN(t, "Hyperparameters");
	/* a cooked, echoing terminal: the typed line shows and the shell reads it */
	cr_assert_eq(TMX(t, "send-keys", "-t", "c", "-l", "sane-tty-check"), 0);
	cr_assert_eq(TMX(t, "send-keys", "-t", "c", "Enter"), 0);
	tmx_wait_regex(t, "^sane-tty-check$");
	TMX_WAIT_TEXT(t, "[shell read: sane-tty-check]");
	cr_assert_eq(tmx_dead_status(t), rc, "tmux's #{pane_dead_status}");
}

/* The pid of the pane shell's child (collabtui), from /proc. */
static inline pid_t tmx_collabtui_pid(struct tmx *t)
{
	char b[32], path[300], stat[512];
	pid_t shell, found = -1;
	DIR *d;
	struct dirent *e;

	tmx_display(t, "#{pane_pid}", b, sizeof b);
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

/* Take the server down; the scratch directory stays for the next start. */
static inline void tmx_stop(struct tmx *t)
{
	if (t->sock[0])
		TMX(t, "kill-server");
	t->sock[0] = '\0';
}

/* Take the server down and remove the scratch directory: a suite's fini. */
static inline void tmx_done(struct tmx *t)
{
	tmx_stop(t);
	if (t->dir[0]) {
		/* collabtui makes XDG_DATA_HOME/collabtui/ there: not flat.
		 * The server's end hangs collabtui up, and on its way out it
		 * still writes its session there (tui/session.c): retry
		 * until it has gone, for up to 10 s. */
		char cmd[600];
		int rc = -1;

		snprintf(cmd, sizeof cmd, "rm -rf '%s' 2>/dev/null", t->dir);
		for (int i = 0; i < 100 && (rc = system(cmd)) != 0; i++)
			usleep(100000);
		cr_expect_eq(rc, 0, "cannot remove %s", t->dir);
	}
	t->dir[0] = '\0';
}

#endif
