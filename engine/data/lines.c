/* lines.c -- streaming line reader with a bounded line length. */
#include "lines.h"
#include "afile.h"
#include "errmsg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Read more data after buf[end).  0 on success (eof set when none came),
 * -1 on a read error. */
static int fill(struct lines *l, char *err, size_t errlen)
{
	ssize_t r;

	do
		r = read(l->fd, l->buf + l->end, l->cap - l->end);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		errmsg_set(err, errlen, "cannot read %s: %s", l->path, strerror(errno));
		return -1;
	}
	if (r == 0)
		l->eof = 1;
	l->nread += r;
	l->end += (size_t)r;
	return 0;
}

int lines_open(struct lines *l, const char *path, char *err, size_t errlen)
{
	struct stat st;
	const char *slash = strrchr(path, '/');
	int saved;

	memset(l, 0, sizeof *l);
	l->path = path;
	l->name = slash && slash[1] ? slash + 1 : path;
	/* a regular file only: a FIFO would block, /dev/zero never end */
	l->fd = afile_open_read(path, err, errlen);
	if (l->fd < 0)
		return -1;
	if (fstat(l->fd, &st) == 0)
		l->size = st.st_size;
	l->cap = LINES_WINDOW;
	l->buf = malloc(l->cap);
	if (!l->buf) {
		errmsg_set(err, errlen, "cannot read %s: out of memory", path);
		goto fail;
	}
	/* A byte order mark can only be seen once three bytes are in, and a
	 * short read may deliver fewer. */
	while (!l->eof && l->end < 3)
		if (fill(l, err, errlen))
			goto fail;
	if (l->end >= 3 && memcmp(l->buf, "\xEF\xBB\xBF", 3) == 0)
		l->pos = 3;
	return 0;
fail:
	saved = errno;
	lines_close(l);
	errno = saved;
	return -1;
}

int lines_next(struct lines *l, char **line, size_t *len, char *err,
               size_t errlen)
{
	for (;;) {
		char *p = l->buf + l->pos;
		size_t avail = l->end - l->pos;
		char *nl = memchr(p, '\n', avail);
		size_t n;

		if (nl || (l->eof && avail > 0)) {
			n = nl ? (size_t)(nl - p) : avail;
			l->pos += nl ? n + 1 : n;
			l->lineno++;
			if (n > 0 && p[n - 1] == '\r')
				n--;
			if (n > LINES_MAX)
				goto too_long;
			*line = p;
			*len = n;
			return 1;
		}
		if (l->eof)
			return 0;
		/* +1 leaves room for the CR of a CRLF line of exactly LINES_MAX. */
		if (avail > LINES_MAX + 1) {
			l->lineno++;
			goto too_long;
		}
		memmove(l->buf, p, avail);
		l->pos = 0;
		l->end = avail;
		if (fill(l, err, errlen))
			return -1;
	}
too_long:
	lines_fail(l, err, errlen, "expected a line of at most %d bytes",
	           LINES_MAX);
	return -1;
}

/* The last '\n' in s[0..n), or NULL (memrchr is a GNU extension). */
static char *last_newline(char *s, size_t n)
{
	while (n > 0)
		if (s[--n] == '\n')
			return s + n;
	return NULL;
}

int lines_span(struct lines *l, char **p, char **end, char *err, size_t errlen)
{
	for (;;) {
		char *s = l->buf + l->pos;
		size_t avail = l->end - l->pos;
		char *nl = last_newline(s, avail);

		if (nl) {
			*p = s;
			*end = nl + 1;
			return 1;
		}
		/* No complete line: refill unless that cannot help. */
		if (l->eof || avail > LINES_MAX + 1)
			return 0;
		memmove(l->buf, s, avail);
		l->pos = 0;
		l->end = avail;
		if (fill(l, err, errlen))
			return -1;
	}
}

void lines_skip(struct lines *l, const char *q, unsigned long n)
{
	l->pos = (size_t)(q - l->buf);
	l->lineno += n;
}

void lines_close(struct lines *l)
{
	if (l->fd >= 0)
		close(l->fd);
	free(l->buf);
	l->fd = -1;
	l->buf = NULL;
}

void lines_fail(const struct lines *l, char *err, size_t errlen,
                const char *fmt, ...)
{
	va_list ap;
	int k;

	if (errlen == 0)
		return;
	k = snprintf(err, errlen, "%s:%lu: ", l->name, l->lineno);
	if (k < 0 || (size_t)k >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
	va_end(ap);
}
