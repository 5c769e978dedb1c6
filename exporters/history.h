/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * history.h - a bounded in-memory ring of recent samples for
 * /api/v1/history and the dashboard's heatmap.
 *
 * Pure: no I/O. Each entry keeps, per zone and order, the free blocks and
 * both indices, plus the cumulative extfrag event count at that moment
 * (the dashboard's event rate is its difference over time). The capacity
 * is fixed at init (--http-history), so memory never grows with uptime.
 */
#ifndef MFD_HISTORY_H
#define MFD_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "state.h"

struct mfd_hist_zone {
	uint32_t node; /* NUMA node id */
	char name[MFD_SNAP_ZONE_NAME_LEN]; /* zone name */
	uint64_t free_blocks[MFD_SNAP_MAX_ORDERS]; /* nr_free per order */
	int16_t unusable[MFD_SNAP_MAX_ORDERS]; /* thousandths */
	int16_t extfrag[MFD_SNAP_MAX_ORDERS]; /* thousandths; -1000: fits */
};

struct mfd_hist_entry {
	uint64_t time_unix_nano; /* when the snapshot was taken */
	uint64_t extfrag_events; /* cumulative events (0 without BPF) */
	uint64_t extfrag_fragmenting; /* of which fragmenting */
	uint32_t nr_orders; /* orders valid in each zone */
	uint32_t nr_zones; /* entries in zones */
	struct mfd_hist_zone *zones; /* malloc'd, reused when sizes match */
};

struct mfd_history {
	struct mfd_hist_entry *ring; /* cap entries */
	size_t cap; /* entries the ring holds */
	size_t head; /* next slot to write */
	size_t count; /* valid entries (<= cap) */
	bool have_events; /* extfrag counters are live */
};

/* 0 or -ENOMEM; cap >= 1. */
int mfd_history_init(struct mfd_history *h, size_t cap);
void mfd_history_free(struct mfd_history *h);

/* Append the state's latest snapshot (no-op without one). 0 or -ENOMEM
 * (the entry is then skipped and the ring stays valid). */
int mfd_history_push(struct mfd_history *h, const struct mfd_state *st);

/* The i-th most recent entry (0 is the newest), or NULL. */
const struct mfd_hist_entry *mfd_history_get(const struct mfd_history *h,
					     size_t i);

/*
 * Entries taken at or after since_unix_nano, oldest first, as
 *   {"capacity":C,"count":N,"interval":S,"have_events":B,
 *    "samples":[{"time_unix_nano":T,"extfrag_events":E,
 *                "extfrag_fragmenting":F,"nr_orders":O,
 *                "zones":[{"node":0,"zone":"Normal",
 *                          "free_blocks":[...],"unusable_index":[...],
 *                          "extfrag_index":[...]}]}]}
 * New reference, or NULL on ENOMEM.
 */
json_t *mfd_history_to_json(const struct mfd_history *h,
			    uint64_t since_unix_nano, double interval);

#endif /* MFD_HISTORY_H */
