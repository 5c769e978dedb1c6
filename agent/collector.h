/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * collector.h - picks the snapshot source (BPF, procfs, or a recording
 * replayed with --replay) and takes samples.
 */
#ifndef MFD_COLLECTOR_H
#define MFD_COLLECTOR_H

#include "kinfo.h"
#include "replay.h"
#include "snapshot.h"
#include "zones.h"

enum mfd_source_mode {
	MFD_SOURCE_AUTO = 0, /* BPF when it works, else procfs, saying why */
	MFD_SOURCE_MODE_BPF, /* BPF or fail */
	MFD_SOURCE_MODE_PROCFS, /* procfs only */
};

struct mfd_collector {
	enum mfd_source_mode mode; /* what the user asked for */
	enum mfd_source active; /* what is in use */
	struct mfd_zones *zones; /* BPF source, when active */
	struct mfd_replay *replay; /* replay source, when active */
	const char *proc_dir; /* procfs source directory ("/proc") */
	char fallback_reason[384]; /* why BPF is not in use (auto mode) */
	unsigned long failures; /* samples that failed */
};

/*
 * Set up the source. In auto mode a BPF failure falls back to procfs with
 * one log line giving the reason; in bpf mode it is an error (-errno, with
 * the reason in c->fallback_reason).
 */
int mfd_collector_open(struct mfd_collector *c, enum mfd_source_mode mode,
		       const struct mfd_kinfo *k, const char *proc_dir);
/*
 * Replay a recording instead of reading the kernel (--replay): no BPF, no
 * root. 0 or -errno, with the reason in c->fallback_reason.
 */
int mfd_collector_open_replay(struct mfd_collector *c, const char *path,
			      const struct mfd_kinfo *k, double speed,
			      uint64_t start_unix_ns);
/* 0, or -errno; a replay returns -ENODATA once the recording is over. */
int mfd_collector_sample(struct mfd_collector *c, struct mfd_snapshot *snap);
/* Seconds until the next sample is due: the interval for live sources, the
 * recorded gap (divided by the speed) for a replay. */
double mfd_collector_next_delay(const struct mfd_collector *c, double interval);
void mfd_collector_close(struct mfd_collector *c);

/* Why BPF cannot be used here before even trying, or NULL. Checks BTF and
 * the capabilities BPF needs (CAP_BPF+CAP_PERFMON, or CAP_SYS_ADMIN). */
const char *mfd_collector_bpf_precheck(const struct mfd_kinfo *k, char *buf,
				       size_t len);

#endif /* MFD_COLLECTOR_H */
