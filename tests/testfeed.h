/* testfeed.h -- a ratings file that arrives as slowly as a test wants: a
 * named pipe called ratings.csv (the loader takes it for an ML-CSV file),
 * fed from the test.  While the test holds back, the loader waits in
 * read(), so "during the load" is a moment the test chooses, not a race
 * with the disk: it can cancel there, then feed more so the loader's next
 * progress callback sees the cancel.
 */
#ifndef COLLABTUI_TESTFEED_H
#define COLLABTUI_TESTFEED_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>

#include "testenv.h"

/* Make DIR/ratings.csv a named pipe; its path into path.  A reader gone
 * early must not kill the test with SIGPIPE: writes then fail instead. */
static inline const char *feed_make(char *path, size_t n, const char *dir)
{
	cr_assert_lt(snprintf(path, n, "%s/ratings.csv", dir), (int)n, "path too long");
	cr_assert_eq(mkfifo(path, 0600), 0, "mkfifo %s: %s", path, strerror(errno));
	signal(SIGPIPE, SIG_IGN);
	return path;
}

/* Open the pipe for writing once the loader has opened it for reading
 * (within seconds, else the test fails); a blocking descriptor. */
static inline int feed_open(const char *path, double seconds)
{
	struct timespec t0, t;
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
		cr_assert_eq(errno, ENXIO, "open %s: %s", path, strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &t);
		cr_assert_lt((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) * 1e-9, seconds,
			     "nothing opened %s for reading in %g s", path, seconds);
		usleep(10000);
	}
	cr_assert_eq(fcntl(fd, F_SETFL, 0), 0);
	return fd;
}

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

#endif
