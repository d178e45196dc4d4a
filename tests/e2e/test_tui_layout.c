/* test_tui_layout.c -- the screen's room goes where it means something,
 * end to end in tmux on $COLLABTUI_DATASETS/ml-100k: Hyperparameters rows
 * only for the model that uses them (so Dataset keeps its most rated
 * list), columns that share out a wide screen and keep the chart on a
 * short one, popups sized to the screen.  Assertions look for the text
 * a user reads (and, for proportions, where it is). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TMX_WAIT_S 120.0        /* training under ASan takes a while */
#include "tmuxtest.h"

static struct tmx L;

static void fini(void)
{
	tmx_done(&L);
}

/* collabtui on ml-100k in a w x h pane, until the dataset is loaded. */
static void start(int w, int h, const char *more)
{
	char ds[512], args[1024];

	snprintf(args, sizeof args, "--data '%s' %s",
		 testenv_dataset(ds, sizeof ds, "ml-100k"), more);
	tmx_start(&L, w, h, "", args);
	TMX_WAIT_TEXT(&L, "943");
}

TestSuite(tui_layout, .fini = fini, .timeout = 300);

/* dotbias shows neither the nn's network nor ials's alpha, and Dataset
 * has room for the top of the most rated list; nn brings its three rows
 * (each explained), ials its alpha and not the nn's. */
static void rows_follow_the_model(int w, int h)
{
	start(w, h, "");
	TMX_WAIT_TEXT(&L, "lr_find");
	TMX_NOT_ON_SCREEN(&L, "emb_drop");
	TMX_NOT_ON_SCREEN(&L, "alpha ");
	if (h >= 40) {
		/* the three most rated at 120x40, not one */
		TMX_ON_SCREEN(&L, "Star Wars (1977)");
		TMX_ON_SCREEN(&L, "Contact (1997)");
		TMX_ON_SCREEN(&L, "Fargo (1996)");
	}
	tmx_keys(&L, "3 g j Enter");
	tmx_type(&L, "nn");
	tmx_keys(&L, "Enter");
	TMX_WAIT_TEXT(&L, "nn: embeddings concatenated");
	/* the rows after valid split: layers, emb_drop, ps */
	tmx_keys(&L, "G k");
	TMX_WAIT_TEXT(&L, "dropout after each of");
	tmx_keys(&L, "k");
	TMX_WAIT_TEXT(&L, "dropout after the nn");
	tmx_keys(&L, "k");
	TMX_WAIT_TEXT(&L, "hidden layer widths");
	/* ials: alpha instead, explained as the chapter's paper has it */
	tmx_keys(&L, "g j Enter");
	tmx_type(&L, "ials");
	tmx_keys(&L, "Enter");
	TMX_WAIT_TEXT(&L, "ials: ranks rather than predicts");
	TMX_WAIT_GONE(&L, "emb_drop");
	tmx_keys(&L, "G k");
	TMX_WAIT_TEXT(&L, "1 + alpha");
	tmx_keys(&L, "Right");
	TMX_WAIT_TEXT(&L, "alpha       5");
	cr_assert(tmx_alive(&L));
}

Test(tui_layout, rows_follow_the_model_80x24) { rows_follow_the_model(80, 24); }
Test(tui_layout, rows_follow_the_model_120x40) { rows_follow_the_model(120, 40); }
Test(tui_layout, rows_follow_the_model_200x60) { rows_follow_the_model(200, 60); }

/* ---- proportions ------------------------------------------------------- */

/* Lines of the screen matching the extended regex. */
static int lines_matching(const char *cap, const char *pattern)
{
	regex_t re;
	int n = 0;

	cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0);
	for (const char *line = cap; *line;) {
		const char *end = strchr(line, '\n');
		char one[2048];
		size_t len = end ? (size_t)(end - line) : strlen(line);

		snprintf(one, sizeof one, "%.*s", (int)len, line);
		n += regexec(&re, one, 0, NULL, 0) == 0;
		line = end ? end + 1 : line + len;
	}
	regfree(&re);
	return n;
}

/* The column (in characters, not bytes) where needle starts on the first
 * screen line holding both needle and also; -1 when none does. */
static int column_of(const char *cap, const char *needle, const char *also)
{
	for (const char *line = cap; *line;) {
		const char *end = strchr(line, '\n'), *at;
		size_t len = end ? (size_t)(end - line) : strlen(line);

		at = strstr(line, needle);
		if (at && at < line + len && (!also || (strstr(line, also) &&
				strstr(line, also) < line + len))) {
			int col = 0;
			for (const char *c = line; c < at; c++)
				col += ((unsigned char)*c & 0xC0) != 0x80;
			return col;
		}
		line = end ? end + 1 : line + len;
	}
	return -1;
}

/* At 200x60 the left column takes its share (wider than 44) and the
 * Movies titles stop well short of 120 columns. */
Test(tui_layout, wide_screen_is_shared_out_200x60)
{
	start(200, 60, "");
	TMX_WAIT_TEXT(&L, "Til There Was You");
	int training = column_of(L.cap, "Training", NULL);
	int title = column_of(L.cap, "title", "ratings");
	int year = column_of(L.cap, "year", "ratings");

	cr_assert_gt(training, 50, "the right column starts at %d:\n%s", training, L.cap);
	cr_assert(title > 0 && year - title <= 70,
		  "the title column is %d wide:\n%s", year - title, L.cap);
	cr_assert(tmx_alive(&L));
}

/* At 100x30 (the smallest full layout) a 5-epoch run keeps a chart of 4
 * rows and every epoch of the table, epoch 0 included. */
Test(tui_layout, short_screen_keeps_the_chart_100x30)
{
	start(100, 30, "--epochs 5");
	tmx_keys(&L, "t");
	TMX_WAIT_TEXT(&L, "done");
	tmx_wait_regex(&L, "│ 0 +[0-9]\\.[0-9]+ +[0-9]\\.[0-9]+ +00:");
	tmx_wait_regex(&L, "│ 4 +[0-9]\\.[0-9]+ +[0-9]\\.[0-9]+ +00:");
	/* the chart's lines: a y axis "│" after the label */
	cr_assert_geq(lines_matching(L.cap, "│ [ 0-9.e+-]{5} │"), 4, "the chart:\n%s", L.cap);
	cr_assert(tmx_alive(&L));
}

/* ---- popups ------------------------------------------------------------ */

/* The popup's frame has blank cells beside it: the line holding text has
 * a space before its "│" and after the closing one. */
static void blank_beside(const char *cap, const char *text)
{
	const char *at = strstr(cap, text), *bol = at, *eol;

	cr_assert(at, "\"%s\" not on screen:\n%s", text, cap);
	while (bol > cap && bol[-1] != '\n')
		bol--;
	eol = strchr(at, '\n');
	if (!eol)
		eol = at + strlen(at);
	/* "│" is 3 bytes: the cell before the popup's left border */
	const char *left = at - 1;
	while (left > bol && strncmp(left, "│", 3) != 0)
		left--;
	cr_assert(left > bol && left[-1] == ' ',
		  "no blank cell left of the popup on:\n%.*s", (int)(eol - bol), bol);
	const char *right = strstr(at, "│");
	/* capture-pane drops blanks at the end of a line */
	cr_assert(right && right < eol && (right[3] == ' ' || right + 3 == eol),
		  "no blank cell right of the popup on:\n%.*s", (int)(eol - bol), bol);
}

/* Movie details show every star of the histogram, and similar movies all
 * 15 neighbours, whatever the Movies pane's height; nothing from the
 * panes underneath sits against their borders. */
static void popups_fit_the_screen(int w, int h)
{
	start(w, h, "--epochs 1");
	tmx_keys(&L, "t");
	TMX_WAIT_TEXT(&L, "training finished");
	/* 12 Angry Men: 125 ratings, 60 of them 5 stars, none 1 star */
	tmx_keys(&L, "4 g j j j Enter");
	TMX_WAIT_TEXT(&L, "genres Drama");
	tmx_wait_regex(&L, "│ +5 [^│]* 60 +│");
	tmx_wait_regex(&L, "│ +1 [^│]* 0 +│");
	blank_beside(L.cap, "genres Drama");
	tmx_keys(&L, "Escape");
	TMX_WAIT_GONE(&L, "genres Drama");
	tmx_keys(&L, "S");
	TMX_WAIT_TEXT(&L, "similar to 12 Angry Men");
	tmx_wait_regex(&L, "cosine +mean +n +title");
	cr_assert_geq(lines_matching(L.cap, "│ +0\\.[0-9]{3} +[0-9.-]+ +[0-9]+ "), 15,
		      "fewer than 15 similar movies:\n%s", L.cap);
	blank_beside(L.cap, "similar to 12 Angry Men");
	/* closed, what was under it is back */
	tmx_keys(&L, "Escape");
	TMX_WAIT_GONE(&L, "similar to");
	TMX_WAIT_TEXT(&L, "1682 of 1682");
	if (h >= 40)    /* the Dataset pane, which the popup covered */
		TMX_WAIT_TEXT(&L, "Return of the Jedi (1983)");
	cr_assert(tmx_alive(&L));
}

Test(tui_layout, popups_fit_the_screen_80x24) { popups_fit_the_screen(80, 24); }
Test(tui_layout, popups_fit_the_screen_120x40) { popups_fit_the_screen(120, 40); }

/* ---- messages read whole ----------------------------------------------- */

/* At 80x24 the Recommendations fallback's reason wraps inside the pane
 * rather than stopping at "the glo"; at 100x30 (a Training pane 58
 * columns wide) the lr finder's steepest rate is whole. */
Test(tui_layout, messages_are_read_whole_80x24)
{
	start(80, 24, "");
	tmx_keys(&L, "5");
	TMX_WAIT_TEXT(&L, "fallback: no trained model");
	tmx_wait_regex(&L, "shrunk towards the global +│$");
	tmx_wait_regex(&L, "^│ mean +│$");
	cr_assert(tmx_alive(&L));
}

Test(tui_layout, lr_finder_says_its_rates_whole_100x30)
{
	start(100, 30, "");
	tmx_keys(&L, "F");
	tmx_wait_regex(&L, "valley [0-9]\\.[0-9]{2}e-[0-9]{2} \\(A sets lr\\)");
	tmx_wait_regex(&L, "steepest [0-9]\\.[0-9]{2}e-[0-9]{2} ");
	cr_assert(tmx_alive(&L));
}

/* A refused form value on the status line: the occupations it lists are
 * read whole, wrapped over the rows above the status line, until the
 * next key closes them (the key still does what it does). */
static void form_error_read_whole(int w, int h)
{
	start(w, h, "");
	tmx_keys(&L, "5");
	TMX_WAIT_TEXT(&L, "Enter: your age");
	tmx_keys(&L, "Enter");
	TMX_WAIT_TEXT(&L, "age gender occupation: _");
	tmx_type(&L, "30 M pilot");
	tmx_keys(&L, "Enter");
	TMX_WAIT_TEXT(&L, "the occupation 'pilot': expected one of administrator");
	/* the rows from the message's first to the status line, joined,
	 * hold the whole list, which the status line alone cuts off */
	const char *m = strstr(tmx_capture(&L, 0), "\n the occupation 'pilot'");
	cr_assert_not_null(m, "the message is not on rows of its own:\n%s", L.cap);
	char joined[2048];
	size_t n = 0;
	for (m++; *m && strncmp(m, "q quit", 6) != 0 && n + 2 < sizeof joined; m++) {
		if (*m == '\n')
			continue;
		if (*m == ' ' && n && joined[n - 1] == ' ')
			continue;
		joined[n++] = *m;
	}
	joined[n] = '\0';
	cr_assert(strstr(joined, "marketing, none, other, programmer, retired, salesman, "
			 "scientist, student, technician, writer"), "%s\n%s", joined, L.cap);
	tmx_keys(&L, "j");
	TMX_WAIT_GONE(&L, "technician, writer");
	TMX_ON_SCREEN(&L, "Enter: your age");
	cr_assert(tmx_alive(&L));
}

Test(tui_layout, form_error_read_whole_80x24) { form_error_read_whole(80, 24); }
Test(tui_layout, form_error_read_whole_120x40) { form_error_read_whole(120, 40); }

/* At 100x30 the Recommendations pane has 5 rows: what the list is based
 * on still wraps whole (it ended in an ellipsis there), and so does the
 * form's hint. */
Test(tui_layout, short_recs_pane_says_its_basis_whole_100x30)
{
	start(100, 30, "");
	tmx_keys(&L, "5");
	tmx_wait_regex(&L, "│ fallback: no trained model: ranked by mean rating, +│$");
	tmx_wait_regex(&L, "│ shrunk towards the global mean +│$");
	/* the list keeps its rows: the form's hint gives way (? lists Enter) */
	tmx_wait_regex(&L, "│  pred  title .*│$");
	tmx_wait_regex(&L, "│  [0-9]\\.[0-9][0-9]  [^ ].*│$");
	TMX_NOT_ON_SCREEN(&L, "Enter: your age, gender");
	cr_assert(tmx_alive(&L));
}
