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

/* Convert n Latin-1 bytes to UTF-8 into dst, made safe to show as
 * utf8_clean() does (C0, DEL and C1 controls become U+FFFD).  dst must have
 * room for UTF8_CLEAN_ROOM(n) bytes.  Returns the bytes written; no
 * terminating NUL is added. */
size_t utf8_from_latin1(char *dst, const char *src, size_t n);

/* Copy the n bytes of src (meant to be UTF-8) into dst, made safe to print
 * on a terminal: every C0 control (U+0000..U+001F, tab and newline
 * included), DEL (U+007F) and C1 control (U+0080..U+009F, where the 8-bit
 * CSI 0x9B lives), and every byte of a malformed UTF-8 sequence, becomes
 * U+FFFD.  dst must have room for UTF8_CLEAN_ROOM(n) bytes.  Returns the
 * bytes written; no terminating NUL is added.  Text read from files goes
 * through this (or utf8_from_latin1) once, where it enters the program. */
size_t utf8_clean(char *dst, const char *src, size_t n);

/* Room utf8_clean() and utf8_from_latin1() may need for n input bytes:
 * one byte can become the three of U+FFFD. */
#define UTF8_CLEAN_ROOM(n) (3 * (n))

/* Length of the longest prefix of the UTF-8 string s[0..n) that is at most
 * max bytes and does not end inside a character. */
size_t utf8_prefix(const char *s, size_t n, size_t max);

#endif
