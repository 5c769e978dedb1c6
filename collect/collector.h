/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * collector.h - picks the snapshot source (BPF, procfs, or a recording
 * replayed with --replay) and takes samples.
 */
#ifndef MFD_COLLECTOR_H
#define MFD_COLLECTOR_H

#include "kinfo.h"
#include "snapshot.h"
#include "zones_probe.h"

struct mfd_replay; /* exporters/recording/replay.h */

/*
 * A source of snapshots other than the kernel: a recording replayed
 * (exporters/recording/replay.c). The collector drives it through these
 * hooks, so this layer needs no header from the exporters above it.
 */
struct mfd_source_ops {
	/* 0, or -errno; -ENODATA once the source is over. */
	int (*next)(struct mfd_replay *r, struct mfd_snapshot *snap);
	/* Seconds until the next snapshot is due. */
	double (*delay)(const struct mfd_replay *r);
	void (*close)(struct mfd_replay *r);
};

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
	const struct mfd_source_ops *replay_ops; /* how to drive it */
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
 * Take snapshots from r through ops instead of the kernel: what
 * mfd_collector_open_replay() (exporters/recording/replay.h) uses. The
 * collector owns r from here and closes it.
 */
void mfd_collector_open_source(struct mfd_collector *c,
			       const struct mfd_source_ops *ops,
			       struct mfd_replay *r);
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
