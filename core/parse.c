// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - numbers and errors for the text parsers (see parse.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "parse.h"

void mfd_parse_error_set(struct mfd_parse_error *err, unsigned int line,
			 const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

int mfd_parse_u64(const char *p, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		unsigned int d;

		if (p[i] < '0' || p[i] > '9')
			return -EINVAL;
		d = (unsigned int)(p[i] - '0');
		if (d > max || v > (max - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}
