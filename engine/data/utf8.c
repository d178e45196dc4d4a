/* utf8.c -- UTF-8 validation, Latin-1 conversion, text made safe to show
 * (utf8.h, text.h), boundary-safe cuts. */
#include "utf8.h"

#include <string.h>

#include "text.h"

/* U+FFFD REPLACEMENT CHARACTER, what unsafe or malformed text becomes. */
static const unsigned char replacement[3] = { 0xEF, 0xBF, 0xBD };

/* Whether code point c is a control a terminal may act on. */
static int is_control(unsigned c)
{
	return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

/* Length of the well-formed UTF-8 character at s[0..n), or 0 when none
 * starts there; its code point into *cp. */
static size_t char_at(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xBF;   /* allowed range of the 2nd byte */

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	/* The second-byte ranges below are what rule out overlong forms
	 * (E0, F0), surrogates (ED) and code points past U+10FFFF (F4). */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		*cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		*cp = c & 0x0F;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		*cp = c & 0x07;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[k] & 0x3F);
	}
	return len;
}

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned cp;

	for (size_t i = 0, len; i < n; i += len)
		if ((len = char_at(s + i, n - i, &cp)) == 0)
			return 0;
	return 1;
}

size_t utf8_from_latin1(char *dst, const char *src, size_t n)
{
	unsigned char *d = (unsigned char *)dst;
	const unsigned char *s = (const unsigned char *)src;
	size_t w = 0;

	/* Latin-1 is the first 256 code points, so each byte maps directly. */
	for (size_t i = 0; i < n; i++) {
		if (is_control(s[i])) {
			memcpy(d + w, replacement, 3);
			w += 3;
		} else if (s[i] < 0x80) {
			d[w++] = s[i];
		} else {
			d[w++] = (unsigned char)(0xC0 | (s[i] >> 6));
			d[w++] = (unsigned char)(0x80 | (s[i] & 0x3F));
		}
	}
	return w;
}

size_t utf8_clean(char *dst, const char *src, size_t n)
{
	unsigned char *d = (unsigned char *)dst;
	const unsigned char *s = (const unsigned char *)src;
	size_t w = 0, len;
	unsigned cp;

	for (size_t i = 0; i < n; i += len) {
		len = char_at(s + i, n - i, &cp);
		if (len == 0 || is_control(cp)) {
			memcpy(d + w, replacement, 3);
			w += 3;
			len = len ? len : 1;
		} else {
			memcpy(d + w, s + i, len);
			w += len;
		}
	}
	return w;
}

char *text_clean(char *dst, size_t dstlen, const char *src, size_t n)
{
	char piece[UTF8_CLEAN_ROOM(4)];
	const unsigned char *s = (const unsigned char *)src;
	size_t w = 0, len, k;
	unsigned cp;

	if (dstlen == 0)
		return dst;
	/* character by character, so a cut never splits one */
	for (size_t i = 0; i < n; i += len) {
		len = char_at(s + i, n - i, &cp);
		len = len ? len : 1;
		k = utf8_clean(piece, src + i, len);
		if (k >= dstlen - w)
			break;
		memcpy(dst + w, piece, k);
		w += k;
	}
	dst[w] = '\0';
	return dst;
}

size_t utf8_prefix(const char *str, size_t n, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t cut;

	if (n <= max)
		return n;
	/* Back up over continuation bytes so the cut lands before the lead
	 * byte of the character that would be split. */
	cut = max;
	while (cut > 0 && (s[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}
