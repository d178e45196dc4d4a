/* lines.h -- read a text file line by line through one fixed buffer.
 *
 * Ratings files run to hundreds of megabytes (ML-25M's ratings.csv is
 * 650 MB), so they are streamed with read(2) through a 1 MiB window rather
 * than loaded whole: memory stays flat whatever the file size, and each
 * line is handed out in place, with no copy and no allocation per line.
 * A line may be at most LINES_MAX bytes; that bound is what lets a fixed
 * window always hold a whole line.
 *
 * Accepted: a UTF-8 byte order mark at the start (skipped), CRLF line ends
 * (the CR is dropped), a last line without a newline.  Refused: a file
 * that is not a regular file (a FIFO, a device such as /dev/zero, a
 * directory), and a line longer than LINES_MAX ("NAME:LINE: ...").
 * Nothing here prints;
 * failures come back as -1 plus a one-line message in a caller's buffer.
 */
#ifndef COLLABTUI_LINES_H
#define COLLABTUI_LINES_H

#include <stddef.h>
#include <sys/types.h>

#define LINES_MAX 65536   /* longest line, in bytes, without its line end */
/* The read window, and so the longest span: big enough that a read(2)
 * call moves a useful amount of data and that after keeping a partial
 * line of up to LINES_MAX bytes most of the window is still free for the
 * next read. */
#define LINES_WINDOW (1u << 20)

struct lines {
	int fd;
	const char *path;       /* as given; used for open/read errors */
	const char *name;       /* path's base name; used for line errors */
	char *buf;              /* (cap) the read window */
	size_t cap, pos, end;   /* unread data is buf[pos..end) */
	unsigned long lineno;   /* number of the line last returned, from 1 */
	int eof;
	off_t size;             /* file size from fstat, 0 if not a regular file */
	off_t nread;            /* bytes read from the file so far */
};

/* Open path for reading with afile_open_read(): a regular file only.  0 on
 * success.  On failure -1, "PATH: strerror" or "PATH: not a regular file
 * (a FIFO)" into err, and errno left as afile_open_read set it (so a caller
 * can treat ENOENT as "optional file absent").  path must outlive the
 * struct. */
int lines_open(struct lines *l, const char *path, char *err, size_t errlen);

/* Hand out the next line: *line points into the buffer (valid until the
 * next call; the bytes may be modified in place), *len excludes the line
 * end.  Returns 1 for a line, 0 at end of file, -1 on a read error or an
 * over-long line (err filled, with the line number). */
int lines_next(struct lines *l, char **line, size_t *len, char *err,
               size_t errlen);

/* Bulk access for a parser that reads many lines in place (the loader's
 * fast path): sets [*p, *end) to the unread bytes up to and including the
 * last '\n' in the window, reading more data first when the window holds
 * no complete line.  Returns 1 when such bytes exist, 0 when none are left
 * that end in '\n' (what remains, a last line without a newline or an
 * over-long line, is for lines_next), -1 on a read error (err filled).
 * The caller consumes them with lines_skip() and may mix in lines_next()
 * calls: each sees the lines the other left. */
int lines_span(struct lines *l, char **p, char **end, char *err, size_t errlen);

/* Mark the bytes before q, which must be the start of a line inside the
 * last span, as read: n complete lines, counted into the line number. */
void lines_skip(struct lines *l, const char *q, unsigned long n);

/* Close the file and free the buffer; safe on a struct lines_open failed on. */
void lines_close(struct lines *l);

/* Write "NAME:LINE: " followed by the formatted message into err. */
void lines_fail(const struct lines *l, char *err, size_t errlen,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
