/* testtext.h -- whether text printed or kept by collabtui is safe for a
 * terminal: valid UTF-8 with no C0 control (newline allowed where asked),
 * no DEL and no C1 control (U+0080..U+009F, the 8-bit CSI among them). */
#ifndef COLLABTUI_TESTTEXT_H
#define COLLABTUI_TESTTEXT_H

#include <stddef.h>

/* 1 when s is terminal-safe text; newlines are allowed when lines is set. */
static inline int text_is_terminal_safe(const char *s, int lines)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; u[i]; i++) {
		if ((u[i] < 0x20 && !(lines && u[i] == '\n')) || u[i] == 0x7F)
			return 0;
		if (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
			return 0;
		if (u[i] >= 0x80) {
			int len = u[i] >= 0xF5 ? 0 : u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 :
				  u[i] >= 0xC2 ? 2 : 0;
			if (!len)
				return 0;
			for (int k = 1; k < len; k++)
				if ((u[i + k] & 0xC0) != 0x80)
					return 0;
			i += (size_t)len - 1;
		}
	}
	return 1;
}

#endif
