/* utf8.c -- UTF-8 validation, Latin-1 conversion, boundary-safe cuts. */
#include "utf8.h"

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned lo = 0x80, hi = 0xBF;   /* allowed range of the 2nd byte */

		if (c < 0x80) {
			i++;
			continue;
		}
		/* The second-byte ranges below are what rule out overlong forms
		 * (E0, F0), surrogates (ED) and code points past U+10FFFF (F4). */
		if (c >= 0xC2 && c <= 0xDF)
			len = 2;
		else if (c >= 0xE0 && c <= 0xEF) {
			len = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else
			return 0;
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t k = 2; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

size_t utf8_from_latin1(char *dst, const char *src, size_t n)
{
	unsigned char *d = (unsigned char *)dst;
	const unsigned char *s = (const unsigned char *)src;
	size_t w = 0;

	/* Latin-1 is the first 256 code points, so each byte maps directly. */
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x80) {
			d[w++] = s[i];
		} else {
			d[w++] = (unsigned char)(0xC0 | (s[i] >> 6));
			d[w++] = (unsigned char)(0x80 | (s[i] & 0x3F));
		}
	}
	return w;
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
