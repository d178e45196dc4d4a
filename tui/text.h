/* text.h -- text for a terminal grid: UTF-8 decoding, display widths and
 * cutting a string to a number of columns without splitting a character.
 *
 * Curses-free and allocation-free: callers pass fixed buffers, so the
 * views can format a row per frame without touching the heap.  Widths come
 * from wcwidth(), so they follow LC_CTYPE (setlocale must have run).
 */
#ifndef COLLABTUI_TEXT_H
#define COLLABTUI_TEXT_H

#include <stddef.h>
#include <wchar.h>

/* Decode UTF-8 s into at most cap wide characters at out (no terminator).
 * An invalid or truncated sequence becomes U+FFFD.  With ascii_only set
 * (a terminal that is not UTF-8), every non-ASCII character becomes '?',
 * which such a terminal can show.  Control characters become '?'.
 * Returns the number of characters written. */
int text_decode(const char *s, wchar_t *out, int cap, int ascii_only);

/* Columns c occupies: wcwidth(c), with anything unprintable counted as 1
 * (the views draw it as '?'). */
int text_wcwidth(wchar_t c);

/* How many of the n characters of w fit in cols columns.  When they do not
 * all fit and ellipsis is set, room is left for one ellipsis column, so
 * the caller can append one.  A double-width character that would straddle
 * the edge is left out whole.  *width (if not NULL) gets the columns the
 * kept characters take. */
int text_fit(const wchar_t *w, int n, int cols, int ellipsis, int *width);

/* Cut UTF-8 s to at most cols display columns into out (n bytes, NUL
 * terminated), ending in `…` (or '~' with ascii_only) when it was cut.
 * Never splits a character.  Returns the columns used. */
int text_cut(const char *s, int cols, int ascii_only, char *out, size_t n);

/* One line of UTF-8 s word-wrapped at cols display columns (cols >= 1):
 * returns how many bytes of s the line shows -- all of s when it fits,
 * else up to the last space that lets it fit, else as many whole
 * characters as fit (at least one) -- and *next gets where the next line
 * starts, the spaces at the break skipped.  Never splits a character. */
size_t text_wrap(const char *s, int cols, const char **next);

/* Whether needle occurs in hay, ignoring case (towlower on each decoded
 * character, so "MISÉ" finds "Misérables").  An empty needle matches. */
int text_contains_ci(const char *hay, const char *needle);

#endif
