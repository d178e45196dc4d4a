/* ui.h -- the terminal's owner (htop's CRT role): curses setup and
 * teardown, the signal policy, and stderr while the screen is up.
 *
 * Between ui_init() and ui_done():
 *   - stderr goes to an unlinked temporary file, replayed on the real
 *     stderr after endwin, so a stray message cannot corrupt the screen
 *     and is not lost;
 *   - SIGINT and SIGTERM only write a byte to a pipe (ui_signal_fd), so
 *     the main loop wakes from poll() and quits through the normal path;
 *     no handler draws, allocates or calls curses;
 *   - SIGWINCH and SIGTSTP are left to ncurses: it turns a resize into
 *     KEY_RESIZE and handles Ctrl-Z / fg itself.
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
	int sig_pipe[2];        /* SIGINT/SIGTERM -> one byte */
	int unicode;            /* the locale's codeset is UTF-8 */
	int mouse;              /* mouse events are enabled */
};

/* Start curses on the controlling terminal (stdin/stdout).  mouse: ask for
 * clicks and the wheel.  Returns 0, or with the reason in err and the
 * terminal untouched: -2 when TERM names no terminal curses knows (bad
 * input), -1 when a system call failed. */
int ui_init(struct ui *u, int mouse, char *err, size_t errlen);

/* Restore the terminal, stderr and the signal handlers; print what was
 * written to stderr meanwhile.  Safe to call twice. */
void ui_done(struct ui *u);

/* Readable when SIGINT or SIGTERM arrived. */
int ui_signal_fd(const struct ui *u);

/* The signal that arrived (draining the pipe), or 0. */
int ui_take_signal(struct ui *u);

/* Restore the terminal first, then print "collabtui: MESSAGE" and exit
 * with status 1.  For errors the interface cannot go on after. */
void ui_fatal(struct ui *u, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

#endif
