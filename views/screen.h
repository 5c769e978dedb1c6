/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * screen.h - a frame of text lines that views render into.
 *
 * Views are pure: they turn a snapshot (and the extfrag table) into a
 * struct mfd_screen, with no terminal I/O. views/tui.c paints a screen with
 * ncurses on a TTY, or prints it plain when stdout is a pipe; tests compare
 * screens against golden files.
 *
 * Highlighting is carried in-band: MFD_HL_ON starts a highlighted (red)
 * run, MFD_HL_OFF ends it. Those bytes never count towards the width.
 */
#ifndef MFD_SCREEN_H
#define MFD_SCREEN_H

#include <stdarg.h>
#include <stddef.h>

#define MFD_HL_ON '\x01'
#define MFD_HL_OFF '\x02'
#define MFD_SCREEN_MARKUP "\x01\x02" /* the bytes above, kept by escaping */

struct mfd_screen {
	char **lines; /* each NUL terminated, no '\n' */
	size_t nr_lines; /* lines in use */
	size_t cap; /* lines allocated */
	unsigned int width; /* visible columns; lines are cut to this */
	int oom; /* an allocation failed; the frame is incomplete */
};

void mfd_screen_init(struct mfd_screen *s, unsigned int width);
void mfd_screen_reset(struct mfd_screen *s); /* drop lines, keep memory */
void mfd_screen_free(struct mfd_screen *s);

/* Append one line (printf style), cut to the screen width. */
__attribute__((format(printf, 2, 3))) void
mfd_screen_printf(struct mfd_screen *s, const char *fmt, ...);
void mfd_screen_vprintf(struct mfd_screen *s, const char *fmt, va_list ap);

/* Append prose (printf style), word-wrapped at the screen width: lines
 * break at spaces, continuation lines start with indent spaces, and only
 * a word longer than a whole line is cut. For sentences whose length
 * depends on data (reasons, counts); tables keep mfd_screen_printf(). */
__attribute__((format(printf, 3, 4))) void
mfd_screen_wrapf(struct mfd_screen *s, unsigned int indent, const char *fmt,
		 ...);

/* Visible length of a line (highlight bytes excluded). */
size_t mfd_screen_visible_len(const char *line);

/* Copy line without highlight bytes into buf (at most len bytes). */
void mfd_screen_strip(const char *line, char *buf, size_t len);

#endif /* MFD_SCREEN_H */
