/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * signals.h - why high-order allocations fail: compaction and reclaim
 * stalls (bpf/compaction.bpf.c), /proc/vmstat and mTHP counters
 * (collect/vmstat.c) and the kernel's proactive-compaction score
 * (model/fragscore.c), gathered once per interval.
 *
 * struct mfd_state points at one of these (st->pressure); views and the
 * metric catalogue read it, the loop fills it with mfd_pressure_sample().
 */
#ifndef MFD_PRESSURE_H
#define MFD_PRESSURE_H

#include <stdbool.h>
#include <stdint.h>

#include "compaction_probe.h"
#include "fragscore.h"
#include "hugetlb.h"
#include "kmsg.h"
#include "pagetypeinfo.h"
#include "snapshot.h"
#include "state.h"
#include "vmstat.h"

/* Explicit bounds of the stall histograms, seconds: 2 µs, 4 µs, ...
 * 2^25 µs (the log2 slots of bpf/compaction.h, last slot = overflow). */
#define MFD_STALL_BOUNDS (MFD_COMP_SLOTS - 1)
extern const double mfd_stall_bounds[MFD_STALL_BOUNDS];

/* Long stalls kept for views and log exporters. */
#define MFD_PRESSURE_RECENT 64

struct mfd_pressure {
	/* BPF stall/wake-up signals */
	unsigned int bpf_signals; /* MFD_SIG_* bits attached (0: none) */
	char bpf_why[256]; /* why none attached, when bpf_signals == 0 */
	bool have_totals; /* ct was read at least once */
	struct mfd_compaction_totals ct; /* exact kernel-side counters */
	/* Histograms derived from ct (seconds), one per requested order. */
	struct mfd_histogram compact_hist[MFD_COMP_MAX_ORDERS];
	struct mfd_histogram reclaim_hist[MFD_COMP_MAX_ORDERS];
	uint64_t stall_records; /* long-stall records received */
	struct mfd_stall_event recent[MFD_PRESSURE_RECENT]; /* ring */
	unsigned int recent_head, recent_count;

	/* /proc/vmstat and mTHP stats */
	bool have_vmstat; /* vm holds a good read */
	bool vm_logged; /* the current read failure was logged */
	struct mfd_vmstat vm;
	uint64_t vm_last_mono_ns; /* when vmstat was last read */
	uint64_t vm_period_ns; /* read vmstat at most this often */
	uint64_t mthp_last_mono_ns; /* when vm.mthp[] was last read */
	uint64_t proactive_last_mono_ns; /* ... and the sysctl */
	int proactiveness; /* vm.compaction_proactiveness, -1 unknown */
	struct mfd_procfile vmstat_file; /* kept open between samples */
	struct mfd_procfile proactive_file; /* vm.compaction_proactiveness */

	/* HugeTLB pools and CMA areas (collect/hugetlb.c) */
	bool have_htlb; /* htlb holds a good read */
	bool htlb_logged; /* the current read failure was logged */
	uint64_t htlb_last_mono_ns; /* when htlb was last read */
	struct mfd_hugetlb htlb;

	/* page allocation failures from /dev/kmsg */
	int kmsg_fd; /* -1 when not open */
	bool have_kmsg; /* af is being counted */
	bool kmsg_watched; /* the loop drains kmsg_fd when it is readable */
	/* No /dev/kmsg (a pod): the kernel log through syslog(2), read
	 * every sample (kmsg.h) */
	bool kmsg_syslog;
	struct mfd_kmsg_syslog kmsg_sl;
	uint64_t kmsg_last_mono_ns; /* last syslog(2) read */
	struct mfd_allocfail_stats af;

	/* migratetype detail (opt-in) */
	double pt_interval; /* seconds between reads; 0: off */
	uint64_t pt_last_mono_ns; /* when pt was last read */
	bool have_pt; /* pt holds a good read */
	bool pt_logged; /* the current read failure was logged */
	struct mfd_pagetypeinfo *pt; /* allocated when pt_interval > 0 */

	/* proactive compaction */
	bool have_scores; /* scores match the state's snapshot */
	unsigned int hpage_order; /* COMPACTION_HPAGE_ORDER */
	struct mfd_frag_scores scores;
};

void mfd_pressure_init(struct mfd_pressure *s, unsigned int hpage_order);

/* Open /dev/kmsg (path NULL) positioned at its end; where it cannot be
 * opened (no device in a pod), read the log with syslog(2) instead; when
 * neither works log why
 * and leave the signal absent. */
void mfd_pressure_open_kmsg(struct mfd_pressure *s, const char *path);
/* Read every waiting /dev/kmsg record (nonblocking); a read error is
 * logged and closes kmsg_fd. mfd_pressure_sample() calls it unless
 * kmsg_watched says the loop does. */
void mfd_pressure_drain_kmsg(struct mfd_pressure *s);
/* Read /proc/pagetypeinfo every interval seconds (0: never). 0 or
 * -ENOMEM. */
int mfd_pressure_set_pagetypeinfo(struct mfd_pressure *s, double interval);
/* Read /proc/vmstat at most every interval seconds (0: every sample).
 * The default after mfd_pressure_init() is 1 s. */
void mfd_pressure_set_vmstat_interval(struct mfd_pressure *s, double interval);
/* The migratetype detail of the zone (node, name), or NULL. */
const struct mfd_pt_zone *mfd_pressure_pt_zone(const struct mfd_pressure *s,
					       uint32_t node, const char *name);

/* Close what mfd_pressure_open_kmsg() opened, free the pagetypeinfo
 * buffer. */
void mfd_pressure_close(struct mfd_pressure *s);

/* Rebuild compact_hist/reclaim_hist from ct. Pure. */
void mfd_pressure_build_hists(struct mfd_pressure *s);

/* Account one long-stall record. */
void mfd_pressure_add_stall(struct mfd_pressure *s,
			    const struct mfd_stall_event *e);
/* i-th most recent long stall (0 newest) or NULL. */
const struct mfd_stall_event *mfd_pressure_recent(const struct mfd_pressure *s,
						  unsigned int i);

/*
 * One interval: read the BPF counters (c may be NULL), proc_dir/vmstat,
 * the mTHP stats and proc_dir/sys/vm/compaction_proactiveness, and score
 * snap (may be NULL). Failures are logged and leave that part absent.
 */
void mfd_pressure_sample(struct mfd_pressure *s, struct mfd_compaction *c,
			 const char *proc_dir, const struct mfd_snapshot *snap);

/* COMPACTION_HPAGE_ORDER of the running kernel: HPAGE_PMD_ORDER from
 * thp_dir/hpage_pmd_size when THP is built in, else pageblock_order. */
unsigned int mfd_pressure_hpage_order(const char *thp_dir, int pageblock_order);

#endif /* MFD_PRESSURE_H */
