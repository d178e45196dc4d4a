/* sim.h -- cosine similarity between the rows of a factor matrix.
 *
 * A struct sim borrows an embedding matrix f and keeps the inverse length
 * of each row, so the cosine of every row with a query is one
 * matrix-vector product (BLAS sgemv) scaled row by row: about n * k
 * multiply-adds, ~0.1 ms for ML-100K's items, ~1 ms for 59,000 items at
 * k = 50.  The lengths are computed on the first sim_scores() or
 * sim_nearest() (one pass over f); sim_new() itself allocates nothing the
 * size of f, so a sim used only for sim_cos() costs nothing to make.  The
 * lengths are a snapshot: the owner makes a new sim when f changes, and
 * frees it before f goes.  All-zero rows have cosine 0 with everything,
 * themselves included.
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

/* Cosines over f, (n, k) row-major, borrowed.  NULL when memory runs out
 * (or n * k overflows). */
struct sim *sim_new(const float *f, uint32_t n, int k);

/* Release; NULL is accepted. */
void sim_free(struct sim *s);

/* The number of rows. */
uint32_t sim_rows(const struct sim *s);

/* The cosine of rows i and j (0 when either is all zeros). */
float sim_cos(const struct sim *s, uint32_t i, uint32_t j);

/* The cosine of row i with every row, into out (n entries).  0, or -1
 * when memory for the lengths runs out. */
int sim_scores(struct sim *s, uint32_t i, float *out);

/* The k rows most similar to row i, i itself left out, best first into
 * out (k entries; score = cosine).  Returns the number written, or
 * (size_t)-1 when memory runs out. */
size_t sim_nearest(struct sim *s, uint32_t i, size_t k, struct rank_pick *out);

#endif
