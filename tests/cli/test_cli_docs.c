/* test_cli_docs.c -- the docs name what exists: the options and commands
 * of `collabtui --help` (made from app/opts.c's option table and main.c's
 * command table) are those of collabtui(1)'s OPTIONS and COMMANDS, both
 * ways; every exit status of app/exitcode.h is in its EXIT STATUS; and
 * every option README.md names exists.
 *
 * The repository is found two levels above COLLABTUI_FIXTURES (BUILD/
 * fixtures), as test_config.c finds config.yaml. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "testcli.h"

#define MAX_NAMES 128
#define NAME_MAX_LEN 32

struct names {
	int n;
	char v[MAX_NAMES][NAME_MAX_LEN];
};

static void add(struct names *s, const char *name, size_t len)
{
	if (len == 0 || len >= NAME_MAX_LEN)
		return;
	for (int i = 0; i < s->n; i++)
		if (strlen(s->v[i]) == len && strncmp(s->v[i], name, len) == 0)
			return;
	cr_assert_lt(s->n, MAX_NAMES);
	memcpy(s->v[s->n], name, len);
	s->v[s->n][len] = '\0';
	s->n++;
}

static int has(const struct names *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return 1;
	return 0;
}

/* Every name of a that b lacks, joined into out; returns their count. */
static int missing(const struct names *a, const struct names *b, char *out, size_t len)
{
	int k = 0;
	out[0] = '\0';
	for (int i = 0; i < a->n; i++)
		if (!has(b, a->v[i])) {
			size_t used = strlen(out);
			snprintf(out + used, len - used, " %s", a->v[i]);
			k++;
		}
	return k;
}

/* A file of the repository, read whole (malloc'd). */
static char *repo_file(const char *rel)
{
	const char *fx = getenv("COLLABTUI_FIXTURES");
	cr_assert(fx && *fx, "COLLABTUI_FIXTURES is not set");
	char path[1024];
	snprintf(path, sizeof path, "%s/../../%s", fx, rel);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	cr_assert_not_null(s);
	cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* The options and commands --help lists. */
static void from_help(struct names *opts, struct names *cmds)
{
	static struct cli_result r;
	cli_run(&r, NULL, "--help");
	cr_assert_eq(r.status, 0);
	int in_cmds = 0;
	for (const char *l = r.out; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		if (strncmp(l, "commands:", 9) == 0) {
			in_cmds = 1;
			continue;
		}
		if (in_cmds && strncmp(l, "  ", 2) != 0) {
			in_cmds = 0;
			continue;
		}
		if (in_cmds && l[2] != ' ') {
			size_t n = 0;
			while (is_name_char(l[2 + n]))
				n++;
			add(cmds, l + 2, n);
		}
		/* "  --name ARG" or "  -x, --name ARG" */
		const char *p = strncmp(l, "  --", 4) == 0 ? l + 4 :
				l[0] == ' ' && l[1] == ' ' && l[2] == '-' && l[3] != '-' &&
				strncmp(l + 4, ", --", 4) == 0 ? l + 8 : NULL;
		if (p) {
			size_t n = 0;
			while (is_name_char(p[n]))
				n++;
			add(opts, p, n);
		}
	}
}

/* The text of man page section `sh` (".SH NAME" to the next .SH). */
static const char *section(const char *man, const char *sh, const char **end)
{
	char head[64];
	snprintf(head, sizeof head, "\n.SH %s\n", sh);
	const char *p = strstr(man, head);
	cr_assert_not_null(p, "no %s section in collabtui.1", sh);
	p += strlen(head);
	*end = strstr(p, "\n.SH ");
	if (!*end)
		*end = p + strlen(p);
	return p;
}

/* The names after "\-\-" on the .TP heading lines of OPTIONS, and the
 * first words of COMMANDS' headings. */
static void from_man(const char *man, struct names *opts, struct names *cmds)
{
	const char *end, *p = section(man, "OPTIONS", &end);
	for (; p && p < end; p = strstr(p, "\n.TP\n")) {
		p = strchr(p + 1, '\n') + 1;
		if (p > end)
			break;
		const char *eol = strchr(p, '\n');
		for (const char *q = p; (q = strstr(q, "\\-\\-")) && q < eol; q += 4) {
			size_t n = 0;
			while (is_name_char(q[4 + n]) || (q[4 + n] == '\\' && q[5 + n] == '-')) {
				n += q[4 + n] == '\\' ? 2 : 1;
			}
			char name[NAME_MAX_LEN * 2];
			size_t k = 0;
			for (size_t j = 0; j < n && k + 1 < sizeof name; j++)
				if (q[4 + j] != '\\')
					name[k++] = q[4 + j];
			add(opts, name, k);
		}
	}
	p = section(man, "COMMANDS", &end);
	for (; p && p < end; p = strstr(p, "\n.TP\n")) {
		p = strchr(p + 1, '\n') + 1;
		if (p > end)
			break;
		if (strncmp(p, ".BI ", 4) == 0 || strncmp(p, ".B ", 3) == 0) {
			p = strchr(p, ' ') + 1;
			char name[NAME_MAX_LEN];
			size_t k = 0;
			for (; (is_name_char(*p) || *p == '\\') && k + 1 < sizeof name; p++)
				if (*p != '\\')
					name[k++] = *p;
			add(cmds, name, k);
		}
	}
}

Test(docs, man_page_options_and_commands_are_the_tables)
{
	static struct names h_opts, h_cmds, m_opts, m_cmds;
	from_help(&h_opts, &h_cmds);
	char *man = repo_file("man/collabtui.1");
	from_man(man, &m_opts, &m_cmds);
	cr_assert_gt(h_opts.n, 40, "options parsed from --help: %d", h_opts.n);
	cr_assert_gt(h_cmds.n, 8, "commands parsed from --help: %d", h_cmds.n);
	char list[2048];
	cr_assert_eq(missing(&h_opts, &m_opts, list, sizeof list), 0,
		     "options of --help missing from collabtui.1's OPTIONS:%s", list);
	cr_assert_eq(missing(&m_opts, &h_opts, list, sizeof list), 0,
		     "collabtui.1's OPTIONS names options that do not exist:%s", list);
	cr_assert_eq(missing(&h_cmds, &m_cmds, list, sizeof list), 0,
		     "commands missing from collabtui.1's COMMANDS:%s", list);
	cr_assert_eq(missing(&m_cmds, &h_cmds, list, sizeof list), 0,
		     "collabtui.1's COMMANDS names commands that do not exist:%s", list);
	free(man);
}

Test(docs, man_page_exit_statuses_are_exitcode_h)
{
	char *man = repo_file("man/collabtui.1");
	const char *end, *p = section(man, "EXIT STATUS", &end);
	static const int codes[] = { EXIT_OK, EXIT_RUNTIME, EXIT_INPUT, EXIT_INTERRUPTED };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		char b[32];
		snprintf(b, sizeof b, ".B %d", codes[i]);
		const char *q = strstr(p, b);
		if (!q || q > end) {
			snprintf(b, sizeof b, ".BR %d", codes[i]);
			q = strstr(p, b);
		}
		cr_assert(q && q < end, "exit status %d is not in EXIT STATUS", codes[i]);
	}
	/* and nothing else: every .B/.BR heading there is one of them */
	for (const char *q = p; (q = strstr(q, "\n.TP\n.B")) && q < end; q += 5) {
		const char *num = strchr(q + 5, ' ') + 1;
		int v = atoi(num), ok = v == 143;      /* 128 + SIGTERM, the tui's */
		for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
			ok |= v == codes[i];
		cr_assert(ok, "EXIT STATUS names %d, which exitcode.h does not", v);
	}
	free(man);
}

Test(docs, readme_names_only_options_that_exist)
{
	static struct names h_opts, h_cmds, r_opts;
	from_help(&h_opts, &h_cmds);
	char *readme = repo_file("README.md");
	for (const char *q = readme; (q = strstr(q, "--")); q += 2) {
		if (q > readme && (isalnum((unsigned char)q[-1]) || q[-1] == '-'))
			continue;
		size_t n = 0;
		while (is_name_char(q[2 + n]))
			n++;
		if (n && isalpha((unsigned char)q[2]))
			add(&r_opts, q + 2, n);
	}
	char list[2048];
	cr_assert_eq(missing(&r_opts, &h_opts, list, sizeof list), 0,
		     "README.md names options that do not exist:%s", list);
	free(readme);
}

Test(docs, every_command_has_its_own_help)
{
	static struct names h_opts, h_cmds;
	from_help(&h_opts, &h_cmds);
	for (int i = 0; i < h_cmds.n; i++) {
		static struct cli_result r;
		char head[64];
		cli_run(&r, NULL, "%s --help", h_cmds.v[i]);
		cr_assert_eq(r.status, 0, "%s --help: %s", h_cmds.v[i], r.err);
		snprintf(head, sizeof head, "usage: collabtui %s ", h_cmds.v[i]);
		cr_assert(strncmp(r.out, head, strlen(head)) == 0, "%s", r.out);
		cr_assert(strstr(r.out, "  --help "), "%s", r.out);
	}
}

/* The words of an enumerated setting are written once, in app/vocab.h:
 * `--help` prints them from there, and collabtui(1)'s OPTIONS must list
 * the same words for each such option (".BI \-\-NAME " WORDS"", the man
 * page's hyphens escaped). */
Test(docs, man_page_lists_each_settings_words_as_the_vocabulary)
{
	static const char *const opts[] = { "format", "item-key", "model", "opt", "schedule",
					    "trainer", "chart" };
	char *man = repo_file("man/collabtui.1");
	struct cli_result r;
	cli_run(&r, NULL, "--help");
	cr_assert_eq(r.status, 0, "%s", r.err);
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
		/* --help: "  --NAME WORDS" at a line's start */
		char key[64], words[256], want[512], man_words[256];
		snprintf(key, sizeof key, "\n  --%s ", opts[i]);
		const char *h = strstr(r.out, key);
		cr_assert(h, "--help has no --%s with a value", opts[i]);
		h += strlen(key);
		size_t n = strcspn(h, " \n");
		cr_assert_lt(n, sizeof words);
		memcpy(words, h, n);
		words[n] = '\0';
		cr_assert(strchr(words, '|'), "--%s: '%s' is not a word list", opts[i], words);
		/* the man page: .BI \-\-NAME " WORDS", with '-' written "\-" */
		char esc_name[64] = "", *o = esc_name;
		for (const char *c = opts[i]; *c; c++) {
			if (*c == '-')
				*o++ = '\\';
			*o++ = *c;
		}
		*o = '\0';
		snprintf(want, sizeof want, ".BI \\-\\-%s \"", esc_name);
		const char *m = strstr(man, want);
		cr_assert(m, "collabtui.1 has no '%s'", want);
		m += strlen(want);
		size_t k = 0;
		for (; *m && *m != '"' && *m != '\n' && k + 1 < sizeof man_words; m++)
			if (!(*m == '\\' && m[1] == '-'))
				man_words[k++] = *m;
		man_words[k] = '\0';
		const char *mw = man_words[0] == ' ' ? man_words + 1 : man_words;
		cr_assert_str_eq(mw, words, "--%s: collabtui.1 says '%s', the vocabulary '%s'",
				 opts[i], mw, words);
	}
	free(man);
}

/* `make run ARGS='...'` hands the options to collabtui (make -n: the
 * command it would run, nothing built or started). */
Test(docs, make_run_passes_args_through)
{
	const char *fx = getenv("COLLABTUI_FIXTURES");
	char cmd[1400], out[8192] = "";
	cr_assert(fx && *fx, "COLLABTUI_FIXTURES is not set");
	snprintf(cmd, sizeof cmd, "make -s -n -C '%s/../..' run DATA=/nowhere "
		 "ARGS='--item-key title --epochs 3' 2>&1", fx);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p);
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = '\0';
	pclose(p);
	cr_assert(strstr(out, "./collabtui --data '/nowhere' --item-key title --epochs 3"),
		  "%s", out);
}
