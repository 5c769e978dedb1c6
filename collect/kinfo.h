/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kinfo.h - facts about the running kernel the agent needs once at start:
 * pageblock_order, migratetype names, possible node ids, BTF and privileges.
 */
#ifndef MFD_KINFO_H
#define MFD_KINFO_H

#include <stdbool.h>

#define MFD_KINFO_MAX_MT 8 /* equals MFD_MAX_MIGRATETYPES in bpf/extfrag.h */
#define MFD_KINFO_MT_NAME_LEN 24

struct mfd_kinfo {
	int pageblock_order; /* "Page block order" of the running kernel */
	const char *pageblock_from; /* where pageblock_order came from */
	unsigned int nr_migratetypes; /* MIGRATE_TYPES, 0 when unknown */
	char mt_name[MFD_KINFO_MAX_MT][MFD_KINFO_MT_NAME_LEN]; /* "Unmovable",
							       * ... */
	unsigned int nr_node_ids; /* highest possible node id + 1 */
	bool have_btf; /* /sys/kernel/btf/vmlinux is readable */
};

/* Fill k from the files under root ("" for the live system; tests pass a
 * fixture directory). Never fails: unknown facts get documented defaults. */
void mfd_kinfo_load(struct mfd_kinfo *k, const char *root);

/* Name of migratetype mt ("Unmovable"), or "type<N>" written into buf when
 * unknown. The result points into k or into buf. */
const char *mfd_kinfo_mt_name(const struct mfd_kinfo *k, int mt, char *buf,
			      unsigned int len);

/* Fill names with the kernel's defaults for x86_64 (Unmovable, Movable,
 * Reclaimable, HighAtomic, CMA, Isolate): used by tests and as a fallback. */
void mfd_kinfo_default_mt_names(struct mfd_kinfo *k);

#endif /* MFD_KINFO_H */
