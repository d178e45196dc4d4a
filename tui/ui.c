/* ui.c -- curses setup and teardown, signals, stderr (see ui.h). */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The signal handler's only state: a descriptor to write to.  It has to be
 * file-scope, since a handler gets no context argument. */
static volatile sig_atomic_t sig_write_fd = -1;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig_write_fd >= 0 && write(sig_write_fd, &b, 1) < 0) {
		/* the pipe is full: a quit is already pending */
	}
	errno = saved;
}

/* Send stderr to an unlinked temporary file until ui_done. */
static void capture_stderr(struct ui *u)
{
	const char *dir = getenv("TMPDIR");
	char path[1024];
	int fd;

	snprintf(path, sizeof path, "%s/collabtui-stderr-XXXXXX",
		 dir && dir[0] ? dir : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return;         /* no capture: messages go to the terminal */
	unlink(path);
	fflush(stderr);
	u->saved_stderr = dup(STDERR_FILENO);
	if (u->saved_stderr < 0 || dup2(fd, STDERR_FILENO) < 0) {
		if (u->saved_stderr >= 0)
			close(u->saved_stderr);
		u->saved_stderr = -1;
		close(fd);
		return;
	}
	u->capture_fd = fd;
}

static void replay_stderr(struct ui *u)
{
	char buf[4096];
	ssize_t n;

	if (u->capture_fd < 0)
		return;
	fflush(stderr);
	dup2(u->saved_stderr, STDERR_FILENO);
	close(u->saved_stderr);
	u->saved_stderr = -1;
	if (lseek(u->capture_fd, 0, SEEK_SET) == 0)
		while ((n = read(u->capture_fd, buf, sizeof buf)) > 0)
			if (write(STDERR_FILENO, buf, (size_t)n) < 0)
				break;
	close(u->capture_fd);
	u->capture_fd = -1;
}

int ui_init(struct ui *u, int mouse, char *err, size_t errlen)
{
	struct sigaction sa;
	const char *cs = nl_langinfo(CODESET);

	memset(u, 0, sizeof *u);
	u->saved_stderr = u->capture_fd = -1;
	u->sig_pipe[0] = u->sig_pipe[1] = -1;
	u->unicode = cs && strcmp(cs, "UTF-8") == 0;
	if (pipe(u->sig_pipe) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(u->sig_pipe[i], F_SETFL, O_NONBLOCK);
		fcntl(u->sig_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	sig_write_fd = u->sig_pipe[1];
	/* Installed before newterm, so ncurses keeps ours for these two and
	 * adds its own only for SIGWINCH and SIGTSTP. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* newterm, unlike initscr, reports a bad TERM instead of exiting */
	u->screen = newterm(NULL, stdout, stdin);
	if (!u->screen) {
		snprintf(err, errlen, "cannot start the terminal interface "
			 "(TERM=%s); try a headless command such as "
			 "`collabtui train`", getenv("TERM") ? getenv("TERM") : "");
		ui_done(u);
		return -2;
	}
	capture_stderr(u);
	u->active = 1;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);          /* input waits in poll(), not getch */
	curs_set(0);
	set_escdelay(25);
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	if (mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
		mouseinterval(0);
		u->mouse = 1;
	}
	return 0;
}

void ui_done(struct ui *u)
{
	struct sigaction sa;

	if (u->active) {
		if (u->mouse)
			mousemask(0, NULL);
		curs_set(1);
		endwin();
		delscreen(u->screen);
		u->screen = NULL;
		u->active = 0;
	}
	replay_stderr(u);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sig_write_fd = -1;
	for (int i = 0; i < 2; i++)
		if (u->sig_pipe[i] >= 0) {
			close(u->sig_pipe[i]);
			u->sig_pipe[i] = -1;
		}
}

int ui_signal_fd(const struct ui *u)
{
	return u->sig_pipe[0];
}

int ui_take_signal(struct ui *u)
{
	unsigned char b;
	int sig = 0;

	while (u->sig_pipe[0] >= 0 && read(u->sig_pipe[0], &b, 1) == 1)
		sig = b;
	return sig;
}

void ui_fatal(struct ui *u, const char *fmt, ...)
{
	va_list ap;

	ui_done(u);
	fputs("collabtui: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
