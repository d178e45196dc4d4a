/* backend.h -- the seam between the interface and the engine.
 *
 * The interface reaches the engine only through these four calls, so a
 * test can put a fake behind them (a queue of scripted events) and drive
 * the interface's state without threads or a dataset.  backend_thread()
 * connects them to the real engine thread (eng_thread_* in eng.h).
 */
#ifndef COLLABTUI_BACKEND_H
#define COLLABTUI_BACKEND_H

#include <stddef.h>

#include "eng.h"

struct backend {
	void *ctx;
	/* Queue a command: 0, or -1 when the engine cannot take it now. */
	int (*send)(void *ctx, const struct eng_cmd *cmd);
	/* Take the next event: 1 with *out filled, 0 when there is none.
	 * Ownership of a catalogue or biases passes to the caller. */
	int (*poll)(void *ctx, struct eng_evt *out);
	/* A descriptor that is readable while events wait; -1 for none. */
	int (*fd)(void *ctx);
	/* Stop the engine and release everything; the backend is unusable
	 * afterwards. */
	void (*stop)(void *ctx);
};

/* Start the real engine thread behind *b.  0, or -1 with a message. */
int backend_thread(struct backend *b, char *err, size_t errlen);

#endif
