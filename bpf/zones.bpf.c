// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * zones.bpf.c - one snapshot of every populated zone, taken on demand.
 *
 * The program is attached to nothing. collect/zones_probe.c runs it with
 * BPF_PROG_TEST_RUN from the event loop, so it executes in the agent's own
 * task context and puts nothing on any allocation path.
 *
 * Route to the zones (../shared/NOTES.md): current->cgroups->subsys[memory]
 * is the agent's mem_cgroup; its per-node info holds a lruvec whose pgdat is
 * a node's pglist_data. That node's ZONELIST_FALLBACK lists the populated
 * zones of every node with memory (mm/page_alloc.c: build_zonelists()), in
 * node order. Every array whose length differs between kernels is indexed
 * with CO-RE offsets and strides, never with the local declaration.
 */
#include "vmlinux_min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "zones.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Number of possible node ids (nr_node_ids), set by user space before load;
 * bounds the reads of mem_cgroup->nodeinfo[], which has that many slots. */
const volatile __u32 nr_node_ids = 1;

/* Longest memcg ancestry walked when looking for a pgdat. */
#define MAX_MEMCG_DEPTH 32

struct mfd_zones_out out = {};

static __always_inline int read_ptr(void **dst, const void *src)
{
	return bpf_probe_read_kernel(dst, sizeof(*dst), src);
}

/*
 * pgdat of the first node slot of one mem_cgroup whose lruvec knows its node.
 * A global (non-static) function: the verifier checks it once, on its own,
 * instead of once per iteration of the caller's loop. Scalars in and out
 * keep it acceptable to every kernel with BTF function info.
 */
__noinline __u64 memcg_pgdat(__u64 memcg)
{
	__u64 nodeinfo_off = bpf_core_field_offset(struct mem_cgroup, nodeinfo);

	for (__u32 n = 0; n < MFD_MAX_NODES && n < nr_node_ids; n++) {
		struct mem_cgroup_per_node *pn = NULL;
		struct pglist_data *pgdat;

		if (read_ptr((void **)&pn, (void *)memcg + nodeinfo_off +
						   n * sizeof(void *)) ||
		    !pn)
			continue;
		/* lruvec->pgdat is set lazily (mem_cgroup_lruvec()), so a
		 * node this memcg never used may still read NULL. */
		pgdat = BPF_CORE_READ(pn, lruvec.pgdat);
		if (pgdat)
			return (__u64)pgdat;
	}
	return 0;
}

/* First pgdat reachable from the current task's memcg or an ancestor. */
static __always_inline struct pglist_data *find_pgdat(void)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct cgroup_subsys_state *css = NULL;
	__u64 subsys_off, css_off, pgdat;
	struct css_set *cset;
	int id;

	if (!bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id))
		return NULL; /* kernel built without CONFIG_MEMCG */
	id = bpf_core_enum_value(enum cgroup_subsys_id, memory_cgrp_id);
	cset = BPF_CORE_READ(task, cgroups);
	if (!cset)
		return NULL;
	subsys_off = bpf_core_field_offset(struct css_set, subsys);
	if (read_ptr((void **)&css,
		     (void *)cset + subsys_off + id * sizeof(void *)))
		return NULL;

	css_off = bpf_core_field_offset(struct mem_cgroup, css);
	for (int depth = 0; depth < MAX_MEMCG_DEPTH && css; depth++) {
		pgdat = memcg_pgdat((__u64)css - css_off);
		if (pgdat)
			return (struct pglist_data *)pgdat;
		css = BPF_CORE_READ(css, parent);
	}
	return NULL;
}

/*
 * Copy one zone into out.zones[slot]. Global for the same reason as
 * memcg_pgdat(): the order loop is verified once, not once per zone.
 */
__noinline int read_zone(__u64 zaddr, __u32 slot, __u32 nr_orders)
{
	struct zone *z = (struct zone *)zaddr;
	struct mfd_zone_rec *r;
	__u64 fa_off = bpf_core_field_offset(struct zone, free_area);
	__u64 fa_size = bpf_core_type_size(struct free_area);
	__u64 nf_off = bpf_core_field_offset(struct free_area, nr_free);
	__u64 wm_off = bpf_core_field_offset(struct zone, _watermark);
	__u64 vs_off = bpf_core_field_offset(struct zone, vm_stat);
	__u64 zones_off = bpf_core_field_offset(struct pglist_data, node_zones);
	__u64 zone_size = bpf_core_type_size(struct zone);
	int free_item = bpf_core_enum_value(enum zone_stat_item, NR_FREE_PAGES);
	struct pglist_data *pgdat = BPF_CORE_READ(z, zone_pgdat);
	const char *name = BPF_CORE_READ(z, name);
	long counter = 0;
	int err = 0;

	if (slot >= MFD_MAX_ZONES)
		return -1;
	r = &out.zones[slot];
	r->node = BPF_CORE_READ(pgdat, node_id);
	r->node_start_pfn = BPF_CORE_READ(pgdat, node_start_pfn);
	r->node_present_pages = BPF_CORE_READ(pgdat, node_present_pages);
	r->node_spanned_pages = BPF_CORE_READ(pgdat, node_spanned_pages);
	r->zone_idx = ((__u64)z - ((__u64)pgdat + zones_off)) / zone_size;
	bpf_probe_read_kernel_str(r->name, sizeof(r->name), name);
	r->start_pfn = BPF_CORE_READ(z, zone_start_pfn);
	r->spanned_pages = BPF_CORE_READ(z, spanned_pages);
	r->present_pages = BPF_CORE_READ(z, present_pages);
	r->managed_pages = BPF_CORE_READ(z, managed_pages.counter);
	err |= bpf_probe_read_kernel(r->wmark, sizeof(r->wmark),
				     (void *)z + wm_off);
	if (bpf_core_field_exists(z->watermark_boost))
		r->wmark_boost = BPF_CORE_READ(z, watermark_boost);
	r->reserved_highatomic = BPF_CORE_READ(z, nr_reserved_highatomic);
	err |= bpf_probe_read_kernel(&counter, sizeof(counter),
				     (void *)z + vs_off +
					     free_item * sizeof(atomic_long_t));
	r->free_pages = counter;

	for (__u32 o = 0; o < MFD_MAX_ORDERS && o < nr_orders; o++)
		err |= bpf_probe_read_kernel(
			&r->nr_free[o], sizeof(r->nr_free[o]),
			(void *)z + fa_off + o * fa_size + nf_off);
	return err;
}

SEC("raw_tp")
int mfd_zones_snapshot(void *ctx)
{
	__u64 zl_off =
		bpf_core_field_offset(struct pglist_data, node_zonelists);
	__u64 zr_off = bpf_core_field_offset(struct zonelist, _zonerefs);
	__u64 zr_size = bpf_core_type_size(struct zoneref);
	__u64 zr_zone_off = bpf_core_field_offset(struct zoneref, zone);
	__u32 nr_orders = bpf_core_field_size(struct zone, free_area) /
			  bpf_core_type_size(struct free_area);
	struct pglist_data *pgdat;
	__u32 nz = 0;

	out.runs++;
	out.err = 0;
	out.nr_zones = 0;
	out.nr_orders = nr_orders;

	pgdat = find_pgdat();
	if (!pgdat) {
		out.err = -MFD_ZONES_ENOMEMCG;
		return 0;
	}

	/* ZONELIST_FALLBACK is 0, the first of node_zonelists[]. */
	for (__u32 i = 0; i <= MFD_MAX_ZONES; i++) {
		struct zone *z = NULL;

		if (read_ptr((void **)&z, (void *)pgdat + zl_off + zr_off +
						  i * zr_size + zr_zone_off)) {
			out.err = -MFD_ZONES_EFAULT;
			break;
		}
		if (!z)
			break; /* the zonelist ends with a NULL zone */
		if (nz >= MFD_MAX_ZONES) {
			out.err = -MFD_ZONES_E2BIG;
			break;
		}
		if (read_zone((__u64)z, nz, nr_orders)) {
			out.err = -MFD_ZONES_EFAULT;
			break;
		}
		nz++;
	}
	out.nr_zones = nz;
	return 0;
}
