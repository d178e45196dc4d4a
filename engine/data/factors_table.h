/* factors_table.h -- building a struct factors (factors.h), for its
 * readers (factors.c, sparkjson.c) only. */
#ifndef COLLABTUI_FACTORS_TABLE_H
#define COLLABTUI_FACTORS_TABLE_H

#include "factors.h"

/* Add path to t's files: the rows added next come from it.  0, or -1
 * when memory runs out. */
int factors_add_file(struct factors *t, const char *path);

/* Append a row: its key (keylen bytes), line, t->k factors from f (NULL
 * when t->k is 0) and, when bias is not NULL, its bias.  *cap is the
 * rows allocated, 0 at first.  0, or -1 when memory runs out.  Every row
 * of a table has a bias or none does. */
int factors_add_row(struct factors *t, size_t *cap, const char *key, size_t keylen,
		    unsigned long line, const float *f, const float *bias);

/* A number in s[0..n) as strtod reads the whole of it, finite and within
 * float32's range, rounded to float; 0, or -1. */
int factors_number(const char *s, size_t n, float *out);

#endif
