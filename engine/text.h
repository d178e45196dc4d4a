/* text.h -- text from files, made safe to show on a terminal.
 *
 * Titles, genres and every other string read from a data file are data,
 * never terminal commands: an ESC, a BEL, an OSC title-setting sequence or
 * an 8-bit CSI (0x9B) inside a title must not reach the terminal.  The
 * engine's dataset loader cleans what it reads once, as it reads it (so
 * the catalogue, summaries, the headless commands and the interface all
 * get clean text); text_clean() is the same cleaning for the few other
 * places that echo file text, such as an error message quoting a line of
 * your ratings file.
 */
#ifndef COLLABTUI_TEXT_H
#define COLLABTUI_TEXT_H

#include <stddef.h>

/* Copy the n bytes of src into dst (dstlen bytes, always NUL-terminated
 * when dstlen > 0), with every C0 control (tab and newline included), DEL,
 * C1 control (U+0080..U+009F) and every byte of malformed UTF-8 replaced by
 * U+FFFD.  What does not fit is cut at a character boundary.  Returns
 * dst, so a call can be a printf argument. */
char *text_clean(char *dst, size_t dstlen, const char *src, size_t n);

#endif
