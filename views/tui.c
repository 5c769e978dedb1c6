// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tui.c - ncurses painter for the live views, and the plain printer.
 *
 * ncurses keeps a model of the screen and sends only the cells that
 * changed, so redrawing every interval does not flicker. Frames taller
 * than the terminal scroll with the arrow keys / PgUp / PgDn.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>
/* term.h defines terminfo capability names as macros; these two collide
 * with ordinary identifiers (struct mfd_screen's lines). */
#undef lines
#undef columns

#include "tui.h"

struct mfd_tui {
	FILE *out;
	bool live; /* ncurses owns the terminal */
	bool color; /* has_colors() and wanted */
	SCREEN *scr;
	struct mfd_screen last; /* copy of the last frame, for repaint */
	char *status; /* last status line */
	size_t top; /* first frame line shown */
};

static bool is_tty(FILE *f)
{
	return isatty(fileno(f)) == 1;
}

struct mfd_tui *mfd_tui_open(FILE *out, bool live, bool color)
{
	struct mfd_tui *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->out = out;
	mfd_screen_init(&t->last, 80);
	if (live && is_tty(out) && isatty(STDIN_FILENO) == 1) {
		t->scr = newterm(NULL, out, stdin);
		if (t->scr) {
			t->live = true;
			cbreak();
			noecho();
			nonl();
			keypad(stdscr, TRUE);
			nodelay(stdscr, TRUE);
			curs_set(0);
			if (color && has_colors()) {
				start_color();
				use_default_colors();
				init_pair(1, COLOR_RED, -1);
				t->color = true;
			}
		}
	}
	return t;
}

bool mfd_tui_is_live(const struct mfd_tui *t)
{
	return t && t->live;
}

unsigned int mfd_tui_width(const struct mfd_tui *t)
{
	if (t && t->live && COLS > 0)
		return (unsigned int)COLS;
	return 80;
}

/* Copy a frame so scrolling can repaint it without the caller. */
static int keep_frame(struct mfd_tui *t, const struct mfd_screen *s,
		      const char *status)
{
	mfd_screen_reset(&t->last);
	t->last.width = s->width;
	for (size_t i = 0; i < s->nr_lines; i++)
		mfd_screen_printf(&t->last, "%s", s->lines[i]);
	free(t->status);
	t->status = strdup(status ? status : "");
	return t->last.oom || !t->status ? -ENOMEM : 0;
}

static void paint_line(struct mfd_tui *t, int y, const char *line)
{
	int x = 0;
	attr_t hl = t->color ? (COLOR_PAIR(1) | A_BOLD) : A_NORMAL;

	move(y, 0);
	for (const char *p = line; *p && x < COLS; p++) {
		if (*p == MFD_HL_ON) {
			attron(hl);
			continue;
		}
		if (*p == MFD_HL_OFF) {
			attroff(hl);
			continue;
		}
		addch((unsigned char)*p);
		x++;
	}
	attroff(hl);
	clrtoeol();
}

int mfd_tui_repaint(struct mfd_tui *t)
{
	int rows = LINES > 1 ? LINES - 1 : 1; /* last row: status */
	size_t max_top;

	if (!t->live)
		return 0;
	max_top = t->last.nr_lines > (size_t)rows ?
			  t->last.nr_lines - (size_t)rows :
			  0;
	if (t->top > max_top)
		t->top = max_top;
	for (int y = 0; y < rows; y++) {
		size_t i = t->top + (size_t)y;

		if (i < t->last.nr_lines)
			paint_line(t, y, t->last.lines[i]);
		else {
			move(y, 0);
			clrtoeol();
		}
	}
	attron(A_REVERSE);
	mvaddnstr(LINES - 1, 0, t->status ? t->status : "", COLS);
	attroff(A_REVERSE);
	clrtoeol();
	if (max_top) {
		char more[48];

		snprintf(more, sizeof(more), " %zu-%zu/%zu ", t->top + 1,
			 t->top + (size_t)rows < t->last.nr_lines ?
				 t->top + (size_t)rows :
				 t->last.nr_lines,
			 t->last.nr_lines);
		if ((int)strlen(more) < COLS)
			mvaddstr(LINES - 1, COLS - (int)strlen(more), more);
	}
	refresh();
	return 0;
}

int mfd_tui_paint(struct mfd_tui *t, const struct mfd_screen *s,
		  const char *status)
{
	if (!t->live) {
		int err = mfd_tui_print_plain(t->out, s, false);

		fputc('\n', t->out);
		fflush(t->out);
		return err;
	}
	if (keep_frame(t, s, status))
		return -ENOMEM;
	return mfd_tui_repaint(t);
}

enum mfd_tui_key mfd_tui_read_key(struct mfd_tui *t)
{
	enum mfd_tui_key k = MFD_KEY_NONE;
	int rows = LINES > 1 ? LINES - 1 : 1;
	int c;

	if (!t->live)
		return k;
	while ((c = getch()) != ERR) {
		switch (c) {
		case 'q':
		case 'Q':
			return MFD_KEY_QUIT;
		case KEY_DOWN:
		case 'j':
			t->top++;
			k = MFD_KEY_REDRAW;
			break;
		case KEY_UP:
		case 'k':
			if (t->top)
				t->top--;
			k = MFD_KEY_REDRAW;
			break;
		case KEY_NPAGE:
		case ' ':
			t->top += (size_t)rows;
			k = MFD_KEY_REDRAW;
			break;
		case KEY_PPAGE:
			t->top = t->top > (size_t)rows ? t->top - (size_t)rows :
							 0;
			k = MFD_KEY_REDRAW;
			break;
		case KEY_HOME:
			t->top = 0;
			k = MFD_KEY_REDRAW;
			break;
		case KEY_RESIZE:
			k = MFD_KEY_REDRAW;
			break;
		default:
			break;
		}
	}
	/*
	 * The loop only calls this when stdin is readable. A terminal that
	 * went away (its window closed, the tmux session killed, the ssh
	 * connection lost) stays readable for ever, at EOF or EIO, while
	 * getch() returns ERR at once: without this check the loop would
	 * spin on it. SIGHUP cannot say so, as it means "reload" here.
	 */
	if (k == MFD_KEY_NONE) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

		if (poll(&p, 1, 0) == 1 &&
		    (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
			return MFD_KEY_HANGUP;
	}
	return k;
}

void mfd_tui_resize(struct mfd_tui *t)
{
	if (!t || !t->live)
		return;
	endwin();
	refresh();
	clear();
}

void mfd_tui_close(struct mfd_tui *t)
{
	if (!t)
		return;
	if (t->live) {
		endwin();
		delscreen(t->scr);
	}
	mfd_screen_free(&t->last);
	free(t->status);
	free(t);
}

int mfd_tui_print_plain(FILE *out, const struct mfd_screen *s, bool ansi_color)
{
	const char *on = NULL, *off = NULL;
	int err;

	if (ansi_color && is_tty(out) &&
	    setupterm(NULL, fileno(out), &err) == OK) {
		char *setaf = tigetstr("setaf");

		if (setaf && setaf != (char *)-1) {
			on = tiparm(setaf, COLOR_RED);
			on = on ? strdup(on) : NULL;
			off = tigetstr("sgr0");
			if (off == (char *)-1)
				off = NULL;
		}
	}
	for (size_t i = 0; i < s->nr_lines; i++) {
		for (const char *p = s->lines[i]; *p; p++) {
			if (*p == MFD_HL_ON) {
				if (on && off)
					fputs(on, out);
				continue;
			}
			if (*p == MFD_HL_OFF) {
				if (on && off)
					fputs(off, out);
				continue;
			}
			fputc(*p, out);
		}
		fputc('\n', out);
	}
	free((char *)on);
	return ferror(out) ? -EIO : 0;
}
