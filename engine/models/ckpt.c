/* ckpt.c -- saving and loading models (format described in ckpt.h).
 *
 * Every field is serialised byte by byte into a header buffer; no struct is
 * ever written or read whole, so padding, host byte order and enum sizes
 * never reach the file.  Loading checks, in this order, the things that can
 * be checked before trusting anything else: file size > 0, magic, version,
 * header self-consistency, exact file size; only then does it allocate the
 * model (whose size is now bounded by bytes really on disk), and reads the
 * parameters while computing the CRC.
 */
#include "ckpt.h"
#include "errmsg.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "embnn.h"

static_assert(sizeof(float) == 4 && FLT_RADIX == 2 && FLT_MANT_DIG == 24,
	      "the file format stores IEEE-754 binary32 floats");
static_assert(sizeof(double) == 8 && DBL_MANT_DIG == 53,
	      "the file format stores IEEE-754 binary64 doubles");

static const unsigned char ckpt_magic[8] = { 'C', 'L', 'B', 'T', 'U', 'I', 0, 1 };

/* Field offsets (see the table in ckpt.h). */
enum {
	OFF_MAGIC = 0,
	OFF_VERSION = 8,
	OFF_KIND = 12,
	OFF_N_USERS = 16,
	OFF_N_ITEMS = 20,
	OFF_N_FACTORS = 24,
	OFF_USE_Y_RANGE = 28,
	OFF_Y_LO = 32,
	OFF_Y_HI = 36,
	OFF_N_PARAMS = 40,
	OFF_DATASET = 48,
	OFF_ITEM_KEY = OFF_DATASET + CKPT_DATASET_MAX,          /* 112 */
	OFF_FORMAT = 116,
	OFF_N_RATINGS = 120,
	OFF_EPOCHS = 128,
	OFF_RESERVED = 132,
	OFF_VALID_LOSS = 136,
	OFF_SEED = 144,
	OFF_HPARAMS = 152,
	OFF_END = OFF_HPARAMS + CKPT_HPARAMS_MAX,              /* 408 */
};
static_assert(OFF_ITEM_KEY == 112 && OFF_END == CKPT_HEADER_SIZE,
	      "header table in ckpt.h and offsets here disagree");

/* The nn section's field offsets, from its start (see ckpt.h). */
enum {
	NN_N_LAYERS = 0,
	NN_LAYERS = 4,
	NN_EMB_DROP = NN_LAYERS + 4 * ENG_NN_LAYERS_MAX,        /* 20 */
	NN_PS = 24,
	NN_N_BUFFERS = 28,
	NN_RESERVED = 36,
	NN_END = 40,
};
static_assert(NN_EMB_DROP == 20 && NN_END == CKPT_NN_SIZE,
	      "nn section table in ckpt.h and offsets here disagree");

#define CHUNK_FLOATS 4096   /* parameters converted per read/write */

/* ---- little-endian fields ----------------------------------------------- */

static void put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_f32(unsigned char *p, float f)
{
	uint32_t v;
	memcpy(&v, &f, sizeof v);
	put_u32(p, v);
}

static float get_f32(const unsigned char *p)
{
	uint32_t v = get_u32(p);
	float f;
	memcpy(&f, &v, sizeof f);
	return f;
}

static void put_f64(unsigned char *p, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof v);
	put_u64(p, v);
}

static double get_f64(const unsigned char *p)
{
	uint64_t v = get_u64(p);
	double d;
	memcpy(&d, &v, sizeof d);
	return d;
}

/* u32 -> i32 two's complement; the other way is a plain (uint32_t) cast,
 * which C defines as reduction modulo 2^32. */
static int32_t bits_i32(uint32_t v)
{
	return v <= INT32_MAX ? (int32_t)v : (int32_t)((int64_t)v - 0x100000000LL);
}

/* ---- CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) ---------------- */

/* The table is rebuilt per save/load (2K operations, nothing next to the
 * I/O) so that there is no global state to initialise across threads. */
struct crc32 {
	uint32_t table[256];
	uint32_t v;
};

static void crc_init(struct crc32 *c)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t v = i;
		for (int b = 0; b < 8; b++)
			v = (v >> 1) ^ (0xEDB88320u & (0u - (v & 1u)));
		c->table[i] = v;
	}
	c->v = 0xFFFFFFFFu;
}

static void crc_update(struct crc32 *c, const unsigned char *p, size_t n)
{
	uint32_t v = c->v;
	while (n--)
		v = c->table[(v ^ *p++) & 0xFFu] ^ (v >> 8);
	c->v = v;
}

static uint32_t crc_final(const struct crc32 *c)
{
	return c->v ^ 0xFFFFFFFFu;
}

/* ---- helpers ------------------------------------------------------------ */

/* Copy a string field into the zeroed header: at most size - 1 bytes, so
 * the stored field always holds a NUL. */
static void put_str(unsigned char *p, const char *s, size_t size)
{
	size_t n = strnlen(s, size - 1);
	memcpy(p, s, n);
}

/* ---- save --------------------------------------------------------------- */

static void encode_header(unsigned char *h, const struct model *m,
			  const struct ckpt_meta *meta)
{
	const struct eng_model_hp *c = &m->cfg;

	memset(h, 0, CKPT_HEADER_SIZE);
	memcpy(h + OFF_MAGIC, ckpt_magic, sizeof ckpt_magic);
	put_u32(h + OFF_VERSION, CKPT_VERSION);
	put_u32(h + OFF_KIND, (uint32_t)c->kind);
	put_u32(h + OFF_N_USERS, c->n_users);
	put_u32(h + OFF_N_ITEMS, c->n_items);
	put_u32(h + OFF_N_FACTORS, (uint32_t)c->n_factors);
	put_u32(h + OFF_USE_Y_RANGE, c->use_y_range ? 1u : 0u);
	put_f32(h + OFF_Y_LO, c->y_lo);
	put_f32(h + OFF_Y_HI, c->y_hi);
	put_u64(h + OFF_N_PARAMS, (uint64_t)m->n_params);
	put_str(h + OFF_DATASET, meta->dataset, CKPT_DATASET_MAX);
	put_u32(h + OFF_ITEM_KEY, (uint32_t)meta->item_key);
	put_u32(h + OFF_FORMAT, (uint32_t)meta->format);
	put_u64(h + OFF_N_RATINGS, meta->n_ratings);
	put_u32(h + OFF_EPOCHS, meta->epochs);
	put_f64(h + OFF_VALID_LOSS, meta->valid_loss);
	put_u64(h + OFF_SEED, meta->seed);
	put_str(h + OFF_HPARAMS, meta->hparams, CKPT_HPARAMS_MAX);
}

static void encode_nn(unsigned char *s, const struct model *m)
{
	const struct eng_model_hp *c = &m->cfg;

	memset(s, 0, CKPT_NN_SIZE);
	put_u32(s + NN_N_LAYERS, (uint32_t)c->n_layers);
	for (int l = 0; l < c->n_layers; l++)
		put_u32(s + NN_LAYERS + 4 * l, (uint32_t)c->layers[l]);
	put_f32(s + NN_EMB_DROP, c->emb_drop);
	put_f32(s + NN_PS, c->ps);
	put_u64(s + NN_N_BUFFERS, (uint64_t)m->n_buffers);
}

int ckpt_save(const char *path, const struct model *m,
	      const struct ckpt_meta *meta, char *err, size_t errlen)
{
	unsigned char hdr[CKPT_HEADER_SIZE];
	unsigned char buf[CHUNK_FLOATS * 4];
	struct crc32 crc;
	struct afile *f;

	assert(path && m && meta);
	assert(m->n_params == model_param_count(&m->cfg));
	assert(m->cfg.n_factors >= 1);

	f = afile_open(path, err, errlen);
	if (!f)
		return -1;
	crc_init(&crc);
	encode_header(hdr, m, meta);
	crc_update(&crc, hdr, sizeof hdr);
	afile_write(f, hdr, sizeof hdr);
	if (m->cfg.kind == ENG_MODEL_NN) {
		encode_nn(buf, m);
		crc_update(&crc, buf, CKPT_NN_SIZE);
		afile_write(f, buf, CKPT_NN_SIZE);
	}
	size_t total = m->n_params + m->n_buffers;
	for (size_t i = 0; i < total; i += CHUNK_FLOATS) {
		size_t n = total - i < CHUNK_FLOATS ? total - i : CHUNK_FLOATS;
		for (size_t j = 0; j < n; j++)
			put_f32(buf + 4 * j, m->params[i + j]);
		crc_update(&crc, buf, 4 * n);
		if (afile_write(f, buf, 4 * n) != 0)
			break;  /* remembered; afile_commit reports it */
	}
	put_u32(buf, crc_final(&crc));
	afile_write(f, buf, 4);
	return afile_commit(f, err, errlen);
}

/* ---- load --------------------------------------------------------------- */

/* Read exactly n bytes.  0 on success, an errno on a read error, -1 if the
 * file ended first. */
static int read_exact(FILE *fp, void *buf, size_t n)
{
	if (fread(buf, 1, n, fp) == n)
		return 0;
	return ferror(fp) ? (errno ? errno : EIO) : -1;
}

/* Decode and cross-check the model part of the header, and of the nn
 * section (sec, NULL for the other kinds).  Returns NULL when it is
 * consistent (cfg filled in), else a description of the problem in why
 * (whylen bytes). */
static const char *decode_cfg(const unsigned char *h, const unsigned char *sec,
			      struct eng_model_hp *cfg, char *why, size_t whylen)
{
	uint32_t kind = get_u32(h + OFF_KIND);
	uint32_t k = get_u32(h + OFF_N_FACTORS);
	uint32_t yr = get_u32(h + OFF_USE_Y_RANGE);
	uint64_t n_params = get_u64(h + OFF_N_PARAMS);
	const char *bad;

	if (kind != ENG_MODEL_DOT && kind != ENG_MODEL_DOTBIAS && !(kind == ENG_MODEL_NN && sec)) {
		snprintf(why, whylen, "unknown model kind %" PRIu32, kind);
		return why;
	}
	if (k > INT_MAX) {
		snprintf(why, whylen, "number of factors %" PRIu32 " is out of range", k);
		return why;
	}
	if (yr > 1) {
		snprintf(why, whylen, "y_range flag is %" PRIu32 ", not 0 or 1", yr);
		return why;
	}
	memset(cfg, 0, sizeof *cfg);
	cfg->kind = kind == ENG_MODEL_DOT ? ENG_MODEL_DOT : kind == ENG_MODEL_NN ? ENG_MODEL_NN : ENG_MODEL_DOTBIAS;
	if (sec) {
		uint32_t nl = get_u32(sec + NN_N_LAYERS);
		if (nl < 1 || nl > ENG_NN_LAYERS_MAX) {
			snprintf(why, whylen, "%" PRIu32 " hidden layers, not 1..%d", nl,
				 ENG_NN_LAYERS_MAX);
			return why;
		}
		cfg->n_layers = (int)nl;
		for (uint32_t l = 0; l < nl; l++) {
			uint32_t w = get_u32(sec + NN_LAYERS + 4 * l);
			cfg->layers[l] = w > 4096 ? 0 : (int)w;        /* 0: refused below */
		}
		cfg->emb_drop = get_f32(sec + NN_EMB_DROP);
		cfg->ps = get_f32(sec + NN_PS);
	}
	cfg->n_users = get_u32(h + OFF_N_USERS);
	cfg->n_items = get_u32(h + OFF_N_ITEMS);
	cfg->n_factors = (int)k;
	cfg->use_y_range = (int)yr;
	cfg->y_lo = get_f32(h + OFF_Y_LO);
	cfg->y_hi = get_f32(h + OFF_Y_HI);
	bad = model_cfg_check(cfg);
	if (bad) {
		snprintf(why, whylen, "%s", bad);
		return why;
	}
	size_t count = model_param_count(cfg);
	if (n_params != (uint64_t)count ||
	    n_params > (UINT64_MAX - CKPT_HEADER_SIZE - 4) / 4) {
		snprintf(why, whylen,
			 "it declares %" PRIu64 " parameters but a %s model of "
			 "%" PRIu32 " users, %" PRIu32 " items and %d factors has %zu",
			 n_params, model_kind_name(cfg->kind), cfg->n_users,
			 cfg->n_items, cfg->n_factors, count);
		return why;
	}
	size_t n_buffers = 0;
	if (sec && (embnn_param_count(cfg, &n_buffers),
		    get_u64(sec + NN_N_BUFFERS) != (uint64_t)n_buffers)) {
		snprintf(why, whylen, "it declares %" PRIu64 " running statistics but its "
			 "layers have %zu", get_u64(sec + NN_N_BUFFERS), n_buffers);
		return why;
	}
	return NULL;
}

/* Whether v names an enum eng_item_key.  A switch over the enum, so that
 * a key added to msg.h and not here is a compiler warning. */
static int item_key_known(uint32_t v)
{
	if (v > INT32_MAX)
		return 0;
	switch ((enum eng_item_key)v) {
	case ENG_ITEM_KEY_ID:
	case ENG_ITEM_KEY_TITLE:
		return 1;
	}
	return 0;
}

/* Whether v names an enum eng_format (as item_key_known). */
static int format_known(uint32_t v)
{
	if (v > INT32_MAX)
		return 0;
	switch ((enum eng_format)v) {
	case ENG_FMT_AUTO:
	case ENG_FMT_ML100K:
	case ENG_FMT_MLDAT:
	case ENG_FMT_MLCSV:
	case ENG_FMT_CSV:
	case ENG_FMT_TSV:
	case ENG_FMT_DEMO:
		return 1;
	}
	return 0;
}

/* The metadata, every field range-checked: strings must hold their NUL
 * and the enums must name one of their values.  NULL when it is
 * acceptable (meta filled in), else a description naming the bad field in
 * why (whylen bytes). */
static const char *decode_meta(const unsigned char *h, struct ckpt_meta *meta,
			       char *why, size_t whylen)
{
	uint32_t item_key = get_u32(h + OFF_ITEM_KEY);
	uint32_t format = get_u32(h + OFF_FORMAT);

	if (!item_key_known(item_key)) {
		snprintf(why, whylen, "item_key is %" PRIu32 ", not %d (id) or %d (title)",
			 item_key, ENG_ITEM_KEY_ID, ENG_ITEM_KEY_TITLE);
		return why;
	}
	if (!format_known(format)) {
		snprintf(why, whylen, "format is %" PRIu32 ", not a dataset format "
			 "(%d..%d)", format, ENG_FMT_AUTO, ENG_FMT_DEMO);
		return why;
	}
	memset(meta, 0, sizeof *meta);
	memcpy(meta->dataset, h + OFF_DATASET, CKPT_DATASET_MAX);
	meta->item_key = bits_i32(get_u32(h + OFF_ITEM_KEY));
	meta->format = bits_i32(get_u32(h + OFF_FORMAT));
	meta->n_ratings = get_u64(h + OFF_N_RATINGS);
	meta->epochs = get_u32(h + OFF_EPOCHS);
	meta->valid_loss = get_f64(h + OFF_VALID_LOSS);
	meta->seed = get_u64(h + OFF_SEED);
	memcpy(meta->hparams, h + OFF_HPARAMS, CKPT_HPARAMS_MAX);
	if (!memchr(meta->dataset, 0, CKPT_DATASET_MAX) ||
	    !memchr(meta->hparams, 0, CKPT_HPARAMS_MAX)) {
		snprintf(why, whylen, "a metadata string is not NUL-terminated");
		return why;
	}
	return NULL;
}


struct model *ckpt_load(const char *path, struct ckpt_meta *meta_out,
			char *err, size_t errlen)
{
	unsigned char hdr[CKPT_HEADER_SIZE];
	unsigned char sec[CKPT_NN_SIZE];
	unsigned char buf[CHUNK_FLOATS * 4];
	const uint64_t min_size = CKPT_HEADER_SIZE + 4;
	uint32_t version = 0;
	int has_nn = 0;
	struct eng_model_hp cfg;
	struct ckpt_meta meta;
	struct model *m = NULL;
	struct crc32 crc;
	struct stat st;
	char why[256];
	uint64_t size, expected;
	size_t want;
	int e, fd;
	FILE *fp;

	assert(path);
	/* a regular file only: a FIFO given by mistake must not block the
	 * engine */
	fd = afile_open_read(path, err, errlen);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) != 0) {
		errmsg_set(err, errlen, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	fp = fdopen(fd, "rb");
	if (!fp) {
		errmsg_set(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	size = (uint64_t)st.st_size;
	if (size == 0) {
		errmsg_set(err, errlen, "%s: empty file, not a collabtui model", path);
		goto fail;
	}

	want = size < CKPT_HEADER_SIZE ? (size_t)size : CKPT_HEADER_SIZE;
	e = read_exact(fp, hdr, want);
	if (e)
		goto read_fail;
	if (memcmp(hdr, ckpt_magic, want < 8 ? want : 8) != 0) {
		errmsg_set(err, errlen, "%s: not a collabtui model file (bad magic)", path);
		goto fail;
	}
	if (size >= OFF_VERSION + 4) {
		version = get_u32(hdr + OFF_VERSION);
		if (version < 1 || version > CKPT_VERSION) {
			errmsg_set(err, errlen,
				"%s: was written by format version %" PRIu32
				"; this collabtui reads versions 1 to %u",
				path, version, CKPT_VERSION);
			goto fail;
		}
	}
	if (size < min_size) {
		errmsg_set(err, errlen,
			"%s: truncated: expected at least %" PRIu64
			" bytes, file has %" PRIu64, path, min_size, size);
		goto fail;
	}
	/* version 1 knew no nn model: its kind 2 is refused as unknown */
	has_nn = version >= 2 && get_u32(hdr + OFF_KIND) == ENG_MODEL_NN;
	if (has_nn && size >= min_size + CKPT_NN_SIZE) {
		e = read_exact(fp, sec, CKPT_NN_SIZE);
		if (e)
			goto read_fail;
	} else if (has_nn) {
		errmsg_set(err, errlen,
			"%s: truncated: expected at least %" PRIu64
			" bytes, file has %" PRIu64, path, min_size + CKPT_NN_SIZE, size);
		goto fail;
	}
	if (decode_cfg(hdr, has_nn ? sec : NULL, &cfg, why, sizeof why)) {
		errmsg_set(err, errlen, "%s: inconsistent header (corrupt file?): %s",
			path, why);
		goto fail;
	}
	size_t n_buffers = 0;
	if (has_nn)
		embnn_param_count(&cfg, &n_buffers);
	expected = CKPT_HEADER_SIZE + (has_nn ? CKPT_NN_SIZE : 0) +
		   4 * ((uint64_t)model_param_count(&cfg) + n_buffers) + 4;
	if (size < expected) {
		errmsg_set(err, errlen,
			"%s: truncated: expected %" PRIu64 " bytes, file has %" PRIu64,
			path, expected, size);
		goto fail;
	}
	if (size > expected) {
		errmsg_set(err, errlen,
			"%s: trailing bytes: expected %" PRIu64 " bytes, file has %"
			PRIu64, path, expected, size);
		goto fail;
	}

	m = model_new(&cfg, why, sizeof why);
	if (!m) {
		errmsg_set(err, errlen, "%s: %s", path, why);
		goto fail;
	}
	crc_init(&crc);
	crc_update(&crc, hdr, sizeof hdr);
	if (has_nn)
		crc_update(&crc, sec, CKPT_NN_SIZE);
	size_t total = m->n_params + m->n_buffers;
	for (size_t i = 0; i < total; i += CHUNK_FLOATS) {
		size_t n = total - i < CHUNK_FLOATS ? total - i : CHUNK_FLOATS;
		e = read_exact(fp, buf, 4 * n);
		if (e)
			goto read_fail;
		crc_update(&crc, buf, 4 * n);
		for (size_t j = 0; j < n; j++)
			m->params[i + j] = get_f32(buf + 4 * j);
	}
	e = read_exact(fp, buf, 4);
	if (e)
		goto read_fail;
	if (get_u32(buf) != crc_final(&crc)) {
		errmsg_set(err, errlen, "%s: checksum mismatch: the file is corrupt", path);
		goto fail;
	}
	if (decode_meta(hdr, &meta, why, sizeof why)) {
		errmsg_set(err, errlen, "%s: inconsistent header (corrupt file?): %s",
			path, why);
		goto fail;
	}
	/* a diverged run's model: every prediction from it would be NaN */
	size_t bad = model_first_non_finite(m);
	if (bad < total) {
		errmsg_set(err, errlen, "%s: parameter %zu of %zu is %s, not a finite "
			"number: the model diverged in training and is of no use",
			path, bad, total, isnan(m->params[bad]) ? "NaN" : "infinite");
		goto fail;
	}
	fclose(fp);
	if (meta_out)
		*meta_out = meta;
	return m;

read_fail:
	if (e > 0)
		errmsg_set(err, errlen, "%s: read error: %s", path, strerror(e));
	else    /* the file shrank after fstat */
		errmsg_set(err, errlen, "%s: truncated while reading", path);
fail:
	model_free(m);
	fclose(fp);
	return NULL;
}
