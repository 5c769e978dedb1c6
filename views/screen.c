// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * screen.c - growable array of width-limited text lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "screen.h"

void mfd_screen_init(struct mfd_screen *s, unsigned int width)
{
	memset(s, 0, sizeof(*s));
	s->width = width ? width : 80;
}

void mfd_screen_reset(struct mfd_screen *s)
{
	for (size_t i = 0; i < s->nr_lines; i++)
		free(s->lines[i]);
	s->nr_lines = 0;
	s->oom = 0;
}

void mfd_screen_free(struct mfd_screen *s)
{
	mfd_screen_reset(s);
	free(s->lines);
	s->lines = NULL;
	s->cap = 0;
}

size_t mfd_screen_visible_len(const char *line)
{
	size_t n = 0;

	for (; *line; line++)
		if (*line != MFD_HL_ON && *line != MFD_HL_OFF)
			n++;
	return n;
}

void mfd_screen_strip(const char *line, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return;
	for (; *line && n + 1 < len; line++)
		if (*line != MFD_HL_ON && *line != MFD_HL_OFF)
			buf[n++] = *line;
	buf[n] = '\0';
}

/* Cut a line to width visible columns, closing an open highlight. */
static void cut_to_width(char *line, unsigned int width)
{
	unsigned int vis = 0;
	int open = 0;
	char *p;

	for (p = line; *p; p++) {
		if (*p == MFD_HL_ON) {
			open = 1;
			continue;
		}
		if (*p == MFD_HL_OFF) {
			open = 0;
			continue;
		}
		if (vis == width)
			break;
		vis++;
	}
	if (*p) {
		if (open)
			*p++ = MFD_HL_OFF;
		*p = '\0';
	}
	/* Trailing blanks carry nothing and make golden files brittle. */
	for (size_t n = strlen(line); n > 0 && line[n - 1] == ' '; n--)
		line[n - 1] = '\0';
}

void mfd_screen_vprintf(struct mfd_screen *s, const char *fmt, va_list ap)
{
	char *line = NULL;

	if (s->oom)
		return;
	if (s->nr_lines == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		char **l = realloc(s->lines, cap * sizeof(*l));

		if (!l) {
			s->oom = 1;
			return;
		}
		s->lines = l;
		s->cap = cap;
	}
	if (vasprintf(&line, fmt, ap) < 0) {
		s->oom = 1;
		return;
	}
	/* Every view line reaches the terminal from here: process and zone
	 * names may hold escape sequences. Highlight markers stay. */
	if (mfd_needs_escape(line, MFD_SCREEN_MARKUP)) {
		size_t size = strlen(line) * 6 + 1;
		char *safe = malloc(size);

		if (!safe) {
			free(line);
			s->oom = 1;
			return;
		}
		mfd_escape_ctrl(safe, size, line, MFD_SCREEN_MARKUP);
		free(line);
		line = safe;
	}
	cut_to_width(line, s->width);
	s->lines[s->nr_lines++] = line;
}

void mfd_screen_printf(struct mfd_screen *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mfd_screen_vprintf(s, fmt, ap);
	va_end(ap);
}

void mfd_screen_wrapf(struct mfd_screen *s, unsigned int indent,
		      const char *fmt, ...)
{
	char *text = NULL;
	const char *p;
	unsigned int w = s->width ? s->width : 80;
	va_list ap;
	int n;

	if (s->oom)
		return;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0) {
		s->oom = 1;
		return;
	}
	if (indent >= w / 2)
		indent = 0;
	p = text;
	for (unsigned int lead = 0; *p; lead = indent) {
		size_t room = w - lead, len = strlen(p), cut = len;

		if (len > room) {
			/* The last space within the room; none: cut the
			 * word (a path or token wider than the screen). */
			cut = room;
			for (size_t i = room; i > 0; i--)
				if (p[i] == ' ') {
					cut = i;
					break;
				}
		}
		mfd_screen_printf(s, "%*s%.*s", (int)lead, "", (int)cut, p);
		p += cut;
		while (*p == ' ')
			p++;
	}
	free(text);
}
