/* utf8.h -- the few UTF-8 operations the data layer needs.
 *
 * MovieLens ships titles in Latin-1 (ML-100K u.item, ML-1M movies.dat) and
 * in UTF-8 (the CSV releases); the program works in UTF-8 only, so titles
 * are checked and converted once, at load.  Pure functions, no allocation.
 */
#ifndef COLLABTUI_UTF8_H
#define COLLABTUI_UTF8_H

#include <stddef.h>

/* 1 when s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF), else 0. */
int utf8_valid(const char *s, size_t n);

/* Convert n Latin-1 bytes to UTF-8 into dst, which must have room for 2 * n
 * bytes (every byte >= 0x80 becomes two).  Returns the bytes written; no
 * terminating NUL is added. */
size_t utf8_from_latin1(char *dst, const char *src, size_t n);

/* Length of the longest prefix of the UTF-8 string s[0..n) that is at most
 * max bytes and does not end inside a character. */
size_t utf8_prefix(const char *s, size_t n, size_t max);

#endif
