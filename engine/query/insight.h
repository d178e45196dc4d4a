/* insight.h -- the engine's queries on a trained model: items ranked by
 * bias, nearest items and users, the PCA map, and recommendations for a
 * new user (from ratings or from metadata).
 *
 * A struct insight holds what these queries derive from the dataset (per
 * item and per user counts and means, popularity ranks) and from the model
 * (normalised factor matrices, the fold-in prior, the metadata
 * regression), built on first use.  The engine owns one and calls
 * insight_forget() whenever the model or the dataset changes, so a query
 * never sees a stale cache.  Every query fills a reply struct of msg.h and
 * returns 0 or a negative enum eng_err with a sentence in err.
 */
#ifndef COLLABTUI_INSIGHT_H
#define COLLABTUI_INSIGHT_H

#include <stddef.h>

#include "dataset.h"
#include "msg.h"
#include "model.h"

struct insight;

/* An empty cache; NULL when memory runs out. */
struct insight *insight_new(void);

/* Release; NULL is accepted. */
void insight_free(struct insight *in);

enum insight_scope {
	INSIGHT_MODEL = 1,      /* the model changed (trained a step, loaded, dropped) */
	INSIGHT_DATA,           /* the dataset changed: everything goes */
};

/* Drop the caches of the given scope. */
void insight_forget(struct insight *in, enum insight_scope what);

/* Build the dataset's statistics now rather than on the first query (one
 * pass over the ratings, ~0.1 s for 25M): the engine calls it when it
 * loads a dataset.  0, or -1 when memory runs out (a query then tries
 * again and reports it). */
int insight_data(struct insight *in, const struct ds *ds);

/* The highest and lowest item biases.  ENG_ESTATE without a model with
 * biases, ENG_EARG for counts out of range. */
int insight_bias(struct insight *in, const struct ds *ds, const struct model *m,
		 const struct eng_bias_args *a, struct eng_bias_list *out,
		 char *err, size_t errlen);

/* The k nearest items (or users) to one, by cosine of their factors. */
int insight_similar(struct insight *in, const struct ds *ds, const struct model *m,
		    const struct eng_similar_args *a, struct eng_similar *out,
		    char *err, size_t errlen);

/* PCA of the item factors of the top_n most-rated items, and their
 * coordinates.  *out is a new heap object owned by the caller
 * (eng_pca_free). */
int insight_pca(struct insight *in, const struct ds *ds, const struct model *m,
		const struct eng_pca_args *a, struct eng_pca **out,
		char *err, size_t errlen);

/* Fold the given ratings in as a new user and recommend unrated items;
 * without a model (m NULL), rank by shrunk mean rating instead and say so
 * in out->note. */
int insight_recommend(struct insight *in, const struct ds *ds, const struct model *m,
		      const struct eng_recommend_args *a, struct eng_recs *out,
		      char *err, size_t errlen);

/* Recommend from the weights training learned for the given ratings
 * ("you" in a TRAIN, kept aside by the engine): `you` holds foldin_dim(m)
 * floats laid out as a folded-in user's (factors, then the bias with
 * biases), and the list is ranked like insight_recommend's, with no
 * fold-in: basis ENG_RECS_TRAINED.  m must not be NULL; the caller checks
 * that the ratings are the ones trained with. */
int insight_recommend_trained(struct insight *in, const struct ds *ds, const struct model *m,
			      const float *you, const struct eng_recommend_args *a,
			      struct eng_recs *out, char *err, size_t errlen);

/* Fold the given ratings into m, a ranking model fitted by algo with
 * ridge weight reg and confidence alpha (rankrec.h), and rank the
 * unrated items: basis ENG_RECS_RANKED. */
int insight_recommend_ranked(struct insight *in, const struct ds *ds, const struct model *m,
			     enum eng_fit algo, double reg, double alpha,
			     const struct eng_recommend_args *a, struct eng_recs *out,
			     char *err, size_t errlen);

/* Recommend for a new user described by age, gender and occupation (the
 * metadata regression of meta.h); falls back like insight_recommend when
 * there is no model or the dataset has no user metadata. */
int insight_recommend_meta(struct insight *in, const struct ds *ds,
			   const struct model *m, const struct eng_meta_args *a,
			   struct eng_recs *out, char *err, size_t errlen);

/* One item's ratings for the movie details view: their number, mean and
 * counts in the n_bins histogram bins whose lower edges are bin_lo (the
 * dataset summary's), from per-item counts built once per dataset (and
 * again only when the bins change).  ENG_EARG for an item out of range. */
int insight_item_detail(struct insight *in, const struct ds *ds, const float *bin_lo,
			int n_bins, uint32_t item, struct eng_detail *out,
			char *err, size_t errlen);

#endif
