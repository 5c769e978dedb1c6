// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_forecast.c - the exhaustion forecast of -m: per zone, the suitable
 * huge-page blocks, their trend and the time until none is left.
 */
#include <math.h>
#include <stdio.h>

#include "forecast.h"
#include "view_lines.h"
#include "view_renderers.h"

/* "3d 4h", "2h 8m", "5m 12s", "40s". */
static void duration(char *buf, size_t len, double s)
{
	unsigned long long t = (unsigned long long)llround(s);

	if (t >= 86400)
		snprintf(buf, len, "%llud %lluh", t / 86400, t % 86400 / 3600);
	else if (t >= 3600)
		snprintf(buf, len, "%lluh %llum", t / 3600, t % 3600 / 60);
	else if (t >= 60)
		snprintf(buf, len, "%llum %llus", t / 60, t % 60);
	else
		snprintf(buf, len, "%llus", t);
}

static void verdict(char *buf, size_t len, const struct mfd_forecast_zone *z)
{
	char d[32];

	switch (z->state) {
	case MFD_FORECAST_LEARNING:
		snprintf(buf, len, "learning the trend");
		break;
	case MFD_FORECAST_STEADY:
		snprintf(buf, len, "steady: none in sight");
		break;
	case MFD_FORECAST_DECLINING:
		duration(d, sizeof(d), z->eta_s);
		snprintf(buf, len, "in %s (%s)", d,
			 z->eta_by_headroom ? "free memory to min watermark" :
					      "no suitable block");
		break;
	case MFD_FORECAST_EXHAUSTED:
		snprintf(buf, len, "exhausted now (%s)",
			 z->eta_by_headroom ? "at the min watermark" :
					      "no suitable block");
		break;
	}
}

static void row(struct mfd_screen *s, const struct mfd_forecast_zone *z)
{
	char cell[96];
	struct mfd_vline l;

	mfd_vline_init(&l);
	snprintf(cell, sizeof(cell), "%u", z->node);
	mfd_vline_cell(&l, cell, -5, false);
	mfd_vline_cell(&l, z->name, -9, false);
	snprintf(cell, sizeof(cell), "%.0f", z->blocks_now);
	mfd_vline_cell(&l, cell, 8, false);
	if (z->state == MFD_FORECAST_LEARNING)
		snprintf(cell, sizeof(cell), "-");
	else if (fabs(z->blocks_per_s * 60) < 0.05)
		snprintf(cell, sizeof(cell), "0.0"); /* not "-0.0" */
	else
		snprintf(cell, sizeof(cell), "%+.1f", z->blocks_per_s * 60);
	mfd_vline_cell(&l, cell, 11, false);
	verdict(cell, sizeof(cell), z);
	mfd_vline_addf(&l, "  ");
	mfd_vline_cell(&l, cell, 0,
		       z->state == MFD_FORECAST_EXHAUSTED ||
			       (z->state == MFD_FORECAST_DECLINING &&
				z->eta_s < 3600));
	mfd_vline_emit(s, &l);
}

void mfd_view_forecast(struct mfd_screen *s, const struct mfd_view_opts *opts,
		       const struct mfd_snapshot *snap,
		       const struct mfd_forecast *f)
{
	struct mfd_vline l;

	mfd_screen_wrapf(s, 2,
			 "Exhaustion forecast (order >= %u, trend of about "
			 "the last %.0f min; exhaustion then brings %s):",
			 f->order < snap->nr_orders ? f->order :
						      snap->nr_orders - 1,
			 f->window_s / 60,
			 f->outcome == MFD_OUTCOME_STALLS ?
				 "compaction stalls" :
			 f->outcome == MFD_OUTCOME_FAILURES ?
				 "failed allocations" :
				 "stalls or failures (no compaction seen)");
	mfd_vline_init(&l);
	mfd_vline_cell(&l, "NODE", -5, false);
	mfd_vline_cell(&l, "ZONE", -9, false);
	mfd_vline_cell(&l, "BLOCKS", 8, false);
	mfd_vline_cell(&l, "TREND/min", 11, false);
	mfd_vline_addf(&l, "  FORECAST");
	mfd_vline_emit(s, &l);
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *sz = &snap->zones[i];
		const struct mfd_forecast_zone *z;

		if (!mfd_view_zone_selected(opts, sz))
			continue;
		z = mfd_forecast_zone(f, sz->node, sz->name);
		if (z)
			row(s, z);
		/* After a node's last zone: the node as a whole. */
		if ((i + 1 == snap->nr_zones ||
		     snap->zones[i + 1].node != sz->node) &&
		    (z = mfd_forecast_node(f, sz->node)))
			row(s, z);
	}
}
