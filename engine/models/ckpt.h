/* ckpt.h -- saved models: a versioned, checksummed, portable file format.
 *
 * Layout (format version 2; version 1 is the same for dot and dotbias,
 * which had no nn section, and is still read).  Every integer is little-endian, every float
 * is IEEE-754 binary32/binary64 stored as its little-endian bit pattern, so
 * a file moves between machines unchanged.  Offsets in bytes:
 *
 *     0  magic        8   "CLBTUI\0\1" (never changes; identifies the type)
 *     8  version      u32 CKPT_VERSION
 *    12  kind         u32 enum eng_model_kind (0 dot, 1 dotbias, 2 nn)
 *    16  n_users      u32
 *    20  n_items      u32
 *    24  n_factors    u32
 *    28  use_y_range  u32 0 or 1
 *    32  y_lo         f32
 *    36  y_hi         f32
 *    40  n_params     u64 must equal model_param_count(cfg)
 *    48  dataset      char[64]  NUL-terminated, zero-padded
 *   112  item_key     i32
 *   116  format       i32
 *   120  n_ratings    u64
 *   128  epochs       u32
 *   132  (reserved)   u32 zero
 *   136  valid_loss   f64
 *   144  seed         u64
 *   152  hparams      char[256] NUL-terminated, zero-padded
 *   408  params       f32 x n_params, model->params in memory order
 *   ...  crc32        u32 CRC-32 (IEEE 802.3, as zlib/PNG) of bytes [0, here)
 *
 * A kind 2 (nn) file has, between the header and the params, the nn
 * section (CKPT_NN_SIZE bytes):
 *   408  n_layers     u32 1..ENG_NN_LAYERS_MAX
 *   412  layers       u32 x ENG_NN_LAYERS_MAX, unused ones zero
 *   428  emb_drop     f32
 *   432  ps           f32
 *   436  n_buffers    u64 BatchNorm running statistics after the params
 *   444  (reserved)   u32 zero
 * and its params are followed by the n_buffers floats (embnn.h's layout).
 *
 * So a dot or dotbias file is exactly CKPT_HEADER_SIZE + 4 * n_params + 4
 * bytes.  The params are dumped in model.h's flat layout (user_f, item_f,
 * user_b, item_b); any change to that layout, or to this header, must bump
 * CKPT_VERSION.  Newer versions are refused rather than guessed at.
 */
#ifndef COLLABTUI_CKPT_H
#define COLLABTUI_CKPT_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define CKPT_VERSION       2u
#define CKPT_NN_SIZE       40u    /* bytes of the nn section */
#define CKPT_HEADER_SIZE   408u   /* bytes before the first parameter */
#define CKPT_DATASET_MAX   64     /* sizeof ckpt_meta.dataset */
#define CKPT_HPARAMS_MAX   256    /* sizeof ckpt_meta.hparams */

/* What the trainer knew when it saved: enough to tell the user what a
 * model file is and to refuse pairing it with the wrong dataset.  A plain
 * value struct; zero it, then fill what is known. */
struct ckpt_meta {
	char dataset[CKPT_DATASET_MAX];   /* ds_name(), NUL-terminated */
	int item_key;                     /* enum eng_item_key of the item indices */
	int format;                       /* enum eng_format the data came from */
	uint64_t n_ratings;               /* ratings in the dataset */
	uint32_t epochs;                  /* epochs trained so far */
	double valid_loss;                /* last validation MSE; NaN if none */
	uint64_t seed;                    /* rng seed of init and shuffling */
	char hparams[CKPT_HPARAMS_MAX];   /* free-form, e.g. "lr=5e-3 wd=0.1" */
};

/* Write model m and its metadata to path, atomically (afile.h): the old
 * file at path, if any, stays intact until the new one is complete and
 * synced.  The strings in meta are written up to their first NUL; one
 * that fills its whole array is cut to size - 1 bytes.  m and meta are only
 * read.  Returns 0 on success; on failure returns -1 with a message naming
 * the file and the failed step in err (errlen bytes; err may be NULL when
 * errlen is 0).  Never prints, never exits. */
int ckpt_save(const char *path, const struct model *m,
	      const struct ckpt_meta *meta, char *err, size_t errlen);

/* Read a model saved by ckpt_save.  Returns a new model (free it with
 * model_free) whose cfg and every parameter are bit-identical to what was
 * saved, and stores the metadata in *meta_out (may be NULL to skip it).
 * On failure returns NULL, leaves *meta_out unspecified, and writes a
 * message that begins with path into err.  Refused: a file that cannot be
 * opened or read (strerror), anything but a regular file, an empty file, a wrong magic ("not a
 * collabtui model file"), another format version, a short file
 * ("truncated: expected X bytes, file has Y"), bytes after the checksum, a
 * header that contradicts itself (cfg rejected by model_cfg_check,
 * n_params not model_param_count(cfg), an item_key or format that is not
 * one of its enum's values: the message names the field), a checksum
 * mismatch, and a parameter that is NaN or infinite (a diverged run's
 * model: "parameter N of M is NaN").  The header
 * is validated against the file's real size before anything is allocated,
 * so a corrupt size field cannot cause a huge allocation. */
struct model *ckpt_load(const char *path, struct ckpt_meta *meta_out,
			char *err, size_t errlen);

#endif
