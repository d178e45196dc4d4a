/* afile.h -- the project's file access: opening a file for reading (regular
 * files only), and atomic replacement of a file (write a temporary, then
 * rename).
 *
 * READING.  afile_open_read() is the one way a collabtui reader opens a
 * file (datasets, config.yaml, themes, models, your ratings, the run
 * history).  It opens with O_NONBLOCK, so that a FIFO cannot block the
 * program, checks with fstat that the file is a regular file, and only then
 * clears O_NONBLOCK.  Anything else (FIFO, character or block device such
 * as /dev/zero, directory, socket) is refused with "PATH: not a regular
 * file (a FIFO)" and the like, so no reader hangs or reads without end.
 * The one exception is the null device, which reads as an empty file
 * (`--config /dev/null`: no configuration).
 *
 * REPLACING.
 * A reader of PATH sees either the old file or the complete new one, never
 * a half-written mix, and a crash (of the program or of the machine) at any
 * point leaves one of the two on disk.  Used for saved models and, later,
 * the user's own ratings.
 *
 * Sequence: afile_open() creates PATH.XXXXXX (mkstemp) in PATH's own
 * directory, so the final rename never crosses a file system; afile_write()
 * appends to it through a 64 KiB buffer; afile_commit() flushes, fsyncs the
 * file, closes it, renames it over PATH and fsyncs the directory so the
 * rename itself is durable.  afile_abort() throws the temporary away.
 *
 * What is at PATH decides what happens:
 *   - nothing: the new file gets mode 0666 & ~umask, like a file made by
 *     open(2); the umask is read from /proc/self/status (Linux 4.7+)
 *     because the only portable way to read it, umask(2) twice, briefly
 *     changes it for every thread.  Where /proc is unavailable the file
 *     keeps mkstemp's 0600.
 *   - a regular file: the new file keeps its permission bits (a 0600 file
 *     stays 0600) and, where the process may (root, or a group it is in),
 *     its owner and group; ACLs and extended attributes are not copied,
 *     and a hard link to the old file keeps the old content.
 *   - a symbolic link: it is followed (all the way), and the regular file
 *     it ends at is replaced, in that file's directory; the link stays a
 *     link.  A link to nothing, or to something not a regular file, is
 *     refused.
 *   - anything else (a FIFO, a device, a directory, a socket): refused
 *     with "PATH: not a regular file (a character device)" and the like;
 *     nothing is created.  (As root, `--save /dev/null` would otherwise
 *     replace /dev/null.)
 *
 * One writer per struct afile; distinct handles may be used from distinct
 * threads.  Nothing here prints or exits: failures come back as a return
 * value plus a one-line message in a caller-supplied buffer.
 */
#ifndef COLLABTUI_AFILE_H
#define COLLABTUI_AFILE_H

#include <stddef.h>
#include <stdio.h>

struct afile;

/* Open path for reading, refusing anything but a regular file (see
 * READING above).  Returns a file descriptor (O_CLOEXEC, blocking) that
 * the caller closes.  On failure returns -1 and writes into err either
 * "PATH: strerror" (open or fstat failed; errno is left as that call set
 * it, so a caller may treat ENOENT as "no file") or "PATH: not a regular
 * file (a FIFO)" (errno EISDIR for a directory, else EINVAL).  err may be
 * NULL when errlen is 0. */
int afile_open_read(const char *path, char *err, size_t errlen);

/* afile_open_read() wrapped in a stdio stream ("rb"); NULL on failure,
 * with the same message and errno.  The caller fcloses it. */
FILE *afile_fopen_read(const char *path, char *err, size_t errlen);

/* Whether afile_open() would accept path as a target: 0 when nothing is
 * there, or a regular file is (directly or through symbolic links); -1
 * with the reason in err ("PATH: not a regular file (a FIFO)", "PATH: a
 * symbolic link to a missing file", ...) otherwise.  For a command that
 * wants to refuse a bad --save before it spends minutes training. */
int afile_check_target(const char *path, char *err, size_t errlen);

/* Write all n bytes of buf to fd, retrying on EINTR and after short
 * writes.  Returns 0, or the errno of the call that failed (EIO if write
 * returned 0), so a full disk reports ENOSPC (or EFBIG), never an errno
 * left over from an earlier call.  For writers that append rather than
 * replace (the run history). */
int afile_write_all(int fd, const void *buf, size_t n);

/* Start writing a replacement for path.  Creates the temporary file
 * "path.XXXXXX" next to path; path itself is not touched until
 * afile_commit().  Returns a handle the caller must pass to exactly one of
 * afile_commit() or afile_abort().  On failure (directory missing or not
 * writable, out of memory, a target that afile_check_target() refuses)
 * returns NULL and writes a message naming the path and the reason into err
 * (truncated to errlen; err may be NULL when errlen is 0). */
struct afile *afile_open(const char *path, char *err, size_t errlen);

/* Append n bytes from buf.  The data may sit in the handle's buffer until a
 * later write or afile_commit().  Returns 0 on success and -1 on failure;
 * the first failure is remembered, every later write is a no-op returning
 * -1, and afile_commit() reports it.  So a writer may issue a series of
 * writes and check only the commit. */
int afile_write(struct afile *f, const void *buf, size_t n);

/* Finish: flush the buffer, fsync the temporary, close it, rename it over
 * the path given to afile_open() and fsync the directory.  Always consumes
 * f (do not use or abort it afterwards).  Returns 0 on success.  On failure
 * returns -1, writes "PATH: STEP: strerror" into err, and, if the rename
 * had not happened, removes the temporary so the old file (if any) is left
 * exactly as it was.  If only the final directory fsync fails, the new
 * content is already in place but may not survive a power cut; that is
 * still reported as a failure. */
int afile_commit(struct afile *f, char *err, size_t errlen);

/* Give up: close and unlink the temporary and free the handle.  The file
 * at path is untouched.  NULL is accepted.  Cannot fail. */
void afile_abort(struct afile *f);

#endif
