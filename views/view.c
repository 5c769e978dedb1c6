// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view.c - mfd_view_render(): the table of views, and the dispatch.
 */
#include <errno.h>
#include <stddef.h>

#include "view_renderers.h"

typedef void (*mfd_view_fn)(const struct mfd_view_opts *opts,
			    const struct mfd_view_input *in,
			    struct mfd_screen *s);

/* Indexed by enum mfd_view. */
static const mfd_view_fn mfd_views[] = {
	[MFD_VIEW_INDEX] = mfd_view_index,
	[MFD_VIEW_NODE] = mfd_view_node,
	[MFD_VIEW_ZONE] = mfd_view_zone,
	[MFD_VIEW_PROCS] = mfd_view_procs,
	[MFD_VIEW_VISUAL] = mfd_view_visual,
	[MFD_VIEW_COMPACTION] = mfd_view_compaction,
	[MFD_VIEW_CALLSITES] = mfd_view_callsites,
};

int mfd_view_render(const struct mfd_view_opts *opts,
		    const struct mfd_view_input *in, struct mfd_screen *s)
{
	mfd_view_fn fn;

	if (!opts || !in || !in->snap || !s)
		return -EINVAL;
	if ((unsigned int)opts->view >=
	    sizeof(mfd_views) / sizeof(mfd_views[0]))
		return -EINVAL;
	fn = mfd_views[opts->view];
	if (!fn)
		return -EINVAL;
	mfd_screen_reset(s);
	if (opts->width)
		s->width = opts->width;
	fn(opts, in, s);
	return s->oom ? -ENOMEM : 0;
}
