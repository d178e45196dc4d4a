/* exitcode.h -- the one exit-status scheme of every collabtui command,
 * headless or not (collabtui(1), EXIT STATUS, says the same, and
 * tests/cli/test_cli_docs.c holds the two together):
 *
 *   0    success
 *   1    a runtime failure: a file could not be written, memory ran out,
 *        a system call needed to set up the terminal failed, training
 *        diverged (NaN or infinite losses or weights; nothing is saved)
 *   2    bad usage or bad input: an unknown command or option, an option
 *        the command does not take, a value out of range, a malformed or
 *        missing file (data, config, model, ratings), a title that names
 *        no movie, a --save folder that does not exist or cannot be
 *        written, no terminal for the interface or a TERM it cannot use.
 *        Commands that train check all of this before training starts.
 *   130  interrupted: Ctrl-C cancelled a load or stopped training (the
 *        shell's 128 + SIGINT); the interface ended by SIGTERM exits 143
 *        (128 + SIGTERM) by the same convention
 */
#ifndef COLLABTUI_EXITCODE_H
#define COLLABTUI_EXITCODE_H

enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_INPUT = 2,
	EXIT_INTERRUPTED = 130,
};

#endif
