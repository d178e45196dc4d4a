/* testmath.h -- reference numerics for tests, written plainly in double so
 * that the engine's fast paths have something independent to agree with,
 * and the planted problems that trainers are tested on. */
#ifndef COLLABTUI_TESTMATH_H
#define COLLABTUI_TESTMATH_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"

/* Solve the (n, n) system a x = b in double by Gauss-Jordan elimination
 * with partial pivoting; x replaces b (a and b are destroyed). */
static inline void testmath_solve(int n, double *a, double *b)
{
	for (int c = 0; c < n; c++) {
		int p = c;
		for (int r = c + 1; r < n; r++)
			if (fabs(a[r * n + c]) > fabs(a[p * n + c]))
				p = r;
		for (int j = 0; j < n; j++) {
			double t = a[c * n + j];
			a[c * n + j] = a[p * n + j];
			a[p * n + j] = t;
		}
		double t = b[c];
		b[c] = b[p];
		b[p] = t;
		for (int r = 0; r < n; r++) {
			if (r == c)
				continue;
			double f = a[r * n + c] / a[c * n + c];
			for (int j = 0; j < n; j++)
				a[r * n + j] -= f * a[c * n + j];
			b[r] -= f * b[c];
		}
	}
	for (int c = 0; c < n; c++)
		b[c] /= a[c * n + c];
}

#define TESTMATH_PLANT_USERS 50
#define TESTMATH_PLANT_ITEMS 30

/* Every (user, item) pair of 50 users and 30 items rated
 * 3 + 0.5 * <a_u, b_i> + 0.1 * noise, with rank-2 standard normal factors:
 * a problem a rank-2 model fits to its noise. */
struct testmath_planted {
	uint32_t u[TESTMATH_PLANT_USERS * TESTMATH_PLANT_ITEMS];
	uint32_t i[TESTMATH_PLANT_USERS * TESTMATH_PLANT_ITEMS];
	float r[TESTMATH_PLANT_USERS * TESTMATH_PLANT_ITEMS];
	size_t n;
};

static inline void testmath_plant(struct testmath_planted *p, uint64_t seed)
{
	struct rng g;
	rng_seed(&g, seed);
	double a[TESTMATH_PLANT_USERS][2], b[TESTMATH_PLANT_ITEMS][2];
	for (int u = 0; u < TESTMATH_PLANT_USERS; u++)
		a[u][0] = rng_normal(&g), a[u][1] = rng_normal(&g);
	for (int i = 0; i < TESTMATH_PLANT_ITEMS; i++)
		b[i][0] = rng_normal(&g), b[i][1] = rng_normal(&g);
	p->n = 0;
	for (int u = 0; u < TESTMATH_PLANT_USERS; u++)
		for (int i = 0; i < TESTMATH_PLANT_ITEMS; i++) {
			p->u[p->n] = (uint32_t)u;
			p->i[p->n] = (uint32_t)i;
			p->r[p->n] = (float)(3.0 + 0.5 * (a[u][0] * b[i][0] + a[u][1] * b[i][1]) +
					     0.1 * rng_normal(&g));
			p->n++;
		}
}

#endif
