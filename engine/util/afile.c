/* afile.c -- opening files for reading, and atomic file replacement (see
 * afile.h for the contract).
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
#include <sys/sysmacros.h>
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

/* What kind of file mode is, for "not a regular file (a FIFO)". */
static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	if (S_ISLNK(mode))
		return "a symbolic link";
	return "not a file that can be read";
}

/* Whether st is the null device (Linux's character device 1:3): it never
 * blocks and reads as empty, and `--config /dev/null` is the usual way to
 * say "no configuration", so it is read like an empty file. */
static int is_dev_null(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 &&
	       minor(st->st_rdev) == 3;
}

int afile_open_read(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, flags, e;

	/* O_NONBLOCK: opening a FIFO with no writer returns at once instead
	 * of waiting for one; the fstat below then refuses it. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		errmsg_set(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) != 0) {
		e = errno;
		errmsg_set(err, errlen, "%s: %s", path, strerror(e));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !is_dev_null(&st)) {
		errmsg_set(err, errlen, "%s: not a regular file (%s)", path,
			   file_kind(st.st_mode));
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	/* Regular files ignore O_NONBLOCK on Linux, but clear it anyway so
	 * the descriptor behaves as a plain open's would everywhere. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
		e = errno;
		errmsg_set(err, errlen, "%s: %s", path, strerror(e));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	errno = e;
	return -1;
}

FILE *afile_fopen_read(const char *path, char *err, size_t errlen)
{
	int fd = afile_open_read(path, err, errlen), e;
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "rb");
	if (!f) {
		e = errno;
		errmsg_set(err, errlen, "%s: %s", path, strerror(e));
		close(fd);
		errno = e;
	}
	return f;
}

/* What a replacement of path replaces.  real is the file a symbolic link
 * at path ends at (malloc'd), NULL when path is not a link; st is the
 * replaced file's, valid when exists. */
struct target {
	char *real;
	int exists;
	struct stat st;
};

/* Look at what is at path (see afile.h, REPLACING).  0 with *t filled, or
 * -1 with the reason in err. */
static int resolve_target(const char *path, struct target *t, char *err,
			  size_t errlen)
{
	struct stat st;

	t->real = NULL;
	t->exists = 0;
	if (lstat(path, &st) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;       /* afile_open's mkstemp says why if need be */
		errmsg_set(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		t->real = realpath(path, NULL);
		if (!t->real) {
			errmsg_set(err, errlen, "%s: a symbolic link to %s", path,
				   errno == ENOENT ? "a missing file" : strerror(errno));
			return -1;
		}
		if (stat(t->real, &st) != 0) {
			errmsg_set(err, errlen, "%s: %s: %s", path, t->real,
				   strerror(errno));
			goto fail;
		}
		if (!S_ISREG(st.st_mode)) {
			errmsg_set(err, errlen, "%s: a symbolic link to %s, which is "
				   "not a regular file (%s)", path, t->real,
				   file_kind(st.st_mode));
			goto fail;
		}
	} else if (!S_ISREG(st.st_mode)) {
		errmsg_set(err, errlen, "%s: not a regular file (%s)", path,
			   file_kind(st.st_mode));
		return -1;
	}
	t->exists = 1;
	t->st = st;
	return 0;
fail:
	free(t->real);
	t->real = NULL;
	return -1;
}

int afile_check_target(const char *path, char *err, size_t errlen)
{
	struct target t;

	if (resolve_target(path, &t, err, errlen) != 0)
		return -1;
	free(t.real);
	return 0;
}

int afile_write_all(int fd, const void *data, size_t n)
{
	const unsigned char *buf = data;

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
		int e = afile_write_all(f->fd, f->buf, f->len);
		if (e) {
			f->err = e;
			f->step = "write";
		}
	}
	f->len = 0;
}

/* Give the temporary fd the replaced file's owner and permission bits, or,
 * for a new file, the mode open(2) would have given it.  Each step is best
 * effort: a file left 0600 or owned by us is never more open than meant. */
static void set_owner_and_mode(int fd, const struct target *t)
{
	if (t->exists) {
		/* chown first: it would clear the mode bits set before it.
		 * Not root: the owner cannot change, the group may still. */
		if (fchown(fd, t->st.st_uid, t->st.st_gid) != 0)
			(void)fchown(fd, (uid_t)-1, t->st.st_gid);
		(void)fchmod(fd, t->st.st_mode & 0777);
		return;
	}
	long mask = read_umask();
	if (mask >= 0)
		(void)fchmod(fd, (mode_t)(0666 & ~mask));
}

struct afile *afile_open(const char *user_path, char *err, size_t errlen)
{
	const char *path = user_path;
	struct target t;
	struct afile *f;

	if (path[0] == '\0') {
		errmsg_set(err, errlen, "empty file name");
		return NULL;
	}
	if (path[strlen(path) - 1] == '/') {
		errmsg_set(err, errlen, "%s: is a directory name, not a file name", path);
		return NULL;
	}
	if (resolve_target(user_path, &t, err, errlen) != 0)
		return NULL;
	if (t.real)
		path = t.real;  /* replace the file the link ends at */

	size_t plen = strlen(path);
	const char *slash = strrchr(path, '/');
	size_t dlen = slash ? (slash == path ? 1 : (size_t)(slash - path)) : 1;

	f = malloc(sizeof *f + (plen + 1) + (plen + 8) + (dlen + 1));
	if (!f) {
		errmsg_set(err, errlen, "%s: out of memory", path);
		free(t.real);
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
		free(t.real);
		return NULL;
	}
	(void)fcntl(f->fd, F_SETFD, FD_CLOEXEC);
	/* mkstemp makes the file 0600, owned by us. */
	set_owner_and_mode(f->fd, &t);
	free(t.real);
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
			int e = afile_write_all(f->fd, p, n);
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
