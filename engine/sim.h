/* sim.h -- cosine similarity between the rows of a factor matrix.
 *
 * sim_new() keeps an L2-normalised copy of an embedding matrix, so the
 * cosine of every row with a query is one matrix-vector product (BLAS
 * sgemv): about n * k multiply-adds, ~0.1 ms for ML-100K's items.  The copy
 * is a snapshot: when the model changes, the owner builds a new one.
 * All-zero rows stay zero (cosine 0 with everything, including themselves).
 *
 * A struct sim owns a scratch row of scores, so queries on one object must
 * not run concurrently; the engine calls it from its own thread only.
 */
#ifndef COLLABTUI_SIM_H
#define COLLABTUI_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "rank.h"

struct sim;

/* A normalised copy of f, (n, k) row-major.  NULL when memory runs out
 * (or n * k overflows). */
struct sim *sim_new(const float *f, uint32_t n, int k);

/* Release; NULL is accepted. */
void sim_free(struct sim *s);

/* The matrix's shape: n rows of k. */
uint32_t sim_rows(const struct sim *s);
int sim_dim(const struct sim *s);

/* Row i of the normalised matrix: k floats of unit length (or zeros). */
const float *sim_row(const struct sim *s, uint32_t i);

/* The cosine of row i with every row, into out (n entries). */
void sim_scores(const struct sim *s, uint32_t i, float *out);

/* The k rows most similar to row i, i itself left out, best first into
 * out (k entries; score = cosine).  Returns the number written. */
size_t sim_nearest(struct sim *s, uint32_t i, size_t k, struct rank_pick *out);

#endif
