/* test_tui_signals.c -- every signal that ends the interface leaves the
 * terminal as it found it, and the process still dies of that signal, so
 * the shell's $? is 128 + the signal (issue 11, finding 5).
 *
 * collabtui runs in a tmux pane on the tiny ml-100k fixture; the test
 * sends the signal to its process (or types Ctrl-\), then checks in the
 * same pane, through tmuxtest.h's pane script, that stty -g reads as it
 * did before, that tmux sees the normal screen, the cursor on and no
 * mouse or keypad mode, that a typed line is echoed and read, and the
 * exit status.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>

#include "tmuxtest.h"

static struct tmx T;

static void teardown(void)
{
	tmx_done(&T);
}

TestSuite(tui_signals, .fini = teardown, .timeout = 120);

/* Start collabtui on the fixture and wait until its screen is up. */
static void start_fixture(struct tmx *t)
{
	char ds[512], args[700];

	snprintf(args, sizeof args, "--data '%s'", testenv_fixture(ds, sizeof ds, "ml-100k"));
	tmx_start(t, 120, 40, "", args);
	TMX_WAIT_TEXT(t, "5 of 5, by title");
}

/* kill -sig collabtui: it dies of sig, with the terminal restored. */
static void killed_by(int sig)
{
	start_fixture(&T);
	cr_assert_eq(kill(tmx_collabtui_pid(&T), sig), 0);
	int st = tmx_wait_exit(&T);
	cr_assert_eq(st, 128 + sig, "signal %d (%s): exit status %d", sig, strsignal(sig), st);
	tmx_assert_clean_terminal(&T, st);
}

Test(tui_signals, sighup_restores_the_terminal) { killed_by(SIGHUP); }
Test(tui_signals, sigquit_restores_the_terminal) { killed_by(SIGQUIT); }
Test(tui_signals, sigusr1_restores_the_terminal) { killed_by(SIGUSR1); }
Test(tui_signals, sigalrm_restores_the_terminal) { killed_by(SIGALRM); }
Test(tui_signals, sigpipe_restores_the_terminal) { killed_by(SIGPIPE); }

/* A fault: the handler itself restores the terminal, then the signal
 * happens again with its default action. */
Test(tui_signals, sigabrt_restores_the_terminal) { killed_by(SIGABRT); }

/* Ctrl-\ is SIGQUIT from the keyboard (the pane's shell traps it). */
Test(tui_signals, ctrl_backslash_restores_the_terminal)
{
	start_fixture(&T);
	tmx_keys(&T, "C-\\");
	int st = tmx_wait_exit(&T);
	cr_assert_eq(st, 128 + SIGQUIT, "Ctrl-\\: exit status %d", st);
	tmx_assert_clean_terminal(&T, st);
}
