/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view_renderers.h - one renderer per view (views/view_<name>.c), the
 * rows of mfd_view_render()'s dispatch table. Not used outside views/.
 */
#ifndef MFD_VIEW_RENDERERS_H
#define MFD_VIEW_RENDERERS_H

#include "view.h"

void mfd_view_index(const struct mfd_view_opts *opts,
		    const struct mfd_view_input *in, struct mfd_screen *s);
void mfd_view_node(const struct mfd_view_opts *opts,
		   const struct mfd_view_input *in, struct mfd_screen *s);
void mfd_view_zone(const struct mfd_view_opts *opts,
		   const struct mfd_view_input *in, struct mfd_screen *s);
void mfd_view_procs(const struct mfd_view_opts *opts,
		    const struct mfd_view_input *in, struct mfd_screen *s);
void mfd_view_compaction(const struct mfd_view_opts *opts,
			 const struct mfd_view_input *in, struct mfd_screen *s);
void mfd_view_callsites(const struct mfd_view_opts *opts,
			const struct mfd_view_input *in, struct mfd_screen *s);
void mfd_view_visual(const struct mfd_view_opts *opts,
		     const struct mfd_view_input *in, struct mfd_screen *s);

/* Sections a view shares with others. */
struct mfd_forecast;
/* The exhaustion forecast table (view_forecast.c), part of -m. */
void mfd_view_forecast(struct mfd_screen *s, const struct mfd_view_opts *opts,
		       const struct mfd_snapshot *snap,
		       const struct mfd_forecast *f);

#endif /* MFD_VIEW_RENDERERS_H */
