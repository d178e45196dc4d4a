/* import.h -- a model from factors trained elsewhere (`collabtui import`):
 * the tables factors.h reads, checked against the loaded dataset.
 *
 * Every user and every item of the dataset must have exactly one row, and
 * every row must name one of them: users by id, items by id or (under the
 * title key) by title.  The user and item factors must have one width k.
 * Biases come from a `bias` column of the factors' CSV or from a bias file
 * (CSV id,bias or a 1-D .npy), not both; a side without any has zeros;
 * global_bias is added (in float32) into every item bias, since the
 * chapter's model has none of its own.  The model is ENG_MODEL_DOT when
 * there is no bias at all, else ENG_MODEL_DOTBIAS; its parameters are the
 * file's float32 values bit for bit (float64 ones rounded).
 */
#ifndef COLLABTUI_IMPORT_H
#define COLLABTUI_IMPORT_H

#include <stddef.h>

#include "dataset.h"
#include "model.h"

/* The model of a's files for ds loaded with item key key, or NULL with
 * "FILE:LINE: what was wrong" (or "FILE: ...") in err. */
struct model *import_model(const struct ds *ds, enum eng_item_key key,
			   const struct eng_import_args *a, char *err, size_t errlen);

/* The ids file of a .npy of users (users 1) or items, into buf: user_ids.txt,
 * item_ids.txt or (title key) item_titles.txt in the .npy's directory. */
const char *import_ids_path(const char *npy_path, int users, enum eng_item_key key,
			    char *buf, size_t n);

#endif
