/* paths.h -- where collabtui's files are: the one place that reads the
 * XDG base directory variables, and where the dataset is when the user
 * did not say.
 *
 * The user's directories follow the XDG base directory spec:
 *   config  $XDG_CONFIG_HOME/collabtui, else $HOME/.config/collabtui
 *   data    $XDG_DATA_HOME/collabtui,   else $HOME/.local/share/collabtui
 * A relative XDG_* value is ignored, as the spec says.  (The engine's run
 * history, engine/data/history.c, still resolves its own path: the engine
 * sits below app/ and cannot call this.)
 *
 * The dataset, in order: --data (or `data:` in config.yaml, already merged
 * into the request), then data/ml-100k under the current directory (where
 * `make data` puts it in a source tree), then the data directory's
 * ml-100k.
 */
#ifndef COLLABTUI_PATHS_H
#define COLLABTUI_PATHS_H

#include <stddef.h>

enum paths_dir {
	PATHS_CONFIG,           /* settings and themes */
	PATHS_DATA,             /* datasets, your ratings, the run history */
};

/* Write the path of `file` ("config.yaml", "themes", "ml-100k") in the
 * user's directory of that kind to buf.  Returns 0; -1 when neither the
 * XDG variable (absolute) nor HOME is set, -2 when buf is too small (buf
 * is then ""). */
int paths_user_file(enum paths_dir dir, const char *file, char *buf, size_t n);

/* The configuration file to read when --config does not name one: the
 * user's config.yaml if it exists, else the installed one
 * (COLLABTUI_DATADIR/config.yaml) if it exists, else config.yaml in the
 * current directory.  Returns buf, or NULL when buf is too small. */
const char *paths_config_file(char *buf, size_t n);

/* Write the dataset path to use into buf.  requested is the user's choice
 * ("" for none).  Returns 0, or -1 with err saying where it looked and how
 * to get the data. */
int paths_find_data(const char *requested, char *buf, size_t n, char *err, size_t errlen);

#endif
