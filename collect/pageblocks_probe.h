/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pageblocks_probe.h - the pageblock map, read from the running kernel
 * through bpf/pageblocks.bpf.c (opt-in: --pageblock-interval).
 *
 * Opening needs what the zone walk needs (BTF, CAP_BPF and CAP_PERFMON)
 * and either /sys/kernel/vmcoreinfo (root) or readable addresses in
 * /proc/kallsyms (CAP_SYSLOG where kernel.kptr_restrict is 1), all at
 * start, before the agent drops its capabilities; scans run later with
 * what it keeps.
 */
#ifndef MFD_PAGEBLOCKS_PROBE_H
#define MFD_PAGEBLOCKS_PROBE_H

#include <stddef.h>

#include "kinfo.h"
#include "pageblock_map.h"
#include "snapshot.h"

struct mfd_pageblocks;

/* 0, or -errno with why[] saying what is missing. snap (a live one)
 * bounds the physical addresses searched for the vmcoreinfo note. */
int mfd_pageblocks_open(struct mfd_pageblocks **out, const struct mfd_kinfo *k,
			const struct mfd_snapshot *snap, char *why,
			size_t why_len);
/*
 * Scan every zone of snap into map (its zones' spans: snap must come from
 * the live kernel). 0, or -errno with why[]; map->scans, failures,
 * reads, scan_ns and mono_ns are kept up to date either way.
 */
int mfd_pageblocks_scan(struct mfd_pageblocks *p,
			const struct mfd_snapshot *snap,
			struct mfd_pageblock_map *map, char *why,
			size_t why_len);
/* Where mem_section came from: "vmcoreinfo", "kallsyms" or "export
 * table". */
const char *mfd_pageblocks_symbol_source(const struct mfd_pageblocks *p);
void mfd_pageblocks_close(struct mfd_pageblocks *p);

#endif /* MFD_PAGEBLOCKS_PROBE_H */
