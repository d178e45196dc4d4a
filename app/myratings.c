/* myratings.c -- your ratings and their file (see myratings.h). */
#include "myratings.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "paths.h"

#define LINE_MAX_BYTES 4096
#define SHOW_MATCHES 5          /* ambiguous titles named in an error */

/* Whether hay contains needle, ignoring ASCII case (strcasestr is a GNU
 * extension; titles are UTF-8, whose non-ASCII bytes compare exactly). */
static int contains_nocase(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

long myratings_find_title(const struct eng_catalog *cat, const char *text,
		      uint32_t *matches, int max, int *n_matches)
{
	*n_matches = 0;
	for (uint32_t i = 0; i < cat->n_items; i++)
		if (strcasecmp(cat->items[i].title, text) == 0)
			return i;
	long found = -1;
	for (uint32_t i = 0; i < cat->n_items; i++) {
		if (!contains_nocase(cat->items[i].title, text))
			continue;
		if (*n_matches < max)
			matches[*n_matches] = i;
		if (++*n_matches == 1)
			found = i;
	}
	if (*n_matches > 1)
		return -2;
	if (found >= 0 || !*text || strspn(text, "0123456789") != strlen(text))
		return found;
	errno = 0;
	unsigned long long id = strtoull(text, NULL, 10);
	for (uint32_t i = 0; errno == 0 && i < cat->n_items; i++)
		if (cat->items[i].id == id)
			return i;
	return -1;
}

/* Trim spaces, tabs and a line end from both ends of s, in place. */
static char *trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Undo the quoting write_name() adds: "a ""b""" -> a "b". */
static char *unquote(char *s)
{
	size_t n = strlen(s);
	char *w = s;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return s;
	for (size_t i = 1; i + 1 < n; i++) {
		*w++ = s[i];
		if (s[i] == '"' && s[i + 1] == '"')
			i++;
	}
	*w = '\0';
	return s;
}

/* One parsed line; the strings point into the line. */
struct myratings_line {
	char *name;             /* title or id, unquoted and trimmed */
	char *rating_text;      /* the text after the last comma, trimmed */
	double rating;
};

/* Results of parse_line. */
enum {
	MYRATINGS_OK = 0,       /* a rating */
	MYRATINGS_SKIP = 1,     /* blank, a '#' comment, or the header at line 1 */
	MYRATINGS_NO_COMMA = -1,/* no comma at all */
	MYRATINGS_NOT_NUMBER = -2, /* the rating is not a finite number */
};

/* Whether s is a plain decimal number: an optional sign, digits with at
 * most one '.', at least one digit ("4", "4.5", ".5", "-1").  Not
 * strtod's whole language: "0x4", "4e0", "inf" and "nan" are no ratings. */
static int is_decimal(const char *s)
{
	size_t i = (*s == '-' || *s == '+'), digits = strspn(s + i, "0123456789");

	i += digits;
	if (s[i] == '.') {
		size_t frac = strspn(s + i + 1, "0123456789");

		i += 1 + frac;
		digits += frac;
	}
	return digits > 0 && s[i] == '\0';
}

/* Parse line (NUL-terminated, changed in place) of a ratings file; lineno
 * counts from 1 (line 1 may be the header "title,rating", and may start
 * with a UTF-8 byte order mark, which is skipped).  The rating is
 * after the last comma, so a title such as "Shawshank Redemption, The
 * (1994)" needs no quoting; a "quoted" title is unquoted ("" -> ").
 * Returns one of the MYRATINGS_* results, filling *out for OK and (its
 * rating_text) for NOT_NUMBER. */
static int parse_line(char *line, int lineno, struct myratings_line *out)
{
	char *t, *comma, *end;

	/* what some editors write first: invisible, and no part of a title */
	if (lineno == 1 && strncmp(line, "\xEF\xBB\xBF", 3) == 0)
		line += 3;
	t = trim(line);
	if (!*t || *t == '#')
		return MYRATINGS_SKIP;
	comma = strrchr(t, ',');
	if (!comma)
		return MYRATINGS_NO_COMMA;
	*comma = '\0';
	out->name = unquote(trim(t));
	out->rating_text = trim(comma + 1);
	errno = 0;
	out->rating = strtod(out->rating_text, &end);
	if (errno || end == out->rating_text || *end || !isfinite(out->rating) ||
	    !is_decimal(out->rating_text)) {
		if (lineno == 1 && strcasecmp(out->rating_text, "rating") == 0)
			return MYRATINGS_SKIP;
		return MYRATINGS_NOT_NUMBER;
	}
	return MYRATINGS_OK;
}

int myratings_path(const char *name, const char *key, char *out, size_t n,
		   char *err, size_t errlen)
{
	char safe[64], file[128];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof safe; i++) {
		char c = name[i];

		safe[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '-' ||
			  c == '_' ? c : '_';
	}
	safe[i] = '\0';
	snprintf(file, sizeof file, "ratings-%s-%.40s.csv", safe, key);
	int rc = paths_user_file(PATHS_DATA, file, out, n);
	if (rc == -2)
		snprintf(err, errlen, "the path of the ratings file is too long");
	else if (rc != 0)
		snprintf(err, errlen, "neither XDG_DATA_HOME nor HOME is set: "
			 "your ratings cannot be saved");
	return rc == 0 ? 0 : -1;
	return 0;
}

float myratings_get(const struct myratings *m, uint32_t item)
{
	for (int i = 0; i < m->n; i++)
		if (m->r[i].item == item)
			return m->r[i].rating;
	return NAN;
}

int myratings_set(struct myratings *m, uint32_t item, float rating)
{
	for (int i = 0; i < m->n; i++)
		if (m->r[i].item == item) {
			m->r[i].rating = rating;
			return 0;
		}
	if (m->n == MYRATINGS_MAX)
		return -1;
	m->r[m->n++] = (struct eng_rating){ item, rating };
	return 0;
}

int myratings_clear(struct myratings *m, uint32_t item)
{
	for (int i = 0; i < m->n; i++)
		if (m->r[i].item == item) {
			memmove(&m->r[i], &m->r[i + 1],
				(size_t)(m->n - i - 1) * sizeof m->r[0]);
			m->n--;
			return 1;
		}
	return 0;
}

void myratings_title_error(const struct eng_catalog *cat, const char *text, long r,
			   const uint32_t *matches, int n, int shown, char *buf, size_t len)
{
	size_t used;

	if (r == -1) {
		snprintf(buf, len, "no movie title contains \"%s\"", text);
		return;
	}
	snprintf(buf, len, "\"%s\" matches %d titles; be more specific:", text, n);
	for (int j = 0; j < n && j < shown; j++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s %s", j ? ";" : "",
			 cat->items[matches[j]].title);
	}
	used = strlen(buf);
	if (n > shown)
		snprintf(buf + used, len - used, "; and %d more", n - shown);
}

int myratings_load(struct myratings *m, const char *path,
		   const struct eng_catalog *cat, float lo, float hi, char *err,
		   size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[LINE_MAX_BYTES], why[600] = "";
	int ln = 0, bad = 0;

	m->n = 0;
	if (!f) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 1;       /* nothing saved yet */
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		struct myratings_line l;
		uint32_t matches[SHOW_MATCHES];
		int nm, rc;
		long it;

		ln++;
		rc = parse_line(line, ln, &l);
		if (rc == MYRATINGS_SKIP)
			continue;
		if (rc == MYRATINGS_NO_COMMA)
			snprintf(why, sizeof why, "expected title_or_id,rating");
		else if (rc == MYRATINGS_NOT_NUMBER)
			snprintf(why, sizeof why, "the rating \"%.40s\" is not a number",
				 l.rating_text);
		else if (l.rating < lo || l.rating > hi)
			snprintf(why, sizeof why, "rating %g is outside the dataset's "
				 "%g..%g", l.rating, lo, hi);
		else if ((it = myratings_find_title(cat, l.name, matches, SHOW_MATCHES,
						&nm)) < 0)
			myratings_title_error(cat, l.name, it, matches, nm, SHOW_MATCHES, why,
					      sizeof why);
		else if (myratings_set(m, (uint32_t)it, (float)l.rating) != 0)
			snprintf(why, sizeof why, "more than %d ratings", MYRATINGS_MAX);
		else
			continue;
		if (!bad)
			snprintf(err, errlen, "%s:%d: %s", path, ln, why);
		bad = 1;
	}
	if (!bad && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		bad = 1;
	}
	fclose(f);
	return bad ? -1 : 0;
}

/* Whether a title has to be quoted to read back the same after trim and
 * unquote: leading or trailing blanks, a leading quote or '#'. */
static int needs_quotes(const char *s)
{
	size_t n = strlen(s);

	return n == 0 || s[0] == ' ' || s[0] == '\t' || s[0] == '"' ||
	       s[0] == '#' || s[n - 1] == ' ' || s[n - 1] == '\t';
}

static void write_name(struct afile *f, const char *s)
{
	if (!needs_quotes(s)) {
		afile_write(f, s, strlen(s));
		return;
	}
	afile_write(f, "\"", 1);
	for (; *s; s++)
		afile_write(f, *s == '"' ? "\"\"" : s, *s == '"' ? 2 : 1);
	afile_write(f, "\"", 1);
}

/* mkdir -p of path's directory. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
	char dir[ENG_PATH_MAX];

	snprintf(dir, sizeof dir, "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
			snprintf(err, errlen, "%s: mkdir: %s", dir, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	return 0;
}

int myratings_save(const struct myratings *m, const char *path,
		   const struct eng_catalog *cat, char *err, size_t errlen)
{
	struct afile *f;
	static const char header[] = "title,rating\n";

	if (make_dirs(path, err, errlen) != 0)
		return -1;
	f = afile_open(path, err, errlen);
	if (!f)
		return -1;
	afile_write(f, header, sizeof header - 1);
	for (int i = 0; i < m->n; i++) {
		char num[32];
		int k;

		write_name(f, cat->items[m->r[i].item].title);
		k = snprintf(num, sizeof num, ",%g\n", m->r[i].rating);
		afile_write(f, num, (size_t)k);
	}
	return afile_commit(f, err, errlen);
}

/* Whether name is base + "." + six mkstemp characters. */
static int is_temp_of(const char *name, const char *base)
{
	size_t n = strlen(base);

	if (strncmp(name, base, n) != 0 || name[n] != '.' || strlen(name + n + 1) != 6)
		return 0;
	for (const char *c = name + n + 1; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9')))
			return 0;
	return 1;
}

int myratings_clean_temps(const char *path)
{
	char dir[ENG_PATH_MAX];
	const char *base;
	char *slash;
	DIR *d;
	struct dirent *e;
	int removed = 0;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		base = path + (slash - dir) + 1;
	} else {
		snprintf(dir, sizeof dir, ".");
		base = path;
	}
	d = opendir(slash && !dir[0] ? "/" : dir);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (is_temp_of(e->d_name, base) && unlinkat(dirfd(d), e->d_name, 0) == 0)
			removed++;
	closedir(d);
	return removed;
}
