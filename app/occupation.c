/* occupation.c -- ML-100K's occupations (see occupation.h). */
#include "occupation.h"

#include <string.h>
#include <strings.h>

int occupation_known(const char *w)
{
	size_t n = strlen(w);

	/* each word of the list ends at ", " or at its end */
	for (const char *p = OCCUPATION_LIST; *p; ) {
		size_t len = strcspn(p, ",");
		if (len == n && n > 0 && strncasecmp(p, w, n) == 0)
			return 1;
		p += len;
		p += strspn(p, ", ");
	}
	return 0;
}
