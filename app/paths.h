/* paths.h -- where the dataset is, when the user did not say.
 *
 * Order: --data (or `data:` in config.yaml, already merged into the
 * request), then data/ml-100k under the current directory (where
 * `make data` puts it in a source tree), then
 * $XDG_DATA_HOME/collabtui/ml-100k (else ~/.local/share/collabtui/ml-100k).
 */
#ifndef COLLABTUI_DATADIR_H
#define COLLABTUI_DATADIR_H

#include <stddef.h>

/* Write the dataset path to use into buf.  requested is the user's choice
 * ("" for none).  Returns 0, or -1 with err saying where it looked and how
 * to get the data. */
int paths_find_data(const char *requested, char *buf, size_t n, char *err, size_t errlen);

#endif
