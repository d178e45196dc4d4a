/* test_engthread.c -- the engine on its own thread: commands in, events
 * out through the rings, the UI's doorbell fd, STOP during training and
 * during a load, the signal mask, and stopping with events still queued
 * (run under ASan for the leak check, under TSan for the races). */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "eng.h"
#include "testenv.h"
#include "testfeed.h"

/* Generous: sanitizer builds run the engine several times slower. */
#define WAIT_MS 20000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct eng_thread *start(void)
{
	char err[256] = "";
	struct eng_thread *t = eng_thread_start(err, sizeof err);
	cr_assert_not_null(t, "eng_thread_start: %s", err);
	return t;
}

/* The next event, waiting in poll() on the fd as the UI does; 0 on
 * timeout. */
static int next_event(struct eng_thread *t, struct eng_evt *ev, int timeout_ms)
{
	double deadline = now_s() + timeout_ms * 1e-3;

	while (!eng_thread_poll(t, ev)) {
		int left = (int)((deadline - now_s()) * 1e3);
		struct pollfd p = { .fd = eng_thread_fd(t), .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) == 0)
			return 0;
	}
	return 1;
}

static int fd_readable(struct eng_thread *t)
{
	struct pollfd p = { .fd = eng_thread_fd(t), .events = POLLIN };
	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void send_cmd(struct eng_thread *t, const struct eng_cmd *c)
{
	cr_assert_eq(eng_thread_send(t, c), 0, "the command ring is full");
}

static void send_load(struct eng_thread *t, uint32_t req)
{
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = req };
	testenv_fixture(c.u.load.path, sizeof c.u.load.path, "ml-100k");
	c.u.load.format = ENG_FMT_ML100K;
	c.u.load.item_key = ENG_ITEM_KEY_ID;
	send_cmd(t, &c);
}

/* Training long enough on the 6-rating fixture to be stopped: tiny model,
 * batches of 2, many epochs. */
static void send_train(struct eng_thread *t, uint32_t req, int epochs)
{
	struct eng_cmd c = { .kind = ENG_CMD_TRAIN, .req_id = req };
	c.u.train.model = eng_model_hp_default();
	c.u.train.model.n_factors = 4;
	c.u.train.train = eng_train_hp_default();
	c.u.train.train.epochs = epochs;
	c.u.train.train.bs = 2;
	c.u.train.valid_pct = 0.2;
	send_cmd(t, &c);
}

/* Wait for an event of `kind` answering req into *ev, releasing whatever
 * comes before it (an ERROR fails the test). */
static void expect(struct eng_thread *t, enum eng_evt_kind kind, uint32_t req,
		   struct eng_evt *ev)
{
	for (;;) {
		cr_assert(next_event(t, ev, WAIT_MS), "no event %d (req %u) within %d ms",
			  (int)kind, req, WAIT_MS);
		if (ev->kind == kind && ev->req_id == req)
			return;
		cr_assert_neq(ev->kind, ENG_EVT_ERROR, "unexpected error: %s", ev->u.error.msg);
		eng_evt_release(ev);
	}
}

/* The set bits of "SigBlk:" in /proc/self/task/TID/status. */
static unsigned long long blocked_of(long tid)
{
	char path[64], line[256];
	unsigned long long mask = 0;

	snprintf(path, sizeof path, "/proc/self/task/%ld/status", tid);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot read %s", path);
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "SigBlk: %llx", &mask) == 1)
			break;
	fclose(f);
	return mask;
}

/* The task (thread) ids of this process into ids[0..max); their count. */
static int task_ids(long *ids, int max)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			cr_assert_lt(n, max);
			ids[n++] = strtol(e->d_name, NULL, 10);
		}
	closedir(d);
	return n;
}

static int has_id(const long *ids, int n, long id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* CPU time, in clock ticks, used by the tasks ids[0..n) that still exist. */
static long long cpu_ticks_of(const long *ids, int n)
{
	long long sum = 0;

	for (int i = 0; i < n; i++) {
		char path[64], buf[1024];
		snprintf(path, sizeof path, "/proc/self/task/%ld/stat", ids[i]);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;       /* the task has ended */
		size_t len = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[len] = '\0';
		/* utime and stime are fields 14 and 15; the name (field 2)
		 * may hold spaces, so count from its closing parenthesis. */
		const char *p = strrchr(buf, ')');
		unsigned long long ut, st;
		if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
				&ut, &st) == 2)
			sum += (long long)(ut + st);
	}
	return sum;
}

/* Whether task tid is an engine thread (named so by engthread.c); other
 * new tasks belong to OpenBLAS or a sanitizer runtime. */
static int is_engine_task(long tid)
{
	char path[64], name[32] = "";
	snprintf(path, sizeof path, "/proc/self/task/%ld/comm", tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(name, sizeof name, f))
		name[0] = '\0';
	fclose(f);
	return strcmp(name, "collabtui-eng\n") == 0;
}

/* The engine threads in now[0..n_now) that are not in
 * before[0..n_before), moved to the front of now; their count. */
static int new_tasks_of(const long *before, int n_before, long *now, int n_now)
{
	int n = 0;

	for (int i = 0; i < n_now; i++)
		if (!has_id(before, n_before, now[i]) && is_engine_task(now[i]))
			now[n++] = now[i];
	return n;
}

Test(engthread, load_train_stop_and_the_fd_goes_quiet, .timeout = 120)
{
	long before[256], ours[256];
	int n_before = task_ids(before, 256);
	struct eng_thread *t = start();
	struct eng_evt ev;

	cr_expect_not(fd_readable(t), "readable before any command");
	send_load(t, 7);
	expect(t, ENG_EVT_LOADED, 7, &ev);
	cr_expect_eq(ev.u.summary.n_ratings, 6);
	uint32_t n_items = ev.u.summary.n_items;
	expect(t, ENG_EVT_CATALOG, 7, &ev);
	cr_assert_not_null(ev.u.catalog);
	cr_expect_eq(ev.u.catalog->n_items, n_items);
	eng_evt_release(&ev);

	send_train(t, 8, 100000);
	expect(t, ENG_EVT_TRAIN_START, 8, &ev);
	cr_expect_gt(ev.u.train.report.n_batches, 0);
	struct eng_cmd stop = { .kind = ENG_CMD_STOP, .req_id = 9 };
	send_cmd(t, &stop);
	/* STOPPED answers the STOP; TRAINED (the TRAIN's req) if training
	 * won the race.  Every training event carries the TRAIN's req. */
	for (;;) {
		cr_assert(next_event(t, &ev, WAIT_MS), "neither STOPPED nor TRAINED arrived");
		if (ev.kind == ENG_EVT_STOPPED) {
			cr_expect_eq(ev.req_id, 9);
			break;
		}
		cr_assert_neq(ev.kind, ENG_EVT_ERROR, "unexpected error: %s", ev.u.error.msg);
		if (ev.kind == ENG_EVT_PROGRESS || ev.kind == ENG_EVT_EPOCH ||
		    ev.kind == ENG_EVT_TRAINED)
			cr_expect_eq(ev.req_id, 8, "event %d has req %u", (int)ev.kind, ev.req_id);
		int trained = ev.kind == ENG_EVT_TRAINED;
		eng_evt_release(&ev);
		if (trained)
			break;
	}

	/* A command with exactly one reply, as a barrier: once it is here,
	 * everything STOP caused (BIASES, say) has been taken too. */
	struct eng_cmd bad = { .kind = ENG_CMD_LOAD_MODEL, .req_id = 10 };
	snprintf(bad.u.path, sizeof bad.u.path, "/nonexistent/collabtui/model.ckpt");
	send_cmd(t, &bad);
	for (;;) {
		cr_assert(next_event(t, &ev, WAIT_MS), "no reply to LOAD_MODEL");
		if (ev.req_id == 10)
			break;
		eng_evt_release(&ev);
	}
	cr_expect_eq(ev.kind, ENG_EVT_ERROR);
	cr_expect_eq(eng_thread_poll(t, &ev), 0, "an event after the last reply");
	cr_expect_not(fd_readable(t), "the fd stays readable with no event waiting");

	/* Idle, the engine thread must sleep, not spin.  Only the threads
	 * the engine started are measured: OpenBLAS's own spin for a while
	 * after the library loads. */
	int n_ours = new_tasks_of(before, n_before, ours, task_ids(ours, 256));
	cr_assert_geq(n_ours, 1);
	long long ticks0 = cpu_ticks_of(ours, n_ours);
	usleep(300 * 1000);
	long long ticks = cpu_ticks_of(ours, n_ours) - ticks0;
	cr_expect_leq(ticks * 1000 / sysconf(_SC_CLK_TCK), 20,
		      "the idle engine used %lld clock ticks in 0.3 s", ticks);
	cr_expect_not(fd_readable(t));
	eng_thread_stop(t);
}

Test(engthread, errors_carry_the_req_id)
{
	struct eng_thread *t = start();
	struct eng_evt ev;

	send_train(t, 21, 1);   /* no dataset yet */
	cr_assert(next_event(t, &ev, WAIT_MS));
	cr_expect_eq(ev.kind, ENG_EVT_ERROR);
	cr_expect_eq(ev.req_id, 21);
	cr_expect_eq(ev.u.error.code, ENG_ESTATE);
	eng_thread_stop(t);
}

/* Stopping while the engine is blocked on a full event ring, with a
 * catalogue (owned memory) and hundreds of events unread: stop returns
 * promptly and, under ASan, nothing leaks. */
Test(engthread, stop_with_events_queued_releases_them, .timeout = 120)
{
	struct eng_thread *t = start();
	struct pollfd p;

	send_load(t, 1);
	send_train(t, 2, 100000);
	p = (struct pollfd){ .fd = eng_thread_fd(t), .events = POLLIN };
	cr_assert_eq(poll(&p, 1, WAIT_MS), 1, "no event arrived");
	/* One EPOCH per epoch of the fixture fills the event ring in
	 * moments; then the engine waits for room and takes no command,
	 * so the command ring fills too. */
	usleep(300 * 1000);
	struct eng_cmd stop = { .kind = ENG_CMD_STOP, .req_id = 3 };
	int sent = 0;
	while (sent < 100000 && eng_thread_send(t, &stop) == 0)
		sent++;
	cr_expect_lt(sent, 100000, "the command ring never filled");

	double t0 = now_s();
	eng_thread_stop(t);
	double took = now_s() - t0;
	cr_expect_lt(took, 2.0, "eng_thread_stop took %.3f s", took);
}

Test(engthread, start_then_stop_at_once, .timeout = 60)
{
	for (int i = 0; i < 20; i++)
		eng_thread_stop(start());
	eng_thread_stop(NULL);
}

Test(engthread, engine_thread_blocks_signals_and_the_caller_keeps_its_mask)
{
	long before[256], after[256];
	sigset_t mine;

	int n_before = task_ids(before, 256);
	struct eng_thread *t = start();
	/* A reply proves the thread runs its loop: a thread still inside
	 * pthread_create has every signal blocked, whatever was asked. */
	struct eng_evt ev;
	struct eng_cmd cmd = { .kind = ENG_CMD_LOAD_MODEL, .req_id = 1 };
	send_cmd(t, &cmd);
	cr_assert(next_event(t, &ev, WAIT_MS));
	int n_new = new_tasks_of(before, n_before, after, task_ids(after, 256));
	for (int i = 0; i < n_new; i++) {
		unsigned long long m = blocked_of(after[i]);
		cr_expect(m & (1ULL << (SIGWINCH - 1)), "task %ld does not block SIGWINCH", after[i]);
		cr_expect(m & (1ULL << (SIGINT - 1)), "task %ld does not block SIGINT", after[i]);
		cr_expect(m & (1ULL << (SIGTERM - 1)), "task %ld does not block SIGTERM", after[i]);
		cr_expect_not(m & (1ULL << (SIGSEGV - 1)), "task %ld blocks SIGSEGV", after[i]);
	}
	cr_expect_geq(n_new, 1, "no engine thread found in /proc/self/task");
	pthread_sigmask(SIG_SETMASK, NULL, &mine);
	cr_expect_not(sigismember(&mine, SIGWINCH), "the caller's mask was changed");
	cr_expect_not(sigismember(&mine, SIGINT), "the caller's mask was changed");
	eng_thread_stop(t);
}

/* STOP while a dataset loads.  The ratings file is big (testfeed.h) and
 * STOP is queued once the engine thread has it open, so the load is under
 * way for sure; the engine's next look at its cancel hook, after the next
 * span it reads, ends it.  Nothing is loaded then: TRAIN finds no dataset. */
Test(engthread, stop_cancels_a_load, .timeout = 120)
{
	char dir[512], path[700];
	struct eng_evt ev;

	testenv_tmpdir(dir, sizeof dir);
	feed_make(path, sizeof path, dir);
	struct eng_thread *t = start();
	struct eng_cmd c = { .kind = ENG_CMD_LOAD_DATA, .req_id = 21 };
	snprintf(c.u.load.path, sizeof c.u.load.path, "%s", path);
	send_cmd(t, &c);
	/* the engine thread has the file open: the load is under way, and
	 * its next look at the commands, a window later, sees the STOP */
	feed_wait_open(getpid(), path, WAIT_MS * 1e-3);
	struct eng_cmd stop = { .kind = ENG_CMD_STOP, .req_id = 22 };
	send_cmd(t, &stop);
	do {
		cr_assert(next_event(t, &ev, WAIT_MS), "no STOPPED within %d ms", WAIT_MS);
		cr_assert(ev.kind == ENG_EVT_STOPPED || ev.kind == ENG_EVT_LOAD_PROGRESS,
			  "event %d before STOPPED", (int)ev.kind);
	} while (ev.kind != ENG_EVT_STOPPED);
	cr_assert_eq(ev.req_id, 21, "STOPPED answers the load");
	send_train(t, 23, 1);
	cr_assert(next_event(t, &ev, WAIT_MS));
	cr_assert_eq(ev.kind, ENG_EVT_ERROR);
	cr_assert_eq(ev.req_id, 23);
	cr_assert_eq(ev.u.error.code, ENG_ESTATE, "%s", ev.u.error.msg);
	eng_thread_stop(t);
	unlink(path);
	testenv_rmdir(dir);
}

/* Fast runs one after another: each run's preparation thread takes the
 * block layout and copies the split the one before left on the engine
 * thread, and the pool's threads train on them (under TSan: no race
 * between the threads that make, lend and free them).  Then a run of
 * fastai's fit, which frees the layout. */
Test(engthread, fast_runs_lend_their_layout_to_the_next, .timeout = 120)
{
	struct eng_thread *t = start();
	struct eng_evt ev;

	send_load(t, 1);
	expect(t, ENG_EVT_LOADED, 1, &ev);
	for (uint32_t run = 0; run < 3; run++) {
		struct eng_cmd c = { .kind = ENG_CMD_TRAIN, .req_id = 2 + run };
		c.u.train.model = eng_model_hp_default();
		c.u.train.model.n_factors = 4;
		c.u.train.train = eng_train_hp_default();
		c.u.train.train.epochs = 3;
		c.u.train.train.wd = 0.1 * (run + 1);
		c.u.train.train.bs = 2;
		c.u.train.train.threads = 2;
		c.u.train.valid_pct = 0.2;
		c.u.train.fast = run < 2;
		send_cmd(t, &c);
		expect(t, ENG_EVT_TRAINED, 2 + run, &ev);
		cr_expect(ev.u.train.report.valid_loss > 0.0, "run %u: valid loss %g", run,
			  ev.u.train.report.valid_loss);
		eng_evt_release(&ev);
	}
	eng_thread_stop(t);
}
