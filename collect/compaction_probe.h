/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compaction_probe.h - loader and consumer of bpf/compaction.bpf.c:
 * direct compaction and reclaim stalls, kcompactd/kswapd wake-ups and the
 * opt-in failed-allocation counter.
 *
 * Each program is optional: one whose tracepoint (tracefs) or record type
 * (kernel BTF) is missing is switched off before load with
 * bpf_program__set_autoload(), logged, and its signal reported absent.
 */
#ifndef MFD_COMPACTION_PROBE_H
#define MFD_COMPACTION_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/types.h>

#include "bpf_open.h" /* struct mfd_callsite_maps */
#include "compaction.h"

struct mfd_compaction;

/* Signals, each present only when all its programs attached. */
enum mfd_comp_signal {
	MFD_SIG_COMPACT_STALL = 1u << 0, /* try_to_compact_pages + end */
	MFD_SIG_RECLAIM_STALL = 1u << 1, /* direct_reclaim_begin + end */
	MFD_SIG_KCOMPACTD_WAKE = 1u << 2,
	MFD_SIG_KSWAPD_WAKE = 1u << 3,
	MFD_SIG_ALLOC_FAIL = 1u << 4, /* opt-in kmem:mm_page_alloc */
	MFD_SIG_COMPACT_DEFERRED = 1u << 5, /* deferred zones in stalls */
};

/* Everything the kernel side counted, summed over CPUs. */
struct mfd_compaction_totals {
	struct mfd_compaction_stats s; /* stall histograms and counters */
	struct mfd_wake_stats w; /* daemon wake-ups */
	uint64_t alloc_fail[MFD_COMP_MAX_ORDERS]; /* failed allocations */
	uint64_t bad_records; /* ring-buffer records that failed to decode */
};

typedef void (*mfd_stall_event_fn)(const struct mfd_stall_event *e, void *arg);

struct mfd_compaction_opts {
	uint64_t stall_threshold_ns; /* records for stalls at least this */
	bool alloc_fail_counter; /* attach the kmem:mm_page_alloc handler */
	bool callsites; /* count the stacks stalls start at (--callsites) */
	const char *tracefs; /* events dir override (tests); NULL: probe */
};

/*
 * Open, probe, load and attach. *signals gets the MFD_SIG_* bits that
 * attached; every missing one was logged. Returns 0 (possibly with some
 * signals absent), or -errno with why[] when nothing could be loaded.
 */
int mfd_compaction_open(struct mfd_compaction **out,
			const struct mfd_compaction_opts *o,
			mfd_stall_event_fn fn, void *arg, unsigned int *signals,
			char *why, size_t why_len);
int mfd_compaction_fd(const struct mfd_compaction *c);
/* The call-site maps (fds -1 when opened without callsites). */
void mfd_compaction_callsite_maps(const struct mfd_compaction *c,
				  struct mfd_callsite_maps *m);
/* Drain ready records without blocking: count or -errno. */
int mfd_compaction_consume(struct mfd_compaction *c);
/* Sum the per-CPU maps into t: 0, or 1 when no handler changed them since
 * the last call (t is then left as that call filled it, except
 * bad_records: pass the same t every time), or -errno. The opt-in
 * allocation-failure counter is summed every call. */
int mfd_compaction_read(struct mfd_compaction *c,
			struct mfd_compaction_totals *t);
void mfd_compaction_close(struct mfd_compaction *c);

/* Validate and copy one ring-buffer record. Pure. 0 or -EINVAL. */
int mfd_stall_decode(const void *data, size_t size,
		     struct mfd_stall_event *out);

/* Add one CPU's values into a running sum (u64 wrap-around is intended:
 * a stall moved between slots on another CPU leaves a wrapped value whose
 * sum over CPUs is exact). Pure. */
void mfd_compaction_stats_add(struct mfd_compaction_stats *sum,
			      const struct mfd_compaction_stats *cpu);

/* Name of a kernel enum compact_result value, as the mm_compaction_end
 * tracepoint prints it ("success", "deferred", ...). */
const char *mfd_compact_status_name(unsigned int status);

#endif /* MFD_COMPACTION_PROBE_H */
