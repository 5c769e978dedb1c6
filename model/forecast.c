// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * forecast.c - time to high-order exhaustion per zone (see forecast.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "forecast.h"

/* Points and span saturate here: enough to say "plenty". */
#define EWLS_POINTS_CAP 1000000u

void mfd_ewls_add(struct mfd_ewls *e, double dt_s, double window_s, double y)
{
	double d = exp(-dt_s / window_s);

	/* Age the old points: their weights fall by d, and their times
	 * (relative to the newest point) move dt_s into the past. */
	e->sw *= d;
	e->st *= d;
	e->sy *= d;
	e->stt *= d;
	e->sty *= d;
	e->stt += -2.0 * dt_s * e->st + dt_s * dt_s * e->sw;
	e->st -= dt_s * e->sw;
	e->sty -= dt_s * e->sy;
	/* The new point, at t = 0 with weight 1. */
	e->sw += 1.0;
	e->sy += y;
	if (e->points) {
		e->span_s += dt_s;
		if (e->span_s > 10.0 * window_s)
			e->span_s = 10.0 * window_s;
	}
	if (e->points < EWLS_POINTS_CAP)
		e->points++;
}

bool mfd_ewls_fit(const struct mfd_ewls *e, double window_s, double *slope,
		  double *now)
{
	double denom = e->sw * e->stt - e->st * e->st;

	if (e->points < MFD_FORECAST_MIN_POINTS ||
	    e->span_s < window_s / 10.0 || !(denom > 1e-9 * e->sw * e->stt))
		return false;
	*slope = (e->sw * e->sty - e->st * e->sy) / denom;
	*now = (e->sy - *slope * e->st) / e->sw;
	return true;
}

void mfd_forecast_init(struct mfd_forecast *f, uint32_t order, double window_s)
{
	memset(f, 0, sizeof(*f));
	f->order = order;
	f->window_s = window_s > 0 ? window_s : 1800.0;
	f->horizon_s = fmin(MFD_FORECAST_HORIZON_WINDOWS * f->window_s,
			    MFD_FORECAST_MAX_HORIZON_S);
}

static struct mfd_forecast_zone *find(const struct mfd_forecast *f,
				      uint32_t node, bool is_node,
				      const char *name)
{
	for (uint32_t i = 0; i < f->nr_zones; i++) {
		const struct mfd_forecast_zone *fz = &f->zones[i];

		if (fz->node == node && fz->is_node == is_node &&
		    !strcmp(fz->name, name))
			return (struct mfd_forecast_zone *)fz;
	}
	return NULL;
}

static struct mfd_forecast_zone *
find_or_add(struct mfd_forecast *f, const struct mfd_zone *z, bool is_node)
{
	struct mfd_forecast_zone *fz = find(f, z->node, is_node, z->name);

	if (fz)
		return fz;
	if (f->nr_zones >= sizeof(f->zones) / sizeof(f->zones[0]))
		return NULL;
	fz = &f->zones[f->nr_zones++];
	memset(fz, 0, sizeof(*fz));
	fz->node = z->node;
	fz->is_node = is_node;
	snprintf(fz->name, sizeof(fz->name), "%s", z->name);
	return fz;
}

/* A node as one zone: its zones' suitable blocks, free pages and min
 * watermarks added up; headroom only when every zone has it. */
static void node_sum(const struct mfd_snapshot *snap, uint32_t node,
		     uint32_t order, struct mfd_zone *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->node = node;
	snprintf(sum->name, sizeof(sum->name), "node");
	sum->have = MFD_HAVE_WMARK | MFD_HAVE_FREE;
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];

		if (z->node != node)
			continue;
		sum->have &= z->have;
		sum->order[order].free_blocks_suitable +=
			z->order[order].free_blocks_suitable;
		sum->free_pages += z->free_pages;
		sum->watermark_min += z->watermark_min;
	}
}

/* Seconds until a series at now, moving by per_s, reaches 0; INFINITY
 * when it is not falling or the moment lies past the horizon. */
static double time_to_zero(double now, double per_s, double horizon_s)
{
	double eta;

	if (!(per_s < 0))
		return INFINITY;
	eta = now / -per_s;
	return eta > horizon_s ? INFINITY : eta;
}

/* Fit one zone's new point and judge it. dt_s: since the last snapshot
 * (0 for the zone's first point). */
static void update_zone(struct mfd_forecast *f, struct mfd_forecast_zone *fz,
			const struct mfd_zone *z, uint32_t order, double dt_s)
{
	bool have_head = (z->have & MFD_HAVE_WMARK) &&
			 (z->have & MFD_HAVE_FREE);
	double fitted, eta_b = INFINITY, eta_h = INFINITY;
	bool fit_b, fit_h = false;

	fz->seen = true;
	fz->blocks_now = (double)z->order[order].free_blocks_suitable;
	mfd_ewls_add(&fz->blocks, fz->blocks.points ? dt_s : 0, f->window_s,
		     fz->blocks_now);
	fit_b = mfd_ewls_fit(&fz->blocks, f->window_s, &fz->blocks_per_s,
			     &fitted);
	if (have_head) {
		fz->headroom_now =
			(double)z->free_pages - (double)z->watermark_min;
		mfd_ewls_add(&fz->headroom, fz->headroom.points ? dt_s : 0,
			     f->window_s, fz->headroom_now);
		fit_h = mfd_ewls_fit(&fz->headroom, f->window_s,
				     &fz->headroom_per_s, &fitted);
	}
	fz->eta_s = 0;
	fz->eta_by_headroom = false;
	if (fz->blocks_now <= 0 || (have_head && fz->headroom_now <= 0)) {
		fz->state = MFD_FORECAST_EXHAUSTED;
		fz->eta_by_headroom = fz->blocks_now > 0;
		return;
	}
	if (!fit_b) {
		fz->state = MFD_FORECAST_LEARNING;
		return;
	}
	eta_b = time_to_zero(fz->blocks_now, fz->blocks_per_s, f->horizon_s);
	if (fit_h)
		eta_h = time_to_zero(fz->headroom_now, fz->headroom_per_s,
				     f->horizon_s);
	if (isinf(eta_b) && isinf(eta_h)) {
		fz->state = MFD_FORECAST_STEADY;
		return;
	}
	fz->state = MFD_FORECAST_DECLINING;
	fz->eta_by_headroom = eta_h < eta_b;
	fz->eta_s = fz->eta_by_headroom ? eta_h : eta_b;
}

/* Decay the compaction record like the fits and add what happened since
 * the previous counters; a counter that went back (a replay jumping, a
 * reboot under a recording) starts over. */
static void update_outcome(struct mfd_forecast *f,
			   const struct mfd_forecast_vm *vm, double dt_s)
{
	double d = exp(-dt_s / f->window_s);
	double total;

	f->compact_success *= d;
	f->compact_fail *= d;
	f->kcompactd_wake *= d;
	if (vm && vm->have && f->vm_last.have &&
	    vm->compact_success >= f->vm_last.compact_success &&
	    vm->compact_fail >= f->vm_last.compact_fail &&
	    vm->kcompactd_wake >= f->vm_last.kcompactd_wake) {
		f->compact_success += (double)(vm->compact_success -
					       f->vm_last.compact_success);
		f->compact_fail +=
			(double)(vm->compact_fail - f->vm_last.compact_fail);
		f->kcompactd_wake += (double)(vm->kcompactd_wake -
					      f->vm_last.kcompactd_wake);
	}
	if (vm)
		f->vm_last = *vm;
	total = f->compact_success + f->compact_fail;
	if (total < 1.0)
		f->outcome = MFD_OUTCOME_UNKNOWN;
	else
		f->outcome = f->compact_success >= total / 2 ?
				     MFD_OUTCOME_STALLS :
				     MFD_OUTCOME_FAILURES;
}

void mfd_forecast_update(struct mfd_forecast *f,
			 const struct mfd_snapshot *snap, uint64_t t_ns,
			 const struct mfd_forecast_vm *vm)
{
	uint32_t order = f->order;
	double dt_s = 0;

	if (!snap->nr_orders)
		return;
	if (f->last_ns) {
		if (t_ns <= f->last_ns)
			return;
		dt_s = (double)(t_ns - f->last_ns) / 1e9;
	}
	f->last_ns = t_ns;
	if (order >= snap->nr_orders)
		order = snap->nr_orders - 1;
	for (uint32_t i = 0; i < f->nr_zones; i++)
		f->zones[i].seen = false;
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		struct mfd_forecast_zone *fz =
			find_or_add(f, &snap->zones[i], false);

		if (fz)
			update_zone(f, fz, &snap->zones[i], order, dt_s);
	}
	for (uint32_t n = 0; n < snap->nr_nodes; n++) {
		struct mfd_zone sum;
		struct mfd_forecast_zone *fz;

		node_sum(snap, snap->nodes[n].node, order, &sum);
		fz = find_or_add(f, &sum, true);
		if (fz)
			update_zone(f, fz, &sum, order, dt_s);
	}
	update_outcome(f, vm, dt_s);
}

const struct mfd_forecast_zone *
mfd_forecast_zone(const struct mfd_forecast *f, uint32_t node, const char *name)
{
	const struct mfd_forecast_zone *fz = find(f, node, false, name);

	return fz && fz->seen ? fz : NULL;
}

const struct mfd_forecast_zone *mfd_forecast_node(const struct mfd_forecast *f,
						  uint32_t node)
{
	const struct mfd_forecast_zone *fz = find(f, node, true, "node");

	return fz && fz->seen ? fz : NULL;
}

const char *mfd_forecast_state_name(enum mfd_forecast_state s)
{
	switch (s) {
	case MFD_FORECAST_LEARNING:
		return "learning";
	case MFD_FORECAST_STEADY:
		return "steady";
	case MFD_FORECAST_DECLINING:
		return "declining";
	case MFD_FORECAST_EXHAUSTED:
		return "exhausted";
	}
	return "unknown";
}

const char *mfd_forecast_outcome_name(enum mfd_forecast_outcome o)
{
	switch (o) {
	case MFD_OUTCOME_STALLS:
		return "stalls";
	case MFD_OUTCOME_FAILURES:
		return "failures";
	case MFD_OUTCOME_UNKNOWN:
		break;
	}
	return "unknown";
}
