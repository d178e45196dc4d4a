/* engthread.c -- the engine on a thread of its own (eng_thread_* in eng.h).
 *
 * DESIGN.  The UI thread and the engine thread share two SPSC rings and
 * three eventfd doorbells, and nothing else but a quit flag:
 *
 *   cmds     ring, UI -> engine: struct eng_cmd
 *   evts     ring, engine -> UI: struct eng_evt
 *   wake_fd  rung by the UI after each command and on stop; the engine
 *            sleeps on it when it has no command and no job
 *   room_fd  rung by the UI after each event it takes, and on stop; the
 *            engine sleeps on it while the event ring is full
 *   evt_fd   rung by the engine after each event; eng_thread_fd(), for
 *            the UI's poll().  eng_thread_poll() resets it when it finds
 *            the ring empty.
 *
 * The engine loop takes one command at a time and hands it to
 * eng_handle(); with no command waiting it runs one eng_work() chunk
 * (~10 ms) if a job is running, so a STOP waits at most one chunk; with
 * neither it blocks in read(wake_fd).
 *
 * Cancelling a load.  LOAD_DATA runs inside eng_handle() for seconds on a
 * big file, while the commands after it wait in the ring.  So the thread
 * gives the engine a cancel hook (eng_set_cancel) that answers whether a
 * STOP is queued behind the command being handled, or the UI is stopping
 * the thread: two counters say so without touching the ring, which only
 * its consumer may read.  The UI counts the STOPs it has queued (after
 * queueing: a STOP counted is in the ring), the engine those it has taken
 * out; while the first is ahead, a STOP waits.  The STOP itself is taken
 * out later and finds nothing to stop.  An eventfd is a counter, so a ring
 * made before the sleep is never missed: a sleeper that checked the ring,
 * found nothing and then blocks returns at once if the bell rang since,
 * and at worst makes one needless pass round the loop.
 *
 * Events.  PROGRESS is dropped when the ring is full (a newer one will
 * follow).  Every other event waits on room_fd for the UI to make room,
 * unless the UI is stopping the thread, in which case it is released
 * (eng_evt_release) and dropped: nobody will read it.
 *
 * Signals.  The thread is created with every asynchronous signal
 * blocked, so the kernel delivers SIGWINCH, SIGINT, SIGTERM... to the UI
 * thread, the only one allowed to act on them.
 */
#include "eng.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ring.h"

/* The UI sends commands one keypress at a time: a few slots suffice.
 * Events come in bursts (LOADED, CATALOG, TRAIN_START...; an EPOCH per
 * epoch of a tiny dataset) while the UI drains them every ~50 ms. */
#define CMD_RING_CAP 64
#define EVT_RING_CAP 256
static_assert(RING_IS_POW2(CMD_RING_CAP), "command ring capacity must be a power of two");
static_assert(RING_IS_POW2(EVT_RING_CAP), "event ring capacity must be a power of two");

struct eng_thread {
	struct eng *eng;        /* used by the engine thread only */
	struct ring *cmds;      /* UI pushes, engine pops */
	struct ring *evts;      /* engine pushes, UI pops */
	int wake_fd;            /* blocking eventfd: the engine sleeps on it */
	int room_fd;            /* blocking eventfd: the engine waits for room */
	int evt_fd;             /* non-blocking eventfd: the UI polls it */
	/* Set once by eng_thread_stop.  It guards no other data (the join
	 * publishes everything else), so acquire/release is only for
	 * clarity; it costs nothing on x86 and little elsewhere. */
	_Atomic int quit;
	/* STOP commands queued by the UI, and taken by the engine (engine
	 * thread only): a wrapping difference, see "Cancelling a load".
	 * Relaxed is enough: the count orders nothing else. */
	_Atomic unsigned stops_sent;
	unsigned stops_taken;
	pthread_t thread;
};

/* Ring a doorbell.  Adding 1 to an eventfd fails only if the counter
 * would pass 2^64 - 2, which cannot happen, or on EINTR; the result is
 * therefore ignored after retrying EINTR. */
static void bell_ring(int fd)
{
	while (eventfd_write(fd, 1) != 0 && errno == EINTR)
		;
}

/* Reset a doorbell: wait until it has rung (a blocking eventfd), or just
 * clear it (a non-blocking one, where EAGAIN means it had not rung). */
static void bell_take(int fd)
{
	eventfd_t n;
	while (eventfd_read(fd, &n) != 0 && errno == EINTR)
		;
}

static int quitting(struct eng_thread *t)
{
	return atomic_load_explicit(&t->quit, memory_order_acquire);
}

/* The engine's emit callback: runs on the engine thread. */
static void emit(void *ctx, const struct eng_evt *evt)
{
	struct eng_thread *t = ctx;

	while (ring_push(t->evts, evt) != 0) {
		if (evt->kind == ENG_EVT_PROGRESS || evt->kind == ENG_EVT_LR_PROGRESS ||
		    evt->kind == ENG_EVT_LOAD_PROGRESS)
			return;
		if (quitting(t)) {
			/* The UI is gone; the payload would leak. */
			struct eng_evt dropped = *evt;
			eng_evt_release(&dropped);
			return;
		}
		bell_take(t->room_fd);
	}
	bell_ring(t->evt_fd);
}

/* The engine's cancel hook: a STOP waits behind the current command, or
 * the UI is going away. */
static int stop_waiting(void *ctx)
{
	struct eng_thread *t = ctx;
	unsigned ahead = atomic_load_explicit(&t->stops_sent, memory_order_relaxed) -
			 t->stops_taken;

	/* wrapping: "ahead" is 1..2^31 when the UI has queued more */
	return quitting(t) || (ahead != 0 && ahead <= UINT_MAX / 2);
}

static void *engine_main(void *arg)
{
	struct eng_thread *t = arg;
	struct eng_cmd cmd;

	/* A name for top -H, gdb and the tests (15 characters at most). */
	prctl(PR_SET_NAME, "collabtui-eng", 0, 0, 0);

	eng_set_cancel(t->eng, stop_waiting, t);
	while (!quitting(t)) {
		if (ring_pop(t->cmds, &cmd)) {
			if (cmd.kind == ENG_CMD_STOP)
				t->stops_taken++;
			/* A failure is also an ERROR event, which the UI gets. */
			(void)eng_handle(t->eng, &cmd);
		}
		else if (eng_busy(t->eng))
			eng_work(t->eng);
		else
			bell_take(t->wake_fd);
	}
	/* The engine belongs to this thread: free it here, ending any job. */
	eng_free(t->eng);
	t->eng = NULL;
	return NULL;
}

/* Free what eng_thread_start allocated; the thread must not be running. */
static void thread_free(struct eng_thread *t)
{
	struct eng_evt ev;

	if (t->evts)
		while (ring_pop(t->evts, &ev))
			eng_evt_release(&ev);
	ring_free(t->evts);
	ring_free(t->cmds);
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	if (t->room_fd >= 0)
		close(t->room_fd);
	if (t->evt_fd >= 0)
		close(t->evt_fd);
	eng_free(t->eng);
	free(t);
}

struct eng_thread *eng_thread_start(char *err, size_t errlen)
{
	struct eng_thread *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, errlen, "out of memory starting the engine");
		return NULL;
	}
	t->wake_fd = t->room_fd = t->evt_fd = -1;
	atomic_init(&t->quit, 0);
	atomic_init(&t->stops_sent, 0);
	t->cmds = ring_new(sizeof(struct eng_cmd), CMD_RING_CAP);
	t->evts = ring_new(sizeof(struct eng_evt), EVT_RING_CAP);
	t->eng = eng_new(emit, t);
	if (!t->cmds || !t->evts || !t->eng) {
		snprintf(err, errlen, "out of memory starting the engine");
		thread_free(t);
		return NULL;
	}
	t->wake_fd = eventfd(0, EFD_CLOEXEC);
	t->room_fd = eventfd(0, EFD_CLOEXEC);
	t->evt_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->wake_fd < 0 || t->room_fd < 0 || t->evt_fd < 0) {
		snprintf(err, errlen, "cannot create the engine's eventfds: %s", strerror(errno));
		thread_free(t);
		return NULL;
	}

	/* A new thread inherits the creator's mask: block everything for the
	 * creation only.  Faults (SIGSEGV and friends) stay unblocked, since
	 * a blocked synchronous signal kills the process outright instead of
	 * reaching a handler (a sanitizer's, say). */
	sigset_t all, old;
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGTRAP);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int rc = pthread_create(&t->thread, NULL, engine_main, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(err, errlen, "cannot start the engine thread: %s", strerror(rc));
		thread_free(t);
		return NULL;
	}
	return t;
}

int eng_thread_send(struct eng_thread *t, const struct eng_cmd *cmd)
{
	if (ring_push(t->cmds, cmd) != 0)
		return -1;
	if (cmd->kind == ENG_CMD_STOP)
		atomic_fetch_add_explicit(&t->stops_sent, 1, memory_order_relaxed);
	bell_ring(t->wake_fd);
	return 0;
}

int eng_thread_poll(struct eng_thread *t, struct eng_evt *out)
{
	if (!ring_pop(t->evts, out)) {
		/* Looks empty: reset evt_fd, then look again.  An event pushed
		 * before the reset is seen by the second look (the eventfd's
		 * read orders it), and one pushed after rings evt_fd anew, so
		 * evt_fd is readable whenever an event waits. */
		bell_take(t->evt_fd);
		if (!ring_pop(t->evts, out))
			return 0;
		/* Others may follow this one: keep the fd readable.  If none
		 * does, the next call resets it again. */
		bell_ring(t->evt_fd);
	}
	bell_ring(t->room_fd);
	return 1;
}

int eng_thread_fd(const struct eng_thread *t)
{
	return t->evt_fd;
}

void eng_thread_stop(struct eng_thread *t)
{
	if (!t)
		return;
	atomic_store_explicit(&t->quit, 1, memory_order_release);
	/* The thread sleeps on one of these two, or will see quit within
	 * one eng_work() chunk. */
	bell_ring(t->wake_fd);
	bell_ring(t->room_fd);
	pthread_join(t->thread, NULL);
	thread_free(t);
}
