/* test_tui.c -- the real interface end to end: collabtui runs in a tmux
 * pane on $COLLABTUI_DATASETS/ml-100k, keys go in with send-keys, and the
 * screen comes back with capture-pane.
 *
 * Every test has a tmux server of its own and a fresh scratch HOME
 * (tmuxtest.h), whose pane script lets a test see collabtui's exit status,
 * compare the terminal modes before and after, check tmux's view of the
 * terminal while the shell has it back (normal screen, cursor on, no mouse
 * or keypad mode), type a line that must be echoed and read, and finally
 * read #{pane_dead_status}.
 *
 * Assertions look for stable labels ("users 943", pane titles, the epoch
 * table's rows, error text), never for exact positions, and every wait
 * polls the screen until the text is there or a deadline passes.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "tmuxtest.h"
#include "keys.h"

static struct tmx T;            /* one per test: each test is a process */

static void teardown(void)
{
	tmx_done(&T);
}

/* Start collabtui on ml-100k in a w x h pane: `env ENV collabtui --data
 * ml-100k ARGS` (ENV: extra NAME=value words, ARGS: shell words). */
static void tui_start_env(struct tmx *t, int w, int h, const char *env, const char *args)
{
	char ds[512], all[2048];

	testenv_dataset(ds, sizeof ds, "ml-100k");
	snprintf(all, sizeof all, "--data '%s' %s", ds, args);
	tmx_start(t, w, h, env, all);
}

static void tui_start(struct tmx *t, const char *args)
{
	tui_start_env(t, 120, 40, "", args);
}

/* The terminal as collabtui left it to the shell (tmuxtest.h), and none
 * of ml-100k's Dataset pane left on screen. */
static void assert_clean_terminal(struct tmx *t, int rc)
{
	tmx_assert_clean_terminal(t, rc);
	TMX_NOT_ON_SCREEN(t, "users 943");
}

static void start_loaded(struct tmx *t, const char *args)
{
	tui_start(t, args);
	TMX_WAIT_TEXT(t, "users 943");
}

/* ---- reading the screen ---------------------------------------------------- */

/* The screen row (0-based) of the Hyperparameters field `label`, or -1. */
static int field_row(const char *cap, const char *label)
{
	char pat[64];
	int row = 0;

	snprintf(pat, sizeof pat, "\u2502 %s  ", label);
	for (const char *l = cap; *l; row++) {
		const char *nl = strchr(l, '\n');
		const char *hit = strstr(l, pat);

		if (hit && (!nl || hit < nl))
			return row;
		if (!nl)
			break;
		l = nl + 1;
	}
	return -1;
}

/* Select the field `label` in the Hyperparameters pane: focus it, go to
 * the first field (the preset), then down as many rows as label is below
 * it. */
static void select_field(struct tmx *t, const char *label)
{
	tmx_capture(t, 0);
	int first = field_row(t->cap, "preset"), row = field_row(t->cap, label);
	char k[256] = "3 g";

	cr_assert(first >= 0 && row >= first, "no field %s below preset:\n%s", label, t->cap);
	for (int i = 0; i < row - first; i++)
		strcat(k, " j");
	tmx_keys(t, k);
}

/* Enter, replace the value with text, Enter. */
static void edit_field(struct tmx *t, const char *label, const char *text)
{
	select_field(t, label);
	tmx_keys(t, "Enter");
	tmx_type(t, text);
	tmx_keys(t, "Enter");
}

/* Split the screen into rows of wide characters (one per column here:
 * box drawing, blocks and braille are all one column wide). */
static int wide_rows(const char *cap, wchar_t rows[][256], int max)
{
	int n = 0;

	for (const char *l = cap; *l && n < max; n++) {
		char line[2048];
		const char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, l, len);
		line[len] = '\0';
		if (mbstowcs(rows[n], line, 255) == (size_t)-1)
			rows[n][0] = L'\0';
		rows[n][255] = L'\0';
		if (!nl)
			break;
		l = nl + 1;
	}
	return n + 1;
}

/* ---- the tests --------------------------------------------------------------- */

TestSuite(tui, .fini = teardown, .timeout = 120);

Test(tui, panes_show_the_dataset)
{
	start_loaded(&T, "");
	tmx_capture(&T, 0);
	/* the main panes and the status line */
	TMX_ON_SCREEN(&T, "\u2500 Dataset ");
	TMX_ON_SCREEN(&T, "\u2500 Training ");
	TMX_ON_SCREEN(&T, "\u2500 Hyperparameters ");
	TMX_ON_SCREEN(&T, "\u2500 Movies ");
	TMX_ON_SCREEN(&T, "q quit");
	TMX_ON_SCREEN(&T, "? help");
	/* MovieLens 100K's numbers */
	TMX_ON_SCREEN(&T, "ml-100k");
	TMX_ON_SCREEN(&T, "users 943");
	TMX_ON_SCREEN(&T, "items 1682");
	TMX_ON_SCREEN(&T, "ratings 100000");
	TMX_ON_SCREEN(&T, "density 6.30%");
	TMX_ON_SCREEN(&T, "mean rating 3.530");
	TMX_ON_SCREEN(&T, "per user min 20  median 65  max 737");
	TMX_ON_SCREEN(&T, "per item min 1  median 27  max 583");
	/* the histogram's counts for 1..5 stars */
	TMX_ON_SCREEN(&T, " 6110");
	TMX_ON_SCREEN(&T, " 11370");
	TMX_ON_SCREEN(&T, " 27145");
	TMX_ON_SCREEN(&T, " 34174");
	TMX_ON_SCREEN(&T, " 21201");
	TMX_ON_SCREEN(&T, "most rated");
	TMX_ON_SCREEN(&T, "583 Star Wars (1977)");
	/* the movie list and the untrained chart */
	TMX_ON_SCREEN(&T, "1682 of 1682");
	TMX_ON_SCREEN(&T, "not trained yet");
	/* the default theme colours something (so the NO_COLOR test means it) */
	tmx_capture(&T, 1);
	cr_assert(strstr(T.cap, "\033[3") || strstr(T.cap, "\033[9") || strstr(T.cap, "38;5;"),
		  "no colours in the default theme's screen");
	cr_assert(tmx_alive(&T));
}

/* Is the region's text different, and does it hold chart dots? */
static int count_chart_cells(const wchar_t *s)
{
	int n = 0;

	for (; *s; s++)
		if ((*s >= 0x2801 && *s <= 0x28FF) || *s == L'*' || *s == L'o')
			n++;
	return n;
}

Test(tui, editing_lr_then_t_trains, .timeout = 180)
{
	static wchar_t before[64][256], after[64][256];
	int nb, na, title = -1, header = -1, col = -1;

	/* bs 512: five epochs in seconds under ASan too */
	start_loaded(&T, "--bs 512");
	edit_field(&T, "lr", "0.01");
	tmx_wait_regex(&T, "\u2502 lr +0\\.01 ");
	nb = wide_rows(tmx_capture(&T, 0), before, 64);

	tmx_keys(&T, "t");
	/* fastai's table, one row per epoch 0..4, as it grows */
	TMX_WAIT_TEXT(&T, "train_loss");
	for (int e = 0; e < 5; e++) {
		char re[160];

		snprintf(re, sizeof re, " %d +[0-9]+\\.[0-9]{6} +([0-9]+\\.[0-9]{6}|-) +"
			 "[0-9]{2}:[0-9]{2}", e);
		tmx_wait_regex(&T, re);
	}
	TMX_WAIT_TEXT(&T, "training finished");
	tmx_capture(&T, 0);
	/* the run is labelled with the edited value; the best epoch is named */
	TMX_ON_SCREEN(&T, "lr 0.01 wd 0.1 k 50");
	tmx_wait_regex(&T, "best [0-9]+\\.[0-9]{4} @ [0-4]");
	TMX_ON_SCREEN(&T, "\u25c6");                /* the best-epoch marker */
	TMX_NOT_ON_SCREEN(&T, "not trained yet");

	/* the chart: the Training pane's rows between its title and the table */
	na = wide_rows(T.cap, after, 64);
	for (int r = 0; r < na && header < 0; r++) {
		wchar_t *hit;

		if (title < 0 && (hit = wcsstr(after[r], L"\u2500 Training ")) != NULL) {
			title = r;
			col = (int)(hit - after[r]) - 1;
		} else if (title >= 0 && wcsstr(after[r], L"epoch   train_loss")) {
			header = r;
		}
	}
	cr_assert(title >= 0 && header > title + 3 && col >= 0,
		  "no Training pane with a chart above its table:\n%s", T.cap);
	int changed = 0, dots = 0;
	for (int r = title + 1; r < header; r++) {
		const wchar_t *a = (int)wcslen(after[r]) > col ? after[r] + col : L"";
		const wchar_t *b = r < nb && (int)wcslen(before[r]) > col ? before[r] + col : L"";

		changed += wcscmp(a, b) != 0;
		dots += count_chart_cells(a);
	}
	cr_assert_geq(changed, 3, "the chart area hardly changed after training:\n%s", T.cap);
	cr_assert_geq(dots, 20, "no curves drawn in the chart (%d cells):\n%s", dots, T.cap);
	cr_assert(tmx_alive(&T));
}

Test(tui, runs_lists_overlays_and_restores, .timeout = 180)
{
	/* two short runs land in the scratch XDG_DATA_HOME's history */
	start_loaded(&T, "--bs 1024 --epochs 1");
	tmx_keys(&T, "t");
	TMX_WAIT_TEXT(&T, "training finished");
	edit_field(&T, "lr", "0.01");
	tmx_keys(&T, "t");
	TMX_WAIT_TEXT(&T, "training finished");
	/* 7: the Runs pane takes the Movies pane's place, newest first */
	tmx_keys(&T, "7");
	TMX_WAIT_TEXT(&T, "\u2500 Runs ");
	TMX_WAIT_TEXT(&T, "2 run(s) on ml-100k");
	tmx_capture(&T, 0);
	TMX_NOT_ON_SCREEN(&T, "\u2500 Movies ");
	tmx_wait_regex(&T, "dotbias +[0-9]\\.[0-9]{6} +1 +50 +0\\.01 ");
	/* the older run (lr 0.005) on the chart, then its values back */
	tmx_keys(&T, "Down c");
	TMX_WAIT_TEXT(&T, "on the chart:");
	TMX_WAIT_TEXT(&T, "(past)");
	tmx_keys(&T, "r");
	TMX_WAIT_TEXT(&T, "restored the values");
	tmx_wait_regex(&T, "\u2502 lr +0\\.005 ");
	TMX_WAIT_TEXT(&T, "stale: t retrains");
	/* v: best valid loss first; 4 brings the Movies back */
	tmx_keys(&T, "v");
	TMX_WAIT_TEXT(&T, "by valid loss");
	tmx_keys(&T, "4");
	TMX_WAIT_TEXT(&T, "\u2500 Movies ");
	cr_assert(tmx_alive(&T));
}

Test(tui, bad_values_are_refused_with_the_reason)
{
	start_loaded(&T, "");
	/* a y_range that cannot reach ratings 1..5 (the chapter's NN mistake) */
	edit_field(&T, "y_range", "0,0.5");
	TMX_WAIT_TEXT(&T, "cannot reach ratings 1-5");
	tmx_capture(&T, 0);
	tmx_wait_regex(&T, "\u2502 y_range +0,5\\.5 ");        /* the old value stays */
	tmx_wait_regex(&T, "y_range.*\u2190 cannot");           /* reason beside it */
	TMX_ON_SCREEN(&T, "below 0.5");                         /* ... and in full */

	/* a negative learning rate */
	edit_field(&T, "lr", "-1");
	TMX_WAIT_TEXT(&T, "lr must be a positive number");
	tmx_wait_regex(&T, "\u2502 lr +0\\.005 ");
	tmx_wait_regex(&T, "\u2502 lr +0\\.005 \u2190 lr must");

	/* a good value clears the reason beside the field */
	edit_field(&T, "lr", "0.002");
	tmx_wait_regex(&T, "\u2502 lr +0\\.002 ");
	TMX_WAIT_GONE(&T, "lr must be a positive number");
	cr_assert(tmx_alive(&T));
}

Test(tui, lr_find_sweeps_the_pane_range_and_A_applies, .timeout = 180)
{
	/* bs 512 and 40 batches: seconds under ASan too */
	start_loaded(&T, "--bs 512");
	tmx_wait_regex(&T, "\u2502 lr_find +1e-07,10,100 ");      /* fastai's defaults */
	edit_field(&T, "lr_find", "1e-4,1,40");
	tmx_wait_regex(&T, "\u2502 lr_find +0\\.0001,1,40 ");
	tmx_keys(&T, "F");
	TMX_WAIT_TEXT(&T, "smoothed loss by lr");
	/* the sweep's range reached the engine: the lr axis starts at 1e-04 */
	tmx_wait_regex(&T, "\u2500+1e-04\u2500");
	TMX_WAIT_TEXT(&T, "(the valley): A sets it");
	tmx_capture(&T, 0);
	TMX_ON_SCREEN(&T, "\u25c6 valley ");
	TMX_NOT_ON_SCREEN(&T, "1e-07\u2500");
	tmx_wait_regex(&T, "\u2502 lr +0\\.005 ");
	/* A puts the suggestion into lr: a new value, so the preset is custom */
	tmx_keys(&T, "A");
	TMX_WAIT_TEXT(&T, "the finder's valley");
	TMX_WAIT_GONE(&T, "\u2502 lr          0.005 ");
	tmx_wait_regex(&T, "\u2502 lr +[0-9.e-]+ ");
	tmx_wait_regex(&T, "\u2502 preset +custom ");
	/* a sweep range the pane cannot take is refused there */
	edit_field(&T, "lr_find", "1,0.1,40");
	TMX_WAIT_TEXT(&T, "lr_find start must be less than lr_find end");
	tmx_wait_regex(&T, "\u2502 lr_find +0\\.0001,1,40 ");
	cr_assert(tmx_alive(&T));
}

Test(tui, preset_row_applies_names_and_refuses)
{
	start_loaded(&T, "");
	tmx_wait_regex(&T, "\u2502 preset +fastai ");
	/* right: the next preset, every setting of it */
	select_field(&T, "preset");
	tmx_keys(&T, "Right");
	tmx_wait_regex(&T, "\u2502 preset +u1-best ");
	tmx_wait_regex(&T, "\u2502 model +bpmf ");
	tmx_wait_regex(&T, "\u2502 n_factors +10 ");
	tmx_wait_regex(&T, "\u2502 epochs +400 ");
	TMX_WAIT_TEXT(&T, "presets: fastai");   /* wrapped */
	TMX_ON_SCREEN(&T, "u1-best als");
	/* typed by name */
	edit_field(&T, "preset", "als");
	tmx_wait_regex(&T, "\u2502 preset +als ");
	tmx_wait_regex(&T, "\u2502 model +als ");
	tmx_wait_regex(&T, "\u2502 wd +12 ");
	tmx_wait_regex(&T, "\u2502 epochs +15 ");
	TMX_WAIT_TEXT(&T, "preset als applied");
	/* an unknown name: refused with the known ones, the values stay */
	edit_field(&T, "preset", "best");
	TMX_WAIT_TEXT(&T, "no preset 'best' (the presets are");     /* wrapped */
	TMX_ON_SCREEN(&T, "ranking-best, fast-adarow)");
	tmx_wait_regex(&T, "\u2502 model +als ");
	/* an edit away from the preset's values: custom */
	edit_field(&T, "epochs", "3");
	tmx_wait_regex(&T, "\u2502 preset +custom ");
	/* p applies the preset after... the first, from custom values */
	tmx_keys(&T, "p");
	tmx_wait_regex(&T, "\u2502 preset +fastai ");
	tmx_wait_regex(&T, "\u2502 model +dotbias ");
	tmx_wait_regex(&T, "\u2502 epochs +5 ");
	cr_assert(tmx_alive(&T));
}

Test(tui, fast_trainer_trains_dot_models_only, .timeout = 180)
{
	start_loaded(&T, "");
	tmx_wait_regex(&T, "\u2502 trainer +fastai ");
	select_field(&T, "trainer");
	tmx_keys(&T, "Right");
	tmx_wait_regex(&T, "\u2502 trainer +fast ");
	/* nn with the fast trainer: refused, with the reason */
	select_field(&T, "model");
	tmx_keys(&T, "Right");
	TMX_WAIT_TEXT(&T, "model: the fast trainer fits only the dot and dotbias models");
	tmx_wait_regex(&T, "\u2502 model +dotbias \u2190 the fast");
	/* F sweeps fastai's trainer only */
	tmx_keys(&T, "F");
	TMX_WAIT_TEXT(&T, "the lr finder sweeps fastai's trainer, not the fast one");
	/* t trains with it: fastai's table, one row per epoch */
	tmx_keys(&T, "t");
	TMX_WAIT_TEXT(&T, "train_loss");
	for (int e = 0; e < 5; e++) {
		char re[160];

		snprintf(re, sizeof re, " %d +[0-9]+\\.[0-9]{6} +[0-9]+\\.[0-9]{6} +"
			 "[0-9]{2}:[0-9]{2}", e);
		tmx_wait_regex(&T, re);
	}
	TMX_WAIT_TEXT(&T, "training finished");
	TMX_WAIT_TEXT(&T, "lr 0.005 wd 0.1 k 50 fast");
	cr_assert(tmx_alive(&T));
}

/* How many pane boxes (top-left corners) are on screen. */
static int boxes(const char *cap)
{
	int n = 0;

	for (const char *p = cap; (p = strstr(p, "\u250c")) != NULL; p++)
		n++;
	return n;
}

/* The screen's first line. */
static void first_line(const char *cap, char *out, size_t n)
{
	snprintf(out, n, "%.*s", (int)strcspn(cap, "\n"), cap);
}

Test(tui, resize_to_tabs_and_back)
{
	char b[64], top[1024];

	start_loaded(&T, "");
	cr_assert_geq(boxes(tmx_capture(&T, 0)), 4, "not every pane at 120x40:\n%s", T.cap);
	cr_assert_eq(TMX(&T, "resize-window", "-t", "c", "-x", "60", "-y", "20"), 0);
	tmx_display(&T, "#{pane_width}x#{pane_height}", b, sizeof b);
	cr_assert_str_eq(b, "60x20");
	/* one pane at a time (Hyperparameters has the focus) under a tab bar */
	TMX_WAIT_TEXT(&T, "\u2500 Hyperparameters ");
	TMX_WAIT_GONE(&T, "users 943");
	cr_assert_eq(boxes(tmx_capture(&T, 0)), 1, "not one pane at 60x20:\n%s", T.cap);
	first_line(T.cap, top, sizeof top);
	cr_assert(strstr(top, "1 Dataset") && strstr(top, "2 Training"),
		  "no tab bar on the first line: \"%s\"", top);
	TMX_ON_SCREEN(&T, "q quit");
	/* the tabs switch panes */
	tmx_keys(&T, "1");
	TMX_WAIT_TEXT(&T, "users 943");
	TMX_WAIT_GONE(&T, "\u2500 Hyperparameters ");
	tmx_keys(&T, "Tab");
	TMX_WAIT_TEXT(&T, "not trained yet");
	TMX_WAIT_GONE(&T, "users 943");
	cr_assert_eq(boxes(T.cap), 1, "not one pane at 60x20:\n%s", T.cap);

	/* back to 120x40: every pane again */
	cr_assert_eq(TMX(&T, "resize-window", "-t", "c", "-x", "120", "-y", "40"), 0);
	TMX_WAIT_TEXT(&T, "\u2500 Movies ");
	TMX_WAIT_TEXT(&T, "users 943");
	tmx_capture(&T, 0);
	TMX_ON_SCREEN(&T, "\u2500 Dataset ");
	TMX_ON_SCREEN(&T, "\u2500 Training ");
	TMX_ON_SCREEN(&T, "\u2500 Hyperparameters ");
	TMX_ON_SCREEN(&T, "not trained yet");
	cr_assert_geq(boxes(T.cap), 4, "not every pane back at 120x40:\n%s", T.cap);
	cr_assert(tmx_alive(&T), "collabtui died while resizing");
	/* and it still answers keys */
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 0);
}

/* The status line on the screen's last row: drawn at the window's size. */
static int status_on_last_row(const char *cap, const void *rows)
{
	const char *line = cap;

	for (int r = 1; r < *(const int *)rows && line; r++)
		if ((line = strchr(line, '\n')) != NULL)
			line++;
	return line && strstr(line, "q quit") != NULL;
}

/* Resizes that land while the interface is drawing still wake it: after a
 * burst of them, with no key pressed, it is drawn at the last size. */
Test(tui, a_burst_of_resizes_is_drawn_at_the_last_size)
{
	char w[8], h[8];
	int rows = 30;

	start_loaded(&T, "");
	for (int i = 0; i < 60; i++) {
		snprintf(w, sizeof w, "%d", i % 2 ? 80 : 150);
		snprintf(h, sizeof h, "%d", i % 2 ? 24 : 45);
		cr_assert_eq(TMX(&T, "resize-window", "-t", "c", "-x", w, "-y", h), 0);
	}
	cr_assert_eq(TMX(&T, "resize-window", "-t", "c", "-x", "100", "-y", "30"), 0);
	cr_assert(tmx_wait_for(&T, status_on_last_row, &rows, 3.0),
		  "not drawn at 100x30 without a key; the screen:\n%s", T.cap);
	cr_assert(tmx_alive(&T));
}

Test(tui, too_small_terminal)
{
	start_loaded(&T, "");
	cr_assert_eq(TMX(&T, "resize-window", "-t", "c", "-x", "50", "-y", "12"), 0);
	TMX_WAIT_TEXT(&T, "terminal too small: 50x12, need 60x16");
	cr_assert(tmx_alive(&T));
	/* big enough again: tabs */
	cr_assert_eq(TMX(&T, "resize-window", "-t", "c", "-x", "80", "-y", "24"), 0);
	TMX_WAIT_GONE(&T, "terminal too small");
	TMX_WAIT_TEXT(&T, "\u2500 Hyperparameters ");
	/* q quits from the small screen too */
	cr_assert_eq(TMX(&T, "resize-window", "-t", "c", "-x", "40", "-y", "10"), 0);
	TMX_WAIT_TEXT(&T, "terminal too small: 40x10");
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 0);
	assert_clean_terminal(&T, 0);
}

Test(tui, q_leaves_a_clean_terminal)
{
	char path[700], trace[4096];
	int lines = 0;

	tui_start(&T, "--trace trace.txt");
	TMX_WAIT_TEXT(&T, "users 943");
	tmx_keys(&T, "j j k o");
	/* a key that quits in the same read as others leaves them unrendered
	 * and untraced; wait until o's sort shows, so all four were drawn */
	TMX_WAIT_TEXT(&T, "by ratings");
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 0);
	assert_clean_terminal(&T, 0);
	/* --trace wrote one latency (microseconds) per key before q */
	snprintf(path, sizeof path, "%s/trace.txt", T.dir);
	cli_slurp(path, trace, sizeof trace);
	for (const char *p = trace; *p; p++) {
		cr_assert(isdigit((unsigned char)*p) || *p == '\n', "trace: %s", trace);
		lines += *p == '\n';
	}
	cr_assert_geq(lines, 4, "trace: %s", trace);
}

/* Ctrl-C and SIGTERM quit through the normal path: terminal restored. */
Test(tui, ctrl_c_restores_the_terminal)
{
	start_loaded(&T, "");
	tmx_keys(&T, "C-c");
	int st = tmx_wait_exit(&T);
	cr_assert_eq(st, 128 + SIGINT, "Ctrl-C: exit status %d", st);
	assert_clean_terminal(&T, st);
}

Test(tui, sigterm_restores_the_terminal)
{
	start_loaded(&T, "");
	cr_assert_eq(kill(tmx_collabtui_pid(&T), SIGTERM), 0);
	int st = tmx_wait_exit(&T);
	cr_assert_eq(st, 128 + SIGTERM, "SIGTERM: exit status %d", st);
	assert_clean_terminal(&T, st);
}

/* Ctrl-Z gives the shell a sane terminal; fg brings the screen back. */
Test(tui, ctrl_z_and_fg)
{
	const char *bin = getenv("COLLABTUI_BIN");
	char ds[512], cmd[4096], b[64];

	testenv_dataset(ds, sizeof ds, "ml-100k");
	if (access("/bin/bash", X_OK) != 0)
		cr_skip_test("no /bin/bash for a job-control shell");
	cr_assert(bin && *bin, "COLLABTUI_BIN is not set");
	testenv_tmpdir(T.dir, sizeof T.dir);
	snprintf(cmd, sizeof cmd, "cd '%s' && exec env HOME='%s' XDG_CONFIG_HOME='%s' "
		 "XDG_DATA_HOME='%s' TERM=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 PS1='prompt$ ' "
		 "/bin/bash --norc --noprofile -i", T.dir, T.dir, T.dir, T.dir, tmx_term());
	tmx_open(&T, 120, 40, cmd);
	TMX_WAIT_TEXT(&T, "prompt$");
	snprintf(cmd, sizeof cmd, "'%s' --data '%s'", bin, ds);
	tmx_type(&T, cmd);
	tmx_keys(&T, "Enter");
	TMX_WAIT_TEXT(&T, "users 943");
	tmx_keys(&T, "C-z");
	TMX_WAIT_TEXT(&T, "Stopped");
	tmx_display(&T, "#{alternate_on} #{cursor_flag} #{mouse_any_flag}", b, sizeof b);
	cr_assert_str_eq(b, "0 1 0", "suspended: alternate screen, cursor, mouse: %s", b);
	tmx_type(&T, "fg");
	tmx_keys(&T, "Enter");
	TMX_WAIT_TEXT(&T, "users 943");
	TMX_WAIT_TEXT(&T, "\u2500 Movies ");
	tmx_display(&T, "#{alternate_on}", b, sizeof b);
	cr_assert_str_eq(b, "1", "fg: not back on the alternate screen");
	tmx_keys(&T, "q");
	TMX_WAIT_GONE(&T, "users 943");
	tmx_type(&T, "echo \"[collabtui exited $?]\"");
	tmx_keys(&T, "Enter");
	TMX_WAIT_TEXT(&T, "[collabtui exited 0]");
}

Test(tui, q_while_training_asks_first, .timeout = 180)
{
	/* epochs enough that training outlasts the test */
	start_loaded(&T, "--epochs 400");
	tmx_keys(&T, "t");
	tmx_wait_regex(&T, "epoch [0-9]+/400");
	tmx_keys(&T, "q");
	TMX_WAIT_TEXT(&T, "Quit anyway? (y/n)");
	cr_assert(tmx_alive(&T));
	/* n: carry on */
	tmx_keys(&T, "n");
	TMX_WAIT_GONE(&T, "Quit anyway?");
	tmx_wait_regex(&T, "epoch [0-9]+/400");
	cr_assert(tmx_alive(&T));
	/* s stops; the stopped run stays, labelled, behind a new one */
	tmx_keys(&T, "s");
	TMX_WAIT_TEXT(&T, "training stopped");
	tmx_keys(&T, "t");
	TMX_WAIT_TEXT(&T, "before: lr 0.005 wd 0.1 k 50 (stopped)");
	tmx_wait_regex(&T, "epoch [0-9]+/400");
	/* y: quit while the engine is busy */
	tmx_keys(&T, "q");
	TMX_WAIT_TEXT(&T, "Quit anyway? (y/n)");
	tmx_keys(&T, "y");
	cr_assert_eq(tmx_wait_exit(&T), 0);
	assert_clean_terminal(&T, 0);
}

/* Mark in seen[] the actions whose keys and description are on screen. */
static int help_mark(const char *cap, const struct keymap *km, int *seen)
{
	int missing = 0;

	for (int a = 1; a < ACT_COUNT; a++) {
		char k[64];

		keys_describe(km, (enum keys_action)a, k, sizeof k);
		if (!seen[a] && strstr(cap, keys_action_desc((enum keys_action)a)) &&
		    strstr(cap, k))
			seen[a] = 1;
		missing += !seen[a];
	}
	return missing;
}

Test(tui, help_shows_every_key)
{
	struct keymap km;
	int seen[ACT_COUNT] = { 0 }, missing;

	keys_default(&km);
	start_loaded(&T, "");
	tmx_keys(&T, "?");
	TMX_WAIT_TEXT(&T, "Keys (j/k PgDn/PgUp scroll, any other key closes)");
	missing = help_mark(tmx_capture(&T, 0), &km, seen);
	/* a long list scrolls: j shows the rest */
	for (int i = 0; missing && i < ACT_COUNT; i++) {
		static char prev[TMX_CAP];

		memcpy(prev, T.cap, sizeof prev);
		tmx_keys(&T, "j");
		for (int k = 0; k < 50 && strcmp(tmx_capture(&T, 0), prev) == 0; k++)
			usleep(20000);
		missing = help_mark(T.cap, &km, seen);
	}
	for (int a = 1; a < ACT_COUNT; a++)
		cr_expect(seen[a], "help lacks %s: \"%s\"", keys_action_name((enum keys_action)a),
			  keys_action_desc((enum keys_action)a));
	cr_assert_eq(missing, 0, "the help screen:\n%s", T.cap);
	/* any key closes it */
	tmx_keys(&T, "Escape");
	TMX_WAIT_GONE(&T, "any other key closes");
	TMX_WAIT_TEXT(&T, "users 943");
	cr_assert(tmx_alive(&T));
}

Test(tui, search_finds_miserables)
{
	start_loaded(&T, "");
	tmx_capture(&T, 0);
	TMX_NOT_ON_SCREEN(&T, "Misérables");
	tmx_keys(&T, "/");
	tmx_type(&T, "misér");
	TMX_WAIT_TEXT(&T, "Misérables, Les (1995)");
	TMX_WAIT_TEXT(&T, "1 of 1682");
	TMX_ON_SCREEN(&T, "/misér");
	/* Enter keeps the filter, Esc clears it */
	tmx_keys(&T, "Enter");
	TMX_WAIT_TEXT(&T, "(Esc clears)");
	tmx_keys(&T, "Escape");
	TMX_WAIT_TEXT(&T, "1682 of 1682");
	cr_assert(tmx_alive(&T));
}

/* Every SGR sequence in s: is any of its parameters a colour? */
static int has_colour_sgr(const char *s)
{
	for (const char *p = s; (p = strstr(p, "\033[")) != NULL; p += 2) {
		const char *q = p + 2;
		size_t n = strspn(q, "0123456789;");

		if (q[n] != 'm')
			continue;
		for (const char *a = q; a < q + n;) {
			int v = atoi(a);

			if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) ||
			    (v >= 90 && v <= 97) || (v >= 100 && v <= 107))
				return 1;
			a += strcspn(a, ";m");
			if (*a == ';')
				a++;
		}
	}
	return 0;
}

Test(tui, no_color_still_works, .timeout = 180)
{
	tui_start_env(&T, 120, 40, "NO_COLOR=1", "--bs 512");
	TMX_WAIT_TEXT(&T, "users 943");
	tmx_capture(&T, 1);
	cr_assert(!has_colour_sgr(T.cap), "NO_COLOR=1 but the screen has colours:\n%s", T.cap);
	cr_assert(strstr(T.cap, "\033["), "no attributes at all under NO_COLOR (expected bold, "
		  "reverse...)");
	tmx_keys(&T, "t");
	tmx_wait_regex(&T, " 4 +[0-9]+\\.[0-9]{6} +[0-9]+\\.[0-9]{6} +[0-9]{2}:[0-9]{2}");
	TMX_WAIT_TEXT(&T, "training finished");
	tmx_capture(&T, 1);
	cr_assert(!has_colour_sgr(T.cap), "colours after training under NO_COLOR:\n%s", T.cap);
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 0);
}

/* A stderr message written while curses is up is shown after exit. */
Test(tui, stderr_is_shown_after_exit)
{
	tui_start(&T, "--trace no-such-dir/trace.txt");
	TMX_WAIT_TEXT(&T, "users 943");
	tmx_keys(&T, "q");
	cr_assert_eq(tmx_wait_exit(&T), 1, "a trace that cannot be written: status 1");
	TMX_WAIT_TEXT(&T, "collabtui: --trace: no-such-dir/trace.txt: cannot create a temporary "
		      "file in no-such-dir: No such file or directory");
	assert_clean_terminal(&T, 1);
}

/* Standard output is a terminal but standard input is not. */
Test(tui, stdin_not_a_terminal_in_tmux)
{
	tui_start(&T, "</dev/null");
	cr_assert_eq(tmx_wait_exit(&T), 2);
	TMX_WAIT_TEXT(&T, "needs a terminal");
	assert_clean_terminal(&T, 2);
}

/* A TERM that names no terminal is bad input, as no terminal is: 2. */
Test(tui, unknown_term_exits_2)
{
	tui_start_env(&T, 120, 40, "TERM=no-such-terminal-xyz", "");
	cr_assert_eq(tmx_wait_exit(&T), 2);
	TMX_WAIT_TEXT(&T, "cannot start the terminal interface");
}

/* No terminal at all: a pipe or a cron job. */
Test(tui, no_terminal_exits_2_with_help)
{
	struct cli_result r;

	cli_run(&r, NULL, "--data /nonexistent");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "needs a terminal") && strstr(r.err, "collabtui train"),
		  "%s", r.err);
	cr_assert_str_empty(r.out, "curses output in a pipe: %s", r.out);
}
