/* testfeed.h -- a ratings file big enough that loading it takes a while
 * (a second or more), so that a test can act "during the load".
 *
 * It used to be a named pipe fed by the test, which let the test choose
 * the moment exactly; collabtui now refuses to read anything but a regular
 * file (afile_open_read: a FIFO would block a reader forever), so the file
 * is a plain DIR/ratings.csv (the loader takes it for an ML-CSV file), and
 * the test finds the moment by watching for the loader to have it open
 * (feed_wait_open, through /proc), then acts while the rest is parsed.
 * Where a test needs more time than the parse takes (the interface must
 * draw the progress and take a key), feed_slow runs the loader in slow
 * motion: stopped (SIGSTOP) 90 ms of every 100, so it still runs, and
 * draws, and reads keys, only ten times slower.
 */
#ifndef COLLABTUI_TESTFEED_H
#define COLLABTUI_TESTFEED_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>

#include "testenv.h"

/* How much feed_make writes: about a second of loading on the CI box. */
#define FEED_BYTES ((size_t)256 << 20)

/* Write the header line (first) and then about `bytes` of rating lines;
 * 0, or -1 once the reader has closed the pipe. */
static inline int feed_ratings(int fd, size_t bytes, int first)
{
	static unsigned next;
	char buf[65536];
	size_t len = 0, sent = 0;

	if (first)
		len = (size_t)snprintf(buf, sizeof buf, "userId,movieId,rating,timestamp\n");
	while (sent < bytes) {
		while (len < sizeof buf - 64) {
			next++;
			len += (size_t)snprintf(buf + len, sizeof buf - len, "%u,%u,%.1f,0\n",
						1 + next % 997, 1 + next % 499,
						0.5 * (1 + next % 10));
		}
		for (size_t off = 0; off < len;) {
			ssize_t w = write(fd, buf + off, len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return -1;
			off += (size_t)w;
		}
		sent += len;
		len = 0;
	}
	return 0;
}


/* Write DIR/ratings.csv: the header and about FEED_BYTES of ratings; its
 * path into path. */
static inline const char *feed_make(char *path, size_t n, const char *dir)
{
	cr_assert_lt(snprintf(path, n, "%s/ratings.csv", dir), (int)n, "path too long");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert_geq(fd, 0, "create %s: %s", path, strerror(errno));
	cr_assert_eq(feed_ratings(fd, 1 << 20, 1), 0);
	cr_assert_eq(feed_ratings(fd, FEED_BYTES, 0), 0);
	cr_assert_eq(close(fd), 0);
	return path;
}

/* Whether process pid (a /proc entry name) has path open. */
static inline int feed_has_open(const char *pid, const char *path)
{
	char fds[300], link[PATH_MAX + 600], target[PATH_MAX];
	struct dirent *e;
	int found = 0;

	snprintf(fds, sizeof fds, "/proc/%s/fd", pid);
	DIR *d = opendir(fds);
	while (d && !found && (e = readdir(d)) != NULL) {
		snprintf(link, sizeof link, "%s/%s", fds, e->d_name);
		ssize_t k = readlink(link, target, sizeof target - 1);
		if (k > 0) {
			target[k] = '\0';
			found = strcmp(target, path) == 0;
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* Wait (at most seconds) until a loader has path open: process pid, or
 * any process when pid is 0.  path must be absolute and free of links.
 * Returns the loader's pid. */
static inline pid_t feed_wait_open(pid_t pid, const char *path, double seconds)
{
	struct timespec t0, t;
	char self[32];

	clock_gettime(CLOCK_MONOTONIC, &t0);
	snprintf(self, sizeof self, "%d", (int)pid);
	for (;;) {
		if (pid) {
			if (feed_has_open(self, path))
				return pid;
		} else {
			DIR *d = opendir("/proc");
			struct dirent *e;
			int found = 0;

			while (d && !found && (e = readdir(d)) != NULL)
				if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
				    feed_has_open(e->d_name, path))
					found = atoi(e->d_name);
			if (d)
				closedir(d);
			if (found)
				return (pid_t)found;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		cr_assert_lt((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) * 1e-9, seconds,
			     "nothing opened %s for reading in %g s", path, seconds);
		usleep(1000);
	}
}

/* A process run in slow motion (see the top) until feed_slow_stop. */
struct feed_slow {
	pid_t pid;
	atomic_int stop;
	pthread_t thread;
};

static inline void *feed_slow_run(void *arg)
{
	struct feed_slow *s = arg;

	while (!atomic_load(&s->stop)) {
		kill(s->pid, SIGSTOP);
		usleep(90000);
		kill(s->pid, SIGCONT);
		usleep(10000);
	}
	kill(s->pid, SIGCONT);
	return NULL;
}

static inline void feed_slow_start(struct feed_slow *s, pid_t pid)
{
	s->pid = pid;
	atomic_store(&s->stop, 0);
	cr_assert_eq(pthread_create(&s->thread, NULL, feed_slow_run, s), 0);
}

/* Back to full speed (the process left running). */
static inline void feed_slow_stop(struct feed_slow *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->thread, NULL);
}

#endif
