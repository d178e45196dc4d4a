/* fuzz_ckpt.c -- the model file's reader (ckpt_load): every input is a
 * model file.  A mutated file almost always fails the CRC-32 at its end
 * and stops there, so by default the harness rewrites the last four bytes
 * with the right checksum of the rest (ckpt.h's layout) and the header and
 * parameter checks behind it get fuzzed; COLLABTUI_FUZZ_CKPT_RAW=1 keeps
 * the input's own checksum. */
#include "fuzz.h"
#include "ckpt.h"

static int keep_checksum;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *raw = getenv("COLLABTUI_FUZZ_CKPT_RAW");

	(void)argc;
	(void)argv;
	keep_checksum = raw && strcmp(raw, "1") == 0;
	return 0;
}

/* CRC-32 as ckpt.c and zlib compute it (reflected, polynomial 0xEDB88320),
 * a bit at a time: slow, but independent of the code under test. */
static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return ~c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ckpt_meta meta;
	char path[512], err[1024];
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (!keep_checksum && size >= 4) {
		uint32_t c = crc32_of(copy, size - 4);

		for (int i = 0; i < 4; i++)
			copy[size - 4 + (size_t)i] = (uint8_t)(c >> (8 * i));
	}
	fuzz_write("model.bin", copy, size, path, sizeof path);
	free(copy);
	model_free(ckpt_load(path, &meta, err, sizeof err));
	return 0;
}
