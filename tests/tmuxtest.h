/* tmuxtest.h -- collabtui's interface in a tmux pane, for end-to-end tests:
 * a private server (tmux -L NAME, never the default one), a scratch
 * directory as working directory, HOME, XDG_CONFIG_HOME and XDG_DATA_HOME,
 * keys in with send-keys, the screen back with capture-pane.
 *
 * The pane runs `collabtui ARGS; echo "[collabtui exited N]"` and stays
 * (remain-on-exit), so a test can read the exit status off the screen;
 * it lingers 0.3 s first, or tmux 3.3a may mark the pane dead before it
 * has drawn that last line.
 * A watchdog process takes the server down if the test process dies
 * without cleaning up (a Criterion timeout).  tmux missing: the test is
 * skipped, or fails when CI=true.
 */
#ifndef COLLABTUI_TMUXTEST_H
#define COLLABTUI_TMUXTEST_H

#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>

#include "testcli.h"

#define TMX_CAP (256 * 1024)

struct tmx {
	char sock[96];          /* tmux -L name; "" when no server runs */
	char dir[512];          /* scratch: cwd, HOME, XDG_* */
	char cap[TMX_CAP];      /* the last capture */
};

/* Run `tmux -L sock -f /dev/null ARGS` (ARGS: shell text); its status. */
__attribute__((format(printf, 2, 3)))
static inline int tmx_tmux(const struct tmx *t, const char *fmt, ...)
{
	char args[4096], cmd[5000];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof cmd, "tmux -L '%s' -f /dev/null %s >/dev/null 2>&1", t->sock, args);
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline double tmx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A process that outlives the test's by at most 0.2 s, then kills the
 * server. */
static inline void tmx_watchdog(const char *sock)
{
	pid_t parent = getpid();

	if (fork() != 0)
		return;
	setsid();
	for (int fd = 0; fd < 1024; fd++)
		close(fd);
	while (getppid() == parent)
		usleep(200000);
	execlp("tmux", "tmux", "-L", sock, "kill-server", (char *)NULL);
	_exit(0);
}

/* Start `collabtui ARGS` (shell words) in a w x h pane. */
static inline void tmx_start(struct tmx *t, int w, int h, const char *args)
{
	static int serial;
	const char *bin = getenv("COLLABTUI_BIN"), *ci = getenv("CI");
	const char *term = access("/usr/share/terminfo/t/tmux-256color", R_OK) == 0 ||
			   access("/lib/terminfo/t/tmux-256color", R_OK) == 0
			   ? "tmux-256color" : "xterm-256color";

	setlocale(LC_CTYPE, "C.UTF-8");
	if (system("tmux -V >/dev/null 2>&1") != 0) {
		cr_assert(!ci || strcmp(ci, "true") != 0, "tmux is not installed");
		cr_skip_test("tmux is not installed");
	}
	cr_assert(bin && *bin, "COLLABTUI_BIN is not set (the path of the collabtui binary)");
	if (!t->dir[0])
		testenv_tmpdir(t->dir, sizeof t->dir);
	snprintf(t->sock, sizeof t->sock, "collabtui-scale-%ld-%d", (long)getpid(), serial++);
	tmx_watchdog(t->sock);
	cr_assert_eq(tmx_tmux(t, "start-server \\; set-option -g status off \\; "
			      "set-option -g remain-on-exit on \\; new-session -d -s c -x %d -y %d "
			      "\"cd '%s' && env -u NO_COLOR -u TMUX HOME='%s' XDG_CONFIG_HOME='%s' "
			      "XDG_DATA_HOME='%s' TERM=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 '%s' %s; "
			      "echo \\\"[collabtui exited \\$?]\\\"; sleep 0.3\"",
			      w, h, t->dir, t->dir, t->dir, t->dir, term, bin, args), 0,
		     "tmux new-session failed");
}

/* The screen as text. */
static inline const char *tmx_screen(struct tmx *t)
{
	char cmd[256];
	FILE *p;
	size_t n;

	snprintf(cmd, sizeof cmd, "tmux -L '%s' -f /dev/null capture-pane -p -t c 2>/dev/null",
		 t->sock);
	p = popen(cmd, "r");
	cr_assert_not_null(p);
	n = fread(t->cap, 1, sizeof t->cap - 1, p);
	t->cap[n] = '\0';
	pclose(p);
	return t->cap;
}

/* Poll the screen until it shows text; fail with the screen after
 * seconds. */
static inline void tmx_wait(struct tmx *t, const char *text, double seconds)
{
	double end = tmx_now() + seconds;

	while (!strstr(tmx_screen(t), text)) {
		cr_assert(tmx_now() < end, "\"%s\" did not appear in %g s; the screen:\n%s",
			  text, seconds, t->cap);
		usleep(50000);
	}
}

/* Send keys (tmux key names, space-separated). */
static inline void tmx_keys(struct tmx *t, const char *keys)
{
	cr_assert_eq(tmx_tmux(t, "send-keys -t c %s", keys), 0);
}

/* Take the server down and remove the scratch directory (mkdtemp's). */
static inline void tmx_done(struct tmx *t)
{
	if (t->sock[0])
		tmx_tmux(t, "kill-server");
	t->sock[0] = '\0';
	if (t->dir[0]) {
		/* collabtui makes XDG_DATA_HOME/collabtui/ there: not flat */
		char cmd[600];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
		cr_expect_eq(system(cmd), 0);
	}
	t->dir[0] = '\0';
}

#endif
