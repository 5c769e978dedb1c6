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

#include "format.h"
#include "state.h"

struct mfd_hist_entry {
	uint64_t time_unix_nano; /* when the snapshot was taken */
	uint64_t extfrag_events; /* cumulative events (0 without BPF) */
	uint64_t extfrag_fragmenting; /* of which fragmenting */
	uint32_t nr_orders; /* orders valid in each zone */
	uint32_t nr_zones; /* entries in zones */
	struct mfd_zone_brief *zones; /* malloc'd, reused when sizes match */
};

/*
 * The JSON of the retained entries, oldest to newest, each followed by a
 * comma, rendered once when its entry is pushed. Bytes are only ever
 * appended: dropping the oldest entry moves the start, and when the end
 * is reached the live part is copied to a new buffer. So a reply may send
 * a window of it by reference (refs) while the ring goes on.
 */
struct mfd_hist_text {
	unsigned int refs; /* the history's, plus one per reply using it */
	size_t cap; /* bytes of data */
	size_t len; /* bytes used */
	char data[];
};

struct mfd_history {
	struct mfd_hist_entry *ring; /* cap entries */
	size_t cap; /* entries the ring holds */
	size_t head; /* next slot to write */
	size_t count; /* valid entries (<= cap) */
	bool have_events; /* extfrag counters are live */
	struct mfd_hist_text *text; /* NULL after ENOMEM: rebuilt next push */
	size_t *off; /* per ring slot: where its entry's JSON starts */
	uint32_t *tlen; /* per ring slot: its length, comma excluded */
};

/* A window of the history's JSON: "e1,e2,...,en" at text->data + off. */
struct mfd_hist_window {
	struct mfd_hist_text *text; /* NULL when count is 0 */
	size_t off; /* first byte */
	size_t len; /* bytes, without a trailing comma */
	size_t count; /* entries */
	bool more; /* newer entries did not fit in max_bytes */
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
 * The entries taken after after_unix_nano (strictly), oldest first, as
 * many as fit in max_bytes (at least one): the newest run of entries
 * whose times are all later, so a clock step back ends the window. 0, or
 * -ENOMEM when the text could not be rendered (the caller falls back to
 * mfd_history_to_json).
 */
int mfd_history_window(const struct mfd_history *h, uint64_t after_unix_nano,
		       size_t max_bytes, struct mfd_hist_window *w);

/* Take a reference to a window's text for a reply; drop it when sent. */
void mfd_history_text_ref(struct mfd_hist_text *t);
void mfd_history_text_unref(struct mfd_hist_text *t);

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
