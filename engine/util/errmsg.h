/* errmsg.h -- filling a caller's error buffer, the engine's one way of
 * saying what went wrong (it never prints). */
#ifndef COLLABTUI_ERRMSG_H
#define COLLABTUI_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* printf into err (errlen bytes, always terminated); a NULL or empty
 * buffer is allowed and gets nothing. */
__attribute__((format(printf, 3, 4)))
static inline void errmsg_set(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

#endif
