/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view_lines.h - the line helpers the view_*.c renderers share; not
 * used outside views/.
 *
 * A view builds each line cell by cell in a struct mfd_vline (so a cell can
 * be highlighted without the padding around it), then appends the line to
 * the screen, which cuts it to the width.
 */
#ifndef MFD_VIEW_LINES_H
#define MFD_VIEW_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "view.h"

/* Longer than any sensible terminal; anything past it is dropped. */
#define MFD_VLINE_MAX 1024

struct mfd_vline {
	char buf[MFD_VLINE_MAX + 8]; /* text with MFD_HL_* bytes, NUL ended */
	size_t len; /* bytes in buf */
	unsigned int vis; /* visible columns in buf */
};

void mfd_vline_init(struct mfd_vline *l);
__attribute__((format(printf, 2, 3))) void mfd_vline_addf(struct mfd_vline *l,
							  const char *fmt, ...);
/* Append text padded to |w| columns: w > 0 right-aligns, w < 0 left-aligns,
 * 0 adds it as is. Only the text itself is highlighted when hl is set. */
void mfd_vline_cell(struct mfd_vline *l, const char *text, int w, bool hl);
void mfd_vline_pad(struct mfd_vline *l, unsigned int col); /* to column */
void mfd_vline_emit(struct mfd_screen *s, const struct mfd_vline *l);

/* Does zone z pass the -i/-c filters? */
bool mfd_view_zone_selected(const struct mfd_view_opts *opts,
			    const struct mfd_zone *z);
/* The first line of every view. extra (may be NULL) is appended. */
void mfd_view_header(struct mfd_screen *s, const struct mfd_view_opts *opts,
		     const struct mfd_snapshot *snap, const char *name,
		     const char *extra);
/* The line printed when the filters select nothing. */
void mfd_view_no_match(struct mfd_screen *s, const struct mfd_view_opts *opts,
		       const struct mfd_snapshot *snap);

#endif /* MFD_VIEW_LINES_H */
