/* test_tui_recs.c -- your ratings end to end: collabtui runs in a tmux
 * pane on $COLLABTUI_DATASETS/ml-100k (a private server, `tmux -L NAME`,
 * never the default one; a scratch directory as HOME, XDG_CONFIG_HOME and
 * XDG_DATA_HOME), trains, rates three movies from the movie list and sees
 * the Recommendations pane change; after quitting and starting again the
 * ratings are back (in the list, and in the file headless `recommend
 * --ratings` reads) and, retrained with the same seed, so is the list.
 * With a ranking model (ease) the pane says so and explains each row. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMX_WAIT_S 120.0        /* training under ASan takes a while */
#include "tmuxtest.h"

static struct tmx S;

/* Start collabtui on ml-100k in a 120x40 pane, in S.dir, until loaded. */
static void start(void)
{
	char ds[512], args[600];

	snprintf(args, sizeof args, "--data '%s'", testenv_dataset(ds, sizeof ds, "ml-100k"));
	tmx_start(&S, 120, 40, "", args);
	TMX_WAIT_TEXT(&S, "users 943");
}

static void fini(void)
{
	tmx_done(&S);
}

/* The Recommendations list: the rows under its header (" pred  title",
 * or " score  title" for a ranking model), right of the pane's left
 * border, joined with newlines. */
static void recs_rows_under(const char *header, char *out, size_t n)
{
	const char *l = strstr(tmx_capture(&S, 0), header);
	size_t used = 0;

	cr_assert_not_null(l, "no recommendations header:\n%s", S.cap);
	out[0] = '\0';
	for (l = strchr(l, '\n'); l && l[1]; l = strchr(l + 1, '\n')) {
		const char *end = strchr(l + 1, '\n'), *pane = strstr(l + 1, "\u2502\u2502");

		if (!end || !pane || pane > end)
			break;          /* the bottom border */
		used += (size_t)snprintf(out + used, n - used, "%.*s\n",
					 (int)(end - pane), pane);
		cr_assert_lt(used, n);
	}
	cr_assert(used > 0, "an empty recommendations list:\n%s", S.cap);
}

static void recs_rows(char *out, size_t n)
{
	recs_rows_under(" pred  title", out, n);
}

/* Search the movie list for title and give it stars (keys 1-5). */
static void rate(const char *title, int stars)
{
	char k[16];

	/* apart, or curses would read Esc / as Alt-/ */
	tmx_keys(&S, "Escape");
	usleep(200000);
	tmx_keys(&S, "/");
	tmx_type(&S, title);
	snprintf(k, sizeof k, "Enter %d", stars);
	tmx_keys(&S, k);
}

/* Focus the movie list and rate Star Wars 5, Fargo 1, Toy Story 4. */
static void rate_three(void)
{
	tmx_keys(&S, "4");
	rate("star wars", 5);
	TMX_WAIT_TEXT(&S, "your ratings 1");
	rate("fargo", 1);
	TMX_WAIT_TEXT(&S, "your ratings 2");
	rate("toy story", 4);
}

TestSuite(tui_recs, .fini = fini, .timeout = 600);

Test(tui_recs, ratings_change_recommendations_and_persist)
{
	char before[4096], after[4096], again[4096], path[700];
	struct cli_result r;

	testenv_tmpdir(S.dir, sizeof S.dir);
	start();
	/* untrained: the fallback ranking, and it says so */
	TMX_WAIT_TEXT(&S, "model untrained");
	TMX_WAIT_TEXT(&S, "fallback: no trained model");
	tmx_keys(&S, "t");
	TMX_WAIT_TEXT(&S, "training finished");
	TMX_WAIT_TEXT(&S, "model trained");
	recs_rows(before, sizeof before);

	rate_three();
	TMX_WAIT_TEXT(&S, "from your 3 ratings, folded in");
	TMX_ON_SCREEN(&S, "coverage: the top-10 lists of all 943 users hold");
	recs_rows(after, sizeof after);
	cr_assert_str_neq(after, before, "the recommendations did not change:\n%s", S.cap);
	tmx_keys(&S, "q");
	TMX_WAIT_GONE(&S, "users 943");
	tmx_stop(&S);

	/* the file, in the format headless recommend reads */
	snprintf(path, sizeof path, "%s/collabtui/ratings-ml-100k.csv", S.dir);
	cli_slurp(path, before, sizeof before);
	cr_assert_str_eq(before, "title,rating,id\nStar Wars (1977),5,50\nFargo (1996),1,100\n"
			 "Toy Story (1995),4,1\n");
	char ds[512];
	cli_run(&r, S.dir, "recommend --ratings '%s' --data '%s' --epochs 1 --top 3", path,
		testenv_dataset(ds, sizeof ds, "ml-100k"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Recommendations from your 3 ratings"), "%s", r.out);

	/* a new start: the ratings are back, and retraining gives the list again */
	start();
	TMX_WAIT_TEXT(&S, "your ratings 3");
	tmx_keys(&S, "t");
	TMX_WAIT_TEXT(&S, "training finished");
	TMX_WAIT_TEXT(&S, "from your 3 ratings, folded in");
	recs_rows(again, sizeof again);
	cr_assert_str_eq(again, after, "after a restart:\n%s", S.cap);
	/* last session's search came back too: Esc clears it */
	TMX_WAIT_TEXT(&S, "/toy story   (Esc clears)");
	tmx_keys(&S, "4 Escape / star Space wars Enter");
	/* "1 of 1682" is on screen already (toy story's match): wait for
	 * the new search's row instead */
	TMX_WAIT_TEXT(&S, "\u2502 Star Wars (1977) ");
	TMX_ON_SCREEN(&S, "1 of 1682");
	/* the yours column of Star Wars' row holds the 5: offsets from the
	 * Movies pane's left border, where the text is ASCII (what is left
	 * of it depends on the layout) */
	const char *hb = strstr(tmx_capture(&S, 0), "\u2502 title "), *rb = strstr(S.cap,
		"\u2502 Star Wars (1977) ");
	cr_assert(hb && rb, "%s", S.cap);
	const char *col = strstr(hb, "yours");
	cr_assert_not_null(col);
	cr_assert_eq(rb[(col - hb) + 4], '5', "the yours column lacks the 5:\n%s", S.cap);

	/* made under --item-key id, they are yours under --item-key title too */
	tmx_keys(&S, "q");
	TMX_WAIT_GONE(&S, "users 943");
	tmx_stop(&S);
	char args[700];
	snprintf(args, sizeof args, "--data '%s' --item-key title", ds);
	tmx_start(&S, 120, 40, "", args);
	TMX_WAIT_TEXT(&S, "your ratings 3");
}

/* A ranking model in the pane: trained with --model ease, the list says
 * which model ranked it, folds your liked movies in as watched and your
 * low rating as "not for me", and names the movie behind each row. */
Test(tui_recs, a_ranking_model_ranks_and_explains_the_list)
{
	char ds[512], args[700];

	testenv_tmpdir(S.dir, sizeof S.dir);
	snprintf(args, sizeof args, "--data '%s' --model ease --wd 400",
		 testenv_dataset(ds, sizeof ds, "ml-100k"));
	tmx_start(&S, 120, 40, "", args);
	TMX_WAIT_TEXT(&S, "users 943");
	tmx_keys(&S, "t");
	TMX_WAIT_TEXT(&S, "training finished");
	TMX_WAIT_TEXT(&S, "model trained: ease");
	rate_three();
	TMX_WAIT_TEXT(&S, "ranked by ease from your 3 ratings: 2 watched, 1 not for me");
	TMX_ON_SCREEN(&S, "most from your");
	TMX_ON_SCREEN(&S, "coverage: the top-10 lists of all 943 users hold");
	/* the explanations name the liked movies, never the panned one */
	char rows[4096];
	recs_rows_under(" score  title", rows, sizeof rows);
	cr_assert(strstr(rows, "Star Wars (1977)") || strstr(rows, "Toy Story (1995)"), "%s", S.cap);
	cr_assert_null(strstr(rows, "Fargo (1996)"), "the panned movie explains a row:\n%s", rows);
}

/* T trains you in as one more user: the list comes from the row training
 * learned for you, and the pane says so (not "folded in"); rate again and
 * it is a fold-in once more, saying your ratings changed since.  The
 * headless `recommend --include-me` says the same. */
Test(tui_recs, T_trains_you_in_until_you_rate_again)
{
	char ds[512];
	struct cli_result r;

	testenv_tmpdir(S.dir, sizeof S.dir);
	start();
	rate_three();
	TMX_WAIT_TEXT(&S, "your ratings 3");
	tmx_keys(&S, "T");
	TMX_WAIT_TEXT(&S, "training finished");
	TMX_WAIT_TEXT(&S, "trained in with the model");
	TMX_NOT_ON_SCREEN(&S, "folded in");
	char trained[4096];
	recs_rows(trained, sizeof trained);
	rate("fargo", 2);       /* a changed rating: no longer what T trained */
	TMX_WAIT_TEXT(&S, "folded in as a new user");
	TMX_ON_SCREEN(&S, "they changed since T");
	TMX_NOT_ON_SCREEN(&S, "trained in with the model");
	rate("fargo", 1);       /* back to what T trained with */
	TMX_WAIT_TEXT(&S, "trained in with the model");
	char again[4096];
	recs_rows(again, sizeof again);
	cr_assert_str_eq(again, trained, "the trained row's list again:\n%s", S.cap);

	char path[700];
	snprintf(path, sizeof path, "%s/collabtui/ratings-ml-100k.csv", S.dir);
	cli_run(&r, S.dir, "recommend --ratings '%s' --data '%s' --epochs 1 --top 3 --include-me",
		path, testenv_dataset(ds, sizeof ds, "ml-100k"));
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "Recommendations from your 3 ratings (trained in with the model"),
		  "%s", r.out);
	cr_assert_null(strstr(r.out, "folded in"), "%s", r.out);
}

/* Ratings an earlier version kept under the other item key
 * (ratings-ml-100k-title.csv, title,rating lines) are merged into the one
 * file once, the status line says so, and neither file's ratings are
 * lost; the old file stays, renamed. */
Test(tui_recs, an_earlier_versions_file_is_merged_once)
{
	char dir[700], path[800], got[4096];
	struct stat st;

	testenv_tmpdir(S.dir, sizeof S.dir);
	snprintf(dir, sizeof dir, "%s/collabtui", S.dir);
	cr_assert_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof path, "%s/ratings-ml-100k.csv", dir);
	FILE *f = fopen(path, "w");
	fputs("title,rating,id\nFargo (1996),1,100\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/ratings-ml-100k-title.csv", dir);
	f = fopen(path, "w");
	fputs("Star Wars (1977),5\nFargo (1996),4\n", f);
	fclose(f);

	start();
	TMX_WAIT_TEXT(&S, "1 rating merged from ratings-ml-100k-title.csv");
	TMX_WAIT_TEXT(&S, "your ratings 2");
	cr_assert_neq(stat(path, &st), 0, "the old file is still there to merge again");
	snprintf(path, sizeof path, "%s/ratings-ml-100k-title.csv.migrated", dir);
	cr_assert_eq(stat(path, &st), 0, "no copy of the old file is kept");
	snprintf(path, sizeof path, "%s/ratings-ml-100k.csv", dir);
	cli_slurp(path, got, sizeof got);
	cr_assert_str_eq(got, "title,rating,id\nFargo (1996),1,100\nStar Wars (1977),5,50\n",
			 "the new file's Fargo wins, Star Wars joins");
	tmx_keys(&S, "q");
	TMX_WAIT_GONE(&S, "users 943");
	tmx_stop(&S);

	/* once: a restart says nothing of it */
	start();
	TMX_WAIT_TEXT(&S, "your ratings 2");
	TMX_NOT_ON_SCREEN(&S, "merged from");
}
