/* ui.h -- the terminal's owner (htop's CRT role): curses setup and
 * teardown, the signal policy, and stderr while the screen is up.
 *
 * Between ui_init() and ui_done():
 *   - stderr goes to an unlinked temporary file, replayed on the real
 *     stderr after endwin, so a stray message cannot corrupt the screen
 *     and is not lost;
 *   - every signal whose default action ends the process is caught (ui.c
 *     says how): SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1,
 *     SIGALRM and the like only write a byte to a pipe (ui_signal_fd), so
 *     the main loop wakes from poll() and quits through the normal path,
 *     after which the caller re-raises the signal (ui_reraise); faults
 *     (SIGSEGV, SIGABRT ...) restore the terminal in the handler, with
 *     async-signal-safe calls only, and happen again under the
 *     disposition they had; no handler draws, allocates or calls curses;
 *   - SIGWINCH is ncurses' (a resize becomes KEY_RESIZE), with a byte
 *     written to the same pipe as well, so a resize wakes poll() even
 *     when it lands while the loop is drawing; SIGTSTP is left to
 *     ncurses (Ctrl-Z / fg).
 * Only the thread that called ui_init may call curses.
 */
#ifndef COLLABTUI_UI_H
#define COLLABTUI_UI_H

#include <stddef.h>

struct ui {
	int active;             /* curses is up */
	void *screen;           /* the SCREEN newterm made (curses.h-free) */
	int saved_stderr;       /* dup of the real stderr, -1 if not captured */
	int capture_fd;         /* the unlinked file stderr goes to, or -1 */
	int sig_pipe[2];        /* a quit signal or SIGWINCH -> its number */
	int signal;             /* the last signal ui_take_signal took, or 0 */
	int unicode;            /* the locale's codeset is UTF-8 */
	int mouse;              /* mouse events are enabled */
};

/* Start curses on the controlling terminal (stdin/stdout).  mouse: ask for
 * clicks and the wheel.  Returns 0, or with the reason in err and the
 * terminal untouched: -2 when TERM names no terminal curses knows (bad
 * input), -1 when a system call failed. */
int ui_init(struct ui *u, int mouse, char *err, size_t errlen);

/* Restore the terminal, stderr and the signal dispositions ui_init found;
 * print what was written to stderr meanwhile.  A quit signal that arrived
 * and was not taken yet is taken (u->signal).  Safe to call twice. */
void ui_done(struct ui *u);

/* Readable when a quit signal (SIGINT, SIGTERM, SIGHUP ...) or a resize
 * (SIGWINCH, which get_wch then reads as KEY_RESIZE) arrived. */
int ui_signal_fd(const struct ui *u);

/* The quit signal that arrived (draining the pipe; resizes are not
 * reported), or 0; also kept in u->signal. */
int ui_take_signal(struct ui *u);

/* End the process by sig, with its default action, as if it had never
 * been caught: for after ui_done and the rest of the teardown, so the
 * parent sees the truth (a shell's $? is 128 + sig) and SIGQUIT still
 * dumps core.  Returns only if that action does not end the process;
 * the caller then exits with 128 + sig. */
void ui_reraise(int sig);

/* Restore the terminal first, then print "collabtui: MESSAGE" and exit
 * with status 1.  For errors the interface cannot go on after. */
void ui_fatal(struct ui *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
