// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * history.c - the bounded ring behind /api/v1/history (see history.h),
 * and its JSON, rendered once per entry so a request only picks a window.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "history.h"

/* The text buffer's smallest size. */
#define HIST_TEXT_MIN (64 * 1024)

static char *json_dumps_entry(const struct mfd_hist_entry *e);

void mfd_history_text_ref(struct mfd_hist_text *t)
{
	t->refs++;
}

void mfd_history_text_unref(struct mfd_hist_text *t)
{
	if (t && --t->refs == 0)
		free(t);
}

int mfd_history_init(struct mfd_history *h, size_t cap)
{
	memset(h, 0, sizeof(*h));
	if (cap < 1)
		cap = 1;
	h->ring = calloc(cap, sizeof(*h->ring));
	h->off = calloc(cap, sizeof(*h->off));
	h->tlen = calloc(cap, sizeof(*h->tlen));
	if (!h->ring || !h->off || !h->tlen) {
		mfd_history_free(h);
		return -ENOMEM;
	}
	h->cap = cap;
	return 0;
}

void mfd_history_free(struct mfd_history *h)
{
	if (h->ring)
		for (size_t i = 0; i < h->cap; i++)
			free(h->ring[i].zones);
	free(h->ring);
	free(h->off);
	free(h->tlen);
	mfd_history_text_unref(h->text);
	memset(h, 0, sizeof(*h));
}

static size_t slot_of(const struct mfd_history *h, size_t i)
{
	return (h->head + h->cap - 1 - i) % h->cap; /* i-th newest */
}

/* Room for need more bytes for the i-th newest entry, keeping the older
 * ones (i + 1 to count - 1) and their offsets valid: a new buffer when the
 * old one is full, since replies may still be sending from it. */
static int text_reserve(struct mfd_history *h, size_t i, size_t need)
{
	struct mfd_hist_text *t = h->text, *n;
	size_t start, live, cap;

	if (t && t->len + need <= t->cap)
		return 0;
	start = i + 1 < h->count ? h->off[slot_of(h, h->count - 1)] :
				   (t ? t->len : 0);
	live = t ? t->len - start : 0;
	cap = 2 * (live + need);
	if (cap < HIST_TEXT_MIN)
		cap = HIST_TEXT_MIN;
	n = malloc(sizeof(*n) + cap);
	if (!n)
		return -ENOMEM;
	n->refs = 1;
	n->cap = cap;
	n->len = live;
	if (live)
		memcpy(n->data, t->data + start, live);
	for (size_t k = i + 1; k < h->count; k++)
		h->off[slot_of(h, k)] -= start;
	mfd_history_text_unref(t);
	h->text = n;
	return 0;
}

/* Append the JSON of the i-th newest entry, all older ones being in the
 * text already. 0 or -ENOMEM. */
static int text_append(struct mfd_history *h, size_t i)
{
	size_t si = slot_of(h, i), n;
	char *s = json_dumps_entry(&h->ring[si]);
	int err;

	if (!s)
		return -ENOMEM;
	n = strlen(s);
	err = n > UINT32_MAX ? -E2BIG : text_reserve(h, i, n + 1);
	if (!err) {
		h->off[si] = h->text->len;
		h->tlen[si] = (uint32_t)n;
		memcpy(h->text->data + h->text->len, s, n);
		h->text->data[h->text->len + n] = ',';
		h->text->len += n + 1;
	}
	free(s);
	return err;
}

/* Render every retained entry again (after an ENOMEM lost the text). */
static int text_rebuild(struct mfd_history *h)
{
	int err = 0;

	mfd_history_text_unref(h->text);
	h->text = NULL;
	for (size_t i = h->count; i-- > 0 && !err;)
		err = text_append(h, i);
	if (err) {
		mfd_history_text_unref(h->text);
		h->text = NULL;
	}
	return err;
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
		struct mfd_zone_brief *z =
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
	for (uint32_t zi = 0; zi < s->nr_zones; zi++)
		mfd_zone_brief_fill(&e->zones[zi], &s->zones[zi], no);
	h->have_events = st->have_events;
	h->head = (h->head + 1) % h->cap;
	if (h->count < h->cap)
		h->count++;
	/* The entry just written is the newest; count - 1 older ones stay
	 * (the one it replaced, when the ring was full, is gone). */
	if (!h->text || text_append(h, 0)) {
		if (text_rebuild(h))
			return -ENOMEM;
	}
	return 0;
}

int mfd_history_window(const struct mfd_history *h, uint64_t after_unix_nano,
		       size_t max_bytes, struct mfd_hist_window *w)
{
	size_t n = 0, first, len = 0;

	memset(w, 0, sizeof(*w));
	if (!h->count)
		return 0;
	if (!h->text)
		return -ENOMEM;
	while (n < h->count &&
	       h->ring[slot_of(h, n)].time_unix_nano > after_unix_nano)
		n++;
	if (!n)
		return 0;
	/* Oldest first, as many as fit (commas between them count). */
	first = n - 1;
	for (size_t i = n; i-- > 0;) {
		size_t add = h->tlen[slot_of(h, i)] + (w->count ? 1 : 0);

		if (w->count && len + add > max_bytes) {
			w->more = true;
			break;
		}
		len += add;
		w->count++;
	}
	w->text = h->text;
	w->off = h->off[slot_of(h, first)];
	w->len = len;
	return 0;
}

const struct mfd_hist_entry *mfd_history_get(const struct mfd_history *h,
					     size_t i)
{
	if (i >= h->count)
		return NULL;
	return &h->ring[(h->head + h->cap - 1 - i) % h->cap];
}

static json_t *entry_json(const struct mfd_hist_entry *e)
{
	json_t *ej = json_object(), *zones = json_array();
	int err = 0;

	if (!ej || !zones) {
		json_decref(ej);
		json_decref(zones);
		return NULL;
	}
	err |= json_object_set_new(ej, "time_unix_nano",
				   json_integer((json_int_t)e->time_unix_nano));
	err |= json_object_set_new(ej, "extfrag_events",
				   json_integer((json_int_t)e->extfrag_events));
	err |= json_object_set_new(
		ej, "extfrag_fragmenting",
		json_integer((json_int_t)e->extfrag_fragmenting));
	err |= json_object_set_new(ej, "nr_orders", json_integer(e->nr_orders));
	for (uint32_t zi = 0; zi < e->nr_zones && !err; zi++) {
		json_t *zj =
			mfd_zone_brief_to_json(&e->zones[zi], e->nr_orders);

		err |= zj ? json_array_append_new(zones, zj) : -1;
	}
	err |= json_object_set_new(ej, "zones", zones);
	if (err) {
		json_decref(ej);
		return NULL;
	}
	return ej;
}

/* The flags of the whole document's dump (exporters/http/http_routes.c), so an entry
 * reads the same on its own. */
static char *json_dumps_entry(const struct mfd_hist_entry *e)
{
	json_t *j = entry_json(e);
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(4)) :
		      NULL;

	json_decref(j);
	return s;
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
		json_t *ej;

		if (e->time_unix_nano < since_unix_nano)
			continue;
		ej = entry_json(e);
		if (!ej || json_array_append_new(samples, ej))
			goto fail;
		n++;
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
