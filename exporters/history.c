// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * history.c - the bounded ring behind /api/v1/history (see history.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "history.h"

int mfd_history_init(struct mfd_history *h, size_t cap)
{
	memset(h, 0, sizeof(*h));
	if (cap < 1)
		cap = 1;
	h->ring = calloc(cap, sizeof(*h->ring));
	if (!h->ring)
		return -ENOMEM;
	h->cap = cap;
	return 0;
}

void mfd_history_free(struct mfd_history *h)
{
	if (h->ring)
		for (size_t i = 0; i < h->cap; i++)
			free(h->ring[i].zones);
	free(h->ring);
	memset(h, 0, sizeof(*h));
}

int mfd_history_push(struct mfd_history *h, const struct mfd_state *st)
{
	const struct mfd_snapshot *s = st->snap;
	struct mfd_hist_entry *e;
	uint32_t no;

	if (!st->have_snap || !h->cap)
		return 0;
	e = &h->ring[h->head];
	if (!e->zones || e->nr_zones != s->nr_zones) {
		struct mfd_hist_zone *z =
			calloc(s->nr_zones ? s->nr_zones : 1, sizeof(*z));

		if (!z)
			return -ENOMEM;
		free(e->zones);
		e->zones = z;
	}
	no = s->nr_orders < MFD_SNAP_MAX_ORDERS ? s->nr_orders :
						  MFD_SNAP_MAX_ORDERS;
	e->time_unix_nano = s->time_unix_nano;
	e->extfrag_events = st->have_events ? st->totals.events : 0;
	e->extfrag_fragmenting = st->have_events ? st->totals.fragmenting : 0;
	e->nr_orders = no;
	e->nr_zones = s->nr_zones;
	for (uint32_t zi = 0; zi < s->nr_zones; zi++) {
		const struct mfd_zone *z = &s->zones[zi];
		struct mfd_hist_zone *hz = &e->zones[zi];

		memset(hz, 0, sizeof(*hz));
		hz->node = z->node;
		memcpy(hz->name, z->name, sizeof(hz->name));
		hz->name[sizeof(hz->name) - 1] = '\0';
		for (uint32_t o = 0; o < no; o++) {
			hz->free_blocks[o] = z->order[o].free_blocks;
			hz->unusable[o] = (int16_t)z->order[o].unusable_index;
			hz->extfrag[o] = (int16_t)z->order[o].extfrag_index;
		}
	}
	h->have_events = st->have_events;
	h->head = (h->head + 1) % h->cap;
	if (h->count < h->cap)
		h->count++;
	return 0;
}

const struct mfd_hist_entry *mfd_history_get(const struct mfd_history *h,
					     size_t i)
{
	if (i >= h->count)
		return NULL;
	return &h->ring[(h->head + h->cap - 1 - i) % h->cap];
}

static json_t *zone_json(const struct mfd_hist_entry *e,
			 const struct mfd_hist_zone *z)
{
	json_t *zj = json_object(), *fb = json_array(), *ui = json_array(),
	       *xi = json_array();
	int err = 0;

	if (!zj || !fb || !ui || !xi)
		goto fail;
	for (uint32_t o = 0; o < e->nr_orders; o++) {
		err |= json_array_append_new(
			fb, json_integer((json_int_t)z->free_blocks[o]));
		err |= json_array_append_new(
			ui, json_real(mfd_index_value(z->unusable[o])));
		err |= json_array_append_new(
			xi, json_real(mfd_index_value(z->extfrag[o])));
	}
	err |= json_object_set_new(zj, "node", json_integer(z->node));
	err |= json_object_set_new(zj, "zone", json_string(z->name));
	err |= json_object_set_new(zj, "free_blocks", fb);
	err |= json_object_set_new(zj, "unusable_index", ui);
	err |= json_object_set_new(zj, "extfrag_index", xi);
	if (err) {
		json_decref(zj);
		return NULL;
	}
	return zj;
fail:
	json_decref(zj);
	json_decref(fb);
	json_decref(ui);
	json_decref(xi);
	return NULL;
}

json_t *mfd_history_to_json(const struct mfd_history *h,
			    uint64_t since_unix_nano, double interval)
{
	json_t *root = json_object(), *samples = json_array();
	size_t n = 0;
	int err = 0;

	if (!root || !samples)
		goto fail;
	for (size_t i = h->count; i-- > 0;) {
		const struct mfd_hist_entry *e = mfd_history_get(h, i);
		json_t *ej, *zones;

		if (e->time_unix_nano < since_unix_nano)
			continue;
		ej = json_object();
		zones = json_array();
		if (!ej || !zones) {
			json_decref(ej);
			json_decref(zones);
			goto fail;
		}
		err |= json_object_set_new(
			ej, "time_unix_nano",
			json_integer((json_int_t)e->time_unix_nano));
		err |= json_object_set_new(
			ej, "extfrag_events",
			json_integer((json_int_t)e->extfrag_events));
		err |= json_object_set_new(
			ej, "extfrag_fragmenting",
			json_integer((json_int_t)e->extfrag_fragmenting));
		err |= json_object_set_new(ej, "nr_orders",
					   json_integer(e->nr_orders));
		for (uint32_t zi = 0; zi < e->nr_zones; zi++) {
			json_t *zj = zone_json(e, &e->zones[zi]);

			if (!zj) {
				err = -1;
				break;
			}
			err |= json_array_append_new(zones, zj);
		}
		err |= json_object_set_new(ej, "zones", zones);
		err |= json_array_append_new(samples, ej);
		n++;
		if (err)
			goto fail;
	}
	err |= json_object_set_new(root, "capacity",
				   json_integer((json_int_t)h->cap));
	err |= json_object_set_new(root, "count", json_integer((json_int_t)n));
	err |= json_object_set_new(root, "interval", json_real(interval));
	err |= json_object_set_new(root, "have_events",
				   json_boolean(h->have_events));
	err |= json_object_set_new(root, "samples", samples);
	samples = NULL;
	if (err)
		goto fail;
	return root;
fail:
	json_decref(samples);
	json_decref(root);
	return NULL;
}
