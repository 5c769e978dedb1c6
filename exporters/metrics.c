// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics.c - the metric catalogue: every metric's name, kind, unit,
 * attributes and meaning, and the emitter that derives its points from
 * the agent's state (see metrics.h; the emitters live in metrics_zone.c,
 * metrics_pressure.c and metrics_agent.c, by area).
 *
 * Names follow the OpenTelemetry rules: our own "mfd." namespace, units in
 * UCUM, counts in curly-brace annotations, durations in seconds. The
 * Prometheus names are derived from them (metrics_prom.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "cgroup_attr.h"
#include "metrics_emit.h"

void mfd_metrics_k8s_attrs(struct mfd_point *p, const struct mfd_state *st,
			   uint64_t cgroup_id, uint32_t tgid)
{
	const struct mfd_k8s_attr *k;

	k = mfd_cgroup_attr_lookup(st->cgattr, cgroup_id, tgid,
				   mfd_now_mono_ns());
	if (!k)
		return; /* not in a pod: no k8s attributes at all */
	mfd_attr_str(p, "k8s.pod.uid", k->pod_uid);
	if (k->container_id[0])
		mfd_attr_str(p, "container.id", k->container_id);
	if (k->qos != MFD_QOS_UNKNOWN)
		mfd_attr_str(p, "k8s.pod.qos", mfd_k8s_qos_name(k->qos));
}

#define ZONE_ATTRS "numa.node, zone"
#define ORDER_ATTRS "numa.node, zone, order"

const struct mfd_metric_desc mfd_metric_catalog[] = {
	{ "mfd.zone.order.free_blocks", MFD_METRIC_GAUGE, false, "{block}",
	  ORDER_ATTRS,
	  "Free blocks of exactly this order (free_area[order].nr_free)",
	  mfd_emit_order_field, MFD_FIELD(struct mfd_order_stat, free_blocks) },
	{ "mfd.zone.order.suitable_blocks", MFD_METRIC_GAUGE, false, "{block}",
	  ORDER_ATTRS,
	  "Free memory usable by a request of this order, counted in blocks "
	  "of this order",
	  mfd_emit_order_field,
	  MFD_FIELD(struct mfd_order_stat, free_blocks_suitable) },
	{ "mfd.zone.order.unusable_index", MFD_METRIC_GAUGE, true, "1",
	  ORDER_ATTRS,
	  "Fraction of free memory unusable for this order "
	  "(debugfs extfrag/unusable_index)",
	  mfd_emit_order_field,
	  MFD_FIELD(struct mfd_order_stat, unusable_index, .is_signed = true,
		    .div = 1000.0) },
	{ "mfd.zone.order.extfrag_index", MFD_METRIC_GAUGE, true, "1",
	  ORDER_ATTRS,
	  "Kernel fragmentation index for this order: towards 0 a failure "
	  "would be lack of memory, towards 1 fragmentation, -1 the "
	  "allocation would succeed (debugfs extfrag/extfrag_index)",
	  mfd_emit_order_field,
	  MFD_FIELD(struct mfd_order_stat, extfrag_index, .is_signed = true,
		    .div = 1000.0) },
	{ "mfd.zone.free_pages", MFD_METRIC_GAUGE, false, "{page}", ZONE_ATTRS,
	  "Free pages in the zone (NR_FREE_PAGES)", mfd_emit_zone_field,
	  MFD_FIELD(struct mfd_zone, free_pages, .need = MFD_HAVE_FREE) },
	{ "mfd.zone.managed_pages", MFD_METRIC_GAUGE, false, "{page}",
	  ZONE_ATTRS, "Pages managed by the buddy allocator",
	  mfd_emit_zone_field,
	  MFD_FIELD(struct mfd_zone, managed_pages, .need = MFD_HAVE_MANAGED) },
	{ "mfd.zone.present_pages", MFD_METRIC_GAUGE, false, "{page}",
	  ZONE_ATTRS, "Physical pages present in the zone", mfd_emit_zone_field,
	  MFD_FIELD(struct mfd_zone, present_pages, .need = MFD_HAVE_SPAN) },
	{ "mfd.zone.spanned_pages", MFD_METRIC_GAUGE, false, "{page}",
	  ZONE_ATTRS, "Page frames the zone spans, holes included",
	  mfd_emit_zone_field,
	  MFD_FIELD(struct mfd_zone, spanned_pages, .need = MFD_HAVE_SPAN) },
	{ "mfd.zone.start_pfn", MFD_METRIC_GAUGE, false, "{pfn}", ZONE_ATTRS,
	  "First page frame number of the zone", mfd_emit_zone_field,
	  MFD_FIELD(struct mfd_zone, start_pfn, .need = MFD_HAVE_SPAN) },
	{ "mfd.zone.index", MFD_METRIC_GAUGE, false, "{index}", ZONE_ATTRS,
	  "Position of the zone in its node's node_zones[] (ZONE_DMA is 0)",
	  mfd_emit_zone_field,
	  MFD_FIELD(struct mfd_zone, zone_idx, .absent = UINT32_MAX) },
	{ "mfd.node.start_pfn", MFD_METRIC_GAUGE, false, "{pfn}", "numa.node",
	  "First page frame number of the node (pglist_data; BPF source only)",
	  mfd_emit_node_field, MFD_FIELD(struct mfd_node, start_pfn) },
	{ "mfd.node.present_pages", MFD_METRIC_GAUGE, false, "{page}",
	  "numa.node",
	  "Physical pages present on the node (pglist_data; BPF source only)",
	  mfd_emit_node_field, MFD_FIELD(struct mfd_node, present_pages) },
	{ "mfd.node.spanned_pages", MFD_METRIC_GAUGE, false, "{page}",
	  "numa.node",
	  "Page frames the node spans, holes included (pglist_data; BPF "
	  "source only)",
	  mfd_emit_node_field, MFD_FIELD(struct mfd_node, spanned_pages) },
	{ "mfd.zone.watermark_pages", MFD_METRIC_GAUGE, false, "{page}",
	  ZONE_ATTRS ", watermark",
	  "Zone watermark (min, low, high include the boost; boost alone)",
	  mfd_emit_watermarks, NULL },
	{ "mfd.zone.reserved_highatomic_pages", MFD_METRIC_GAUGE, false,
	  "{page}", ZONE_ATTRS,
	  "Pages reserved for high-order atomic "
	  "allocations",
	  mfd_emit_zone_field,
	  MFD_FIELD(struct mfd_zone, reserved_highatomic,
		    .need = MFD_HAVE_HIGHATOMIC) },
	{ "mfd.extfrag.events", MFD_METRIC_SUM, false, "{event}",
	  "alloc_migratetype, fallback_migratetype, fragmenting",
	  "External-fragmentation fallbacks (kmem:mm_page_alloc_extfrag), "
	  "counted exactly in the kernel",
	  mfd_emit_extfrag_events, NULL },
	{ "mfd.extfrag.ringbuf_drops", MFD_METRIC_SUM, false, "{record}", "",
	  "Event records the ring buffer had no room for, or lost to a flush "
	  "of the same CPU's staged records (counters stay exact)",
	  mfd_emit_ringbuf_drops, NULL },
	{ "mfd.process.extfrag.fragmenting_events", MFD_METRIC_SUM, false,
	  "{event}",
	  "process.pid, process.executable.name, k8s.pod.uid, container.id, "
	  "k8s.pod.qos, cgroup.id",
	  "Fragmenting fallbacks caused by each of the top 20 processes "
	  "(k8s.* and container.id only for tasks in a pod; with --procs-by "
	  "executable, by program and cgroup: cgroup.id instead of "
	  "process.pid)",
	  mfd_emit_proc_events, NULL },
	{ "mfd.compaction.stall.duration", MFD_METRIC_HISTOGRAM, true, "s",
	  "order",
	  "Direct compaction stalls: try_to_compact_pages() to its last zone "
	  "result, log2 buckets aggregated in the kernel",
	  mfd_emit_compact_stall_hist, NULL },
	{ "mfd.compaction.stalls", MFD_METRIC_SUM, false, "{stall}",
	  "order, outcome",
	  "Direct compaction stalls by the kernel's compact_result (highest "
	  "over the zones tried)",
	  mfd_emit_compact_outcomes, NULL },
	{ "mfd.reclaim.stall.duration", MFD_METRIC_HISTOGRAM, true, "s",
	  "order",
	  "Direct reclaim stalls (mm_vmscan_direct_reclaim_begin to end)",
	  mfd_emit_reclaim_stall_hist, NULL },
	{ "mfd.reclaim.reclaimed_pages", MFD_METRIC_SUM, false, "{page}",
	  "order", "Pages freed by direct reclaim, by the order that stalled",
	  mfd_emit_reclaimed, NULL },
	{ "mfd.kcompactd.wakeups", MFD_METRIC_SUM, false, "{wakeup}",
	  "numa.node, order",
	  "kcompactd wake-ups (mm_compaction_kcompactd_wake)",
	  mfd_emit_kcompactd_wakes, NULL },
	{ "mfd.kswapd.wakeups", MFD_METRIC_SUM, false, "{wakeup}",
	  "numa.node, order", "kswapd wake-ups (mm_vmscan_kswapd_wake)",
	  mfd_emit_kswapd_wakes, NULL },
	{ "mfd.page_alloc.failures", MFD_METRIC_SUM, false, "{allocation}",
	  "order",
	  "Failed page allocations (kmem:mm_page_alloc with pfn -1; only "
	  "with --alloc-fail-counter)",
	  mfd_emit_alloc_failures, NULL },
	{ "mfd.kernel_log.alloc_failures", MFD_METRIC_SUM, false, "{report}",
	  "order",
	  "\"page allocation failure: order:N\" reports in the kernel log "
	  "since the agent started",
	  mfd_emit_kmsg_failures, NULL },
	{ "mfd.process.kernel_log.alloc_failures", MFD_METRIC_SUM, false,
	  "{report}", "process.executable.name, order",
	  "Allocation failure reports per process name and order (first 32 "
	  "pairs)",
	  mfd_emit_kmsg_proc_failures, NULL },
	{ "mfd.kernel_log.dropped_records", MFD_METRIC_SUM, false, "{record}",
	  "reason",
	  "Kernel log records overwritten before the agent read them, or "
	  "malformed",
	  mfd_emit_kmsg_dropped, NULL },
	{ "mfd.stall.tracking_drops", MFD_METRIC_SUM, false, "{event}",
	  "reason", "Stall events not tracked or records not delivered",
	  mfd_emit_stall_drops, NULL },
	{ "mfd.vmstat", MFD_METRIC_SUM, false, "{event}", "counter",
	  "Compaction, THP, migration, CMA allocation and allocstall "
	  "counters from "
	  "/proc/vmstat (cumulative since boot; absent when the kernel lacks "
	  "them)",
	  mfd_emit_vmstat, NULL },
	{ "mfd.thp.mthp", MFD_METRIC_SUM, false, "{event}",
	  "hugepage.size, counter",
	  "Per-size mTHP anon fault counters "
	  "(transparent_hugepage/hugepages-*/stats)",
	  mfd_emit_mthp, NULL },
	{ "mfd.zone.migratetype.free_blocks", MFD_METRIC_GAUGE, false,
	  "{block}", "numa.node, zone, migratetype, order, capped",
	  "Free blocks per migratetype and order from /proc/pagetypeinfo "
	  "(--pagetypeinfo-interval); capped=true: the kernel stopped "
	  "counting at 100000, a lower bound",
	  mfd_emit_mt_free, NULL },
	{ "mfd.zone.migratetype.pageblocks", MFD_METRIC_GAUGE, false,
	  "{pageblock}", "numa.node, zone, migratetype",
	  "Pageblocks each migratetype owns (/proc/pagetypeinfo)",
	  mfd_emit_mt_blocks, NULL },
	{ "mfd.zone.fragmentation_score", MFD_METRIC_GAUGE, false, "{score}",
	  ZONE_ATTRS,
	  "Proactive-compaction score of the zone, 0..100 "
	  "(fragmentation_score_zone())",
	  mfd_emit_zone_score, NULL },
	{ "mfd.node.fragmentation_score", MFD_METRIC_GAUGE, false, "{score}",
	  "numa.node",
	  "Proactive-compaction score of the node, 0..100 "
	  "(fragmentation_score_node())",
	  mfd_emit_node_score, NULL },
	{ "mfd.node.exhaustion.forecast", MFD_METRIC_GAUGE, true, "s",
	  "numa.node, order",
	  "Seconds until the node has no free block of this order or larger, "
	  "or no free memory above the min watermark, at the trend of the "
	  "last 30 min; the horizon (5 h) when none is in sight "
	  "(docs/forecast.md)",
	  mfd_emit_node_forecast, NULL },
	{ "mfd.compaction.proactive_threshold", MFD_METRIC_GAUGE, false,
	  "{score}", "threshold",
	  "Node score above which kcompactd compacts proactively (high) and "
	  "at which it stops (low), from vm.compaction_proactiveness",
	  mfd_emit_score_wmark, NULL },
	{ "mfd.hugetlb.pages", MFD_METRIC_GAUGE, false, "{page}",
	  "hugepage.size, state",
	  "HugeTLB pool of each page size, whole system "
	  "(/sys/kernel/mm/hugepages): state total, free, reserved (promised "
	  "to mappings, not yet faulted; the kernel counts it only "
	  "system-wide) and surplus (overcommitted beyond nr_hugepages)",
	  mfd_emit_htlb_global, NULL },
	{ "mfd.node.hugetlb.pages", MFD_METRIC_GAUGE, false, "{page}",
	  "numa.node, hugepage.size, state",
	  "HugeTLB pool of each page size per node "
	  "(/sys/devices/system/node/nodeN/hugepages): state total, free and "
	  "surplus; no reserved, which the kernel keeps only system-wide "
	  "(mfd.hugetlb.pages)",
	  mfd_emit_htlb_node, NULL },
	{ "mfd.zone.cma.pages", MFD_METRIC_GAUGE, false, "{page}",
	  "numa.node, zone, state",
	  "CMA pages of the zone from /proc/zoneinfo: state total (\"cma\", "
	  "kernels 5.12 and later; absent before) and free (\"nr_free_cma\"); "
	  "0 on kernels without CONFIG_CMA",
	  mfd_emit_cma, NULL },
	{ "mfd.zone.hugetlb.gigantic_candidates", MFD_METRIC_GAUGE, false,
	  "{page}", "numa.node, zone, hugepage.size",
	  "For each HugeTLB size above the largest buddy block (1 GiB on "
	  "x86-64): free memory in max-order blocks divided by the page size, "
	  "rounded down; a candidate count, not a promise (a runtime gigantic "
	  "page needs one aligned range all free or movable)",
	  mfd_emit_gigantic, NULL },
	{ "mfd.agent.collection.duration", MFD_METRIC_HISTOGRAM, true, "s",
	  "source", "Time one zone snapshot took", mfd_emit_collect_duration,
	  NULL },
	{ "mfd.agent.signal.enabled", MFD_METRIC_GAUGE, false, "{signal}",
	  "signal",
	  "1 when the signal source works on this node, 0 when it does not "
	  "(the log says why): extfrag_events, compaction_stalls, "
	  "reclaim_stalls, daemon_wakeups, kernel_log, vmstat",
	  mfd_emit_signal_enabled, NULL },
	{ "mfd.agent.samples", MFD_METRIC_SUM, false, "{sample}", "outcome",
	  "Zone snapshots taken (ok, failed)", mfd_emit_samples, NULL },
	{ "mfd.agent.export.requests", MFD_METRIC_SUM, false, "{request}",
	  "exporter, outcome",
	  "Export requests sent, finally failed, and retried",
	  mfd_emit_export_requests, NULL },
	{ "mfd.agent.export.dropped_points", MFD_METRIC_SUM, false, "{point}",
	  "exporter, reason",
	  "Points or records an exporter "
	  "dropped, by reason",
	  mfd_emit_export_dropped, NULL },
	{ "mfd.agent.export.queue_depth", MFD_METRIC_GAUGE, false, "{batch}",
	  "exporter", "Batches waiting in memory", mfd_emit_export_queue_depth,
	  NULL },
	{ "mfd.agent.export.spool_size", MFD_METRIC_GAUGE, false, "By",
	  "exporter", "Bytes held in the on-disk spool",
	  mfd_emit_export_spool_bytes, NULL },
	{ "mfd.agent.http.connections", MFD_METRIC_GAUGE, false, "{connection}",
	  "", "Connections open to the HTTP server", mfd_emit_http_open, NULL },
	{ "mfd.agent.http.closed_connections", MFD_METRIC_SUM, false,
	  "{connection}", "reason",
	  "Connections the HTTP server closed itself, by reason "
	  "(its limits and timeouts)",
	  mfd_emit_http_closed, NULL },
	{ "mfd.agent.http.accept_errors", MFD_METRIC_SUM, false, "{error}", "",
	  "Failed accept() calls (file descriptors exhausted, ...); each "
	  "pauses new connections for a while",
	  mfd_emit_http_accept_errors, NULL },
};

const unsigned int mfd_metric_catalog_len =
	sizeof(mfd_metric_catalog) / sizeof(mfd_metric_catalog[0]);

int mfd_metrics_walk(const struct mfd_state *st, mfd_point_fn fn, void *arg)
{
	for (unsigned int i = 0; i < mfd_metric_catalog_len; i++) {
		const struct mfd_metric_desc *d = &mfd_metric_catalog[i];
		int rc = d->emit(d, st, fn, arg);

		if (rc)
			return rc;
	}
	return 0;
}
