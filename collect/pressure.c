// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * signals.c - compaction, reclaim, THP and proactive-score signals, one
 * sample per interval (see signals.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_COMPONENT "signals"
#include "file.h"
#include "log.h"
#include "pressure.h"

/* See mfd_pressure_sample(). */
#define MTHP_PERIOD_NS (10ull * 1000000000ull)
#define VMSTAT_PERIOD_NS 1000000000ull
#define PROACTIVE_PERIOD_NS (10ull * 1000000000ull)
#define THP_DIR "/sys/kernel/mm/transparent_hugepage"
#define SYS_DIR "/sys"

const double mfd_stall_bounds[MFD_STALL_BOUNDS] = {
#define B(k) ((double)(1ull << ((k) + 1)) * 1e-6)
	B(0),  B(1),  B(2),  B(3),  B(4),  B(5),  B(6),	 B(7),	B(8),
	B(9),  B(10), B(11), B(12), B(13), B(14), B(15), B(16), B(17),
	B(18), B(19), B(20), B(21), B(22), B(23), B(24),
#undef B
};

void mfd_pressure_init(struct mfd_pressure *s, unsigned int hpage_order)
{
	memset(s, 0, sizeof(*s));
	s->kmsg_fd = -1;
	s->vmstat_file.fd = -1;
	s->proactive_file.fd = -1;
	s->hpage_order = hpage_order;
	s->vm_period_ns = VMSTAT_PERIOD_NS;
	mfd_pressure_build_hists(s);
}

void mfd_pressure_set_vmstat_interval(struct mfd_pressure *s, double interval)
{
	s->vm_period_ns = interval > 0 ? (uint64_t)(interval * 1e9) : 0;
}

void mfd_pressure_open_kmsg(struct mfd_pressure *s, const char *path)
{
	int fd = mfd_kmsg_open(path), err;

	if (fd >= 0) {
		s->kmsg_fd = fd;
		s->have_kmsg = true;
		return;
	}
	/* The baseline read: counting starts now. */
	err = path ? -ENOENT : mfd_kmsg_syslog_read(&s->kmsg_sl, &s->af);
	if (!err) {
		log_info("page allocation failures: reading the kernel log "
			 "with syslog(2) (opening /dev/kmsg: %s)",
			 strerror(-fd));
		s->kmsg_syslog = true;
		s->have_kmsg = true;
		return;
	}
	mfd_kmsg_syslog_free(&s->kmsg_sl);
	log_warn("page allocation failures from the kernel log unavailable: "
		 "opening %s: %s; syslog(2): %s (both need CAP_SYSLOG when "
		 "kernel.dmesg_restrict=1; in a pod /dev/kmsg is absent and "
		 "syslog(2) is the way); mfd_kernel_log_alloc_failures_total "
		 "is not reported",
		 path ? path : "/dev/kmsg", strerror(-fd), strerror(-err));
}

int mfd_pressure_set_pagetypeinfo(struct mfd_pressure *s, double interval)
{
	s->pt_interval = interval;
	if (interval <= 0) {
		s->have_pt = false; /* off: no stale detail */
		return 0;
	}
	if (!s->pt)
		s->pt = calloc(1, sizeof(*s->pt));
	if (!s->pt) {
		s->pt_interval = 0;
		return -ENOMEM;
	}
	return 0;
}

const struct mfd_pt_zone *mfd_pressure_pt_zone(const struct mfd_pressure *s,
					       uint32_t node, const char *name)
{
	if (!s || !s->have_pt)
		return NULL;
	for (unsigned int i = 0; i < s->pt->nr_zones; i++)
		if (s->pt->zones[i].node == node &&
		    !strcmp(s->pt->zones[i].zone, name))
			return &s->pt->zones[i];
	return NULL;
}

static void kmsg_close(struct mfd_pressure *s)
{
	if (s->kmsg_fd >= 0)
		close(s->kmsg_fd);
	s->kmsg_fd = -1;
	s->have_kmsg = false;
	s->kmsg_syslog = false;
	mfd_kmsg_syslog_free(&s->kmsg_sl);
}

void mfd_pressure_close(struct mfd_pressure *s)
{
	free(s->pt);
	s->pt = NULL;
	s->have_pt = false;
	kmsg_close(s);
	mfd_procfile_close(&s->vmstat_file);
	mfd_procfile_close(&s->proactive_file);
}

static void build(struct mfd_histogram *h, const struct mfd_stall_hist *sh,
		  unsigned int o)
{
	mfd_histogram_init(h, mfd_stall_bounds, MFD_STALL_BOUNDS);
	/* Slot k holds latencies below 2^(k+1) µs, the last slot the
	 * overflow: exactly the explicit buckets (bounds[k] = 2^(k+1) µs). */
	for (unsigned int k = 0; k < MFD_COMP_SLOTS; k++) {
		h->counts[k] = sh->slot[o][k];
		h->count += sh->slot[o][k];
	}
	h->sum = (double)sh->sum_ns[o] / 1e9;
}

void mfd_pressure_build_hists(struct mfd_pressure *s)
{
	for (unsigned int o = 0; o < MFD_COMP_MAX_ORDERS; o++) {
		build(&s->compact_hist[o], &s->ct.s.compact, o);
		build(&s->reclaim_hist[o], &s->ct.s.reclaim, o);
	}
}

void mfd_pressure_add_stall(struct mfd_pressure *s,
			    const struct mfd_stall_event *e)
{
	s->stall_records++;
	s->recent[s->recent_head] = *e;
	s->recent_head = (s->recent_head + 1) % MFD_PRESSURE_RECENT;
	if (s->recent_count < MFD_PRESSURE_RECENT)
		s->recent_count++;
}

const struct mfd_stall_event *mfd_pressure_recent(const struct mfd_pressure *s,
						  unsigned int i)
{
	if (i >= s->recent_count)
		return NULL;
	return &s->recent[(s->recent_head + MFD_PRESSURE_RECENT - 1 - i) %
			  MFD_PRESSURE_RECENT];
}

unsigned int mfd_pressure_hpage_order(const char *thp_dir, int pageblock_order)
{
	char path[512], *buf = NULL;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t sz;
	size_t len;
	unsigned int o = 0;

	snprintf(path, sizeof(path), "%s/hpage_pmd_size",
		 thp_dir ? thp_dir : THP_DIR);
	if (page > 0 && !mfd_file_read(path, 64, &buf, &len) &&
	    !mfd_vmstat_parse_u64(buf, len, &sz) && sz >= (uint64_t)page) {
		while (((uint64_t)page << o) < sz && o < 30)
			o++;
		free(buf);
		return o;
	}
	free(buf);
	return pageblock_order > 0 ? (unsigned int)pageblock_order : 9;
}

static int read_proactiveness(struct mfd_procfile *f, const char *proc_dir)
{
	const char *text;
	char path[512];
	uint64_t v;
	size_t len;

	snprintf(path, sizeof(path), "%s/sys/vm/compaction_proactiveness",
		 proc_dir);
	if (!mfd_procfile_read(f, path, 64, &text, &len) &&
	    !mfd_vmstat_parse_u64(text, len, &v) && v <= 100)
		return (int)v;
	return -1;
}

void mfd_pressure_drain_kmsg(struct mfd_pressure *s)
{
	int err;

	if (s->kmsg_syslog) {
		/* READ_ALL copies the whole log buffer (up to a few MiB):
		 * at most once a second, like /proc/vmstat. */
		if (!mfd_due(&s->kmsg_last_mono_ns, VMSTAT_PERIOD_NS))
			return;
		err = mfd_kmsg_syslog_read(&s->kmsg_sl, &s->af);
		if (err) {
			log_warn("reading the kernel log with syslog(2) "
				 "failed: %s; allocation failure counts stop "
				 "here",
				 strerror(-err));
			kmsg_close(s);
		}
		return;
	}
	if (s->kmsg_fd < 0)
		return;
	err = mfd_kmsg_drain(s->kmsg_fd, &s->af);
	if (err) {
		log_warn("reading /dev/kmsg failed: %s; allocation failure "
			 "counts stop here",
			 strerror(-err));
		kmsg_close(s);
	}
}

void mfd_pressure_sample(struct mfd_pressure *s, struct mfd_compaction *c,
			 const char *proc_dir, const struct mfd_snapshot *snap)
{
	struct mfd_parse_error perr = { 0 };
	int err;

	if (c) {
		err = mfd_compaction_read(c, &s->ct);
		if (err < 0) {
			log_warn_rl("reading compaction counters failed: %s",
				    strerror(-err));
		} else if (err == 0) {
			s->have_totals = true;
			mfd_pressure_build_hists(s);
		}
	}
	if (!s->kmsg_watched)
		mfd_pressure_drain_kmsg(s);
	/* /proc/vmstat at most every vm_period_ns (--vmstat-interval,
	 * default 10 s): the kernel sums every per-CPU counter of its ~180
	 * lines for each read, 35-40% of the agent's sampling CPU at 1 Hz.
	 * The values are cumulative counters, exact as of their read; a
	 * lag only delays them. */
	if (mfd_due(&s->vm_last_mono_ns, s->vm_period_ns)) {
		err = mfd_vmstat_read(&s->vmstat_file, proc_dir, &s->vm, &perr);
		if (err) {
			if (!s->vm_logged)
				log_warn("%s (line %u): vmstat counters absent",
					 perr.msg, perr.line);
			s->have_vmstat = false;
			s->vm_logged = true; /* once, not every interval */
		} else {
			s->vm_logged = false;
			s->have_vmstat = true;
			/* The per-size mTHP counters are one file each (about
			 * 30 opens on this kernel): read them at most every
			 * MTHP_PERIOD_NS, keeping the last values in between
			 * (vmstat parsing leaves them alone). */
			if (mfd_due(&s->mthp_last_mono_ns, MTHP_PERIOD_NS))
				mfd_mthp_read(THP_DIR, &s->vm);
		}
	}
	/* HugeTLB pools change when an operator or a job resizes them, CMA
	 * with driver allocations: on the /proc/vmstat period is plenty.
	 * Each read opens about 7 sysfs files per page size and node, and
	 * /proc/zoneinfo, whose per-CPU part grows with the CPU count: at
	 * 1 Hz they were most of the agent's file opens. */
	if (mfd_due(&s->htlb_last_mono_ns, s->vm_period_ns)) {
		err = mfd_hugetlb_read(SYS_DIR, proc_dir, &s->htlb, &perr);
		if (err && !s->htlb_logged)
			log_warn("%s (line %u): CMA per zone absent", perr.msg,
				 perr.line);
		s->htlb_logged = err != 0;
		s->have_htlb = true; /* the HugeTLB part is read regardless */
	}
	if (s->pt && s->pt_interval > 0 &&
	    mfd_due(&s->pt_last_mono_ns, (uint64_t)(s->pt_interval * 1e9))) {
		err = mfd_pagetypeinfo_read(proc_dir, s->pt, &perr);
		if (err) {
			if (!s->pt_logged)
				log_warn("%s (line %u): migratetype detail "
					 "absent",
					 perr.msg, perr.line);
			s->pt_logged = true;
			s->have_pt = false;
		} else {
			s->pt_logged = false;
			s->have_pt = true;
		}
	}
	/* A sysctl an operator changes by hand: every 10 s is enough. */
	if (mfd_due(&s->proactive_last_mono_ns, PROACTIVE_PERIOD_NS))
		s->proactiveness =
			read_proactiveness(&s->proactive_file, proc_dir);
	s->have_scores = false;
	if (snap && snap->nr_zones) {
		mfd_frag_scores_compute(snap, s->hpage_order, s->proactiveness,
					&s->scores);
		s->have_scores = true;
	}
}
