/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * procfs.h - the procfs source: /proc/buddyinfo and /proc/zoneinfo parsed
 * into a struct mfd_snapshot.
 *
 * The fallback when the BPF zone walk (collect/zones_probe.c) cannot run, e.g. on a
 * kernel with memcg disabled. The parse functions are pure (no I/O, no
 * allocation) so tests and fuzzers can feed them any bytes; only
 * mfd_procfs_snapshot() and mfd_procfile_read() touch files.
 */
#ifndef MFD_PROCFS_H
#define MFD_PROCFS_H

#include <stdbool.h>
#include <stddef.h>

#include "file.h" /* mfd_file_read() */
#include "parse.h" /* struct mfd_parse_error */
#include "snapshot.h"

/*
 * Reset snap's zones and fill one zone per "Node N, zone NAME c0 c1 .. cK"
 * line (mm/vmstat.c frag_show_print()): node, name, order[o].free_blocks,
 * zone_idx = UINT32_MAX (unknown here), snap->nr_orders = K+1. Every line
 * must have the same number of counts (1..MFD_SNAP_MAX_ORDERS).
 * Returns 0, -EINVAL (malformed line, non-numeric, overflow, inconsistent
 * column count, name too long, duplicate zone, no zone at all) or -E2BIG
 * (more than MFD_SNAP_MAX_ZONES zones); err (may be NULL) gets the line
 * number and a message quoting the offending text.
 */
int mfd_procfs_parse_buddyinfo(const char *text, size_t len,
			       struct mfd_snapshot *snap,
			       struct mfd_parse_error *err);

/*
 * Merge /proc/zoneinfo (mm/vmstat.c zoneinfo_show_print()) into the zones
 * already in snap, matched by node and name. zone_idx is the ordinal of the
 * "Node N, zone NAME" header within node N: zoneinfo prints every zone of
 * node_zones[], populated or not, in order. Fields: "pages free" ->
 * free_pages, "boost" -> watermark_boost, "min"/"low"/"high" ->
 * watermark_min/low/high (boost included, as min_wmark_pages()),
 * "spanned"/"present"/"start_pfn:" -> span, "managed" -> managed_pages,
 * each with its MFD_HAVE_* bit. Zones absent from snap are skipped, other
 * lines ignored. Returns 0 or -EINVAL.
 */
int mfd_procfs_parse_zoneinfo(const char *text, size_t len,
			      struct mfd_snapshot *snap,
			      struct mfd_parse_error *err);

/* "Page block order: 9" from the head of /proc/pagetypeinfo
 * (pagetypeinfo_showfree()). Returns 0, -ENOENT (no such line) or -EINVAL. */
int mfd_procfs_parse_pageblock_order(const char *text, size_t len, int *order);

/*
 * A procfs file read again every sample (/proc/vmstat, a sysctl). The
 * descriptor and the buffer are kept between reads, and each read starts
 * at offset 0 (pread), which makes the kernel generate the text afresh:
 * no open(), close() or per-open kernel buffer per sample. A file outside
 * procfs (a fixture under --proc-dir) is opened afresh on every read, so
 * one replaced between reads is seen. Zero-initialise with
 * MFD_PROCFILE_INIT.
 */
struct mfd_procfile {
	int fd; /* -1 when closed */
	char *path; /* the file fd is open on */
	char *buf; /* the last read's text, NUL-terminated */
	size_t cap;
	bool keep; /* fd is on procfs: keep it open */
};

#define MFD_PROCFILE_INIT \
	{                 \
		.fd = -1  \
	}

/* Read path (max_len bytes at most, else -EFBIG) into f's buffer;
 * *text stays valid until the next call or mfd_procfile_close(). Reading
 * another path closes the old one. Returns 0 or -errno. */
int mfd_procfile_read(struct mfd_procfile *f, const char *path, size_t max_len,
		      const char **text, size_t *len);
void mfd_procfile_close(struct mfd_procfile *f);

/*
 * One snapshot from proc_dir/buddyinfo and proc_dir/zoneinfo ("/proc" live,
 * a fixture directory in tests): zones, times (CLOCK_REALTIME and
 * CLOCK_MONOTONIC, duration around the reads), source MFD_SOURCE_PROCFS,
 * then mfd_snapshot_finish(). Returns 0 or -errno; on parse errors err's
 * message starts with the file name.
 */
int mfd_procfs_snapshot(const char *proc_dir, struct mfd_snapshot *snap,
			struct mfd_parse_error *err);

#endif /* MFD_PROCFS_H */
