/* ui.c -- curses setup and teardown, signals, stderr (see ui.h).
 *
 * SIGNALS.  Every signal whose default action ends the process is caught
 * while the screen is up, so that the terminal is left as it was found:
 * the tty modes, the normal screen, the cursor shown, the mouse and the
 * keypad's application mode off.  Two kinds:
 *
 *   - asynchronous ones (quit_signals: SIGHUP, SIGINT, SIGQUIT from
 *     Ctrl-\, SIGTERM, SIGPIPE, SIGUSR1, SIGALRM ...) only write their
 *     number to a pipe.  The main loop wakes from poll(), leaves, and
 *     tui_run takes everything down in order (ui_done's endwin, the engine
 *     thread, the state), then ui_reraise() raises the signal again with
 *     its default action, so the parent sees the process killed by it
 *     (a shell's $? is 128 + the signal) and core-dumping signals still
 *     dump core;
 *   - faults (fault_signals: SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT ...)
 *     cannot go back to the loop.  Their handler does only what is
 *     async-signal-safe: tcsetattr with the modes saved before curses
 *     started, one write(2) of escape strings computed from terminfo
 *     before any signal could come (restore_seq), then it puts back the
 *     disposition it found (the default, or a sanitizer's) and lets the
 *     signal happen again under it.
 *
 * No handler draws, allocates or calls curses.  A signal ignored when
 * ui_init runs (nohup's SIGHUP) stays ignored.  SIGKILL cannot be caught:
 * after kill -9 the terminal needs `reset`.  SIGTSTP is left to ncurses
 * (Ctrl-Z and fg).
 *
 * SIGWINCH is ncurses' (it turns it into KEY_RESIZE), with ours chained in
 * front (on_winch): ncurses' handler only sets a flag that the next
 * get_wch() looks at, and a resize that lands while the loop is drawing,
 * not blocked in poll(), interrupts nothing, so the loop would sleep in
 * poll() at the old size until the next key.  on_winch calls ncurses'
 * handler, then writes SIGWINCH to the same pipe, which wakes poll();
 * ui_take_signal drains such bytes without reporting them as a quit.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "ui.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

/* Signals whose default action ends the process, that may arrive at any
 * moment: the main loop quits on them. */
static const int quit_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM,
	SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
#ifdef SIGPWR
	SIGPWR,
#endif
};
/* Signals that report a fault of the thread they hit: nothing after them
 * can be trusted, so the handler restores the terminal itself. */
static const int fault_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGSYS, SIGTRAP,
};
#define N_QUIT (int)(sizeof quit_signals / sizeof quit_signals[0])
#define N_FAULT (int)(sizeof fault_signals / sizeof fault_signals[0])

/* The handlers' only state.  It has to be file-scope, since a handler gets
 * no context argument; it is written before the handlers are installed
 * (or, for restore_armed, with a single store) and only read by them. */
static volatile sig_atomic_t sig_write_fd = -1;
static struct sigaction found_action[NSIG];     /* what ui_init replaced */
static unsigned char caught[NSIG];              /* ui_init installed ours */
static struct termios found_tty;                /* the modes before curses */
static char restore_seq[512];                   /* leaves the screen as endwin */
static size_t restore_len;
static volatile sig_atomic_t restore_armed;     /* curses is up: restore */
static volatile sig_atomic_t fault_stderr = -1; /* the real stderr, while captured */
static volatile sig_atomic_t fault_capture = -1;/* the file it is captured in */

/* ncurses' SIGWINCH action, which on_winch calls first */
static struct sigaction curses_winch;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char b = (unsigned char)sig;

	if (sig_write_fd >= 0 && write(sig_write_fd, &b, 1) < 0) {
		/* the pipe is full: a quit is already pending */
	}
	errno = saved;
}

static void on_winch(int sig, siginfo_t *info, void *uctx)
{
	if (curses_winch.sa_flags & SA_SIGINFO)
		curses_winch.sa_sigaction(sig, info, uctx);
	else if (curses_winch.sa_handler != SIG_DFL &&
		 curses_winch.sa_handler != SIG_IGN)
		curses_winch.sa_handler(sig);
	on_signal(sig);
}

/* Chain on_winch in front of the SIGWINCH action newterm installed. */
static void chain_winch(void)
{
	struct sigaction sa;

	if (sigaction(SIGWINCH, NULL, &curses_winch) != 0)
		return;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_winch;
	sa.sa_flags = SA_SIGINFO | (curses_winch.sa_flags & SA_RESTART);
	if (sigaction(SIGWINCH, &sa, NULL) == 0)
		caught[SIGWINCH] = 1;
	found_action[SIGWINCH] = curses_winch;
}

/* Put the real stderr back, with what was captured so far on it, so
 * that the last messages and a sanitizer's report are seen.  Only
 * async-signal-safe calls. */
static void fault_replay_stderr(void)
{
	char buf[512];
	ssize_t n;

	if (fault_stderr < 0 || fault_capture < 0)
		return;
	if (lseek(fault_capture, 0, SEEK_SET) == 0)
		while ((n = read(fault_capture, buf, sizeof buf)) > 0)
			if (write(fault_stderr, buf, (size_t)n) != n)
				break;
	dup2(fault_stderr, STDERR_FILENO);
	fault_stderr = fault_capture = -1;
}

static void on_fault(int sig, siginfo_t *info, void *uctx)
{
	(void)uctx;
	if (restore_armed) {
		restore_armed = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &found_tty);
		if (write(STDOUT_FILENO, restore_seq, restore_len) < 0) {
			/* nothing more can be done for the terminal */
		}
	}
	fault_replay_stderr();
	sigaction(sig, &found_action[sig], NULL);
	/* A fault the kernel raised at an instruction (SIGSEGV, SIGBUS,
	 * SIGFPE, SIGILL) comes back when that instruction runs again on
	 * return, with its real siginfo for a sanitizer's report.  One that
	 * was sent (kill, abort) or that leaves the instruction behind it
	 * (a trap, a seccomp SIGSYS) is raised again, blocked until this
	 * returns. */
	if (info == NULL || info->si_code <= 0 || sig == SIGTRAP || sig == SIGSYS)
		raise(sig);
}

/* Catch sig with handler (quit: on_signal, else on_fault), remembering
 * what it had; a signal that was ignored is left ignored. */
static void catch_signal(int sig, int quit)
{
	struct sigaction sa;

	if (sigaction(sig, NULL, &found_action[sig]) != 0 ||
	    found_action[sig].sa_handler == SIG_IGN)
		return;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	if (quit) {
		sa.sa_handler = on_signal;
	} else {
		sa.sa_sigaction = on_fault;
		sa.sa_flags = SA_SIGINFO;
	}
	if (sigaction(sig, &sa, NULL) == 0)
		caught[sig] = 1;
}

/* Append s, a terminfo string (NULL or (char *)-1 when the terminal has
 * no such capability), to restore_seq if it fits. */
static void restore_add(const char *s)
{
	size_t n;

	if (!s || s == (char *)-1)
		return;
	n = strlen(s);
	if (restore_len + n <= sizeof restore_seq) {
		memcpy(restore_seq + restore_len, s, n);
		restore_len += n;
	}
}

/* What endwin would send, computed now, while it is safe to call
 * terminfo: mouse reporting off, attributes off, the keypad back in
 * normal mode, the cursor shown, the normal screen back. */
static void prepare_restore(int mouse)
{
	restore_len = 0;
	if (mouse) {
		char *xm = tigetstr("XM");

		if (xm && xm != (char *)-1)
			restore_add(tiparm(xm, 0));
		else
			restore_add("\033[?1000l");
	}
	restore_add(tigetstr("sgr0"));
	restore_add(tigetstr("rmkx"));
	restore_add(tigetstr("cnorm"));
	restore_add(tigetstr("rmcup"));
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
	fault_capture = fd;
	fault_stderr = u->saved_stderr;
}

static void replay_stderr(struct ui *u)
{
	char buf[4096];
	ssize_t n;

	if (u->capture_fd < 0)
		return;
	fault_stderr = fault_capture = -1;
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
	if (tcgetattr(STDIN_FILENO, &found_tty) != 0) {
		snprintf(err, errlen, "the terminal's modes: %s", strerror(errno));
		ui_done(u);
		return -1;
	}
	/* Installed before newterm, so ncurses keeps ours for SIGINT and
	 * SIGTERM and adds its own only for SIGWINCH and SIGTSTP. */
	for (int i = 0; i < N_QUIT; i++)
		catch_signal(quit_signals[i], 1);
	for (int i = 0; i < N_FAULT; i++)
		catch_signal(fault_signals[i], 0);

	/* newterm, unlike initscr, reports a bad TERM instead of exiting */
	u->screen = newterm(NULL, stdout, stdin);
	if (!u->screen) {
		snprintf(err, errlen, "cannot start the terminal interface "
			 "(TERM=%s); try a headless command such as "
			 "`collabtui train`", getenv("TERM") ? getenv("TERM") : "");
		ui_done(u);
		return -2;
	}
	chain_winch();
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
	prepare_restore(u->mouse);
	restore_armed = 1;
	return 0;
}

void ui_done(struct ui *u)
{
	if (caught[SIGWINCH]) {         /* ncurses' own back, for endwin */
		sigaction(SIGWINCH, &found_action[SIGWINCH], NULL);
		caught[SIGWINCH] = 0;
	}
	if (u->active) {
		restore_armed = 0;
		if (u->mouse)
			mousemask(0, NULL);
		curs_set(1);
		endwin();
		delscreen(u->screen);
		u->screen = NULL;
		u->active = 0;
	}
	replay_stderr(u);
	for (int sig = 1; sig < NSIG; sig++)
		if (caught[sig]) {
			sigaction(sig, &found_action[sig], NULL);
			caught[sig] = 0;
		}
	/* a signal that came while the screen was going down still counts */
	ui_take_signal(u);
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
		if (b != SIGWINCH)      /* a resize only wakes the loop */
			sig = b;
	if (sig)
		u->signal = sig;
	return sig;
}

void ui_reraise(int sig)
{
	struct sigaction sa;
	sigset_t set;

	fflush(stdout);
	fflush(stderr);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
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
