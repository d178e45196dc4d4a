/* test_cli_insight.c -- the insight commands of the collabtui binary end to
 * end (bias, similar, pca, recommend) on the real MovieLens 100K with the
 * chapter's protocol, plus their usage and input errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testcli.h"

#define CHAPTER "--item-key title --factors 50 --epochs 5 --lr 5e-3 --wd 0.1 --bs 64 --seed 1"

/* The titles of the table rows under the header line that follows
 * `heading`: the text after the fourth column (without recommend's
 * "because" note), one per line, into t. */
static int titles_after(const char *out, const char *heading, char t[][128], int max)
{
	const char *p = strstr(out, heading);
	cr_assert_not_null(p, "no \"%s\" in:\n%s", heading, out);
	p = strchr(p, '\n') + 1;        /* the column header */
	p = strchr(p, '\n') + 1;
	int n = 0;
	while (n < max && *p == ' ') {        /* rows start with the padded rank */
		int rank, cnt, used = 0;
		float a, b;
		cr_assert_eq(sscanf(p, "%d %f %f %d %n", &rank, &a, &b, &cnt, &used), 4, "row: %.60s", p);
		cr_assert_eq(rank, n + 1);
		const char *end = strchr(p, '\n');
		snprintf(t[n], 128, "%.*s", (int)(end - p - used), p + used);
		char *why = strstr(t[n], "  (because you rated ");
		if (why)
			*why = '\0';
		n++;
		p = end + 1;
	}
	return n;
}

static int has(char t[][128], int n, const char *title)
{
	for (int i = 0; i < n; i++)
		if (strcmp(t[i], title) == 0)
			return 1;
	return 0;
}

/* Train the chapter's model into dir/m.clbt. */
static void save_chapter_model(struct cli_result *r, const char *dir, const char *ml)
{
	cli_run(r, dir, "train --data %s " CHAPTER " --save m.clbt", ml);
	cr_assert_eq(r->status, 0, "%s", r->err);
}

Test(cli_insight, bias_lists_agree_with_the_book, .timeout = 120)
{
	char ml[512], dir[512];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	testenv_tmpdir(dir, sizeof dir);
	struct cli_result r;
	cli_run(&r, dir, "bias --data %s " CHAPTER, ml);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "epoch     train_loss"), "the epoch table goes to stderr: %s", r.err);
	char hi[10][128], lo[10][128];
	cr_assert_eq(titles_after(r.out, "Highest item bias", hi, 10), 10);
	cr_assert_eq(titles_after(r.out, "Lowest item bias", lo, 10), 10);
	for (int i = 0; i < 10; i++)
		cr_log_info("bias top %2d: %-45s bottom: %s", i + 1, hi[i], lo[i]);
	cr_assert(has(lo, 10, "Children of the Corn: The Gathering (1996)"), "%s", r.out);
	static const char *const book[] = {
		"Titanic (1997)", "Schindler's List (1993)", "Shawshank Redemption, The (1994)",
		"L.A. Confidential (1997)", "Star Wars (1977)", "Silence of the Lambs, The (1991)",
	};
	int found = 0;
	for (size_t i = 0; i < sizeof book / sizeof book[0]; i++)
		found += has(hi, 10, book[i]);
	cr_log_info("%d of the book's six favourites in the top 10", found);
	cr_assert_geq(found, 2, "%s", r.out);

	/* the same lists from a saved model, with --min-ratings */
	save_chapter_model(&r, dir, ml);
	cli_run(&r, dir, "bias --data %s --item-key title --load m.clbt --top 5 --bottom 5 "
	       "--min-ratings 50", ml);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_empty(r.err, "a loaded model is used as is, no training");
	cr_assert(strstr(r.out, "Highest item bias (movies with at least 50 ratings)"), "%s", r.out);
	cr_assert_eq(titles_after(r.out, "Highest", hi, 10), 5);
	cr_assert_eq(titles_after(r.out, "Lowest", lo, 10), 5);
	cr_assert_not(has(lo, 5, "Children of the Corn: The Gathering (1996)"), "19 ratings < 50");
	testenv_rmdir(dir);
}

Test(cli_insight, similar_titles_and_their_errors, .timeout = 120)
{
	char ml[512], dir[512];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	testenv_tmpdir(dir, sizeof dir);
	struct cli_result r;
	save_chapter_model(&r, dir, ml);
	const char *L = "--item-key title --load m.clbt";
	cli_run(&r, dir, "similar 'star wars (1977)' --data %s %s -k 5", ml, L);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Movies similar to Star Wars (1977)"), "%s", r.out);
	char t[5][128];
	cr_assert_eq(titles_after(r.out, "Movies similar", t, 5), 5);
	cr_log_info("similar to Star Wars: %s | %s | %s", t[0], t[1], t[2]);
	cr_assert(has(t, 5, "Return of the Jedi (1983)") || has(t, 5, "Empire Strikes Back, The (1980)"),
		  "%s", r.out);
	cr_assert_not(has(t, 5, "Star Wars (1977)"), "not itself");
	/* the title last, after the options */
	cli_run(&r, dir, "similar --data %s %s --k 3 'Empire Strikes'", ml, L);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Empire Strikes Back, The (1980)"), "%s", r.out);
	/* several matches: listed, exit 2 */
	cli_run(&r, dir, "similar 'star' --data %s %s", ml, L);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "be more specific") && strstr(r.err, "Star Trek"), "%s", r.err);
	cli_run(&r, dir, "similar 'no such film xyz' --data %s %s", ml, L);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "no movie title contains"), "%s", r.err);
	cli_run(&r, dir, "similar --data %s %s", ml, L);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "needs a title"), "%s", r.err);
	testenv_rmdir(dir);
}

Test(cli_insight, pca_and_recommend, .timeout = 120)
{
	char ml[512], dir[512], path[600];
	testenv_dataset(ml, sizeof ml, "ml-100k");
	testenv_tmpdir(dir, sizeof dir);
	struct cli_result r;
	save_chapter_model(&r, dir, ml);
	const char *L = "--item-key title --load m.clbt";

	cli_run(&r, dir, "pca --data %s %s --components 2 -k 4", ml, L);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "of the 1000 most-rated movies"), "%s", r.out);
	float s1, s2;
	const char *p1 = strstr(r.out, "PC1  "), *p2 = strstr(r.out, "PC2  ");
	cr_assert(p1 && p2 && !strstr(r.out, "PC3"), "%s", r.out);
	cr_assert_eq(sscanf(p1, "PC1 %f%%", &s1), 1);
	cr_assert_eq(sscanf(p2, "PC2 %f%%", &s2), 1);
	cr_assert(s1 >= s2 && s2 > 0, "%s", r.out);

	static const char ratings[] =
		"title,rating\n"
		"Star Wars (1977),5\n"
		"return of the jedi (1983), 5\n"
		"\"Empire Strikes Back, The (1980)\",5\n"
		"# a comment\n"
		"\n"
		"172,5\n"                       /* an id: Empire again */
		"Scream (1996),1\n";
	testenv_write(path, sizeof path, dir, "mine.csv", ratings, sizeof ratings - 1);
	cli_run(&r, dir, "recommend --data %s %s --ratings mine.csv --top 8", ml, L);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Recommendations from your 4 ratings"), "%s", r.out);
	char t[8][128];
	cr_assert_eq(titles_after(r.out, "Recommendations", t, 8), 8);
	cr_assert(strstr(r.out, "(because you rated "), "%s", r.out);
	cr_assert(strstr(r.out, "popularity: "), "%s", r.out);
	for (int i = 0; i < 8; i++)
		cr_assert(!strstr(t[i], "Star Wars (1977)") && !strstr(t[i], "Scream (1996)"),
			  "rated movies are left out: %s", t[i]);

	cli_run(&r, dir, "recommend --data %s %s --age 25 --gender M --occupation engineer --top 3",
	       ml, L);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "from the users' metadata"), "%s", r.out);
	cr_assert_eq(titles_after(r.out, "Recommendations", t, 8), 3);

	static const char bad[] = "Star Wars (1977),5\nToy Story (1995),five\n";
	testenv_write(path, sizeof path, dir, "bad.csv", bad, sizeof bad - 1);
	cli_run(&r, dir, "recommend --data %s %s --ratings bad.csv", ml, L);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "bad.csv:2:") && strstr(r.err, "five"), "%s", r.err);
	static const char unknown[] = "Star Wars (1977),5\nNo Such Movie (2031),4\n";
	testenv_write(path, sizeof path, dir, "unknown.csv", unknown, sizeof unknown - 1);
	cli_run(&r, dir, "recommend --data %s %s --ratings unknown.csv", ml, L);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "unknown.csv:2:"), "%s", r.err);
	static const char range[] = "Star Wars (1977),9\n";
	testenv_write(path, sizeof path, dir, "range.csv", range, sizeof range - 1);
	cli_run(&r, dir, "recommend --data %s %s --ratings range.csv", ml, L);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "range.csv:1:") && strstr(r.err, "outside"), "%s", r.err);
	cli_run(&r, dir, "recommend --data %s %s", ml, L);
	cr_assert_eq(r.status, 2);

	/* retrain with you included: trains afresh, so not with --load */
	cli_run(&r, dir, "recommend --data %s %s --ratings mine.csv --include-me", ml, L);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--include-me"), "%s", r.err);
	cli_run(&r, dir, "recommend --data %s --item-key title --epochs 1 --factors 8 "
		"--ratings mine.csv --include-me --top 3", ml);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.err, "epoch"), "the training table goes to stderr: %s", r.err);
	cr_assert(strstr(r.out, "Recommendations from your 4 ratings"), "%s", r.out);
	cr_assert_eq(titles_after(r.out, "Recommendations", t, 8), 3);

	cli_run(&r, dir, "bias --data %s %s --top x", ml, L);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "--top"), "%s", r.err);
	testenv_rmdir(dir);
}
