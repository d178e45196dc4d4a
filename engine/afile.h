/* afile.h -- atomic replacement of a file: write a temporary, then rename.
 *
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
 * The new file gets mode 0666 & ~umask, like a file made by open(2); the
 * umask is read from /proc/self/status (Linux 4.7+) because the only
 * portable way to read it, umask(2) twice, briefly changes it for every
 * thread.  Where /proc is unavailable the file keeps mkstemp's 0600.  The
 * old file's owner, mode and ACLs are not carried over, and a symbolic link
 * at PATH is replaced by a regular file (rename(2) semantics).
 *
 * One writer per struct afile; distinct handles may be used from distinct
 * threads.  Nothing here prints or exits: failures come back as a return
 * value plus a one-line message in a caller-supplied buffer.
 */
#ifndef COLLABTUI_AFILE_H
#define COLLABTUI_AFILE_H

#include <stddef.h>

struct afile;

/* Start writing a replacement for path.  Creates the temporary file
 * "path.XXXXXX" next to path; path itself is not touched until
 * afile_commit().  Returns a handle the caller must pass to exactly one of
 * afile_commit() or afile_abort().  On failure (directory missing or not
 * writable, out of memory) returns NULL and writes a message naming the
 * directory and strerror(errno) into err (truncated to errlen; err may be
 * NULL when errlen is 0). */
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
