/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tui.h - painting a struct mfd_screen: ncurses on a terminal, plain text
 * otherwise.
 */
#ifndef MFD_TUI_H
#define MFD_TUI_H

#include <stdbool.h>
#include <stdio.h>

#include "screen.h"

struct mfd_tui;

enum mfd_tui_key {
	MFD_KEY_NONE = 0,
	MFD_KEY_QUIT,
	MFD_KEY_REDRAW, /* scrolled or resized: repaint */
	MFD_KEY_HANGUP, /* the terminal is gone: stop */
};

/*
 * Live mode takes over the terminal with ncurses when out is a TTY;
 * otherwise (or when live is false) frames are printed plain, separated by a
 * blank line. Colour only on a TTY and only when color is true.
 */
struct mfd_tui *mfd_tui_open(FILE *out, bool live, bool color);
/* Columns available for a frame (COLS on a TTY, 80 otherwise). */
unsigned int mfd_tui_width(const struct mfd_tui *t);
bool mfd_tui_is_live(const struct mfd_tui *t);
/* Paint a frame; status is the last line (live mode) or skipped. */
int mfd_tui_paint(struct mfd_tui *t, const struct mfd_screen *s,
		  const char *status);
/* Repaint the last frame (after scrolling or a resize). */
int mfd_tui_repaint(struct mfd_tui *t);
/* Read pending keys (live mode; stdin must be readable). */
enum mfd_tui_key mfd_tui_read_key(struct mfd_tui *t);
/* The terminal changed size. */
void mfd_tui_resize(struct mfd_tui *t);
/* Restore the terminal. Safe to call twice and with NULL. */
void mfd_tui_close(struct mfd_tui *t);

/* Print one frame as plain text; with ansi_color, highlights become the
 * terminal's own colour sequences (terminfo setaf/sgr0). */
int mfd_tui_print_plain(FILE *out, const struct mfd_screen *s, bool ansi_color);

#endif /* MFD_TUI_H */
