// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_retry_after.c - the Retry-After header (see otlp_retry_after.h).
 * Pure: "now" comes in as an argument.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otlp_retry_after.h"

/* RFC 9110 optional whitespace. */
static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

static int month_index(const char *m)
{
	static const char *const names[] = { "Jan", "Feb", "Mar", "Apr",
					     "May", "Jun", "Jul", "Aug",
					     "Sep", "Oct", "Nov", "Dec" };

	for (int i = 0; i < 12; i++)
		if (!strncmp(m, names[i], 3) && strlen(m) == 3)
			return i;
	return -1;
}

int otlp_parse_retry_after(const char *v, time_t now, double *secs)
{
	char wd[16], mon[8], tz[8], extra;
	int d, y, H, M, S, n = 0;
	struct tm tm = { 0 };
	time_t t;

	if (!v)
		return -EINVAL;
	while (is_ows(*v))
		v++;
	if (isdigit((unsigned char)*v)) {
		char *end;
		unsigned long long s;

		errno = 0;
		s = strtoull(v, &end, 10);
		while (is_ows(*end))
			end++;
		if (*end == '\0') {
			if (errno == ERANGE || s > 1000000000ull)
				s = 1000000000ull;
			*secs = (double)s;
			return 0;
		}
		/* asctime dates do not start with a digit; fall through to
		 * the date forms only for the other two. */
	}
	/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" */
	if (sscanf(v, "%15[A-Za-z], %2d %7s %4d %2d:%2d:%2d %7s %c", wd, &d,
		   mon, &y, &H, &M, &S, tz, &extra) == 8 &&
	    !strcmp(tz, "GMT"))
		n = 1;
	/* RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" */
	else if (sscanf(v, "%15[A-Za-z], %2d-%3[A-Za-z]-%4d %2d:%2d:%2d %7s %c",
			wd, &d, mon, &y, &H, &M, &S, tz, &extra) == 8 &&
		 !strcmp(tz, "GMT")) {
		n = 1;
		if (y < 100) /* RFC 9110: two-digit years within 50 years */
			y += y < 70 ? 2000 : 1900;
	}
	/* asctime: "Sun Nov  6 08:49:37 1994" */
	else if (sscanf(v, "%15[A-Za-z] %7s %2d %2d:%2d:%2d %4d %c", wd, mon,
			&d, &H, &M, &S, &y, &extra) == 7)
		n = 1;
	if (!n)
		return -EINVAL;
	tm.tm_mon = month_index(mon);
	if (tm.tm_mon < 0 || d < 1 || d > 31 || y < 1970 || y > 9999 || H < 0 ||
	    H > 23 || M < 0 || M > 59 || S < 0 || S > 60)
		return -EINVAL;
	tm.tm_mday = d;
	tm.tm_year = y - 1900;
	tm.tm_hour = H;
	tm.tm_min = M;
	tm.tm_sec = S;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -EINVAL;
	*secs = t > now ? (double)(t - now) : 0.0;
	return 0;
}
