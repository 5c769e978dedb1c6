/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * format.h - machine-readable snapshot encodings (--once --format json|csv).
 *
 * The JSON schema is an interface other tools depend on (docs/http.md: "JSON
 * snapshot"); fields may be added, never renamed.
 */
#ifndef MFD_FORMAT_H
#define MFD_FORMAT_H

#include <stdio.h>

#include <jansson.h>

#include "pageblock_map.h"
#include "pressure.h"
#include "snapshot.h"
#include "state.h"

/*
 * What the user asked to see (--once, and the piped loop with --format):
 * the -i and -c filters of the views, and with -m the compaction, reclaim
 * and THP signals. NULL options mean everything, no signals.
 */
struct mfd_format_opts {
	int node; /* -i: only this NUMA node; -1 every node */
	const char *zone; /* -c: only zones of this name (any case); NULL
			   * or "" every zone */
	const struct mfd_pressure *pressure; /* -m: add "compaction"; NULL
					    * leaves it out */
	/* --pageblock-interval: add "pageblocks"; NULL leaves it out */
	const struct mfd_pageblock_map *pageblocks;
};

/* New reference to the snapshot as a JSON object, or NULL on ENOMEM.
 * mfd_snapshot_to_json() is the whole snapshot (the /api/v1/snapshot
 * document). */
json_t *mfd_snapshot_to_json(const struct mfd_snapshot *snap);
json_t *mfd_snapshot_to_json_opts(const struct mfd_snapshot *snap,
				  const struct mfd_format_opts *opts);

/*
 * The pageblock map as JSON (the /api/v1/pageblocks document, and
 * "pageblocks" of --once --format json), filtered by opts (may be NULL):
 *   {"pageblock_order":9,"types":["Unmovable",...],"scans":1,
 *    "scan_seconds":0.0004,"reads":201,"zones":[{"node":0,
 *    "zone":"Normal","start_pfn":1048576,"blocks":4096,
 *    "count":{"Unmovable":12,...},"offline":0,"other":0,
 *    "runs":[[1,300],[0,2],...]}]}
 * A run is [type, blocks], type indexing "types", -1 for blocks whose
 * memory section is offline, -2 for blocks whose first page belongs to
 * another zone or is not initialised yet. New reference, or NULL on ENOMEM.
 */
json_t *mfd_pageblock_map_to_json(const struct mfd_pageblock_map *m,
				  const struct mfd_format_opts *opts);

/*
 * A zone as a history entry keeps it: the per-order figures a chart
 * needs, in a few hundred bytes rather than a whole struct mfd_zone.
 * Its JSON is the compact form of /api/v1/history:
 *   {"node":0,"zone":"Normal","free_blocks":[...],
 *    "unusable_index":[...],"extfrag_index":[...]}
 * with nr_orders values in each array.
 */
struct mfd_zone_brief {
	uint32_t node; /* NUMA node id */
	char name[MFD_SNAP_ZONE_NAME_LEN]; /* zone name */
	uint64_t free_blocks[MFD_SNAP_MAX_ORDERS]; /* nr_free per order */
	int16_t unusable[MFD_SNAP_MAX_ORDERS]; /* thousandths */
	int16_t extfrag[MFD_SNAP_MAX_ORDERS]; /* thousandths; -1000: fits */
};

/* Copy the first nr_orders (<= MFD_SNAP_MAX_ORDERS) orders of z. */
void mfd_zone_brief_fill(struct mfd_zone_brief *b, const struct mfd_zone *z,
			 uint32_t nr_orders);
/* New reference to b as JSON (nr_orders values per array), or NULL on
 * ENOMEM. */
json_t *mfd_zone_brief_to_json(const struct mfd_zone_brief *b,
			       uint32_t nr_orders);

/* Write JSON (one object and a newline) / CSV (header + one row per zone
 * and order), filtered by opts (NULL: everything). 0 or -errno. */
int mfd_format_json(const struct mfd_snapshot *snap,
		    const struct mfd_format_opts *opts, FILE *out);
int mfd_format_csv(const struct mfd_snapshot *snap,
		   const struct mfd_format_opts *opts, FILE *out);

/*
 * The agent's state as one JSON object (--headless --format json prints it
 * at exit): source, samples, sample_failures, events_attached, events,
 * ringbuf_drops, and procs[] (the whole per-process table, most events
 * first: pid, comm, events, fragmenting, cgroup_id, and k8s.pod.uid,
 * container.id, k8s.pod.qos, container.runtime for tasks in a pod).
 * 0 or -errno.
 */
int mfd_format_state_json(const struct mfd_state *st, FILE *out);

/* A thousandths index as a JSON/CSV decimal: exactly what debugfs prints,
 * divided out (-1.000 -> -1, 0.351 -> 0.351). */
double mfd_index_value(int milli);

#endif /* MFD_FORMAT_H */
