/* msg.c -- what the messages of msg.h need beyond their definitions: the
 * release of the bulk results whose ownership an event hands over, and the
 * error codes' descriptions.  Front ends call these; the engine's state is
 * not touched. */
#include "eng.h"

#include <stdlib.h>

const char *eng_strerror(int code)
{
	switch (code) {
	case ENG_OK: return "success";
	case ENG_EARG: return "invalid argument";
	case ENG_EDATA: return "invalid input data";
	case ENG_EIO: return "input/output error";
	case ENG_ENOMEM: return "out of memory";
	case ENG_ESTATE: return "not possible in the engine's current state";
	case ENG_ECANCELED: return "cancelled";
	case ENG_EDIVERGED: return "training diverged";
	}
	return "unknown error";
}

void eng_catalog_free(struct eng_catalog *c)
{
	if (!c)
		return;
	free(c->items);
	free(c->strings);
	free(c);
}

void eng_biases_free(struct eng_biases *b)
{
	if (!b)
		return;
	free(b->item_bias);
	free(b);
}

void eng_pca_free(struct eng_pca *p)
{
	if (!p)
		return;
	free(p->share);
	free(p->items);
	free(p->proj);
	free(p);
}

void eng_evt_release(struct eng_evt *ev)
{
	if (ev->kind == ENG_EVT_CATALOG) {
		eng_catalog_free(ev->u.catalog);
		ev->u.catalog = NULL;
	} else if (ev->kind == ENG_EVT_BIASES) {
		eng_biases_free(ev->u.biases);
		ev->u.biases = NULL;
	} else if (ev->kind == ENG_EVT_PCA) {
		eng_pca_free(ev->u.pca);
		ev->u.pca = NULL;
	}
}
