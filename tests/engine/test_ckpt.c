/* test_ckpt.c -- model files: bit-exact round trips, the on-disk layout,
 * and every refusal ckpt_load promises (each corrupt file is built by
 * editing a good one). */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ckpt.h"
#include "model.h"
#include "rng.h"
#include "testenv.h"

static char scratch[256];  /* short, so scratch/name always fits */

static void scratch_setup(void)
{
	testenv_tmpdir(scratch, sizeof scratch);
}

static void scratch_teardown(void)
{
	testenv_rmdir(scratch);
}

TestSuite(ckpt, .init = scratch_setup, .fini = scratch_teardown);

static const char *in_scratch(const char *name)
{
	return testenv_in(scratch, name);
}

/* ---- helpers: an independent, bitwise CRC-32 and raw file edits -------- */

static uint32_t crc32_bitwise(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int b = 0; b < 8; b++)
			c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
	}
	return ~c;
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void wr32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void wr64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Write b[0..n) to scratch/name. */
static void spit(const char *name, const unsigned char *b, size_t n)
{
	char p[1024];
	testenv_write(p, sizeof p, scratch, name, (const char *)b, n);
}

/* Recompute the trailer so that only the semantic checks can object. */
static void fix_crc(unsigned char *b, size_t n)
{
	wr32(b + n - 4, crc32_bitwise(b, n - 4));
}

/* ---- fixtures ----------------------------------------------------------- */

static struct eng_model_hp small_cfg(enum eng_model_kind kind)
{
	struct eng_model_hp c = model_cfg_default();
	c.kind = kind;
	c.n_users = 5;
	c.n_items = 7;
	c.n_factors = 3;
	c.use_y_range = 1;
	c.y_lo = 0.5f;
	c.y_hi = 5.5f;
	return c;
}

static float f_bits(uint32_t v)
{
	float f;
	memcpy(&f, &v, sizeof f);
	return f;
}

static struct model *small_model(enum eng_model_kind kind)
{
	char err[256];
	struct eng_model_hp c = small_cfg(kind);
	struct model *m = model_new(&c, err, sizeof err);
	struct rng r;

	cr_assert_not_null(m, "%s", err);
	rng_seed(&r, 42);
	model_init(m, &r);
	/* Values a careless text or double round trip would change. */
	m->params[0] = -0.0f;
	m->params[1] = f_bits(0x7f7fffffu);     /* FLT_MAX */
	m->params[2] = f_bits(0x80800000u);     /* -FLT_MIN */
	m->params[3] = f_bits(0x00000001u);     /* smallest subnormal */
	m->params[4] = 0.1f;
	return m;
}

static struct ckpt_meta small_meta(void)
{
	struct ckpt_meta mt;
	memset(&mt, 0, sizeof mt);
	snprintf(mt.dataset, sizeof mt.dataset, "ml-100k");
	mt.item_key = 1;
	mt.format = ENG_FMT_MLDAT;
	mt.n_ratings = 100000;
	mt.epochs = 5;
	mt.valid_loss = 0.8123456789;
	mt.seed = 0xDEADBEEFCAFEF00DULL;
	snprintf(mt.hparams, sizeof mt.hparams, "lr=5e-3 wd=0.1 bs=64 optim=adam");
	return mt;
}

static size_t expected_size(const struct model *m)
{
	return CKPT_HEADER_SIZE + 4 * m->n_params + 4;
}

static void assert_same_model(const struct model *a, const struct model *b)
{
	cr_assert_eq(a->cfg.kind, b->cfg.kind);
	cr_assert_eq(a->cfg.n_users, b->cfg.n_users);
	cr_assert_eq(a->cfg.n_items, b->cfg.n_items);
	cr_assert_eq(a->cfg.n_factors, b->cfg.n_factors);
	cr_assert_eq(a->cfg.use_y_range, b->cfg.use_y_range);
	cr_assert_eq(memcmp(&a->cfg.y_lo, &b->cfg.y_lo, sizeof(float)), 0);
	cr_assert_eq(memcmp(&a->cfg.y_hi, &b->cfg.y_hi, sizeof(float)), 0);
	cr_assert_eq(a->n_params, b->n_params);
	cr_assert_eq(memcmp(a->params, b->params, a->n_params * sizeof(float)), 0,
		     "parameters are not bit-identical");
	cr_assert_eq(a->user_b == NULL, b->user_b == NULL);
	cr_assert_eq(a->item_b == NULL, b->item_b == NULL);
}

static void assert_same_meta(const struct ckpt_meta *a, const struct ckpt_meta *b)
{
	cr_assert_str_eq(a->dataset, b->dataset);
	cr_assert_eq(a->item_key, b->item_key);
	cr_assert_eq(a->format, b->format);
	cr_assert_eq(a->n_ratings, b->n_ratings);
	cr_assert_eq(a->epochs, b->epochs);
	cr_assert_eq(memcmp(&a->valid_loss, &b->valid_loss, sizeof(double)), 0);
	cr_assert_eq(a->seed, b->seed);
	cr_assert_str_eq(a->hparams, b->hparams);
}

/* Save the small model to NAME and return the file's bytes. */
static unsigned char *good_file(const char *name, size_t *len)
{
	char err[256];
	struct model *m = small_model(ENG_MODEL_DOTBIAS);
	struct ckpt_meta mt = small_meta();
	cr_assert_eq(ckpt_save(in_scratch(name), m, &mt, err, sizeof err), 0,
		     "%s", err);
	model_free(m);
	return testenv_slurp(in_scratch(name), len);
}

/* Load NAME expecting refusal with a message that names the file and
 * contains every needle given. */
static void expect_refusal(const char *name, const char *needle1,
			   const char *needle2)
{
	char err[512] = "";
	const char *p = in_scratch(name);
	struct ckpt_meta mt;
	struct model *m = ckpt_load(p, &mt, err, sizeof err);

	cr_assert_null(m, "%s was accepted", name);
	cr_assert_not_null(strstr(err, p), "message does not name the file: %s", err);
	cr_assert_not_null(strstr(err, needle1), "'%s' not in: %s", needle1, err);
	if (needle2)
		cr_assert_not_null(strstr(err, needle2), "'%s' not in: %s", needle2, err);
}

/* ---- round trips and layout --------------------------------------------- */

Test(ckpt, round_trip_dotbias_is_bit_exact)
{
	char err[256];
	struct model *m = small_model(ENG_MODEL_DOTBIAS);
	struct ckpt_meta mt = small_meta(), got_meta;
	const char *p = in_scratch("m.ctm");

	cr_assert_eq(ckpt_save(p, m, &mt, err, sizeof err), 0, "%s", err);
	memset(&got_meta, 0x55, sizeof got_meta);
	struct model *g = ckpt_load(p, &got_meta, err, sizeof err);
	cr_assert_not_null(g, "%s", err);
	assert_same_model(m, g);
	assert_same_meta(&mt, &got_meta);
	/* Views point into the new allocation, laid out as model_new does. */
	cr_assert_eq(g->user_f, g->params);
	cr_assert_eq(memcmp(g->item_b, m->item_b, m->cfg.n_items * sizeof(float)), 0);
	model_free(g);
	model_free(m);
}

Test(ckpt, round_trip_dot_without_y_range)
{
	char err[256];
	struct model *m = small_model(ENG_MODEL_DOT);
	m->cfg.use_y_range = 0;
	struct ckpt_meta mt = small_meta();
	mt.valid_loss = NAN;
	mt.dataset[0] = '\0';
	mt.hparams[0] = '\0';
	const char *p = in_scratch("dot.ctm");

	cr_assert_eq(ckpt_save(p, m, &mt, err, sizeof err), 0, "%s", err);
	struct model *g = ckpt_load(p, NULL, err, sizeof err);
	cr_assert_not_null(g, "%s", err);
	assert_same_model(m, g);
	cr_assert_null(g->user_b);
	struct ckpt_meta got;
	model_free(g);
	g = ckpt_load(p, &got, err, sizeof err);
	cr_assert_not_null(g, "%s", err);
	cr_assert(isnan(got.valid_loss));
	cr_assert_str_eq(got.dataset, "");
	model_free(g);
	model_free(m);
}

Test(ckpt, file_layout_is_little_endian_and_checksummed)
{
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	struct model *m = small_model(ENG_MODEL_DOTBIAS);

	cr_assert_eq(n, expected_size(m));
	cr_assert_eq(memcmp(b, "CLBTUI\0\1", 8), 0);
	cr_assert_eq(rd32(b + 8), CKPT_VERSION);
	cr_assert_eq(rd32(b + 12), 1u);         /* dotbias */
	cr_assert_eq(rd32(b + 16), 5u);
	cr_assert_eq(rd32(b + 20), 7u);
	cr_assert_eq(rd32(b + 24), 3u);
	cr_assert_eq(rd32(b + 28), 1u);
	cr_assert_eq(rd32(b + 32), 0x3f000000u); /* 0.5f */
	cr_assert_eq(rd32(b + 36), 0x40b00000u); /* 5.5f */
	cr_assert_eq(rd32(b + 40), (uint32_t)m->n_params);
	cr_assert_eq(rd32(b + 44), 0u);
	cr_assert_str_eq((const char *)b + 48, "ml-100k");
	cr_assert_eq(rd32(b + 116), (uint32_t)ENG_FMT_MLDAT);
	cr_assert_eq(rd32(b + 144), 0xCAFEF00Du);
	cr_assert_eq(rd32(b + 148), 0xDEADBEEFu);
	/* First parameters, host-independent bit patterns. */
	cr_assert_eq(rd32(b + 408), 0x80000000u);     /* -0.0f */
	cr_assert_eq(rd32(b + 412), 0x7f7fffffu);
	cr_assert_eq(rd32(b + 416), 0x80800000u);
	cr_assert_eq(rd32(b + 424), 0x3dcccccdu);     /* 0.1f */
	cr_assert_eq(rd32(b + n - 4), crc32_bitwise(b, n - 4));
	free(b);
	model_free(m);
}

Test(ckpt, independent_crc_matches_the_standard_check_value)
{
	/* Guards the test's own CRC, which the layout test relies on. */
	cr_assert_eq(crc32_bitwise((const unsigned char *)"123456789", 9),
		     0xCBF43926u);
}

Test(ckpt, save_replaces_atomically_and_leaves_no_temporaries)
{
	char err[256];
	const char *p = in_scratch("m.ctm");
	struct model *a = small_model(ENG_MODEL_DOTBIAS);
	struct model *b = small_model(ENG_MODEL_DOT);
	struct ckpt_meta mt = small_meta();

	cr_assert_eq(ckpt_save(p, a, &mt, err, sizeof err), 0, "%s", err);
	mt.epochs = 9;
	cr_assert_eq(ckpt_save(p, b, &mt, err, sizeof err), 0, "%s", err);
	struct ckpt_meta got;
	struct model *g = ckpt_load(p, &got, err, sizeof err);
	cr_assert_not_null(g, "%s", err);
	assert_same_model(b, g);
	cr_assert_eq(got.epochs, 9u);

	DIR *d = opendir(scratch);
	struct dirent *e;
	int entries = 0;
	while ((e = readdir(d)) != NULL)
		entries += e->d_name[0] != '.';
	closedir(d);
	cr_assert_eq(entries, 1);
	model_free(g);
	model_free(a);
	model_free(b);
}

Test(ckpt, overlong_meta_strings_are_cut_not_overrun)
{
	char err[256];
	struct model *m = small_model(ENG_MODEL_DOT);
	struct ckpt_meta mt = small_meta(), got;
	memset(mt.dataset, 'd', sizeof mt.dataset);     /* no NUL at all */
	memset(mt.hparams, 'h', sizeof mt.hparams);
	const char *p = in_scratch("long.ctm");

	cr_assert_eq(ckpt_save(p, m, &mt, err, sizeof err), 0, "%s", err);
	struct model *g = ckpt_load(p, &got, err, sizeof err);
	cr_assert_not_null(g, "%s", err);
	cr_assert_eq(strlen(got.dataset), CKPT_DATASET_MAX - 1);
	cr_assert_eq(strlen(got.hparams), CKPT_HPARAMS_MAX - 1);
	model_free(g);
	model_free(m);
}

Test(ckpt, save_into_missing_directory_fails)
{
	char err[256] = "";
	struct model *m = small_model(ENG_MODEL_DOT);
	struct ckpt_meta mt = small_meta();
	const char *p = in_scratch("nope/m.ctm");

	cr_assert_eq(ckpt_save(p, m, &mt, err, sizeof err), -1);
	cr_assert_not_null(strstr(err, p), "%s", err);
	cr_assert_not_null(strstr(err, strerror(ENOENT)), "%s", err);
	model_free(m);
}

/* ---- refusals ------------------------------------------------------------ */

Test(ckpt, missing_file)
{
	expect_refusal("absent.ctm", strerror(ENOENT), NULL);
}

Test(ckpt, directory_instead_of_file)
{
	cr_assert_eq(mkdir(in_scratch("adir"), 0755), 0);
	expect_refusal("adir", "not a regular file (a directory)", NULL);
	rmdir(in_scratch("adir"));      /* testenv_rmdir removes files only */
}

Test(ckpt, fifo_is_refused_without_blocking)
{
	cr_assert_eq(mkfifo(in_scratch("pipe"), 0600), 0);
	expect_refusal("pipe", "not a regular file (a FIFO)", NULL);
}

Test(ckpt, empty_file)
{
	spit("empty.ctm", (const unsigned char *)"", 0);
	expect_refusal("empty.ctm", "empty", NULL);
}

Test(ckpt, bad_magic)
{
	const char *text = "196\t242\t3\t881250949\n186\t302\t3\t891717742\n";
	spit("u.data", (const unsigned char *)text, strlen(text));
	expect_refusal("u.data", "not a collabtui model file (bad magic)", NULL);

	spit("tiny", (const unsigned char *)"abc", 3);
	expect_refusal("tiny", "bad magic", NULL);

	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	b[7] ^= 0x01;   /* magic "\0\1" -> "\0\0" */
	spit("m.ctm", b, n);
	expect_refusal("m.ctm", "bad magic", NULL);
	free(b);
}

Test(ckpt, other_format_version)
{
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	wr32(b + 8, CKPT_VERSION + 1);
	fix_crc(b, n);
	spit("m.ctm", b, n);
	char want[128];
	snprintf(want, sizeof want,
		 "was written by format version %u; this collabtui reads versions 1 to %u",
		 CKPT_VERSION + 1, CKPT_VERSION);
	expect_refusal("m.ctm", want, NULL);

	/* The version is judged before the size: a future format may be
	 * shorter, and "truncated" would mislead. */
	spit("m.ctm", b, 12);
	expect_refusal("m.ctm", want, NULL);
	free(b);
}

Test(ckpt, truncated_at_many_offsets)
{
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	const size_t cuts[] = { 1, 4, 7, 8, 11, 12, 40, 47, 48, 200,
				CKPT_HEADER_SIZE - 1, CKPT_HEADER_SIZE,
				CKPT_HEADER_SIZE + 3, CKPT_HEADER_SIZE + 4,
				CKPT_HEADER_SIZE + 5, n / 2, n - 5, n - 4, n - 1 };

	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		char have[64];
		spit("cut.ctm", b, cuts[i]);
		snprintf(have, sizeof have, "file has %zu", cuts[i]);
		expect_refusal("cut.ctm", "truncated: expected", have);
	}
	/* Once the header is complete, the exact size is known. */
	char exact[64];
	snprintf(exact, sizeof exact, "expected %zu bytes, file has %zu", n, n - 1);
	spit("cut.ctm", b, n - 1);
	expect_refusal("cut.ctm", exact, NULL);
	free(b);
}

Test(ckpt, trailing_bytes)
{
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	unsigned char *c = malloc(n + 1);
	memcpy(c, b, n);
	c[n] = '\n';
	spit("m.ctm", c, n + 1);
	char want[96];
	snprintf(want, sizeof want, "trailing bytes: expected %zu bytes, file has %zu",
		 n, n + 1);
	expect_refusal("m.ctm", want, NULL);
	free(c);
	free(b);
}

Test(ckpt, checksum_mismatch)
{
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	/* A parameter, a metadata field, the reserved word, and the CRC itself. */
	const size_t offs[] = { CKPT_HEADER_SIZE + 17, 150, 132, n - 2, 33 };

	for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
		b[offs[i]] ^= 0x10;
		spit("bad.ctm", b, n);
		expect_refusal("bad.ctm", "checksum mismatch: the file is corrupt", NULL);
		b[offs[i]] ^= 0x10;
	}
	free(b);
}

Test(ckpt, every_single_byte_corruption_is_refused)
{
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	char err[512];

	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 2; k++) {
			unsigned char flip = k ? 0x80 : 0x01;
			b[i] ^= flip;
			spit("flip.ctm", b, n);
			err[0] = '\0';
			struct model *m = ckpt_load(in_scratch("flip.ctm"), NULL,
						    err, sizeof err);
			cr_assert_null(m, "flip 0x%02x at offset %zu accepted", flip, i);
			cr_assert_neq(err[0], '\0');
			b[i] ^= flip;
		}
	}
	free(b);
}

Test(ckpt, inconsistent_header_with_valid_checksum)
{
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	unsigned char *c = malloc(n);
	struct {
		size_t off;
		uint32_t val;
		const char *needle;
	} cases[] = {
		{ 12, 9, "unknown model kind 9" },
		{ 12, 0, "declares" },          /* dot: fewer params than stored */
		{ 16, 6, "declares" },          /* one user more */
		{ 24, 0, "number of factors" }, /* model_cfg_check's sentence */
		{ 24, 0x80000000u, "out of range" },
		{ 28, 2, "y_range flag" },
		{ 36, 0x3f000000u, "y_range" }, /* hi 0.5 == lo */
		{ 40, 1, "declares 1 parameters" },
		{ 44, 1, "declares" },          /* high word of n_params */
		/* the enums of the metadata, each named */
		{ 112, 2, "item_key is 2, not 0 (id) or 1 (title)" },
		{ 112, 0xFFFFFFFFu, "item_key is 4294967295" },
		{ 116, 7, "format is 7, not a dataset format" },
		{ 116, 0xFFFFFFFDu, "format is 4294967293" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memcpy(c, b, n);
		wr32(c + cases[i].off, cases[i].val);
		fix_crc(c, n);
		spit("hdr.ctm", c, n);
		expect_refusal("hdr.ctm", "inconsistent header", cases[i].needle);
	}

	/* Metadata strings without their NUL. */
	memcpy(c, b, n);
	memset(c + 48, 'x', CKPT_DATASET_MAX);
	fix_crc(c, n);
	spit("hdr.ctm", c, n);
	expect_refusal("hdr.ctm", "inconsistent header", "NUL");
	free(c);
	free(b);
}

/* A diverged run's model: NaN or infinite parameters anywhere (the first,
 * a bias at the end) are refused, naming the file and the parameter. */
Test(ckpt, non_finite_parameters_are_refused)
{
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	unsigned char *c = malloc(n);
	size_t n_params = (n - CKPT_HEADER_SIZE - 4) / 4;
	struct {
		size_t index;
		uint32_t bits;
		const char *needle;
	} cases[] = {
		{ 0, 0x7fc00000u, "parameter 0 of" },
		{ 4, 0x7f800000u, "is infinite" },
		{ 0, 0xff800000u, "is infinite" },
		{ 0, 0x7fc00123u, "is NaN" },
	};
	cases[1].index = n_params - 1;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memcpy(c, b, n);
		wr32(c + CKPT_HEADER_SIZE + 4 * cases[i].index, cases[i].bits);
		fix_crc(c, n);
		spit("nan.ctm", c, n);
		expect_refusal("nan.ctm", cases[i].needle, "diverged");
	}
	free(c);
	free(b);
}

Test(ckpt, huge_declared_model_is_not_allocated)
{
	/* A consistent header describing a ~140 TB model in a small file must
	 * be refused from the size alone; under ASan a huge malloc aborts. */
	struct eng_model_hp c = small_cfg(ENG_MODEL_DOTBIAS);
	c.n_users = 0xFFFFFFF0u;
	c.n_items = 0xFFFFFFF0u;
	c.n_factors = 4096;
	size_t count = model_param_count(&c);
	if (count == 0) {
		scratch_teardown();     /* .fini does not run after a skip */
		cr_skip_test("size_t too small for this case");
	}
	size_t n;
	unsigned char *b = good_file("m.ctm", &n);
	wr32(b + 16, c.n_users);
	wr32(b + 20, c.n_items);
	wr32(b + 24, (uint32_t)c.n_factors);
	wr64(b + 40, count);
	fix_crc(b, n);
	spit("huge.ctm", b, n);
	char want[96];
	snprintf(want, sizeof want, "truncated: expected %" PRIu64 " bytes",
		 (uint64_t)CKPT_HEADER_SIZE + 4 * (uint64_t)count + 4);
	expect_refusal("huge.ctm", want, NULL);
	free(b);
}

Test(ckpt, small_or_null_error_buffers_are_safe)
{
	char err[6];
	memset(err, 'z', sizeof err);
	cr_assert_null(ckpt_load(in_scratch("absent"), NULL, err, sizeof err));
	cr_assert_eq(err[sizeof err - 1], '\0');
	cr_assert_null(ckpt_load(in_scratch("absent"), NULL, NULL, 0));
}

Test(ckpt, unreadable_file)
{
	size_t n;
	if (geteuid() == 0) {
		scratch_teardown();     /* .fini does not run after a skip */
		cr_skip_test("root reads any file");
	}
	free(good_file("m.ctm", &n));
	cr_assert_eq(chmod(in_scratch("m.ctm"), 0), 0);
	expect_refusal("m.ctm", strerror(EACCES), NULL);
}

/* Format version 2 still reads version 1 files (dot and dotbias had the
 * same layout then). */
Test(ckpt, version_1_file_still_loads)
{
	size_t n;
	char err[256];
	unsigned char *b = good_file("m.ctm", &n);
	wr32(b + 8, 1u);
	fix_crc(b, n);
	spit("m.ctm", b, n);
	struct model *m = ckpt_load(in_scratch("m.ctm"), NULL, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	struct model *want = small_model(ENG_MODEL_DOTBIAS);
	assert_same_model(m, want);
	model_free(want);
	model_free(m);
	free(b);
}

/* The nn model: its section and running statistics come back bit-exact,
 * and a version 1 file cannot claim to hold one. */
Test(ckpt, round_trip_nn)
{
	char err[256];
	struct eng_model_hp c = small_cfg(ENG_MODEL_NN);
	c.n_layers = 2;
	c.layers[0] = 6;
	c.layers[1] = 3;
	c.emb_drop = 0.25f;
	c.ps = 0.125f;
	struct model *m = model_new(&c, err, sizeof err);
	cr_assert_not_null(m, "%s", err);
	struct rng r;
	rng_seed(&r, 9);
	model_init(m, &r);
	for (size_t i = 0; i < m->n_buffers; i++)      /* the running statistics */
		m->params[m->n_params + i] = (float)(0.1 + fabs(rng_normal(&r)));
	struct ckpt_meta mt = small_meta();
	cr_assert_eq(ckpt_save(in_scratch("nn.ctm"), m, &mt, err, sizeof err), 0, "%s", err);
	struct model *g = ckpt_load(in_scratch("nn.ctm"), NULL, err, sizeof err);
	cr_assert_not_null(g, "%s", err);
	cr_assert_eq(memcmp(&g->cfg, &m->cfg, sizeof c), 0);
	cr_assert_eq(g->n_buffers, m->n_buffers);
	cr_assert_eq(memcmp(g->params, m->params,
			    (m->n_params + m->n_buffers) * sizeof(float)), 0);
	cr_assert_eq(model_predict(g, 3, 4), model_predict(m, 3, 4));
	model_free(g);

	size_t n;
	unsigned char *b = testenv_slurp(in_scratch("nn.ctm"), &n);
	cr_assert_eq(n, CKPT_HEADER_SIZE + CKPT_NN_SIZE +
		     4 * (m->n_params + m->n_buffers) + 4);
	wr32(b + 8, 1u);
	fix_crc(b, n);
	spit("nn.ctm", b, n);
	expect_refusal("nn.ctm", "unknown model kind 2", NULL);
	free(b);
	model_free(m);
}
