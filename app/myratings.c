/* myratings.c -- your ratings and their file (see myratings.h). */
#include "myratings.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "paths.h"
#include "text.h"

#define LINE_MAX_BYTES 65536   /* longest line read, without its '\n' */
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
	/* all digits and no such title: the movie id first, before "50"
	 * matches every title with a 50 in it */
	if (*text && strspn(text, "0123456789") == strlen(text)) {
		errno = 0;
		unsigned long long id = strtoull(text, NULL, 10);
		for (uint32_t i = 0; errno == 0 && i < cat->n_items; i++)
			if (cat->items[i].id == id)
				return i;
	}
	long found = -1;
	for (uint32_t i = 0; i < cat->n_items; i++) {
		if (!contains_nocase(cat->items[i].title, text))
			continue;
		if (*n_matches < max)
			matches[*n_matches] = i;
		if (++*n_matches == 1)
			found = i;
	}
	return *n_matches > 1 ? -2 : found;
}

/* A line of a file that names both (see myratings.h): the movie with
 * that id and title, else (the other item key) the title, else the id;
 * -1 when neither is in cat. */
static long find_id_title(const struct eng_catalog *cat, unsigned long long id,
			  const char *title)
{
	long by_title = -1, by_id = -1;

	for (uint32_t i = 0; i < cat->n_items; i++) {
		int same_title = strcasecmp(cat->items[i].title, title) == 0;

		if (same_title && cat->items[i].id == id)
			return i;
		if (same_title && by_title < 0)
			by_title = i;
		if (cat->items[i].id == id && by_id < 0)
			by_id = i;
	}
	return by_title >= 0 ? by_title : by_id;
}

/* The file's first line when its lines end in the movie id. */
static const char header_v2[] = "title,rating,id";

/* Cut ",ID" off the end of line into *id; 0, or -1 when it does not end
 * in one. */
static int split_id(char *line, unsigned long long *id)
{
	char *comma = strrchr(line, ',');
	char *digits = comma ? comma + 1 : NULL;

	if (!comma)
		return -1;
	digits += strspn(digits, " \t");
	size_t n = strspn(digits, "0123456789");
	if (n == 0 || n > 19 || digits[n + strspn(digits + n, " \t\r\n")] != '\0')
		return -1;
	*id = strtoull(digits, NULL, 10);
	*comma = '\0';
	return 0;
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
	if (key)
		snprintf(file, sizeof file, "ratings-%s-%.40s.csv", safe, key);
	else
		snprintf(file, sizeof file, "ratings-%s.csv", safe);
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
	char quoted[200];
	size_t used;

	/* text may be a line of a file: quoted cleaned (text.h), never raw */
	text_clean(quoted, sizeof quoted, text, strlen(text));
	if (r == -1) {
		snprintf(buf, len, "no movie title contains \"%s\"", quoted);
		return;
	}
	snprintf(buf, len, "\"%s\" matches %d titles; be more specific:", quoted, n);
	for (int j = 0; j < n && j < shown; j++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s %s", j ? ";" : "",
			 cat->items[matches[j]].title);
	}
	used = strlen(buf);
	if (n > shown)
		snprintf(buf + used, len - used, "; and %d more", n - shown);
}

/* Remember which file fd is (see struct myratings); zeros when unknown. */
static void note_file(struct myratings *m, int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0) {
		m->file_dev = m->file_ino = m->file_size = m->file_mtime_ns = 0;
		return;
	}
	m->file_dev = (unsigned long long)st.st_dev;
	m->file_ino = (unsigned long long)st.st_ino;
	m->file_size = (unsigned long long)st.st_size;
	m->file_mtime_ns = (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
			   (unsigned long long)st.st_mtim.tv_nsec;
}

/* Whether path is still the file *m last read or wrote. */
static int same_file(const struct myratings *m, const char *path)
{
	struct myratings now;
	int fd = afile_open_read(path, NULL, 0);

	if (fd < 0)
		return 0;
	note_file(&now, fd);
	close(fd);
	return m->file_ino != 0 && now.file_dev == m->file_dev &&
	       now.file_ino == m->file_ino && now.file_size == m->file_size &&
	       now.file_mtime_ns == m->file_mtime_ns;
}

/* The reader behind myratings_load: fills m->r, and notes the file. */
static int read_file(struct myratings *m, const char *path,
		     const struct eng_catalog *cat, float lo, float hi, char *err,
		     size_t errlen)
{
	/* a regular file only: a FIFO would block, /dev/zero never end */
	FILE *f = afile_fopen_read(path, err, errlen);
	char *line = NULL, why[600] = "", shown[41];
	size_t cap = 0;
	ssize_t got;
	int ln = 0, bad = 0, v2 = 0;
	unsigned long long id = 0;

	m->n = 0;
	note_file(m, -1);
	if (!f)
		return errno == ENOENT || errno == ENOTDIR ? 1 : -1;
	note_file(m, fileno(f));
	/* Whole lines, however long: a line cut in two by a fixed buffer
	 * would have its tail read as a line of its own (the tail of a long
	 * '#' comment as a rating).  Over-long ones are refused, not cut. */
	while ((got = getline(&line, &cap, f)) > 0) {
		struct myratings_line l;
		uint32_t matches[SHOW_MATCHES];
		size_t len = (size_t)got - (line[got - 1] == '\n');
		int nm, rc;
		long it;

		ln++;
		if (len > LINE_MAX_BYTES)
			snprintf(why, sizeof why, "expected a line of at most %d bytes",
				 LINE_MAX_BYTES);
		else if (memchr(line, '\0', len))
			snprintf(why, sizeof why, "a NUL byte in the line");
		else if (ln == 1 && strcmp(trim(line + (strncmp(line, "\xEF\xBB\xBF", 3) ?
							 0 : 3)), header_v2) == 0) {
			v2 = 1;         /* lines title,rating,id */
			continue;
		}
		else if (v2 && *trim(line) && *trim(line) != '#' && split_id(line, &id) != 0)
			snprintf(why, sizeof why, "expected title,rating,id");
		else if ((rc = parse_line(line, ln, &l)) == MYRATINGS_SKIP)
			continue;
		else if (rc == MYRATINGS_NO_COMMA)
			snprintf(why, sizeof why, "expected title_or_id,rating");
		else if (rc == MYRATINGS_NOT_NUMBER)
			snprintf(why, sizeof why, "the rating \"%.120s\" is not a number",
				 text_clean(shown, 41, l.rating_text,
					    strlen(l.rating_text)));
		else if (l.rating < lo || l.rating > hi)
			snprintf(why, sizeof why, "rating %g is outside the dataset's "
				 "%g..%g", l.rating, lo, hi);
		else if (v2 && (it = find_id_title(cat, id, l.name)) < 0)
			snprintf(why, sizeof why, "neither movie id %llu nor the title "
				 "\"%.200s\" is in the dataset", id,
				 text_clean(shown, 41, l.name, strlen(l.name)));
		else if (!v2 && (it = myratings_find_title(cat, l.name, matches,
							   SHOW_MATCHES, &nm)) < 0)
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
	free(line);
	fclose(f);
	return bad ? -1 : 0;
}

int myratings_load(struct myratings *m, const char *path,
		   const struct eng_catalog *cat, float lo, float hi, char *err,
		   size_t errlen)
{
	int rc = read_file(m, path, cat, lo, hi, err, errlen);

	m->n_base = m->n;
	memcpy(m->base, m->r, (size_t)m->n * sizeof m->r[0]);
	return rc;
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

/* The rating of item in r[0..n), NAN when it has none. */
static float rating_in(const struct eng_rating *r, int n, uint32_t item)
{
	for (int i = 0; i < n; i++)
		if (r[i].item == item)
			return r[i].rating;
	return NAN;
}

/* Whether this process changed item's rating since the base: rated it,
 * re-rated it, or cleared it. */
static int changed_here(const struct myratings *m, uint32_t item)
{
	float now = rating_in(m->r, m->n, item);
	float was = rating_in(m->base, m->n_base, item);

	return isnan(now) != isnan(was) || (!isnan(now) && now != was);
}

/* *out = the merge of *m (with its base) and theirs, the file as it is
 * now (see myratings.h): m's order first, then what only theirs has. */
static void merge(const struct myratings *m, const struct myratings *theirs,
		  struct myratings *out)
{
	out->n = 0;
	for (int i = 0; i < m->n; i++) {
		uint32_t item = m->r[i].item;
		float r = changed_here(m, item) ? m->r[i].rating
						: rating_in(theirs->r, theirs->n, item);
		if (!isnan(r))
			out->r[out->n++] = (struct eng_rating){ item, r };
	}
	for (int i = 0; i < theirs->n && out->n < MYRATINGS_MAX; i++) {
		uint32_t item = theirs->r[i].item;

		if (!changed_here(m, item) && isnan(rating_in(m->r, m->n, item)) &&
		    isnan(rating_in(m->base, m->n_base, item)))
			out->r[out->n++] = theirs->r[i];
	}
}

/* Open and flock(LOCK_EX) the lock file ".NAME.lock" next to path.  The
 * descriptor (closing it unlocks), or -1 with the reason in err. */
static int lock_ratings(const char *path, char *err, size_t errlen)
{
	char lock[ENG_PATH_MAX + 8];
	const char *slash = strrchr(path, '/');
	int dlen = slash ? (int)(slash - path + 1) : 0;
	int fd;

	if (snprintf(lock, sizeof lock, "%.*s.%s.lock", dlen, path,
		     path + dlen) >= (int)sizeof lock) {
		snprintf(err, errlen, "%s: the path is too long", path);
		return -1;
	}
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", lock, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno == EINTR)
			continue;
		snprintf(err, errlen, "%s: flock: %s", lock, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int myratings_save(struct myratings *m, const char *path,
		   const struct eng_catalog *cat, char *err, size_t errlen)
{
	struct myratings *theirs = NULL, *out = NULL;
	struct afile *f;

	char why[600];
	int lock = -1, rc = -1;

	if (make_dirs(path, err, errlen) != 0)
		return -1;
	theirs = malloc(sizeof *theirs);
	out = malloc(sizeof *out);
	if (!theirs || !out) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto done;
	}
	lock = lock_ratings(path, err, errlen);
	if (lock < 0)
		goto done;
	/* what the file holds now: another interface may have saved */
	if (same_file(m, path)) {
		theirs->n = m->n_base;
		memcpy(theirs->r, m->base, (size_t)m->n_base * sizeof m->r[0]);
	} else if (read_file(theirs, path, cat, -HUGE_VALF, HUGE_VALF, why,
			     sizeof why) < 0) {
		snprintf(err, errlen, "not saved, the file changed and cannot be "
			 "read back: %s", why);
		goto done;
	}
	merge(m, theirs, out);

	f = afile_open(path, err, errlen);
	if (!f)
		goto done;
	afile_write(f, header_v2, sizeof header_v2 - 1);
	afile_write(f, "\n", 1);
	for (int i = 0; i < out->n; i++) {
		const struct eng_item *it = &cat->items[out->r[i].item];
		char num[64];
		int k;

		write_name(f, it->title);
		k = snprintf(num, sizeof num, ",%g,%llu\n", out->r[i].rating,
			     (unsigned long long)it->id);
		afile_write(f, num, (size_t)k);
	}
	if (afile_commit(f, err, errlen) != 0)
		goto done;
	/* what was written is what this process now has, and its base */
	m->n = m->n_base = out->n;
	memcpy(m->r, out->r, (size_t)out->n * sizeof m->r[0]);
	memcpy(m->base, out->r, (size_t)out->n * sizeof m->r[0]);
	int fd = afile_open_read(path, NULL, 0);
	note_file(m, fd);
	if (fd >= 0)
		close(fd);
	rc = 0;
done:
	if (lock >= 0)
		close(lock);
	free(theirs);
	free(out);
	return rc;
}

/* The last part of path, for a message. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

int myratings_migrate(struct myratings *m, const char *path, const char *const old[],
		      int n_old, const struct eng_catalog *cat, float lo, float hi,
		      char *msg, size_t msglen)
{
	struct myratings *t = malloc(sizeof *t);
	const char *merged[MYRATINGS_OLD_MAX];
	char why[700], names[300] = "";
	int n_merged = 0, added = 0, rc = 0;

	msg[0] = '\0';
	if (!t) {
		snprintf(msg, msglen, "%s: out of memory", path);
		return -1;
	}
	for (int i = 0; i < n_old && i < MYRATINGS_OLD_MAX; i++) {
		int got = read_file(t, old[i], cat, lo, hi, why, sizeof why);

		if (got == 1)
			continue;       /* none */
		if (got != 0) {
			/* not read whole: left as it is, to be fixed */
			snprintf(msg, msglen, "%s (an earlier version's file: not "
				 "merged; fix or remove it)", why);
			rc = -1;
			continue;
		}
		int full = 0, here = 0;
		for (int j = 0; j < t->n; j++)
			if (isnan(myratings_get(m, t->r[j].item))) {
				if (myratings_set(m, t->r[j].item, t->r[j].rating) != 0) {
					full = 1;
					break;
				}
				here++;
			}
		added += here;
		if (full) {
			snprintf(msg, msglen, "%s: at most %d ratings: the rest of it "
				 "is not merged, and it is left as it is", old[i],
				 MYRATINGS_MAX);
			rc = -1;
			continue;
		}
		merged[n_merged++] = old[i];
		size_t used = strlen(names);
		snprintf(names + used, sizeof names - used, "%s%s", used ? " and " : "",
			 base_name(old[i]));
	}
	free(t);
	if (n_merged == 0 && added == 0)
		return rc;
	if (myratings_save(m, path, cat, why, sizeof why) != 0) {
		snprintf(msg, msglen, "earlier versions' ratings not merged: %s", why);
		return -1;
	}
	/* merged once: the old files stay, under a name no version reads */
	for (int i = 0; i < n_merged; i++) {
		char to[4200];

		snprintf(to, sizeof to, "%s%s", merged[i], MYRATINGS_OLD_SUFFIX);
		if (rename(merged[i], to) != 0 && rc == 0) {
			snprintf(msg, msglen, "%s: merged, but could not be renamed to "
				 "%s: %s", merged[i], base_name(to), strerror(errno));
			rc = -1;
		}
	}
	if (rc == 0)
		snprintf(msg, msglen, "%d rating%s merged from %s (kept as *%s) into %s",
			 added, added == 1 ? "" : "s", names, MYRATINGS_OLD_SUFFIX,
			 base_name(path));
	return rc == 0 ? 1 : -1;
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
