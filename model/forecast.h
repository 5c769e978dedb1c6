/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * forecast.h - how long until a zone can no longer hand out blocks of a
 * high order (default 9, a huge page) without direct compaction.
 *
 * Per zone, two series are fitted by least squares over the recent past,
 * each point weighted by exp(-age / window), so the fit follows the trend
 * of about the last window seconds and needs O(1) memory:
 *   - suitable blocks: free blocks of the order or larger, in blocks of
 *     the order (what fill_contig_page_info() calls suitable);
 *   - headroom: free pages above the min watermark.
 * A zone is exhausted when either reaches 0: with no suitable block the
 * allocator must compact (a stall) or fail, and below the min watermark
 * every allocation that may sleep reclaims first. The forecast is the time
 * until the fitted line of the first of the two reaches 0.
 *
 * Whether exhaustion means stalls or failures is judged from the recent
 * direct compaction outcomes (compact_success / (success + fail)) and
 * whether kcompactd is at work; see docs/forecast.md for the model and its
 * limits. Pure: the caller passes the snapshot and the vmstat counters.
 */
#ifndef MFD_FORECAST_H
#define MFD_FORECAST_H

#include <stdbool.h>
#include <stdint.h>

#include "snapshot.h"

/* A fit needs this many points, spanning a tenth of the window, before
 * it says anything. */
#define MFD_FORECAST_MIN_POINTS 5
/* The fit is extrapolated at most this many windows ahead, and never
 * past 30 days: further out the forecast is "steady". */
#define MFD_FORECAST_HORIZON_WINDOWS 10.0
#define MFD_FORECAST_MAX_HORIZON_S (30.0 * 86400.0)

/* Exponentially weighted least squares of y over t. Times are kept
 * relative to the newest point, so the sums stay small however long the
 * agent runs. */
struct mfd_ewls {
	double sw, st, sy, stt, sty; /* sums of w, w*t, w*y, w*t*t, w*t*y */
	double span_s; /* seconds since the first point, capped */
	uint32_t points; /* points seen, capped */
};

enum mfd_forecast_state {
	MFD_FORECAST_LEARNING = 0, /* too little history to say */
	MFD_FORECAST_STEADY, /* not declining: no exhaustion in sight */
	MFD_FORECAST_DECLINING, /* eta_s holds the forecast */
	MFD_FORECAST_EXHAUSTED, /* no suitable block, or under min now */
};

/* What exhaustion will bring, judged from compaction's recent record. */
enum mfd_forecast_outcome {
	MFD_OUTCOME_UNKNOWN = 0, /* no compaction seen in the window */
	MFD_OUTCOME_STALLS, /* compaction mostly succeeds: slow, not failed */
	MFD_OUTCOME_FAILURES, /* compaction mostly fails: allocations fail */
};

/* One zone, or a whole node (is_node: its zones' blocks and headroom
 * added up; the node runs out when its zones together do). */
struct mfd_forecast_zone {
	uint32_t node;
	bool is_node;
	char name[MFD_SNAP_ZONE_NAME_LEN]; /* the zone's; "node" for a node */
	bool seen; /* in the latest snapshot */
	struct mfd_ewls blocks; /* suitable blocks at the order */
	struct mfd_ewls headroom; /* free pages above the min watermark */
	double blocks_now; /* latest suitable blocks */
	double blocks_per_s; /* fitted trend, blocks per second */
	double headroom_now; /* latest headroom in pages (0 when unknown) */
	double headroom_per_s; /* fitted trend, pages per second */
	enum mfd_forecast_state state;
	double eta_s; /* when DECLINING: seconds to exhaustion */
	bool eta_by_headroom; /* the watermark, not the blocks, comes first */
};

/* Cumulative /proc/vmstat counters the outcome is judged from; have false
 * when vmstat could not be read. */
struct mfd_forecast_vm {
	bool have;
	uint64_t compact_success;
	uint64_t compact_fail;
	uint64_t kcompactd_wake;
};

struct mfd_forecast {
	uint32_t order; /* forecast for blocks of this order and larger */
	double window_s; /* a point's weight is exp(-age / window_s) */
	double horizon_s; /* forecasts further out are "steady" */
	uint64_t last_ns; /* time of the latest snapshot fitted */
	uint32_t nr_zones;
	struct mfd_forecast_zone zones[MFD_SNAP_MAX_ZONES + MFD_SNAP_MAX_NODES];
	/* Compaction record over the window (decayed like the fits). */
	struct mfd_forecast_vm vm_last; /* previous counters */
	double compact_success; /* decayed deltas */
	double compact_fail;
	double kcompactd_wake;
	enum mfd_forecast_outcome outcome;
};

/* order: the lowest order forecast (orders >= order count); window_s > 0. */
void mfd_forecast_init(struct mfd_forecast *f, uint32_t order, double window_s);
/* Fit snap (a finished snapshot) taken at t_ns, and vm (may be NULL).
 * t_ns is on a clock that moves only forward: CLOCK_MONOTONIC for live
 * samples, the recorded time in a replay (whose snapshots are stamped
 * with the time they were read back). A snapshot not newer than the last
 * is ignored. */
void mfd_forecast_update(struct mfd_forecast *f,
			 const struct mfd_snapshot *snap, uint64_t t_ns,
			 const struct mfd_forecast_vm *vm);
/* The zone's forecast, or NULL when it was not in the latest snapshot. */
const struct mfd_forecast_zone *mfd_forecast_zone(const struct mfd_forecast *f,
						  uint32_t node,
						  const char *name);

/* The node's forecast (its zones together), or NULL. */
const struct mfd_forecast_zone *mfd_forecast_node(const struct mfd_forecast *f,
						  uint32_t node);

const char *mfd_forecast_state_name(enum mfd_forecast_state s);
const char *mfd_forecast_outcome_name(enum mfd_forecast_outcome o);

/* The weighted fit, exposed for tests: add (t_s, y), after decaying the
 * older points by the dt since the previous one. */
void mfd_ewls_add(struct mfd_ewls *e, double dt_s, double window_s, double y);
/* Slope (per second) and the fitted value now; false without enough
 * points or spread in time. */
bool mfd_ewls_fit(const struct mfd_ewls *e, double window_s, double *slope,
		  double *now);

#endif /* MFD_FORECAST_H */
