/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmstat.h - the compaction, THP, migration and allocation-stall counters
 * of /proc/vmstat, and the per-size mTHP fallback counters of
 * /sys/kernel/mm/transparent_hugepage/hugepages-*kB/stats/.
 *
 * All are cumulative counters since boot. A counter the running kernel
 * does not print is absent (its have bit is clear), never zero. The
 * parser is pure; mfd_vmstat_read() does one read of the whole file.
 */
#ifndef MFD_VMSTAT_H
#define MFD_VMSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfs.h" /* struct mfd_parse_error */

/* The fixed counters, in the order of mfd_vmstat_names[]. */
enum mfd_vmstat_item {
	MFD_VM_COMPACT_STALL = 0,
	MFD_VM_COMPACT_FAIL,
	MFD_VM_COMPACT_SUCCESS,
	MFD_VM_COMPACT_MIGRATE_SCANNED,
	MFD_VM_COMPACT_FREE_SCANNED,
	MFD_VM_COMPACT_ISOLATED,
	MFD_VM_COMPACT_DAEMON_WAKE,
	MFD_VM_COMPACT_DAEMON_MIGRATE_SCANNED,
	MFD_VM_COMPACT_DAEMON_FREE_SCANNED,
	MFD_VM_THP_FAULT_ALLOC,
	MFD_VM_THP_FAULT_FALLBACK,
	MFD_VM_THP_FAULT_FALLBACK_CHARGE,
	MFD_VM_THP_COLLAPSE_ALLOC_FAILED,
	MFD_VM_PGMIGRATE_SUCCESS,
	MFD_VM_PGMIGRATE_FAIL,
	MFD_VM_CMA_ALLOC_SUCCESS, /* CONFIG_CMA only, 5.12+ */
	MFD_VM_CMA_ALLOC_FAIL,
	MFD_VM_ITEMS,
};

/* "allocstall_<zone>" counters kept (DMA, DMA32, Normal, Movable,
 * Device, HighMem...). */
#define MFD_VM_MAX_ALLOCSTALL 8
#define MFD_VM_ZONE_LEN 16
/* mTHP sizes kept (4 KiB pages: 8 KiB .. 2 MiB is 9 sizes). */
#define MFD_MTHP_MAX_SIZES 16

extern const char *const mfd_vmstat_names[MFD_VM_ITEMS];

/* mTHP counters of one size (mm/huge_memory.c, stats/ directory). */
enum mfd_mthp_item {
	MFD_MTHP_ANON_FAULT_ALLOC = 0,
	MFD_MTHP_ANON_FAULT_FALLBACK,
	MFD_MTHP_ANON_FAULT_FALLBACK_CHARGE,
	MFD_MTHP_ITEMS,
};

extern const char *const mfd_mthp_names[MFD_MTHP_ITEMS];

struct mfd_mthp_size {
	uint64_t size_kib; /* from the directory name hugepages-<N>kB */
	uint64_t val[MFD_MTHP_ITEMS];
	uint32_t have; /* bit i: val[i] was read */
};

struct mfd_vmstat {
	uint64_t val[MFD_VM_ITEMS]; /* cumulative since boot */
	uint64_t have; /* bit i: val[i] present in the file */
	unsigned int nr_allocstall; /* valid allocstall[] entries */
	struct {
		char zone[MFD_VM_ZONE_LEN]; /* suffix: "normal", "dma32" */
		uint64_t val; /* direct reclaim stalls for this zone */
	} allocstall[MFD_VM_MAX_ALLOCSTALL];
	unsigned int nr_mthp; /* valid mthp[] entries, by size */
	struct mfd_mthp_size mthp[MFD_MTHP_MAX_SIZES];
};

static inline bool mfd_vmstat_has(const struct mfd_vmstat *v,
				  enum mfd_vmstat_item i)
{
	return (v->have >> i) & 1;
}

/*
 * Parse /proc/vmstat text ("name value" lines, mm/vmstat.c vmstat_show())
 * into v (reset first; the mTHP part is left alone). Unknown names are
 * ignored. Returns 0, or -EINVAL for a malformed line (no value, a value
 * that is not a decimal u64) with err filled. Pure.
 */
int mfd_vmstat_parse(const char *text, size_t len, struct mfd_vmstat *v,
		     struct mfd_parse_error *err);

/* Read proc_dir/vmstat in one read and parse it; f (NULL: a one-off
 * read) keeps the file open between samples. 0 or -errno. */
int mfd_vmstat_read(struct mfd_procfile *f, const char *proc_dir,
		    struct mfd_vmstat *v, struct mfd_parse_error *err);

/* Parse a sysfs counter file's text ("123\n"). 0 or -EINVAL. Pure. */
int mfd_vmstat_parse_u64(const char *text, size_t len, uint64_t *out);

/*
 * Fill v->mthp from thp_dir/hugepages-*kB/stats/ (thp_dir is
 * "/sys/kernel/mm/transparent_hugepage" live). Sizes without a stats
 * directory, and counters the kernel lacks, stay absent. Returns the
 * number of sizes found (0 on kernels without mTHP stats).
 */
int mfd_mthp_read(const char *thp_dir, struct mfd_vmstat *v);

#endif /* MFD_VMSTAT_H */
