/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.h - the replay source: samples read back from a --record file.
 *
 * A recording (exporters/recording/record.c) is OTLP/JSON lines: each sample is one
 * ExportMetricsServiceRequest, preceded by an ExportLogsServiceRequest with
 * the extfrag events of its interval when there were any.
 * mfd_replay_decode() is the pure core: one line in, a struct mfd_snapshot
 * (nodes, zones, free blocks per order, zone facts; indices recomputed by
 * mfd_snapshot_finish() and checked against the recorded ones), the
 * extfrag totals, or the events out. The rest reads a file line by line
 * for collect/collector.c, paced like the recording (or faster), and skips
 * any line it cannot use with a warning, counting it.
 */
#ifndef MFD_REPLAY_H
#define MFD_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "extfrag_table.h"
#include "kinfo.h"
#include "snapshot.h"

enum mfd_replay_kind {
	MFD_REPLAY_NONE = 0,
	MFD_REPLAY_METRICS, /* an ExportMetricsServiceRequest: a sample */
	MFD_REPLAY_LOGS, /* an ExportLogsServiceRequest: extfrag events */
};

/* What one line held. The caller owns it (and events[]). */
struct mfd_replay_rec {
	enum mfd_replay_kind kind;

	/* MFD_REPLAY_METRICS */
	struct mfd_snapshot snap; /* finished; duration_ns 0, mono_ns 0 */
	bool have_events; /* the line had mfd.extfrag.* counters */
	struct mfd_extfrag_totals totals; /* those counters */
	bool have_hist; /* mfd.agent.collection.duration was present */
	uint64_t hist_count; /* its count: samples taken so far */
	double hist_sum; /* its sum: seconds spent collecting so far */
	uint32_t index_mismatches; /* recorded indices that differ from the
				    * recomputed ones (0 for a good line) */

	/* MFD_REPLAY_LOGS */
	struct mfd_extfrag_event *events; /* set by the caller */
	size_t events_cap; /* entries in events[] */
	size_t nevents; /* filled */
	size_t events_skipped; /* records that did not fit or were not
				* extfrag events */
};

/*
 * Decode one line (without its newline; need not be NUL terminated).
 * Migratetype names map back to numbers through k (NULL: the kernel's
 * defaults). Returns 0, or -EINVAL with why[] saying what is wrong (not
 * JSON, not an OTLP request, a zone with missing orders, values out of
 * range...). Pure: no I/O, no global state.
 */
int mfd_replay_decode(const char *line, size_t len, const struct mfd_kinfo *k,
		      struct mfd_replay_rec *out, char *why, size_t why_len);

struct mfd_replay;

typedef void (*mfd_replay_event_fn)(const struct mfd_extfrag_event *e,
				    void *arg);

/* "1795753121.5" (unix seconds) or "2026-11-27T04:23:51[.5]Z" (UTC) to unix
 * ns. Pure; 0 or -EINVAL. */
int mfd_replay_parse_time(const char *s, uint64_t *unix_ns);

/* Open path and read up to its first sample at or after start_unix_ns (0:
 * the first sample). speed: 1 recorded pace, N times faster, 0 as fast as
 * possible. 0 or -errno (-ENODATA: no such sample in the file), with why[]
 * set. */
int mfd_replay_open(struct mfd_replay **out, const char *path,
		    const struct mfd_kinfo *k, double speed,
		    uint64_t start_unix_ns, char *why, size_t why_len);
/* The next sample into snap. 0, or -ENODATA when the recording is over. */
int mfd_replay_next(struct mfd_replay *r, struct mfd_snapshot *snap);
/* Hand the events recorded before the sample mfd_replay_next() returned
 * last to fn, oldest first, once. Returns how many. For the first sample
 * these are all the events recorded before it (up to 16,384), also those
 * of samples --replay-at skipped. */
size_t mfd_replay_take_events(struct mfd_replay *r, mfd_replay_event_fn fn,
			      void *arg);
/* Extfrag counters as of the last sample returned, or NULL when the
 * recording holds none (events were off when it was made). */
const struct mfd_extfrag_totals *mfd_replay_totals(const struct mfd_replay *r);
/* Seconds to wait before the following sample, at the chosen speed. */
double mfd_replay_delay(const struct mfd_replay *r);
/* Samples returned, lines skipped so far. */
uint64_t mfd_replay_samples(const struct mfd_replay *r);
uint64_t mfd_replay_skipped(const struct mfd_replay *r);
const char *mfd_replay_path(const struct mfd_replay *r);
void mfd_replay_close(struct mfd_replay *r);

/*
 * Make the recording at path c's source (--replay): no BPF, no root.
 * mfd_replay_open()'s arguments; 0 or -errno, with the reason in
 * c->fallback_reason.
 */
int mfd_collector_open_replay(struct mfd_collector *c, const char *path,
			      const struct mfd_kinfo *k, double speed,
			      uint64_t start_unix_ns);

#endif /* MFD_REPLAY_H */
