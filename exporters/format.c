// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * format.c - snapshot as JSON (jansson) and CSV.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cgroup_attr.h"
#include "escape.h"

#include "format.h"
#include "indices.h"

double mfd_index_value(int milli)
{
	return milli / 1000.0;
}

/* Add key: value, or key: null when the source could not provide it. */
static int set_u64(json_t *obj, const char *key, uint64_t v, bool have)
{
	return json_object_set_new(
		obj, key, have ? json_integer((json_int_t)v) : json_null());
}

/* A thousandths index as a JSON number. */
static json_t *index_json(int milli)
{
	return json_real(mfd_index_value(milli));
}

/* "node" and "zone", the first two keys of every zone listed with its
 * node (history, CMA areas, proactive compaction scores). */
static int set_zone_head(json_t *zj, uint32_t node, const char *name)
{
	int err = json_object_set_new(zj, "node", json_integer(node));

	/* Two statements: the operands of | have no order, the keys do. */
	err |= json_object_set_new(zj, "zone", json_string(name));
	return err;
}

static json_t *zone_to_json(const struct mfd_snapshot *snap,
			    const struct mfd_zone *z)
{
	json_t *zj = json_object(), *orders = json_array();
	bool span = z->have & MFD_HAVE_SPAN, wm = z->have & MFD_HAVE_WMARK;
	int err = 0;

	if (!zj || !orders)
		goto fail;
	err |= json_object_set_new(zj, "zone", json_string(z->name));
	err |= json_object_set_new(zj, "zone_idx",
				   z->zone_idx == UINT32_MAX ?
					   json_null() :
					   json_integer(z->zone_idx));
	err |= set_u64(zj, "start_pfn", z->start_pfn, span);
	err |= set_u64(zj, "spanned_pages", z->spanned_pages, span);
	err |= set_u64(zj, "present_pages", z->present_pages, span);
	err |= set_u64(zj, "managed_pages", z->managed_pages,
		       z->have & MFD_HAVE_MANAGED);
	err |= set_u64(zj, "free_pages", z->free_pages,
		       z->have & MFD_HAVE_FREE);
	err |= set_u64(zj, "buddy_free_pages",
		       snap->nr_orders ? z->order[0].free_pages : 0, true);
	err |= set_u64(zj, "watermark_min", z->watermark_min, wm);
	err |= set_u64(zj, "watermark_low", z->watermark_low, wm);
	err |= set_u64(zj, "watermark_high", z->watermark_high, wm);
	err |= set_u64(zj, "watermark_boost", z->watermark_boost,
		       z->have & MFD_HAVE_BOOST);
	err |= set_u64(zj, "reserved_highatomic", z->reserved_highatomic,
		       z->have & MFD_HAVE_HIGHATOMIC);
	for (uint32_t o = 0; o < snap->nr_orders; o++) {
		const struct mfd_order_stat *st = &z->order[o];
		json_t *oj = json_object();

		if (!oj)
			goto fail;
		err |= json_object_set_new(oj, "order", json_integer(o));
		err |= set_u64(oj, "free_blocks", st->free_blocks, true);
		err |= set_u64(oj, "free_blocks_total", st->free_blocks_total,
			       true);
		err |= set_u64(oj, "free_blocks_suitable",
			       st->free_blocks_suitable, true);
		err |= json_object_set_new(oj, "unusable_index",
					   index_json(st->unusable_index));
		err |= json_object_set_new(oj, "extfrag_index",
					   index_json(st->extfrag_index));
		err |= json_array_append_new(orders, oj);
	}
	err |= json_object_set_new(zj, "orders", orders);
	orders = NULL;
	if (err)
		goto fail;
	return zj;
fail:
	json_decref(orders);
	json_decref(zj);
	return NULL;
}

void mfd_zone_brief_fill(struct mfd_zone_brief *b, const struct mfd_zone *z,
			 uint32_t nr_orders)
{
	memset(b, 0, sizeof(*b));
	b->node = z->node;
	memcpy(b->name, z->name, sizeof(b->name));
	b->name[sizeof(b->name) - 1] = '\0';
	for (uint32_t o = 0; o < nr_orders && o < MFD_SNAP_MAX_ORDERS; o++) {
		b->free_blocks[o] = z->order[o].free_blocks;
		b->unusable[o] = (int16_t)z->order[o].unusable_index;
		b->extfrag[o] = (int16_t)z->order[o].extfrag_index;
	}
}

json_t *mfd_zone_brief_to_json(const struct mfd_zone_brief *b,
			       uint32_t nr_orders)
{
	json_t *zj = json_object(), *fb = json_array(), *ui = json_array(),
	       *xi = json_array();
	int err = 0;

	if (!zj || !fb || !ui || !xi)
		goto fail;
	for (uint32_t o = 0; o < nr_orders && o < MFD_SNAP_MAX_ORDERS; o++) {
		err |= json_array_append_new(
			fb, json_integer((json_int_t)b->free_blocks[o]));
		err |= json_array_append_new(ui, index_json(b->unusable[o]));
		err |= json_array_append_new(xi, index_json(b->extfrag[o]));
	}
	err |= set_zone_head(zj, b->node, b->name);
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

static bool node_wanted(const struct mfd_format_opts *o, uint32_t node)
{
	return !o || o->node < 0 || (uint32_t)o->node == node;
}

static bool zone_wanted(const struct mfd_format_opts *o,
			const struct mfd_zone *z)
{
	if (!node_wanted(o, z->node))
		return false;
	return !o || !o->zone || !*o->zone || !strcasecmp(o->zone, z->name);
}

static bool pb_zone_wanted(const struct mfd_format_opts *o,
			   const struct mfd_pb_zone *z)
{
	if (!node_wanted(o, z->node))
		return false;
	return !o || !o->zone || !*o->zone || !strcasecmp(o->zone, z->name);
}

/* A run's type in JSON: the migratetype, -1 offline, -2 other zone's. */
static int run_type(uint8_t t)
{
	if (t == MFD_PB_OFFLINE)
		return -1;
	return t == MFD_PB_OTHER ? -2 : (int)t;
}

static json_t *pb_zone_to_json(const struct mfd_pageblock_map *m,
			       const struct mfd_pb_zone *z)
{
	json_t *zj = json_pack("{s:i,s:s,s:I,s:I,s:I,s:I}", "node",
			       (int)z->node, "zone", z->name, "start_pfn",
			       (json_int_t)z->start_pfn, "blocks",
			       (json_int_t)z->nr_blocks, "offline",
			       (json_int_t)z->offline, "other",
			       (json_int_t)z->other);
	json_t *count = json_object(), *runs = json_array();
	struct mfd_pb_run r[256];
	uint64_t pos = 0;
	size_t n;
	int err = !zj || !count || !runs;

	for (unsigned int t = 0; !err && t < m->nr_types; t++)
		err |= json_object_set_new(
			count, m->type_name[t],
			json_integer((json_int_t)z->count[t]));
	while (!err && (n = mfd_pb_zone_runs(z, &pos, r, 256)) > 0)
		for (size_t i = 0; i < n && !err; i++)
			err |= json_array_append_new(
				runs, json_pack("[i,I]", run_type(r[i].type),
						(json_int_t)r[i].len));
	if (!err) {
		err |= json_object_set_new(zj, "count", count);
		count = NULL;
		err |= json_object_set_new(zj, "runs", runs);
		runs = NULL;
	}
	json_decref(count);
	json_decref(runs);
	if (err) {
		json_decref(zj);
		return NULL;
	}
	return zj;
}

json_t *mfd_pageblock_map_to_json(const struct mfd_pageblock_map *m,
				  const struct mfd_format_opts *opts)
{
	json_t *root = json_pack("{s:i,s:I,s:I,s:f,s:I}", "pageblock_order",
				 m->pageblock_order, "scans",
				 (json_int_t)m->scans, "failures",
				 (json_int_t)m->failures, "scan_seconds",
				 (double)m->scan_ns / 1e9, "reads",
				 (json_int_t)m->reads);
	json_t *types = json_array(), *zones = json_array();
	int err = !root || !types || !zones;

	for (unsigned int t = 0; !err && t < m->nr_types; t++)
		err |= json_array_append_new(types,
					     json_string(m->type_name[t]));
	for (uint32_t i = 0; !err && i < m->nr_zones; i++) {
		json_t *zj;

		if (!pb_zone_wanted(opts, &m->zones[i]))
			continue;
		zj = pb_zone_to_json(m, &m->zones[i]);
		err |= zj ? json_array_append_new(zones, zj) : -1;
	}
	if (!err) {
		err |= json_object_set_new(root, "types", types);
		types = NULL;
		err |= json_object_set_new(root, "zones", zones);
		zones = NULL;
	}
	json_decref(types);
	json_decref(zones);
	if (err) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* -m: HugeTLB pools and CMA areas (collect/hugetlb.c). A figure the
 * kernel does not print is absent, never 0. */
static int pool_to_json(json_t *j, const struct mfd_htlb_pool *p)
{
	int err = 0;

	for (int i = 0; i < MFD_HTLB_ITEMS; i++)
		if ((p->have >> i) & 1)
			err |= json_object_set_new(
				j, mfd_htlb_state_names[i],
				json_integer((json_int_t)p->val[i]));
	return err;
}

static json_t *hugetlb_to_json(const struct mfd_snapshot *snap,
			       const struct mfd_format_opts *o)
{
	const struct mfd_hugetlb *h = &o->pressure->htlb;
	json_t *c = json_object(), *sizes = json_array(), *cma = json_array();
	long page = sysconf(_SC_PAGESIZE);
	int err = 0;

	if (!c || !sizes || !cma)
		goto fail;
	for (unsigned int k = 0; k < h->nr_sizes; k++) {
		json_t *sj = json_object(), *nodes = json_array();

		if (!sj || !nodes) {
			json_decref(sj);
			json_decref(nodes);
			goto fail;
		}
		err |= json_object_set_new(
			sj, "size_kib",
			json_integer((json_int_t)h->size_kib[k]));
		err |= pool_to_json(sj, &h->global[k]);
		for (unsigned int n = 0; n < h->nr_nodes; n++) {
			json_t *nj;

			if (!node_wanted(o, h->nodes[n].node))
				continue;
			nj = json_object();
			if (!nj) {
				err = -1;
				break;
			}
			err |= json_object_set_new(
				nj, "node", json_integer(h->nodes[n].node));
			err |= pool_to_json(nj, &h->nodes[n].pool[k]);
			err |= json_array_append_new(nodes, nj);
		}
		err |= json_object_set_new(sj, "nodes", nodes);
		err |= json_array_append_new(sizes, sj);
	}
	for (uint32_t i = 0; snap && i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];
		const struct mfd_cma_zone *cz =
			mfd_hugetlb_cma(h, z->node, z->name);
		json_t *zj, *gj;

		if (!zone_wanted(o, z))
			continue;
		zj = json_object();
		gj = json_object();
		if (!zj || !gj) {
			json_decref(zj);
			json_decref(gj);
			goto fail;
		}
		err |= set_zone_head(zj, z->node, z->name);
		if (cz && (cz->have & MFD_CMA_HAVE_TOTAL))
			err |= json_object_set_new(
				zj, "cma_pages",
				json_integer((json_int_t)cz->total_pages));
		if (cz && (cz->have & MFD_CMA_HAVE_FREE))
			err |= json_object_set_new(
				zj, "cma_free_pages",
				json_integer((json_int_t)cz->free_pages));
		for (unsigned int k = 0; page >= 1024 && k < h->nr_sizes; k++) {
			uint64_t n;
			char key[32];

			if (!mfd_gigantic_candidates(z, snap->nr_orders,
						     h->size_kib[k],
						     (uint64_t)page / 1024, &n))
				continue;
			snprintf(key, sizeof(key), "%llu",
				 (unsigned long long)h->size_kib[k]);
			err |= json_object_set_new(gj, key,
						   json_integer((json_int_t)n));
		}
		/* by size in KiB: free max-order memory / page size */
		err |= json_object_set_new(zj, "gigantic_candidates", gj);
		err |= json_array_append_new(cma, zj);
	}
	err |= json_object_set_new(c, "sizes", sizes);
	err |= json_object_set_new(c, "zones", cma);
	if (err) {
		json_decref(c);
		return NULL;
	}
	return c;
fail:
	json_decref(c);
	json_decref(sizes);
	json_decref(cma);
	return NULL;
}

/* -m: the /proc part of the compaction view. Counters the kernel lacks
 * are absent, never 0, as in /metrics. */
static json_t *signals_to_json(const struct mfd_snapshot *snap,
			       const struct mfd_format_opts *o)
{
	const struct mfd_pressure *s = o->pressure;
	const struct mfd_frag_scores *fs = &s->scores;
	json_t *c = json_object(), *vm = json_object(), *as = json_object();
	json_t *mthp = json_array(), *sc = json_object();
	json_t *zs = json_array(), *ns = json_array();
	int err = 0;

	if (!c || !vm || !as || !mthp || !sc || !zs || !ns)
		goto fail;
	for (int i = 0; s->have_vmstat && i < MFD_VM_ITEMS; i++)
		if (mfd_vmstat_has(&s->vm, i))
			err |= json_object_set_new(
				vm, mfd_vmstat_names[i],
				json_integer((json_int_t)s->vm.val[i]));
	for (unsigned int i = 0; s->have_vmstat && i < s->vm.nr_allocstall; i++)
		err |= json_object_set_new(
			as, s->vm.allocstall[i].zone,
			json_integer((json_int_t)s->vm.allocstall[i].val));
	for (unsigned int i = 0; s->have_vmstat && i < s->vm.nr_mthp; i++) {
		const struct mfd_mthp_size *m = &s->vm.mthp[i];
		json_t *mj = json_object();

		if (!mj)
			goto fail;
		err |= json_object_set_new(
			mj, "size_kib", json_integer((json_int_t)m->size_kib));
		for (int k = 0; k < MFD_MTHP_ITEMS; k++)
			if (m->have & (1u << k))
				err |= json_object_set_new(
					mj, mfd_mthp_names[k],
					json_integer((json_int_t)m->val[k]));
		err |= json_array_append_new(mthp, mj);
	}
	for (uint32_t i = 0;
	     s->have_scores && i < fs->nr_zones && i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];
		json_t *zj;

		if (!fs->zone[i].valid || !zone_wanted(o, z))
			continue;
		zj = json_object();
		if (!zj)
			goto fail;
		err |= set_zone_head(zj, z->node, z->name);
		err |= json_object_set_new(zj, "score",
					   json_integer(fs->zone[i].score));
		err |= json_object_set_new(zj, "weighted",
					   json_integer(fs->zone[i].weighted));
		err |= json_array_append_new(zs, zj);
	}
	for (uint32_t i = 0; s->have_scores && i < fs->nr_nodes; i++) {
		json_t *nj;

		if (!node_wanted(o, fs->node[i].node))
			continue;
		nj = json_object();
		if (!nj)
			goto fail;
		err |= json_object_set_new(nj, "node",
					   json_integer(fs->node[i].node));
		err |= json_object_set_new(nj, "score",
					   json_integer(fs->node[i].score));
		err |= json_array_append_new(ns, nj);
	}
	err |= json_object_set_new(c, "vmstat", vm);
	err |= json_object_set_new(c, "allocstall", as);
	err |= json_object_set_new(c, "thp_mthp", mthp);
	vm = as = mthp = NULL;
	if (s->have_scores) {
		err |= json_object_set_new(sc, "hpage_order",
					   json_integer(fs->hpage_order));
		err |= json_object_set_new(
			sc, "proactiveness",
			fs->have_proactiveness ?
				json_integer(fs->proactiveness) :
				json_null());
		err |= json_object_set_new(sc, "wmark_low",
					   json_integer(fs->wmark_low));
		err |= json_object_set_new(sc, "wmark_high",
					   json_integer(fs->wmark_high));
		err |= json_object_set_new(sc, "zones", zs);
		err |= json_object_set_new(sc, "nodes", ns);
		zs = ns = NULL;
		err |= json_object_set_new(c, "proactive_compaction", sc);
	} else {
		json_decref(sc);
		err |= json_object_set_new(c, "proactive_compaction",
					   json_null());
	}
	sc = NULL;
	if (s->have_htlb) {
		json_t *hj = hugetlb_to_json(snap, o);

		err |= hj ? json_object_set_new(c, "hugetlb", hj) : -1;
	}
	/* Stall histograms need the BPF programs a live run loads. */
	err |= json_object_set_new(c, "stalls_why",
				   s->bpf_signals ? json_null() :
						    json_string(s->bpf_why));
	json_decref(zs);
	json_decref(ns);
	if (err) {
		json_decref(c);
		return NULL;
	}
	return c;
fail:
	json_decref(c);
	json_decref(vm);
	json_decref(as);
	json_decref(mthp);
	json_decref(sc);
	json_decref(zs);
	json_decref(ns);
	return NULL;
}

json_t *mfd_snapshot_to_json(const struct mfd_snapshot *snap)
{
	return mfd_snapshot_to_json_opts(snap, NULL);
}

json_t *mfd_snapshot_to_json_opts(const struct mfd_snapshot *snap,
				  const struct mfd_format_opts *opts)
{
	json_t *root = json_object(), *nodes = json_array();
	int err = 0;

	if (!root || !nodes)
		goto fail;
	err |= json_object_set_new(
		root, "time_unix_nano",
		json_integer((json_int_t)snap->time_unix_nano));
	err |= json_object_set_new(root, "source",
				   json_string(mfd_source_name(snap->source)));
	err |= json_object_set_new(root, "nr_orders",
				   json_integer(snap->nr_orders));
	err |= json_object_set_new(root, "collection_ns",
				   json_integer((json_int_t)snap->duration_ns));
	for (uint32_t n = 0; n < snap->nr_nodes; n++) {
		const struct mfd_node *nd = &snap->nodes[n];
		json_t *nj, *zones;

		if (!node_wanted(opts, nd->node))
			continue;
		nj = json_object();
		zones = json_array();
		if (!nj || !zones) {
			json_decref(nj);
			json_decref(zones);
			goto fail;
		}
		err |= json_object_set_new(nj, "node", json_integer(nd->node));
		err |= set_u64(nj, "start_pfn", nd->start_pfn, true);
		err |= set_u64(nj, "present_pages", nd->present_pages, true);
		err |= set_u64(nj, "spanned_pages", nd->spanned_pages, true);
		err |= json_object_set_new(nj, "nr_zones",
					   json_integer(nd->nr_zones));
		err |= json_object_set_new(
			nj, "pgdat_source",
			json_string(nd->have_pgdat ? "pglist_data" :
						     "derived from zones"));
		for (uint32_t i = 0; i < nd->nr_zones; i++) {
			const struct mfd_zone *z =
				&snap->zones[nd->first_zone + i];
			json_t *zj;

			if (!zone_wanted(opts, z))
				continue;
			zj = zone_to_json(snap, z);
			if (!zj) {
				err = -1;
				break;
			}
			err |= json_array_append_new(zones, zj);
		}
		err |= json_object_set_new(nj, "zones", zones);
		err |= json_array_append_new(nodes, nj);
	}
	err |= json_object_set_new(root, "nodes", nodes);
	nodes = NULL;
	if (opts && opts->pressure) {
		json_t *c = signals_to_json(snap, opts);

		err |= c ? json_object_set_new(root, "compaction", c) : -1;
	}
	if (opts && opts->pageblocks) {
		json_t *pb = mfd_pageblock_map_to_json(opts->pageblocks, opts);

		err |= pb ? json_object_set_new(root, "pageblocks", pb) : -1;
	}
	if (err)
		goto fail;
	return root;
fail:
	json_decref(nodes);
	json_decref(root);
	return NULL;
}

int mfd_format_json(const struct mfd_snapshot *snap,
		    const struct mfd_format_opts *opts, FILE *out)
{
	json_t *root = mfd_snapshot_to_json_opts(snap, opts);
	int err;

	if (!root)
		return -ENOMEM;
	/* JSON_REAL_PRECISION(4) prints 0.351, -1.0, 0.0: three decimals
	 * are all the kernel computes. */
	err = json_dumpf(root, out, JSON_COMPACT | JSON_REAL_PRECISION(4));
	json_decref(root);
	if (err)
		return -EIO;
	return fputc('\n', out) == EOF ? -EIO : 0;
}

int mfd_format_csv(const struct mfd_snapshot *snap,
		   const struct mfd_format_opts *opts, FILE *out)
{
	char u[16], e[16];

	fprintf(out, "time_unix_nano,source,node,zone,order,free_blocks,"
		     "free_blocks_total,free_blocks_suitable,free_pages,"
		     "unusable_index,extfrag_index\n");
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		const struct mfd_zone *z = &snap->zones[i];
		char name[4 * sizeof(z->name) + 1];

		if (!zone_wanted(opts, z))
			continue;
		/* A recorded zone name may hold anything. */
		mfd_escape_ctrl(name, sizeof(name), z->name, NULL);
		for (uint32_t o = 0; o < snap->nr_orders; o++) {
			const struct mfd_order_stat *st = &z->order[o];

			fprintf(out,
				"%" PRIu64 ",%s,%u,%s,%u,%" PRIu64 ",%" PRIu64
				",%" PRIu64 ",%" PRIu64 ",%s,%s\n",
				snap->time_unix_nano,
				mfd_source_name(snap->source), z->node, name, o,
				st->free_blocks, st->free_blocks_total,
				st->free_blocks_suitable, st->free_pages,
				mfd_index_str(st->unusable_index, u, sizeof(u)),
				mfd_index_str(st->extfrag_index, e, sizeof(e)));
		}
	}
	return ferror(out) ? -EIO : 0;
}

/* One process row: the -s table's numbers plus its pod, when it has one. */
static json_t *proc_to_json(const struct mfd_state *st,
			    const struct mfd_proc_stat *p)
{
	const struct mfd_k8s_attr *k;
	json_t *o = json_object();
	int err = 0;

	if (!o)
		return NULL;
	err |= json_object_set_new(o, "pid", json_integer(p->tgid));
	err |= json_object_set_new(o, "comm", json_string(p->comm));
	err |= json_object_set_new(o, "events",
				   json_integer((json_int_t)p->count));
	err |= json_object_set_new(o, "fragmenting",
				   json_integer((json_int_t)p->fragmenting));
	err |= json_object_set_new(o, "cgroup_id",
				   json_integer((json_int_t)p->cgroup_id));
	k = mfd_cgroup_attr_lookup(st->cgattr, p->cgroup_id, p->tgid,
				   mfd_now_mono_ns());
	if (k) {
		err |= json_object_set_new(o, "k8s.pod.uid",
					   json_string(k->pod_uid));
		err |= json_object_set_new(o, "container.id",
					   json_string(k->container_id));
		err |= json_object_set_new(
			o, "k8s.pod.qos",
			json_string(mfd_k8s_qos_name(k->qos)));
		err |= json_object_set_new(o, "container.runtime",
					   json_string(k->container_runtime));
	}
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int mfd_format_state_json(const struct mfd_state *st, FILE *out)
{
	const struct mfd_proc_stat **top = NULL;
	json_t *root = json_object(), *procs = json_array();
	size_t n = 0;
	int err = 0;

	if (!root || !procs)
		goto nomem;
	if (st->procs.used) {
		top = calloc(st->procs.used, sizeof(*top));
		if (!top)
			goto nomem;
		n = mfd_extfrag_table_sorted(&st->procs, top, st->procs.used);
	}
	err |= json_object_set_new(
		root, "source",
		st->have_snap ? json_string(mfd_source_name(st->snap->source)) :
				json_null());
	err |= json_object_set_new(root, "samples",
				   json_integer((json_int_t)st->samples));
	err |= json_object_set_new(
		root, "sample_failures",
		json_integer((json_int_t)st->sample_failures));
	err |= json_object_set_new(root, "events_attached",
				   json_boolean(st->have_events));
	err |= json_object_set_new(root, "events",
				   json_integer((json_int_t)st->totals.events));
	err |= json_object_set_new(root, "ringbuf_drops",
				   json_integer((json_int_t)st->totals.drops));
	for (size_t i = 0; i < n; i++) {
		json_t *o = proc_to_json(st, top[i]);

		if (!o || json_array_append_new(procs, o))
			goto nomem;
	}
	err |= json_object_set(root, "procs", procs);
	if (err)
		goto nomem;
	err = json_dumpf(root, out, JSON_COMPACT) ? -EIO : 0;
	if (!err && fputc('\n', out) == EOF)
		err = -EIO;
	goto out;
nomem:
	err = -ENOMEM;
out:
	free(top);
	json_decref(procs);
	json_decref(root);
	return err;
}
