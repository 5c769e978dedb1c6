// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * zones.c - run bpf/zones.bpf.c on demand and turn its output into a
 * snapshot.
 *
 * Lifecycle (libbpf-bootstrap style): open -> set rodata knobs -> load ->
 * (never attach) -> BPF_PROG_TEST_RUN per sample. The program writes into
 * its .bss, which the skeleton has mmap()ed, so a sample costs one syscall
 * and no copies beyond the conversion below.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#define LOG_COMPONENT "zones"
#include "zones.h" /* bpf/zones.h: the record the program writes */
#include "bpf_open.h"
#include "log.h"
#include "zones_probe.h"
#include "zones.skel.h"

_Static_assert(MFD_MAX_ORDERS == MFD_SNAP_MAX_ORDERS, "order bound");
_Static_assert(MFD_MAX_ZONES == MFD_SNAP_MAX_ZONES, "zone bound");
_Static_assert(MFD_ZONE_NAME_LEN == MFD_SNAP_ZONE_NAME_LEN, "name bound");

struct mfd_zones {
	struct zones_bpf *skel;
	int prog_fd;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Run the program once; 0 or -errno with the program's own error mapped. */
static int run_once(struct mfd_zones *z)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct mfd_zones_out *out = &z->skel->bss->out;
	uint64_t runs = out->runs;
	int err;

	err = bpf_prog_test_run_opts(z->prog_fd, &opts);
	if (err)
		return -errno;
	if (out->runs == runs)
		return -EIO; /* the program did not run */
	if (out->err)
		return out->err;
	if (out->nr_zones == 0)
		return -ENODATA;
	if (out->nr_zones > MFD_MAX_ZONES)
		return -ERANGE;
	if (out->nr_orders == 0 || out->nr_orders > MFD_MAX_ORDERS)
		return -ERANGE;
	return 0;
}

static const char *explain(int err)
{
	switch (-err) {
	case MFD_ZONES_ENOMEMCG:
		return "no memory cgroup on the route to the zones (memcg disabled?)";
	case MFD_ZONES_EFAULT:
		return "a kernel read failed during the zone walk";
	case MFD_ZONES_E2BIG:
		return "more populated zones than mfd supports (128)";
	case ENODATA:
		return "the zone walk found no populated zone";
	case ERANGE:
		return "the kernel reports an unsupported number of orders";
	case EIO:
		return "BPF_PROG_TEST_RUN returned without running the program";
	default:
		return strerror(-err);
	}
}

int mfd_zones_open(struct mfd_zones **out, const struct mfd_kinfo *k, char *why,
		   size_t why_len)
{
	struct mfd_zones *z;
	int err;

	*out = NULL;
	z = calloc(1, sizeof(*z));
	if (!z) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	z->skel = MFD_BPF_OPEN(zones, &err, why, why_len);
	if (!z->skel)
		goto cleanup;
	z->skel->rodata->nr_node_ids = k->nr_node_ids ? k->nr_node_ids : 1;

	err = mfd_bpf_load(z->skel->skeleton, "zones", why, why_len);
	if (err)
		goto cleanup;
	z->prog_fd = bpf_program__fd(z->skel->progs.mfd_zones_snapshot);

	err = run_once(z);
	if (err) {
		snprintf(why, why_len,
			 "running the zones BPF program failed: %s",
			 explain(err));
		goto cleanup;
	}
	*out = z;
	return 0;

cleanup:
	mfd_zones_close(z);
	return err;
}

/* The zonelist lists a node's zones from the highest down: copy the
 * records out in (node, zone index) order, the snapshot's, so that
 * mfd_snapshot_finish() finds them sorted (an insertion sort of indices;
 * qsort() of the zones themselves mallocs every sample). */
static void order_records(const struct mfd_zones_out *out, uint8_t *perm)
{
	uint32_t n = out->nr_zones < MFD_MAX_ZONES ? out->nr_zones :
						     MFD_MAX_ZONES;

	for (uint32_t i = 0; i < n; i++) {
		const struct mfd_zone_rec *r = &out->zones[i];
		uint32_t j = i;

		while (j > 0) {
			const struct mfd_zone_rec *q = &out->zones[perm[j - 1]];

			if (q->node < r->node ||
			    (q->node == r->node && q->zone_idx <= r->zone_idx))
				break;
			perm[j] = perm[j - 1];
			j--;
		}
		perm[j] = (uint8_t)i;
	}
}

static void clear_snapshot(struct mfd_snapshot *snap)
{
	uint32_t nz = snap->nr_zones, nn = snap->nr_nodes;

	if (nz > MFD_SNAP_MAX_ZONES)
		nz = MFD_SNAP_MAX_ZONES;
	if (nn > MFD_SNAP_MAX_NODES)
		nn = MFD_SNAP_MAX_NODES;
	memset(snap->zones, 0, nz * sizeof(snap->zones[0]));
	memset(snap->nodes, 0, nn * sizeof(snap->nodes[0]));
	memset(snap, 0, offsetof(struct mfd_snapshot, nodes));
}

int mfd_zones_snapshot(struct mfd_zones *z, struct mfd_snapshot *snap)
{
	const struct mfd_zones_out *out = &z->skel->bss->out;
	uint8_t perm[MFD_MAX_ZONES];
	uint64_t t0;
	int err;

	/* Clear what this buffer last held, not all 128 zones (about
	 * 100 KiB a sample): readers stop at nr_zones and nr_nodes, and
	 * zones past them are zero in a buffer that only ever held
	 * snapshots (calloc, then collectors that clear what they used). */
	clear_snapshot(snap);
	t0 = clock_ns(CLOCK_MONOTONIC);
	snap->time_unix_nano = clock_ns(CLOCK_REALTIME);
	err = run_once(z);
	if (err) {
		log_warn_rl("zone snapshot failed: %s", explain(err));
		return err < 0 ? err : -EIO;
	}
	snap->source = MFD_SOURCE_BPF;
	snap->nr_orders = out->nr_orders;
	snap->nr_zones = out->nr_zones;
	order_records(out, perm);
	for (uint32_t i = 0; i < out->nr_zones; i++) {
		const struct mfd_zone_rec *r = &out->zones[perm[i]];
		struct mfd_zone *d = &snap->zones[i];

		d->node = r->node;
		d->zone_idx = r->zone_idx;
		memcpy(d->name, r->name, sizeof(d->name));
		d->name[sizeof(d->name) - 1] = '\0';
		d->have = MFD_HAVE_WMARK | MFD_HAVE_BOOST |
			  MFD_HAVE_HIGHATOMIC | MFD_HAVE_MANAGED |
			  MFD_HAVE_FREE | MFD_HAVE_SPAN;
		d->start_pfn = r->start_pfn;
		d->spanned_pages = r->spanned_pages;
		d->present_pages = r->present_pages;
		d->managed_pages = r->managed_pages;
		d->free_pages = r->free_pages;
		/* Report watermarks as zoneinfo does: min_wmark_pages() and
		 * friends add the boost (include/linux/mmzone.h). */
		d->watermark_min = r->wmark[0] + r->wmark_boost;
		d->watermark_low = r->wmark[1] + r->wmark_boost;
		d->watermark_high = r->wmark[2] + r->wmark_boost;
		d->watermark_boost = r->wmark_boost;
		d->reserved_highatomic = r->reserved_highatomic;
		for (uint32_t o = 0; o < out->nr_orders; o++)
			d->order[o].free_blocks = r->nr_free[o];
		err = mfd_snapshot_set_node(snap, r->node, r->node_start_pfn,
					    r->node_present_pages,
					    r->node_spanned_pages);
		if (err)
			return err;
	}
	snap->mono_ns = clock_ns(CLOCK_MONOTONIC);
	err = mfd_snapshot_finish(snap);
	snap->duration_ns = clock_ns(CLOCK_MONOTONIC) - t0;
	return err;
}

void mfd_zones_close(struct mfd_zones *z)
{
	if (!z)
		return;
	zones_bpf__destroy(z->skel);
	free(z);
}
