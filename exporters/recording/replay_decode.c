// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay_decode.c - one line of a recording to a snapshot, its extfrag
 * totals or its events: mfd_replay_decode(), the pure core of the replay
 * (see replay.h). replay.c reads the file around it.
 *
 * The decoder accepts what exporters/recording/otlp_json.c writes and, leniently,
 * what any OTLP/JSON producer may: 64-bit integers as strings or numbers,
 * metrics it does not know (ignored), attributes in any order. What it
 * cannot turn into a consistent snapshot is refused with a reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "replay.h"
#include "state.h"

/* What a line recorded per zone besides what the snapshot holds. */
struct zone_rec {
	uint32_t orders_seen; /* bit o: free_blocks of order o present */
	uint32_t unusable_seen, extfrag_seen; /* bit o: index recorded */
	int32_t unusable[MFD_SNAP_MAX_ORDERS]; /* recorded, thousandths */
	int32_t extfrag[MFD_SNAP_MAX_ORDERS];
	uint32_t span_seen; /* bits: 1 start, 2 spanned, 4 present */
	uint32_t wm_seen; /* bits: 1 min, 2 low, 4 high */
};

struct node_rec {
	uint32_t node;
	uint32_t seen; /* bits: 1 start, 2 present, 4 spanned */
	uint64_t start_pfn, present_pages, spanned_pages;
};

struct dec {
	const struct mfd_kinfo *k;
	struct mfd_replay_rec *out;
	struct zone_rec *zr; /* parallel to out->snap.zones before sorting */
	struct node_rec nodes[MFD_SNAP_MAX_NODES];
	uint32_t nr_nodes;
	char *why;
	size_t why_len;
};

__attribute__((format(printf, 2, 3))) static int fail(struct dec *d,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, d->why_len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* An OTLP 64-bit integer: a decimal string (the JSON mapping) or a JSON
 * integer. */
static int get_i64(const json_t *v, int64_t *out)
{
	const char *s;
	char *end;
	long long l;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -EINVAL;
	s = json_string_value(v);
	if (!*s)
		return -EINVAL;
	errno = 0;
	l = strtoll(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = l;
	return 0;
}

static int get_u64(const json_t *v, uint64_t *out)
{
	const char *s;
	char *end;
	unsigned long long l;

	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -EINVAL;
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return -EINVAL;
	s = json_string_value(v);
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	l = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*out = l;
	return 0;
}

/* The value of attribute key in an OTLP KeyValue array, or NULL. */
static const json_t *attr(const json_t *attrs, const char *key)
{
	size_t i;
	const json_t *kv;

	json_array_foreach(attrs, i, kv)
	{
		const json_t *k = json_object_get(kv, "key");

		if (json_is_string(k) && strcmp(json_string_value(k), key) == 0)
			return json_object_get(kv, "value");
	}
	return NULL;
}

static const char *attr_str(const json_t *attrs, const char *key)
{
	const json_t *s = json_object_get(attr(attrs, key), "stringValue");

	return json_is_string(s) ? json_string_value(s) : NULL;
}

static int attr_int(const json_t *attrs, const char *key, int64_t *v)
{
	return get_i64(json_object_get(attr(attrs, key), "intValue"), v);
}

static int attr_bool(const json_t *attrs, const char *key, bool *v)
{
	const json_t *b = json_object_get(attr(attrs, key), "boolValue");

	if (!json_is_boolean(b))
		return -EINVAL;
	*v = json_is_true(b);
	return 0;
}

/* Migratetype number for a name the encoder printed. */
static int mt_number(const struct mfd_kinfo *k, const char *name)
{
	char buf[32];
	int n;

	if (!name)
		return -1;
	for (int mt = 0; mt < MFD_KINFO_MAX_MT; mt++)
		if (strcmp(mfd_kinfo_mt_name(k, mt, buf, sizeof(buf)), name) ==
		    0)
			return mt;
	if (sscanf(name, "type%d", &n) == 1 && n >= 0 && n < MFD_KINFO_MAX_MT)
		return n;
	return -1;
}

/* The zone a point's numa.node and zone attributes name, added on first
 * sight. */
static int zone_of(struct dec *d, const json_t *attrs, uint32_t *zi)
{
	struct mfd_snapshot *s = &d->out->snap;
	const char *name = attr_str(attrs, "zone");
	int64_t node;

	if (attr_int(attrs, "numa.node", &node) || node < 0 ||
	    node >= UINT32_MAX || !name)
		return fail(d, "a zone point without a valid numa.node and "
			       "zone attribute");
	if (!*name || strlen(name) >= MFD_SNAP_ZONE_NAME_LEN)
		return fail(d, "zone name '%.40s' is empty or too long", name);
	for (uint32_t i = 0; i < s->nr_zones; i++)
		if (s->zones[i].node == (uint32_t)node &&
		    strcmp(s->zones[i].name, name) == 0) {
			*zi = i;
			return 0;
		}
	if (s->nr_zones >= MFD_SNAP_MAX_ZONES)
		return fail(d, "more than %d zones", MFD_SNAP_MAX_ZONES);
	*zi = s->nr_zones++;
	memset(&s->zones[*zi], 0, sizeof(s->zones[*zi]));
	s->zones[*zi].node = (uint32_t)node;
	s->zones[*zi].zone_idx = UINT32_MAX;
	snprintf(s->zones[*zi].name, MFD_SNAP_ZONE_NAME_LEN, "%s", name);
	memset(&d->zr[*zi], 0, sizeof(d->zr[*zi]));
	return 0;
}

static struct node_rec *node_of(struct dec *d, const json_t *attrs)
{
	int64_t node;

	if (attr_int(attrs, "numa.node", &node) || node < 0 ||
	    node >= UINT32_MAX)
		return NULL;
	for (uint32_t i = 0; i < d->nr_nodes; i++)
		if (d->nodes[i].node == (uint32_t)node)
			return &d->nodes[i];
	if (d->nr_nodes >= MFD_SNAP_MAX_NODES)
		return NULL;
	memset(&d->nodes[d->nr_nodes], 0, sizeof(d->nodes[0]));
	d->nodes[d->nr_nodes].node = (uint32_t)node;
	return &d->nodes[d->nr_nodes++];
}

enum metric_id {
	M_IGNORED = 0,
	M_FREE_BLOCKS,
	M_UNUSABLE,
	M_EXTFRAG_INDEX,
	M_ZONE_FREE,
	M_ZONE_MANAGED,
	M_ZONE_PRESENT,
	M_ZONE_SPANNED,
	M_ZONE_START,
	M_ZONE_INDEX,
	M_ZONE_WMARK,
	M_ZONE_HIGHATOMIC,
	M_NODE_START,
	M_NODE_PRESENT,
	M_NODE_SPANNED,
	M_EXTFRAG_EVENTS,
	M_RINGBUF_DROPS,
	M_DURATION,
};

static const struct {
	const char *name;
	enum metric_id id;
} metric_ids[] = {
	{ "mfd.zone.order.free_blocks", M_FREE_BLOCKS },
	{ "mfd.zone.order.unusable_index", M_UNUSABLE },
	{ "mfd.zone.order.extfrag_index", M_EXTFRAG_INDEX },
	{ "mfd.zone.free_pages", M_ZONE_FREE },
	{ "mfd.zone.managed_pages", M_ZONE_MANAGED },
	{ "mfd.zone.present_pages", M_ZONE_PRESENT },
	{ "mfd.zone.spanned_pages", M_ZONE_SPANNED },
	{ "mfd.zone.start_pfn", M_ZONE_START },
	{ "mfd.zone.index", M_ZONE_INDEX },
	{ "mfd.zone.watermark_pages", M_ZONE_WMARK },
	{ "mfd.zone.reserved_highatomic_pages", M_ZONE_HIGHATOMIC },
	{ "mfd.node.start_pfn", M_NODE_START },
	{ "mfd.node.present_pages", M_NODE_PRESENT },
	{ "mfd.node.spanned_pages", M_NODE_SPANNED },
	{ "mfd.extfrag.events", M_EXTFRAG_EVENTS },
	{ "mfd.extfrag.ringbuf_drops", M_RINGBUF_DROPS },
	{ "mfd.agent.collection.duration", M_DURATION },
};

static int order_point(struct dec *d, enum metric_id id, const json_t *dp,
		       const json_t *attrs, uint32_t zi)
{
	struct mfd_zone *z = &d->out->snap.zones[zi];
	struct zone_rec *zr = &d->zr[zi];
	const json_t *dv;
	int64_t order, v;
	uint64_t t;
	double x;

	if (attr_int(attrs, "order", &order) || order < 0 ||
	    order >= MFD_SNAP_MAX_ORDERS)
		return fail(d, "%s point without an order from 0 to %d",
			    z->name, MFD_SNAP_MAX_ORDERS - 1);
	if (id == M_FREE_BLOCKS) {
		if (get_i64(json_object_get(dp, "asInt"), &v) || v < 0)
			return fail(d,
				    "free_blocks of %s order %" PRId64
				    " is not a count",
				    z->name, order);
		z->order[order].free_blocks = (uint64_t)v;
		zr->orders_seen |= 1u << order;
		if (!d->out->snap.time_unix_nano &&
		    get_u64(json_object_get(dp, "timeUnixNano"), &t) == 0)
			d->out->snap.time_unix_nano = t;
		return 0;
	}
	dv = json_object_get(dp, "asDouble");
	if (!json_is_number(dv))
		return fail(d,
			    "an index of %s order %" PRId64 " is not a number",
			    z->name, order);
	x = json_number_value(dv);
	if (!(x >= -1.0 && x <= 1.0))
		return fail(d,
			    "an index of %s order %" PRId64
			    " is out of [-1, 1]",
			    z->name, order);
	if (id == M_UNUSABLE) {
		zr->unusable[order] = (int32_t)lround(x * 1000.0);
		zr->unusable_seen |= 1u << order;
	} else {
		zr->extfrag[order] = (int32_t)lround(x * 1000.0);
		zr->extfrag_seen |= 1u << order;
	}
	return 0;
}

static int zone_point(struct dec *d, enum metric_id id, const json_t *dp,
		      const json_t *attrs, uint32_t zi)
{
	struct mfd_zone *z = &d->out->snap.zones[zi];
	struct zone_rec *zr = &d->zr[zi];
	const char *wm;
	int64_t v;

	if (get_i64(json_object_get(dp, "asInt"), &v) || v < 0)
		return fail(d, "a page count of zone %s is not a count",
			    z->name);
	switch (id) {
	case M_ZONE_FREE:
		z->free_pages = (uint64_t)v;
		z->have |= MFD_HAVE_FREE;
		break;
	case M_ZONE_MANAGED:
		z->managed_pages = (uint64_t)v;
		z->have |= MFD_HAVE_MANAGED;
		break;
	case M_ZONE_PRESENT:
		z->present_pages = (uint64_t)v;
		zr->span_seen |= 4;
		break;
	case M_ZONE_SPANNED:
		z->spanned_pages = (uint64_t)v;
		zr->span_seen |= 2;
		break;
	case M_ZONE_START:
		z->start_pfn = (uint64_t)v;
		zr->span_seen |= 1;
		break;
	case M_ZONE_INDEX:
		if (v >= UINT32_MAX)
			return fail(d, "zone index of %s out of range",
				    z->name);
		z->zone_idx = (uint32_t)v;
		break;
	case M_ZONE_HIGHATOMIC:
		z->reserved_highatomic = (uint64_t)v;
		z->have |= MFD_HAVE_HIGHATOMIC;
		break;
	case M_ZONE_WMARK:
		wm = attr_str(attrs, "watermark");
		if (!wm)
			return fail(d, "a watermark of %s without its name",
				    z->name);
		if (strcmp(wm, "min") == 0) {
			z->watermark_min = (uint64_t)v;
			zr->wm_seen |= 1;
		} else if (strcmp(wm, "low") == 0) {
			z->watermark_low = (uint64_t)v;
			zr->wm_seen |= 2;
		} else if (strcmp(wm, "high") == 0) {
			z->watermark_high = (uint64_t)v;
			zr->wm_seen |= 4;
		} else if (strcmp(wm, "boost") == 0) {
			z->watermark_boost = (uint64_t)v;
			z->have |= MFD_HAVE_BOOST;
		}
		break;
	default:
		break;
	}
	return 0;
}

static int other_point(struct dec *d, enum metric_id id, const json_t *dp,
		       const json_t *attrs)
{
	struct mfd_replay_rec *o = d->out;
	struct node_rec *n;
	const char *src;
	int64_t v;
	bool frag;
	int a, f;

	switch (id) {
	case M_NODE_START:
	case M_NODE_PRESENT:
	case M_NODE_SPANNED:
		n = node_of(d, attrs);
		if (!n || get_i64(json_object_get(dp, "asInt"), &v) || v < 0)
			return fail(d, "a node point without a valid node or "
				       "count");
		if (id == M_NODE_START) {
			n->start_pfn = (uint64_t)v;
			n->seen |= 1;
		} else if (id == M_NODE_PRESENT) {
			n->present_pages = (uint64_t)v;
			n->seen |= 2;
		} else {
			n->spanned_pages = (uint64_t)v;
			n->seen |= 4;
		}
		return 0;
	case M_EXTFRAG_EVENTS:
		a = mt_number(d->k, attr_str(attrs, "alloc_migratetype"));
		f = mt_number(d->k, attr_str(attrs, "fallback_migratetype"));
		if (a < 0 || f < 0 || attr_bool(attrs, "fragmenting", &frag) ||
		    get_i64(json_object_get(dp, "asInt"), &v) || v < 0)
			return fail(d, "an mfd.extfrag.events point with "
				       "unknown migratetypes or no count");
		o->totals.slot[mfd_extfrag_slot(
			(unsigned int)a, (unsigned int)f, frag)] = (uint64_t)v;
		o->totals.events += (uint64_t)v;
		if (frag)
			o->totals.fragmenting += (uint64_t)v;
		o->have_events = true;
		return 0;
	case M_RINGBUF_DROPS:
		if (get_i64(json_object_get(dp, "asInt"), &v) || v < 0)
			return fail(d, "ringbuf_drops is not a count");
		o->totals.drops = (uint64_t)v;
		o->have_events = true;
		return 0;
	case M_DURATION:
		if (get_u64(json_object_get(dp, "count"), &o->hist_count) ||
		    !json_is_number(json_object_get(dp, "sum")))
			return fail(d, "collection.duration without count and "
				       "sum");
		o->hist_sum = json_number_value(json_object_get(dp, "sum"));
		o->have_hist = true;
		src = attr_str(attrs, "source");
		if (src && strcmp(src, "bpf") == 0)
			o->snap.source = MFD_SOURCE_BPF;
		else if (src && strcmp(src, "procfs") == 0)
			o->snap.source = MFD_SOURCE_PROCFS;
		return 0;
	default:
		return 0;
	}
}

static int metric(struct dec *d, const json_t *m)
{
	const json_t *name = json_object_get(m, "name"), *data, *points, *dp;
	enum metric_id id = M_IGNORED;
	size_t i;
	int err;

	if (!json_is_string(name))
		return fail(d, "a metric without a name");
	for (size_t k = 0; k < sizeof(metric_ids) / sizeof(metric_ids[0]); k++)
		if (strcmp(json_string_value(name), metric_ids[k].name) == 0)
			id = metric_ids[k].id;
	if (id == M_IGNORED)
		return 0; /* someone else's metric, or a newer one of ours */
	data = json_object_get(
		m, id == M_DURATION ? "histogram" :
		   id == M_EXTFRAG_EVENTS || id == M_RINGBUF_DROPS ? "sum" :
								     "gauge");
	points = json_object_get(data, "dataPoints");
	if (!json_is_array(points))
		return fail(d,
			    "metric %s has no dataPoints of the expected "
			    "type",
			    json_string_value(name));
	json_array_foreach(points, i, dp)
	{
		const json_t *attrs = json_object_get(dp, "attributes");
		uint32_t zi;

		if (!json_is_object(dp))
			return fail(d, "a data point is not an object");
		if (attrs && !json_is_array(attrs))
			return fail(d, "attributes is not an array");
		switch (id) {
		case M_FREE_BLOCKS:
		case M_UNUSABLE:
		case M_EXTFRAG_INDEX:
			err = zone_of(d, attrs, &zi);
			if (!err)
				err = order_point(d, id, dp, attrs, zi);
			break;
		case M_ZONE_FREE:
		case M_ZONE_MANAGED:
		case M_ZONE_PRESENT:
		case M_ZONE_SPANNED:
		case M_ZONE_START:
		case M_ZONE_INDEX:
		case M_ZONE_WMARK:
		case M_ZONE_HIGHATOMIC:
			err = zone_of(d, attrs, &zi);
			if (!err)
				err = zone_point(d, id, dp, attrs, zi);
			break;
		default:
			err = other_point(d, id, dp, attrs);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/* Calls fn(d, item) for every item of root[k1][*][k2][*][k3][*]. */
static int each3(struct dec *d, const json_t *root, const char *k1,
		 const char *k2, const char *k3,
		 int (*fn)(struct dec *d, const json_t *item))
{
	const json_t *l1 = json_object_get(root, k1), *a, *b, *c;
	size_t i, j, n;
	int err;

	if (!json_is_array(l1))
		return fail(d, "%s is not an array", k1);
	json_array_foreach(l1, i, a)
	{
		const json_t *l2 = json_object_get(a, k2);

		if (!l2)
			continue;
		if (!json_is_array(l2))
			return fail(d, "%s is not an array", k2);
		json_array_foreach(l2, j, b)
		{
			const json_t *l3 = json_object_get(b, k3);

			if (!l3)
				continue;
			if (!json_is_array(l3))
				return fail(d, "%s is not an array", k3);
			json_array_foreach(l3, n, c)
			{
				err = fn(d, c);
				if (err)
					return err;
			}
		}
	}
	return 0;
}

static int finish_metrics(struct dec *d)
{
	struct mfd_snapshot *s = &d->out->snap;
	uint32_t nr_orders = 0;
	int err;

	if (!s->nr_zones)
		return fail(d, "no mfd.zone.order.free_blocks points: not a "
			       "sample of mfd-agent");
	for (uint32_t i = 0; i < s->nr_zones; i++) {
		uint32_t n = 0;

		while (n < MFD_SNAP_MAX_ORDERS && (d->zr[i].orders_seen >> n))
			n++;
		if (i == 0)
			nr_orders = n;
		if (!n || n != nr_orders ||
		    d->zr[i].orders_seen != (uint32_t)((1ull << n) - 1))
			return fail(d,
				    "zone %s of node %u has free blocks "
				    "for orders %#x, not 0..%u",
				    s->zones[i].name, s->zones[i].node,
				    d->zr[i].orders_seen, nr_orders - 1);
		if (d->zr[i].span_seen == 7)
			s->zones[i].have |= MFD_HAVE_SPAN;
		if (d->zr[i].wm_seen == 7)
			s->zones[i].have |= MFD_HAVE_WMARK;
	}
	s->nr_orders = nr_orders;
	if (!s->time_unix_nano)
		return fail(d, "free_blocks points without timeUnixNano");
	if (!s->source)
		s->source = MFD_SOURCE_REPLAY;
	s->nr_nodes = 0;
	for (uint32_t i = 0; i < d->nr_nodes; i++)
		if (d->nodes[i].seen == 7 &&
		    mfd_snapshot_set_node(s, d->nodes[i].node,
					  d->nodes[i].start_pfn,
					  d->nodes[i].present_pages,
					  d->nodes[i].spanned_pages))
			return fail(d, "too many nodes");
	/* Indices are recomputed, then checked against the recording: zones
	 * are sorted by mfd_snapshot_finish(), so match them by name. */
	{
		struct {
			uint32_t node;
			char name[MFD_SNAP_ZONE_NAME_LEN];
		} key[MFD_SNAP_MAX_ZONES];

		for (uint32_t i = 0; i < s->nr_zones; i++) {
			key[i].node = s->zones[i].node;
			memcpy(key[i].name, s->zones[i].name,
			       MFD_SNAP_ZONE_NAME_LEN);
		}
		err = mfd_snapshot_finish(s);
		if (err)
			return fail(d, "the zones do not form a snapshot: %s",
				    strerror(-err));
		for (uint32_t i = 0; i < s->nr_zones; i++) {
			int zi = mfd_snapshot_find_zone(s, key[i].node,
							key[i].name);
			const struct zone_rec *zr = &d->zr[i];

			if (zi < 0)
				continue;
			for (uint32_t o = 0; o < nr_orders; o++) {
				const struct mfd_order_stat *os =
					&s->zones[zi].order[o];

				if (((zr->unusable_seen >> o) & 1) &&
				    zr->unusable[o] != os->unusable_index)
					d->out->index_mismatches++;
				if (((zr->extfrag_seen >> o) & 1) &&
				    zr->extfrag[o] != os->extfrag_index)
					d->out->index_mismatches++;
			}
		}
	}
	return 0;
}

static int one_metric(struct dec *d, const json_t *m)
{
	return metric(d, m);
}

static int one_log(struct dec *d, const json_t *rec)
{
	struct mfd_replay_rec *o = d->out;
	const json_t *attrs = json_object_get(rec, "attributes");
	const char *ev = attr_str(attrs, "event.name"), *comm;
	struct mfd_extfrag_event e = { .type = MFD_REC_EXTFRAG };
	int64_t pid, tid, ao, fo, amt, fmt, pfn, cg;
	bool frag, chown;
	uint64_t t;

	if (!ev || strcmp(ev, "mfd.extfrag.fallback") != 0) {
		o->events_skipped++; /* not ours: leave it */
		return 0;
	}
	comm = attr_str(attrs, "process.executable.name");
	if (attr_int(attrs, "process.pid", &pid) ||
	    attr_int(attrs, "thread.id", &tid) ||
	    attr_int(attrs, "alloc_order", &ao) ||
	    attr_int(attrs, "fallback_order", &fo) ||
	    attr_int(attrs, "pfn", &pfn) ||
	    attr_bool(attrs, "fragmenting", &frag) ||
	    get_u64(json_object_get(rec, "timeUnixNano"), &t) || !comm)
		return fail(d, "an extfrag log record lacks pid, orders, pfn, "
			       "fragmenting, comm or time");
	if (pid < 0 || pid > UINT32_MAX || tid < 0 || tid > UINT32_MAX ||
	    ao < 0 || ao > 64 || fo < 0 || fo > 64)
		return fail(d, "an extfrag log record has values out of range");
	if (attr_int(attrs, "alloc_migratetype.id", &amt))
		amt = mt_number(d->k, attr_str(attrs, "alloc_migratetype"));
	if (attr_int(attrs, "fallback_migratetype.id", &fmt))
		fmt = mt_number(d->k, attr_str(attrs, "fallback_migratetype"));
	if (amt < 0 || amt >= MFD_KINFO_MAX_MT || fmt < 0 ||
	    fmt >= MFD_KINFO_MAX_MT)
		return fail(d, "an extfrag log record has unknown "
			       "migratetypes");
	if (attr_bool(attrs, "change_ownership", &chown))
		chown = false;
	if (attr_int(attrs, "cgroup.id", &cg))
		cg = 0;
	e.tgid = (uint32_t)pid;
	e.pid = (uint32_t)tid;
	e.alloc_order = (int32_t)ao;
	e.fallback_order = (int32_t)fo;
	e.alloc_migratetype = (int32_t)amt;
	e.fallback_migratetype = (int32_t)fmt;
	e.fragmenting = frag;
	e.change_ownership = chown;
	e.pfn = (uint64_t)pfn;
	e.cgroup_id = (uint64_t)cg;
	e.ts_ns = t; /* unix ns here; the reader moves it to its clock */
	strncpy(e.comm, comm, MFD_TASK_COMM_LEN - 1);
	if (o->nevents < o->events_cap)
		o->events[o->nevents++] = e;
	else
		o->events_skipped++;
	return 0;
}

int mfd_replay_decode(const char *line, size_t len, const struct mfd_kinfo *k,
		      struct mfd_replay_rec *out, char *why, size_t why_len)
{
	struct mfd_kinfo defaults;
	struct dec d = { .k = k, .out = out, .why = why, .why_len = why_len };
	json_error_t jerr;
	json_t *root;
	int err;

	if (!k) {
		memset(&defaults, 0, sizeof(defaults));
		mfd_kinfo_default_mt_names(&defaults);
		d.k = &defaults;
	}
	out->kind = MFD_REPLAY_NONE;
	memset(&out->snap, 0, sizeof(out->snap));
	out->have_events = out->have_hist = false;
	memset(&out->totals, 0, sizeof(out->totals));
	out->hist_count = 0;
	out->hist_sum = 0;
	out->index_mismatches = 0;
	out->nevents = out->events_skipped = 0;

	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(&d, "not JSON: %s at column %d", jerr.text,
			    jerr.column);
	if (!json_is_object(root)) {
		err = fail(&d, "not a JSON object");
	} else if (json_object_get(root, "resourceMetrics")) {
		out->kind = MFD_REPLAY_METRICS;
		d.zr = calloc(MFD_SNAP_MAX_ZONES, sizeof(*d.zr));
		err = d.zr ? each3(&d, root, "resourceMetrics", "scopeMetrics",
				   "metrics", one_metric) :
			     -ENOMEM;
		if (!err)
			err = finish_metrics(&d);
		free(d.zr);
	} else if (json_object_get(root, "resourceLogs")) {
		out->kind = MFD_REPLAY_LOGS;
		err = each3(&d, root, "resourceLogs", "scopeLogs", "logRecords",
			    one_log);
	} else {
		err = fail(&d, "neither resourceMetrics nor resourceLogs: not "
			       "an OTLP/JSON request");
	}
	json_decref(root);
	if (err == -ENOMEM)
		snprintf(why, why_len, "out of memory");
	return err;
}
