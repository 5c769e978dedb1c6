// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * view_procs.c - the -s view: which processes caused external
 * fragmentation events (trace_mm_page_alloc_extfrag), most events first.
 *
 * The seed's columns COMM..COUNT come first, then FRAG%: the share of the
 * events whose fallback_order was below pageblock_order, i.e. that mixed
 * migratetypes inside a pageblock (the fragmenting kind). The migratetypes
 * of the latest event get their own columns when the width allows; the
 * exact per-migratetype totals from the in-kernel counters follow the table
 * in any case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view_lines.h"
#include "view_renderers.h"

#define DEFAULT_ROWS 20
#define W_COMM 15 /* TASK_COMM_LEN - 1 */
#define W_PID 7 /* pid_max is at most 4194304 */
#define W_PFN 11 /* 0x + 9 hex digits: 2^36 pfns, 256 TiB of 4 KiB */
#define W_AORD 11 /* "ALLOC_ORDER" */
#define W_FORD 14 /* "FALLBACK_ORDER" */
#define W_MT 11 /* "Reclaimable" */
#define W_COUNT 8
#define W_FRAG 5 /* "FRAG%", "100.0" */
#define MAX_PAIRS 6 /* migratetype pairs listed under the table */

/* 123.4 from a part and a whole, without floating point. */
static const char *permille_str(uint64_t part, uint64_t whole, char *buf,
				size_t len)
{
	uint64_t pm = whole ? (part * 1000 + whole / 2) / whole : 0;

	snprintf(buf, len, "%llu.%llu", (unsigned long long)(pm / 10),
		 (unsigned long long)(pm % 10));
	return buf;
}

/* Which columns fit: the seed's always, unless the screen is too narrow
 * even for them (then COMM PID COUNT FRAG%); the migratetypes when wide. */
enum procs_cols {
	COLS_NARROW,
	COLS_SEED,
	COLS_WIDE,
};

static unsigned int table_width(enum procs_cols c)
{
	unsigned int w = W_COMM + 1 + W_PID + 1 + W_COUNT + 1 + W_FRAG;

	if (c >= COLS_SEED)
		w += 1 + W_PFN + 1 + W_AORD + 1 + W_FORD;
	if (c >= COLS_WIDE)
		w += 2 * (1 + W_MT);
	return w;
}

static enum procs_cols pick_cols(unsigned int width)
{
	if (width >= table_width(COLS_WIDE))
		return COLS_WIDE;
	if (width >= table_width(COLS_SEED))
		return COLS_SEED;
	return COLS_NARROW;
}

static void header_row(struct mfd_screen *s, enum procs_cols c)
{
	struct mfd_vline l;

	mfd_vline_init(&l);
	mfd_vline_addf(&l, "%-*s %*s", W_COMM, "COMM", W_PID, "PID");
	if (c >= COLS_SEED)
		mfd_vline_addf(&l, " %*s %*s %*s", W_PFN, "PFN", W_AORD,
			       "ALLOC_ORDER", W_FORD, "FALLBACK_ORDER");
	if (c >= COLS_WIDE)
		mfd_vline_addf(&l, " %-*s %-*s", W_MT, "ALLOC_MT", W_MT,
			       "FALLBACK_MT");
	mfd_vline_addf(&l, " %*s %*s", W_COUNT, "COUNT", W_FRAG, "FRAG%");
	mfd_vline_emit(s, &l);
}

static void proc_row(struct mfd_screen *s, const struct mfd_proc_stat *p,
		     const struct mfd_kinfo *k, enum procs_cols c)
{
	struct mfd_vline l;
	char b1[24], b2[24], pfn[24], frag[32];

	snprintf(pfn, sizeof(pfn), "%#llx", (unsigned long long)p->last_pfn);
	mfd_vline_init(&l);
	mfd_vline_addf(&l, "%-*s %*u", W_COMM, p->comm, W_PID, p->tgid);
	if (c >= COLS_SEED)
		mfd_vline_addf(&l, " %*s %*d %*d", W_PFN, pfn, W_AORD,
			       p->last_alloc_order, W_FORD,
			       p->last_fallback_order);
	if (c >= COLS_WIDE)
		mfd_vline_addf(&l, " %-*s %-*s", W_MT,
			       mfd_kinfo_mt_name(k, p->last_alloc_mt, b1,
						 sizeof(b1)),
			       W_MT,
			       mfd_kinfo_mt_name(k, p->last_fallback_mt, b2,
						 sizeof(b2)));
	mfd_vline_addf(
		&l, " %*llu %*s", W_COUNT, (unsigned long long)p->count, W_FRAG,
		permille_str(p->fragmenting, p->count, frag, sizeof(frag)));
	mfd_vline_emit(s, &l);
}

struct mt_pair {
	unsigned int alloc, fallback;
	uint64_t events, fragmenting;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct mt_pair *x = a, *y = b;

	if (x->events != y->events)
		return x->events > y->events ? -1 : 1;
	if (x->alloc != y->alloc)
		return x->alloc < y->alloc ? -1 : 1;
	return x->fallback < y->fallback ? -1 : (x->fallback > y->fallback);
}

/* Exact totals per (alloc, fallback) migratetype from the per-CPU
 * counters: the table above only keeps each process's latest event. */
static void mt_pairs(struct mfd_screen *s, const struct mfd_extfrag_totals *t,
		     const struct mfd_kinfo *k)
{
	struct mt_pair pairs[MFD_MAX_MIGRATETYPES * MFD_MAX_MIGRATETYPES];
	unsigned int n = 0;
	char b1[24], b2[24], frag[32];

	for (unsigned int a = 0; a < MFD_MAX_MIGRATETYPES; a++)
		for (unsigned int f = 0; f < MFD_MAX_MIGRATETYPES; f++) {
			uint64_t fr = t->slot[mfd_extfrag_slot(a, f, 1)];
			uint64_t nf = t->slot[mfd_extfrag_slot(a, f, 0)];

			if (!fr && !nf)
				continue;
			pairs[n].alloc = a;
			pairs[n].fallback = f;
			pairs[n].events = fr + nf;
			pairs[n].fragmenting = fr;
			n++;
		}
	if (!n)
		return;
	qsort(pairs, n, sizeof(pairs[0]), pair_cmp);
	mfd_screen_printf(s, "%s", "");
	mfd_screen_printf(s, "%-*s %-*s %*s %*s", W_MT, "ALLOC_MT", W_MT,
			  "FALLBACK_MT", W_COUNT + 2, "EVENTS", W_FRAG,
			  "FRAG%");
	for (unsigned int i = 0; i < n && i < MAX_PAIRS; i++)
		mfd_screen_printf(s, "%-*s %-*s %*llu %*s", W_MT,
				  mfd_kinfo_mt_name(k, (int)pairs[i].alloc, b1,
						    sizeof(b1)),
				  W_MT,
				  mfd_kinfo_mt_name(k, (int)pairs[i].fallback,
						    b2, sizeof(b2)),
				  W_COUNT + 2,
				  (unsigned long long)pairs[i].events, W_FRAG,
				  permille_str(pairs[i].fragmenting,
					       pairs[i].events, frag,
					       sizeof(frag)));
	if (n > MAX_PAIRS)
		mfd_screen_printf(s, "(%u more migratetype pairs)",
				  n - MAX_PAIRS);
}

void mfd_view_procs(const struct mfd_view_opts *opts,
		    const struct mfd_view_input *in, struct mfd_screen *s)
{
	const struct mfd_extfrag_totals *t = in->totals;
	const struct mfd_proc_stat **rows;
	size_t max = opts->max_procs ? opts->max_procs : DEFAULT_ROWS;
	char extra[128], frag[32];
	enum procs_cols cols = pick_cols(s->width);
	size_t n;

	if (t)
		snprintf(extra, sizeof(extra), "events %llu",
			 (unsigned long long)t->events);
	mfd_view_header(s, opts, in->snap, "extfrag events", t ? extra : NULL);
	/* The breakdown gets its own line so the first one stays short.
	 * Drops are counted in the kernel (the event is in the totals but not
	 * in the table below). */
	if (t) {
		struct mfd_vline l;

		mfd_vline_init(&l);
		mfd_vline_addf(&l,
			       "%llu events since start, %llu fragmenting "
			       "(%s%%), %llu dropped (ring buffer full)",
			       (unsigned long long)t->events,
			       (unsigned long long)t->fragmenting,
			       permille_str(t->fragmenting, t->events, frag,
					    sizeof(frag)),
			       (unsigned long long)t->drops);
		if (t->lost_decode)
			mfd_vline_addf(&l, ", %llu undecodable",
				       (unsigned long long)t->lost_decode);
		mfd_vline_emit(s, &l);
	}
	if (!in->procs) {
		mfd_screen_printf(s, "%s",
				  "extfrag events unavailable: the BPF "
				  "tracepoint is not attached");
		if (in->events_why)
			mfd_screen_printf(s, "(%s)", in->events_why);
		else
			mfd_screen_printf(s, "%s",
					  "(needs root, or CAP_BPF and "
					  "CAP_PERFMON; the agent log says "
					  "why)");
		return;
	}
	if (!in->procs->used) {
		mfd_screen_printf(
			s, "%s",
			"No external fragmentation event since start.");
		return;
	}

	header_row(s, cols);
	rows = calloc(max, sizeof(*rows));
	if (!rows) {
		s->oom = 1;
		return;
	}
	n = mfd_extfrag_table_sorted(in->procs, rows, max);
	for (size_t i = 0; i < n; i++)
		proc_row(s, rows[i], in->kinfo, cols);
	free(rows);
	if (in->procs->used > n)
		mfd_screen_printf(s, "(%zu more processes not shown)",
				  in->procs->used - n);
	if (in->procs->evicted)
		mfd_screen_printf(s,
				  "(%llu processes with few events were "
				  "dropped to bound memory)",
				  (unsigned long long)in->procs->evicted);
	if (t)
		mt_pairs(s, t, in->kinfo);
}
