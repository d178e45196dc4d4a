/* afile.c -- atomic file replacement (see afile.h for the contract).
 *
 * The handle is one allocation: the struct, its write buffer, and the three
 * strings it needs (target path, temporary path, directory), so there is
 * nothing to free piecemeal on the error paths.
 */
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

#define AFILE_BUFSZ ((size_t)64 * 1024)

struct afile {
	int fd;                 /* the temporary, -1 once closed */
	int err;                /* first errno seen by afile_write, or 0 */
	const char *step;       /* what failed with err ("write") */
	char *path;             /* target, points into names[] */
	char *tmp;              /* temporary "path.XXXXXX", into names[] */
	char *dir;              /* directory holding both, into names[] */
	size_t len;             /* bytes waiting in buf */
	unsigned char buf[AFILE_BUFSZ];
	char names[];
};

/* The process umask without changing it, or -1 when it cannot be read.
 * Linux reports it in /proc/self/status as "Umask:\t0022". */
static long read_umask(void)
{
	char buf[4096];
	size_t len = 0;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len < sizeof buf - 1) {
		ssize_t r = read(fd, buf + len, sizeof buf - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';

	const char *p = strncmp(buf, "Umask:", 6) == 0 ? buf : strstr(buf, "\nUmask:");
	if (!p)
		return -1;
	p += (*p == '\n') + 6;
	char *end;
	unsigned long v = strtoul(p, &end, 8);
	if (end == p || v > 0777)
		return -1;
	return (long)v;
}

/* Write all of buf, retrying on EINTR and short writes.  0 or an errno. */
static int write_all(int fd, const unsigned char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (w == 0)
			return EIO;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static void flush_buf(struct afile *f)
{
	if (f->err == 0 && f->len > 0) {
		int e = write_all(f->fd, f->buf, f->len);
		if (e) {
			f->err = e;
			f->step = "write";
		}
	}
	f->len = 0;
}

struct afile *afile_open(const char *path, char *err, size_t errlen)
{
	size_t plen = strlen(path);
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;
	struct afile *f;

	if (plen == 0) {
		errmsg_set(err, errlen, "empty file name");
		return NULL;
	}
	if (slash && slash[1] == '\0') {
		errmsg_set(err, errlen, "%s: is a directory name, not a file name", path);
		return NULL;
	}
	f = malloc(sizeof *f + (plen + 1) + (plen + 8) + (dlen + 1));
	if (!f) {
		errmsg_set(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	f->path = f->names;
	f->tmp = f->path + plen + 1;
	f->dir = f->tmp + plen + 8;
	memcpy(f->path, path, plen + 1);
	memcpy(f->tmp, path, plen);
	memcpy(f->tmp + plen, ".XXXXXX", 8);
	if (!slash)
		memcpy(f->dir, ".", 2);
	else if (slash == path)
		memcpy(f->dir, "/", 2);
	else {
		memcpy(f->dir, path, dlen);
		f->dir[dlen] = '\0';
	}
	f->err = 0;
	f->step = NULL;
	f->len = 0;

	f->fd = mkstemp(f->tmp);
	if (f->fd < 0) {
		errmsg_set(err, errlen, "%s: cannot create a temporary file in %s: %s",
			path, f->dir, strerror(errno));
		free(f);
		return NULL;
	}
	(void)fcntl(f->fd, F_SETFD, FD_CLOEXEC);
	/* mkstemp makes the file 0600; give it the mode open(2) would have.
	 * If either step fails the file stays 0600, which is never more
	 * permissive than intended, so that is not treated as an error. */
	long mask = read_umask();
	if (mask >= 0)
		(void)fchmod(f->fd, (mode_t)(0666 & ~mask));
	return f;
}

int afile_write(struct afile *f, const void *buf, size_t n)
{
	const unsigned char *p = buf;

	if (f->err)
		return -1;
	if (n == 0)
		return 0;
	if (n >= AFILE_BUFSZ) {
		/* Large blocks skip the buffer (after what is already in it). */
		flush_buf(f);
		if (f->err == 0) {
			int e = write_all(f->fd, p, n);
			if (e) {
				f->err = e;
				f->step = "write";
			}
		}
		return f->err ? -1 : 0;
	}
	if (n > AFILE_BUFSZ - f->len) {
		flush_buf(f);
		if (f->err)
			return -1;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

/* fsync a directory so that a rename inside it is durable.  File systems
 * that cannot sync directories say EINVAL; there is nothing more to do on
 * those, so that is success.  Returns 0 or an errno. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int e = 0;

	if (fd < 0)
		return errno;
	if (fsync(fd) != 0 && errno != EINVAL)
		e = errno;
	close(fd);
	return e;
}

int afile_commit(struct afile *f, char *err, size_t errlen)
{
	int e;

	flush_buf(f);
	if (f->err) {
		e = f->err;
		errmsg_set(err, errlen, "%s: %s: %s", f->path, f->step, strerror(e));
		goto fail;
	}
	if (fsync(f->fd) != 0) {
		e = errno;
		errmsg_set(err, errlen, "%s: fsync: %s", f->path, strerror(e));
		goto fail;
	}
	e = close(f->fd);
	f->fd = -1;
	if (e != 0) {
		e = errno;
		errmsg_set(err, errlen, "%s: close: %s", f->path, strerror(e));
		goto fail;
	}
	if (rename(f->tmp, f->path) != 0) {
		e = errno;
		errmsg_set(err, errlen, "%s: rename from %s: %s", f->path, f->tmp,
			strerror(e));
		goto fail;
	}
	e = sync_dir(f->dir);
	if (e) {
		errmsg_set(err, errlen,
			"%s: written, but fsync of directory %s failed: %s",
			f->path, f->dir, strerror(e));
		free(f);
		return -1;
	}
	free(f);
	return 0;

fail:
	afile_abort(f);
	return -1;
}

void afile_abort(struct afile *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	unlink(f->tmp);
	free(f);
}
