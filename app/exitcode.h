/* exitcode.h -- the one exit-status scheme of every collabtui command,
 * headless or not (collabtui(1), EXIT STATUS, says the same):
 *
 *   0    success
 *   1    a runtime failure: a file could not be written, memory ran out,
 *        the terminal could not be set up
 *   2    bad usage or bad input: an unknown command or option, a value out
 *        of range, a malformed or missing file (data, config, model,
 *        ratings), a title that names no movie
 *   130  interrupted: Ctrl-C cancelled a load or stopped training (the
 *        shell's 128 + SIGINT)
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
