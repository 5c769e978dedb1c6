// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_views.c - whatever procfs text parses, every view must render and
 * --once must print, at any width and with any filter.
 *
 * Input: 4 control bytes (view, width - 20, flags, node filter), then
 * buddyinfo, NUL, zoneinfo, NUL, extfrag records framed as in
 * fuzz_extfrag.c (one length byte each). Parsed text goes through
 * mfd_snapshot_finish(), the records into the process table, then
 * mfd_view_render() and the JSON and CSV formatters (to /dev/null). Zone
 * names of up to 15 bytes of any printable text and counts near 2^64 are
 * what the fixed-width columns meet here.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "extfrag_probe.h"
#include "extfrag_table.h"
#include "format.h"
#include "kinfo.h"
#include "procfs.h"
#include "view.h"

static size_t part(const uint8_t **p, const uint8_t *end)
{
	const uint8_t *nul = memchr(*p, '\0', (size_t)(end - *p));
	size_t n = nul ? (size_t)(nul - *p) : (size_t)(end - *p);

	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mfd_snapshot snap;
	static struct mfd_kinfo k;
	static FILE *devnull;
	const uint8_t *p = data + 4, *end = data + size;
	struct mfd_extfrag_totals totals = { .events = 0 };
	struct mfd_extfrag_table t;
	struct mfd_extfrag_event ev[MFD_EXTFRAG_STAGE];
	struct mfd_parse_error err;
	struct mfd_view_opts o;
	struct mfd_view_input in;
	struct mfd_screen s;
	char zone[MFD_SNAP_ZONE_NAME_LEN];
	size_t n;

	if (size < 4)
		return 0;
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		mfd_kinfo_default_mt_names(&k);
		k.pageblock_order = 9;
	}
	n = part(&p, end);
	if (mfd_procfs_parse_buddyinfo((const char *)p, n, &snap, &err))
		return 0;
	p += n < (size_t)(end - p) ? n + 1 : n;
	n = part(&p, end);
	if (mfd_procfs_parse_zoneinfo((const char *)p, n, &snap, &err) ||
	    mfd_snapshot_finish(&snap))
		return 0;
	p += n < (size_t)(end - p) ? n + 1 : n;

	if (mfd_extfrag_table_init(&t, 16))
		return 0;
	while (p < end) {
		size_t len = *p++;

		if (len > (size_t)(end - p))
			len = (size_t)(end - p);
		int ne = mfd_extfrag_decode(p, len, ev, MFD_EXTFRAG_STAGE);

		for (int i = 0; i < ne; i++) {
			const struct mfd_extfrag_event *e = &ev[i];

			mfd_extfrag_table_add(&t, e);
			totals.slot[mfd_extfrag_slot(
				(unsigned int)e->alloc_migratetype,
				(unsigned int)e->fallback_migratetype,
				e->fragmenting)]++;
			totals.events++;
			totals.fragmenting += e->fragmenting ? 1 : 0;
		}
		p += len;
	}

	memcpy(zone, snap.zones[0].name, sizeof(zone));
	o = (struct mfd_view_opts){
		.view = (enum mfd_view)(data[0] % 5),
		.width = 20u + data[1],
		.index = (enum mfd_index_sel)(data[2] % 3),
		.bars = data[2] & 4,
		.zone_filter = (data[2] & 16) ? zone : NULL,
		.node_filter = data[3] == 255 ? -1 : data[3] % 4,
		.max_procs = data[2] >> 5,
	};
	in = (struct mfd_view_input){
		.snap = &snap,
		.procs = (data[2] & 8) ? &t : NULL,
		.totals = (data[2] & 8) ? &totals : NULL,
		.kinfo = &k,
	};
	mfd_screen_init(&s, o.width);
	mfd_view_render(&o, &in, &s);
	mfd_screen_free(&s);
	if (devnull) {
		struct mfd_format_opts fo = { .node = o.node_filter,
					      .zone = o.zone_filter };

		mfd_format_json(&snap, &fo, devnull);
		mfd_format_csv(&snap, &fo, devnull);
	}
	mfd_extfrag_table_free(&t);
	return 0;
}
