// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * escape.c - control characters out of text shown to people (escape.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if it is not one;
 * *cp gets its code point. Overlong forms and surrogates are invalid. */
static size_t utf8_len(const unsigned char *p, unsigned int *cp)
{
	unsigned int c = p[0], need, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		min = 0x80;
		c &= 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		min = 0x800;
		c &= 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		min = 0x10000;
		c &= 0x07;
	} else {
		return 0;
	}
	for (unsigned int i = 1; i <= need; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also stops at the NUL */
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need + 1;
}

/* How src[0..] is written: n bytes copied as they are, or an escape. */
static size_t next_piece(const unsigned char *s, const char *keep, char *esc,
			 size_t *copy)
{
	unsigned int cp;
	size_t n;

	*copy = 0;
	if (keep && *s && strchr(keep, *s)) {
		*copy = 1;
		return 1;
	}
	n = utf8_len(s, &cp);
	if (n == 0) {
		snprintf(esc, 8, "\\x%02x", *s);
		return 1;
	}
	if (cp < 0x20 || cp == 0x7f) {
		snprintf(esc, 8, "\\x%02x", cp);
		return 1;
	}
	if (cp >= 0x80 && cp <= 0x9f) {
		snprintf(esc, 8, "\\u%04x", cp);
		return n;
	}
	*copy = n;
	return n;
}

size_t mfd_escape_ctrl(char *dst, size_t size, const char *src,
		       const char *keep)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t out = 0;

	if (!size)
		return 0;
	while (*s) {
		char esc[8];
		size_t copy, used = next_piece(s, keep, esc, &copy);
		const char *from = copy ? (const char *)s : esc;
		size_t n = copy ? copy : strlen(esc);

		if (out + n >= size)
			break; /* never half an escape or a character */
		memcpy(dst + out, from, n);
		out += n;
		s += used;
	}
	dst[out] = '\0';
	return out;
}

char *mfd_redact_url(const char *url)
{
	const char *a = strstr(url, "://"), *end, *at = NULL, *colon;
	char *out;

	if (!a)
		return strdup(url);
	a += 3;
	end = a + strcspn(a, "/?#");
	for (const char *p = a; p < end; p++)
		if (*p == '@')
			at = p; /* the last one ends the userinfo */
	colon = at ? memchr(a, ':', (size_t)(at - a)) : NULL;
	if (!colon)
		return strdup(url);
	if (asprintf(&out, "%.*s***%s", (int)(colon + 1 - url), url, at) < 0)
		return NULL;
	return out;
}

int mfd_needs_escape(const char *src, const char *keep)
{
	const unsigned char *s = (const unsigned char *)src;

	while (*s) {
		char esc[8];
		size_t copy, used = next_piece(s, keep, esc, &copy);

		if (!copy)
			return 1;
		s += used;
	}
	return 0;
}
