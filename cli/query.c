/* query.c -- headless bias, similar, pca and recommend (see query.h). */
#include "query.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "headless.h"
#include "myratings.h"

/* Defaults of the options left at -1. */
#define DEF_TOP 10
#define DEF_PCA_TOP 1000        /* the book maps the 1000 most-rated movies */
#define DEF_COMPONENTS 3
#define DEF_K 10
#define SHOW_MATCHES 20         /* ambiguous titles listed */

static int or_default(int v, int def)
{
	return v < 0 ? def : v;
}

int query_has(const char *name)
{
	static const char *const names[] = { "bias", "similar", "pca", "recommend" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i]) == 0)
			return 1;
	return 0;
}

/* Send one query and wait for its reply (eng_handle answers at once). */
static int ask(struct eng *e, const struct eng_cmd *c, struct eng_evt *reply)
{
	reply->kind = 0;
	int rc = eng_handle(e, c);
	if (rc != 0)
		return rc == ENG_EARG || rc == ENG_EDATA ? EXIT_INPUT : EXIT_RUNTIME;
	return reply->kind ? EXIT_OK : EXIT_RUNTIME;
}

static void print_ranked(const struct eng_catalog *cat, const struct eng_ranked *e,
			 int rank, const char *fmt_score)
{
	printf("%4d  ", rank);
	printf(fmt_score, e->score);
	if (isnan(e->mean))
		printf("     -");
	else
		printf("  %4.2f", e->mean);
	printf("  %5u  %s", e->n_ratings, cat->items[e->idx].title);
}

static int run_bias(struct eng *e, const struct opts *o, const struct eng_catalog *cat,
		    struct eng_evt *reply)
{
	struct eng_cmd c = { .kind = ENG_CMD_BIAS_LIST, .req_id = 10 };
	c.u.bias.top = or_default(o->top, DEF_TOP);
	c.u.bias.bottom = or_default(o->bottom, DEF_TOP);
	c.u.bias.min_ratings = (uint32_t)or_default(o->min_ratings, 0);
	int st = ask(e, &c, reply);
	if (st != EXIT_OK)
		return st;
	const struct eng_bias_list *b = &reply->u.bias_list;
	char cond[64] = "";
	if (b->min_ratings)
		snprintf(cond, sizeof cond, " (movies with at least %u ratings)", b->min_ratings);
	for (int part = 0; part < 2; part++) {
		int n = part ? b->n_bottom : b->n_top, off = part ? b->n_top : 0;
		if (part ? c.u.bias.bottom == 0 : c.u.bias.top == 0)
			continue;
		if (part && c.u.bias.top)
			printf("\n");
		printf("%s item bias%s\n", part ? "Lowest" : "Highest", cond);
		printf("rank     bias  mean      n  title\n");
		for (int j = 0; j < n; j++) {
			print_ranked(cat, &b->e[off + j], j + 1, "%+7.3f");
			printf("\n");
		}
	}
	return EXIT_OK;
}

/* Report an unknown or ambiguous title after prefix ("collabtui: " or
 * "collabtui: FILE:LINE: "); returns the exit status. */
static int title_error(const struct eng_catalog *cat, const char *prefix,
		       const char *what, long r, const uint32_t *m, int n)
{
	if (r == -1) {
		fprintf(stderr, "%sno movie title contains \"%s\"\n", prefix, what);
		return EXIT_INPUT;
	}
	fprintf(stderr, "%s\"%s\" matches %d titles; be more specific:\n", prefix, what, n);
	for (int j = 0; j < n && j < SHOW_MATCHES; j++)
		fprintf(stderr, "  %s\n", cat->items[m[j]].title);
	if (n > SHOW_MATCHES)
		fprintf(stderr, "  ... and %d more\n", n - SHOW_MATCHES);
	return EXIT_INPUT;
}

static int run_similar(struct eng *e, const struct opts *o, const struct eng_catalog *cat,
		       struct eng_evt *reply)
{
	if (!o->query || !*o->query) {
		fprintf(stderr, "collabtui: similar needs a title: collabtui similar \"TITLE\"\n");
		return EXIT_INPUT;
	}
	uint32_t m[SHOW_MATCHES];
	int nm;
	long it = myratings_find_title(cat, o->query, m, SHOW_MATCHES, &nm);
	if (it < 0)
		return title_error(cat, "collabtui: ", o->query, it, m, nm);
	struct eng_cmd c = { .kind = ENG_CMD_SIMILAR, .req_id = 11 };
	c.u.similar.index = (uint32_t)it;
	c.u.similar.k = or_default(o->k, DEF_K);
	int st = ask(e, &c, reply);
	if (st != EXIT_OK)
		return st;
	const struct eng_similar *s = &reply->u.similar;
	printf("Movies similar to %s (cosine of the item factors)\n", cat->items[it].title);
	printf("rank   cosine  mean      n  title\n");
	for (int j = 0; j < s->n; j++) {
		print_ranked(cat, &s->e[j], j + 1, "%7.3f");
		printf("\n");
	}
	return EXIT_OK;
}

struct proj {
	float v;
	uint32_t item;
};

static int by_v_desc(const void *a, const void *b)
{
	const struct proj *x = a, *y = b;
	if (x->v != y->v)
		return x->v > y->v ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

static int run_pca(struct eng *e, const struct opts *o, const struct eng_catalog *cat,
		   struct eng_evt *reply)
{
	struct eng_cmd c = { .kind = ENG_CMD_PCA, .req_id = 12 };
	c.u.pca.top_n = (uint32_t)or_default(o->top, DEF_PCA_TOP);
	c.u.pca.n_comp = or_default(o->components, DEF_COMPONENTS);
	int st = ask(e, &c, reply);
	if (st != EXIT_OK)
		return st;
	const struct eng_pca *p = reply->u.pca;
	struct proj *v = malloc((size_t)p->n * sizeof *v);
	if (!v) {
		fprintf(stderr, "collabtui: out of memory\n");
		return EXIT_RUNTIME;
	}
	uint32_t per_end = (uint32_t)or_default(o->k, DEF_K);
	if (per_end > p->n / 2)
		per_end = p->n / 2;
	printf("PCA of the item factors of the %u most-rated movies\n", p->n);
	for (int comp = 0; comp < p->n_comp; comp++) {
		for (uint32_t j = 0; j < p->n; j++)
			v[j] = (struct proj){ p->proj[(size_t)j * p->n_comp + comp], p->items[j] };
		qsort(v, p->n, sizeof *v, by_v_desc);
		printf("\nPC%d  %.1f%% of the variance\n", comp + 1, 100.0 * p->share[comp]);
		printf("  high end\n");
		for (uint32_t j = 0; j < per_end; j++)
			printf("  %+7.3f  %s\n", v[j].v, cat->items[v[j].item].title);
		printf("  low end\n");
		for (uint32_t j = 0; j < per_end; j++) {
			const struct proj *q = &v[p->n - 1 - j];
			printf("  %+7.3f  %s\n", q->v, cat->items[q->item].title);
		}
	}
	free(v);
	return EXIT_OK;
}

/* Read FILE's `title_or_id,rating` lines into a.  The rating is after the
 * last comma, so titles such as "Shawshank Redemption, The (1994)" need no
 * quoting (quoted ones are accepted too).  Blank lines, lines starting
 * with '#' and a first line "title,rating" are skipped.  A line longer
 * than 4 KiB is split and reported as malformed. */
int query_read_ratings(const char *path, const struct eng_catalog *cat,
		       const struct eng_summary *s, struct eng_recommend_args *a)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "collabtui: %s: %s\n", path, strerror(errno));
		return EXIT_INPUT;
	}
	char line[4096];
	int ln = 0, st = EXIT_OK;
	a->n = 0;
	while (st == EXIT_OK && fgets(line, sizeof line, f)) {
		ln++;
		struct myratings_line l;
		int rc = myratings_parse_line(line, ln, &l);
		if (rc == MYRATINGS_SKIP)
			continue;
		if (rc == MYRATINGS_NO_COMMA) {
			fprintf(stderr, "collabtui: %s:%d: expected title_or_id,rating\n", path, ln);
			st = EXIT_INPUT;
			break;
		}
		if (rc == MYRATINGS_NOT_NUMBER) {
			fprintf(stderr, "collabtui: %s:%d: the rating \"%s\" is not a number\n",
				path, ln, l.rating_text);
			st = EXIT_INPUT;
			break;
		}
		char *name = l.name;
		double r = l.rating;
		if (r < s->rating_min || r > s->rating_max) {
			fprintf(stderr, "collabtui: %s:%d: rating %g is outside the dataset's %g..%g\n",
				path, ln, r, s->rating_min, s->rating_max);
			st = EXIT_INPUT;
			break;
		}
		uint32_t m[SHOW_MATCHES];
		int nm;
		long it = myratings_find_title(cat, name, m, SHOW_MATCHES, &nm);
		if (it < 0) {
			char prefix[1100];
			snprintf(prefix, sizeof prefix, "collabtui: %s:%d: ", path, ln);
			st = title_error(cat, prefix, name, it, m, nm);
			break;
		}
		int j = 0;              /* a movie rated twice keeps the last rating */
		while (j < a->n && a->r[j].item != (uint32_t)it)
			j++;
		if (j == ENG_RATED_MAX) {
			fprintf(stderr, "collabtui: %s:%d: more than %d ratings\n", path, ln,
				ENG_RATED_MAX);
			st = EXIT_INPUT;
			break;
		}
		a->r[j] = (struct eng_rating){ (uint32_t)it, (float)r };
		if (j == a->n)
			a->n++;
	}
	if (st == EXIT_OK && ferror(f)) {
		fprintf(stderr, "collabtui: %s: read error\n", path);
		st = EXIT_INPUT;
	} else if (st == EXIT_OK && a->n == 0) {
		fprintf(stderr, "collabtui: %s: no ratings (expected lines title_or_id,rating)\n",
			path);
		st = EXIT_INPUT;
	}
	fclose(f);
	return st;
}

static int run_recommend(struct eng *e, const struct opts *o, const struct eng_catalog *cat,
			 const struct eng_summary *s, struct eng_evt *reply)
{
	struct eng_cmd c = { .req_id = 13 };
	int top = or_default(o->top, DEF_TOP);
	if (o->ratings) {
		c.kind = ENG_CMD_RECOMMEND;
		c.u.recommend.top = top;
		int st = query_read_ratings(o->ratings, cat, s, &c.u.recommend);
		if (st != EXIT_OK)
			return st;
	} else if (o->age >= 0 || o->gender || o->occupation) {
		c.kind = ENG_CMD_RECOMMEND_META;
		c.u.meta.top = top;
		c.u.meta.age = or_default(o->age, 30);
		snprintf(c.u.meta.gender, sizeof c.u.meta.gender, "%s", o->gender ? o->gender : "");
		snprintf(c.u.meta.occupation, sizeof c.u.meta.occupation, "%s",
			 o->occupation ? o->occupation : "");
	} else {
		fprintf(stderr, "collabtui: recommend needs --ratings FILE, or --age, --gender "
			"and --occupation\n");
		return EXIT_INPUT;
	}
	int st = ask(e, &c, reply);
	if (st != EXIT_OK)
		return st;
	const struct eng_recs *r = &reply->u.recs;
	if (r->basis == ENG_RECS_FOLDIN)
		printf("Recommendations from your %d ratings (folded in; ridge prior %.3g on "
		       "the factors, %.3g on the bias)\n", r->n_rated, r->lambda_f, r->lambda_b);
	else if (r->basis == ENG_RECS_META)
		printf("Recommendations for age %d, gender %s, occupation %s (from the "
		       "users' metadata)%s%s\n", c.u.meta.age,
		       *c.u.meta.gender ? c.u.meta.gender : "?",
		       *c.u.meta.occupation ? c.u.meta.occupation : "?",
		       r->unknown & ENG_RECS_UNKNOWN_GENDER ? "; gender not recognised" : "",
		       r->unknown & ENG_RECS_UNKNOWN_OCCUPATION ? "; occupation not recognised" : "");
	else
		printf("Recommendations by popularity (%s)\n", r->note);
	printf("rank   rating  mean      n  title\n");
	for (int j = 0; j < r->n; j++) {
		print_ranked(cat, &r->e[j], j + 1, "%7.2f");
		if (r->e[j].because != UINT32_MAX)
			printf("  (because you rated %s)", cat->items[r->e[j].because].title);
		printf("\n");
	}
	printf("popularity: %.0f%% of these are among the 10%% most-rated movies\n",
	       100.0 * r->pop_share);
	return EXIT_OK;
}

int query_run(struct eng *e, const struct opts *o, const struct eng_catalog *cat,
	      const struct eng_summary *s, struct eng_evt *reply)
{
	int st = EXIT_INPUT;
	if (strcmp(o->command, "bias") == 0)
		st = run_bias(e, o, cat, reply);
	else if (strcmp(o->command, "similar") == 0)
		st = run_similar(e, o, cat, reply);
	else if (strcmp(o->command, "pca") == 0)
		st = run_pca(e, o, cat, reply);
	else if (strcmp(o->command, "recommend") == 0)
		st = run_recommend(e, o, cat, s, reply);
	eng_evt_release(reply);
	fflush(stdout);
	return st;
}
