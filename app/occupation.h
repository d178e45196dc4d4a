/* occupation.h -- the occupations a user can give (recommend
 * --occupation, the interface's Recommendations form): ML-100K's
 * u.occupation, in its order, since its u.user is the one user metadata
 * collabtui reads (engine/data/dataset.c), and the engine matches a word
 * against the occupations of the dataset's users. */
#ifndef COLLABTUI_OCCUPATION_H
#define COLLABTUI_OCCUPATION_H

/* All of them, as refusals list them; OCCUPATION_LINES is the same in
 * four lines, for --help. */
#define OCCUPATION_LINE1 "administrator, artist, doctor, educator, engineer,"
#define OCCUPATION_LINE2 "entertainment, executive, healthcare, homemaker, lawyer,"
#define OCCUPATION_LINE3 "librarian, marketing, none, other, programmer, retired,"
#define OCCUPATION_LINE4 "salesman, scientist, student, technician, writer"
#define OCCUPATION_LIST OCCUPATION_LINE1 " " OCCUPATION_LINE2 " " \
	OCCUPATION_LINE3 " " OCCUPATION_LINE4
#define OCCUPATION_LINES OCCUPATION_LINE1 "\n" OCCUPATION_LINE2 "\n" \
	OCCUPATION_LINE3 "\n" OCCUPATION_LINE4

/* Whether w is one of them, in any case ("Engineer" is engineer). */
int occupation_known(const char *w);

#endif
