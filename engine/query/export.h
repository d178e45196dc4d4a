/* export.h -- the current model written out for other tools (`collabtui
 * export`, the interface's export key): CSV with a header for pandas, and
 * .npy for numpy, into one directory.
 *
 *   README.txt        what the files are, the dataset ("demo (synthetic)"
 *                     for the demo set), the model, and the import command
 *                     that reads them back
 *   users.csv         id,f1,...,fk[,bias]            one row per user
 *   items.csv         id,title,f1,...,fk[,bias]      one row per item
 *   user_factors.npy  (n_users, k) float32; item_factors.npy (n_items, k)
 *   user_bias.npy     (n_users,) float32; item_bias.npy  (dotbias only)
 *   user_ids.txt      row j's user id on line j + 1; item_ids.txt likewise,
 *                     item_titles.txt the titles (the title key's keys)
 *   pca.csv           id,title,pc1,...  every item on the first (up to 3)
 *                     principal components of the item factors
 *   pca_variance.csv  component,share   share of variance per component
 *   curves.csv        epoch,train_loss,valid_loss   of a run, when one is
 *                     given (valid_loss empty without a validation set)
 *
 * Numbers are written with nine significant digits, which read back to
 * the same float32, so export -> import gives the same model bit for bit.
 * Each file is written atomically (afile.h); an earlier file stays in
 * place when a later one fails.
 */
#ifndef COLLABTUI_EXPORT_H
#define COLLABTUI_EXPORT_H

#include <stddef.h>

#include "dataset.h"
#include "history.h"
#include "insight.h"
#include "model.h"

/* Write m (dot or dotbias, trained on ds loaded with item key key) and, when
 * run is not NULL, its curves, into the existing directory dir.  0 with
 * *out filled, or an enum eng_err with "PATH: reason" in err. */
int export_model(const char *dir, const struct ds *ds, enum eng_item_key key,
		 const struct model *m, struct insight *ins, const struct history_run *run,
		 struct eng_exported *out, char *err, size_t errlen);

#endif
