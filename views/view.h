/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.h - the terminal views of the seed tool, as pure renderers.
 *
 * Each view turns the latest data into a struct mfd_screen. Nothing here
 * touches the terminal: views/tui.c paints the screen.
 */
#ifndef MFD_VIEW_H
#define MFD_VIEW_H

#include <stdbool.h>

#include "extfrag_table.h"
#include "kinfo.h"
#include "screen.h"
#include "snapshot.h"

enum mfd_view {
	MFD_VIEW_INDEX = 0, /* default: ZONE NODE ORDER extfrag unusable */
	MFD_VIEW_NODE, /* -n: NODE_ID, zones, NODE_START_PFN */
	MFD_VIEW_ZONE, /* -z: zone detail */
	MFD_VIEW_PROCS, /* -s: extfrag events per process */
	MFD_VIEW_VISUAL, /* -v: per-order bars per node and zone */
	MFD_VIEW_COMPACTION, /* -m: compaction and reclaim */
	MFD_VIEW_CALLSITES, /* -k: stacks of extfrag and stalls */
};

/* Which index the index view shows (-e / -u; both by default). */
enum mfd_index_sel {
	MFD_INDEX_BOTH = 0,
	MFD_INDEX_EXTFRAG, /* -e */
	MFD_INDEX_UNUSABLE, /* -u */
};

struct mfd_view_opts {
	enum mfd_view view;
	enum mfd_index_sel index; /* -e / -u */
	bool bars; /* -b: bars for the shown index */
	int node_filter; /* -i: node id, or -1 for all */
	const char *zone_filter; /* -c: zone name, or NULL for all */
	unsigned int width; /* columns available */
	unsigned int max_procs; /* rows in the -s table (0: 20) */
};

struct mfd_pressure;
struct mfd_forecast;
struct mfd_callsites;

struct mfd_view_input {
	const struct mfd_snapshot *snap; /* latest snapshot (never NULL) */
	const struct mfd_extfrag_table *procs; /* NULL: events unavailable */
	const struct mfd_extfrag_totals *totals; /* NULL: events unavailable */
	const struct mfd_kinfo *kinfo; /* migratetype names, pageblock order */
	const char *events_why; /* why procs is NULL, or NULL for the
				 * generic explanation */
	/* compaction/reclaim/THP signals (collect/pressure.h) for -m and the
	 * migratetype columns of -z; NULL: not collected */
	const struct mfd_pressure *pressure;
	/* time to high-order exhaustion (model/forecast.h) for -m; NULL:
	 * not kept (--once has no history to fit) */
	const struct mfd_forecast *forecast;
	/* the call-site table (collect/stacks/stacks.h) for -k; NULL:
	 * --callsites is off */
	const struct mfd_callsites *callsites;
};

/* The seed's highlight rule: order > 5 and unusable_index > 0.5. */
static inline bool mfd_view_highlight(unsigned int order, int unusable_milli)
{
	return order > 5 && unusable_milli > 500;
}

/* Render the chosen view into s (s is reset first). Returns 0 or -errno. */
int mfd_view_render(const struct mfd_view_opts *opts,
		    const struct mfd_view_input *in, struct mfd_screen *s);

#endif /* MFD_VIEW_H */
