/* text.c -- UTF-8 and display widths for the grid (see text.h). */
#include "text.h"

#include <string.h>
#include <wctype.h>

/* One code point from s (which has at least one byte before its NUL);
 * *len gets the bytes consumed.  Overlong forms, surrogates and values
 * past U+10FFFF are invalid, as RFC 3629 says. */
static wchar_t decode1(const unsigned char *s, int *len)
{
	unsigned c = s[0], need, cp, min;

	*len = 1;
	if (c < 0x80)
		return (wchar_t)c;
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1; cp = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2; cp = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3; cp = c & 0x07; min = 0x10000;
	} else {
		return 0xFFFD;
	}
	for (unsigned i = 1; i <= need; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0xFFFD;  /* also stops at the NUL */
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0xFFFD;
	*len = (int)need + 1;
	return (wchar_t)cp;
}

int text_decode(const char *s, wchar_t *out, int cap, int ascii_only)
{
	const unsigned char *p = (const unsigned char *)s;
	int n = 0;

	while (*p && n < cap) {
		int len;
		wchar_t c = decode1(p, &len);

		p += len;
		if (c < 0x20 || c == 0x7F || (ascii_only && c > 0x7E))
			c = '?';
		out[n++] = c;
	}
	return n;
}

int text_wcwidth(wchar_t c)
{
	int w = wcwidth(c);

	return w < 0 ? 1 : w;
}

int text_fit(const wchar_t *w, int n, int cols, int ellipsis, int *width)
{
	int used = 0, i;

	for (i = 0; i < n; i++) {
		int cw = text_wcwidth(w[i]);

		if (used + cw > cols)
			break;
		used += cw;
	}
	if (i < n && ellipsis) {
		/* back off until one column is free for the ellipsis */
		while (i > 0 && used + 1 > cols) {
			i--;
			used -= text_wcwidth(w[i]);
		}
	}
	if (width)
		*width = used;
	return i;
}

int text_cut(const char *s, int cols, int ascii_only, char *out, size_t n)
{
	wchar_t w[512];
	int len = text_decode(s, w, 512, ascii_only), used;
	int keep = text_fit(w, len, cols, 1, &used);
	size_t o = 0;

	if (n == 0)
		return 0;
	for (int i = 0; i < keep; i++) {
		char mb[8];
		mbstate_t st;
		size_t k;

		memset(&st, 0, sizeof st);
		k = wcrtomb(mb, w[i], &st);
		if (k == (size_t)-1) {
			mb[0] = '?';
			k = 1;
		}
		if (o + k >= n)
			break;
		memcpy(out + o, mb, k);
		o += k;
	}
	if (keep < len && used < cols) {
		const char *ell = ascii_only ? "~" : "\xe2\x80\xa6";
		size_t k = strlen(ell);

		if (o + k < n) {
			memcpy(out + o, ell, k);
			o += k;
			used++;
		}
	}
	out[o] = '\0';
	return used;
}

size_t text_wrap(const char *s, int cols, const char **next)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t at_space = 0, end;
	int used = 0;

	while (*p) {
		int len, cw;
		wchar_t c = decode1(p, &len);

		cw = text_wcwidth(c);
		if (used + cw > cols && p > (const unsigned char *)s)
			break;
		if (c == ' ')
			at_space = (size_t)(p - (const unsigned char *)s);
		used += cw;
		p += len;
	}
	end = (size_t)(p - (const unsigned char *)s);
	/* cut: break at the last space, when there is a word before it */
	if (*p && *p != ' ' && at_space > 0)
		end = at_space;
	p = (const unsigned char *)s + end;
	while (*p == ' ')
		p++;
	*next = (const char *)p;
	/* no spaces at the end of the line */
	while (end > 0 && s[end - 1] == ' ')
		end--;
	return end;
}

int text_contains_ci(const char *hay, const char *needle)
{
	const unsigned char *h = (const unsigned char *)hay;

	if (!*needle)
		return 1;
	for (; *h; ) {
		const unsigned char *a = h, *b = (const unsigned char *)needle;
		int la, lb;

		while (*a && *b &&
		       towlower((wint_t)decode1(a, &la)) ==
		       towlower((wint_t)decode1(b, &lb))) {
			a += la;
			b += lb;
		}
		if (!*b)
			return 1;
		decode1(h, &la);
		h += la;
	}
	return 0;
}
