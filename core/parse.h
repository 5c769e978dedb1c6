/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.h - what the text parsers of procfs, sysfs and the kernel's
 * other files share: a decimal number and an error with its line.
 */
#ifndef MFD_PARSE_H
#define MFD_PARSE_H

#include <stddef.h>
#include <stdint.h>

struct mfd_parse_error {
	unsigned int line; /* 1-based, 0 = not line specific */
	char msg[160]; /* what is wrong, quoting the offending text */
};

/* Quote at most this many bytes of an offending line in a message:
 * "%.*s" with mfd_parse_quote_len(line, eol), line. */
#define MFD_PARSE_QUOTE_MAX 40

static inline int mfd_parse_quote_len(const char *p, const char *end)
{
	return end - p > MFD_PARSE_QUOTE_MAX ? MFD_PARSE_QUOTE_MAX :
					       (int)(end - p);
}

/* Fill err (which may be NULL) with line and a printf-formatted message,
 * cut to fit. */
__attribute__((format(printf, 3, 4))) void
mfd_parse_error_set(struct mfd_parse_error *err, unsigned int line,
		    const char *fmt, ...);

/*
 * The unsigned decimal in p[0..len), digits only (no sign, no spaces):
 * 0, -EINVAL (empty, not a digit) or -ERANGE (above max). *out is set
 * only on success. Pure.
 */
int mfd_parse_u64(const char *p, size_t len, uint64_t max, uint64_t *out);

#endif /* MFD_PARSE_H */
