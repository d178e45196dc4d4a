/* summary.h -- descriptive statistics of a loaded dataset.
 *
 * struct eng_summary (msg.h) holds no pointer into the dataset (titles
 * are copied), so it can travel through the engine's message queue as is.
 */
#ifndef COLLABTUI_SUMMARY_H
#define COLLABTUI_SUMMARY_H

#include <stdint.h>

#include "dataset.h"

/* Fill out from ds.  0 on success, -1 when memory runs out. */
int summary_compute(const struct ds *ds, struct eng_summary *out);

#endif
