/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h - what the agent knows right now, shared by views and exporters.
 *
 * The loop (daemon/loop.c) owns one struct mfd_state. After every sample it
 * updates the snapshot, the extfrag totals and the agent's own telemetry,
 * then hands the state to every exporter (exporters/exporter.h). Exporters
 * only read it; metric points are derived from it in one place
 * (exporters/metrics.c), so every exporter publishes the same numbers.
 */
#ifndef MFD_STATE_H
#define MFD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extfrag_table.h"
#include "snapshot.h"

/* Bounds of the collection-duration histogram, in seconds (OTLP explicit
 * buckets: counts[i] counts values <= bounds[i]; the last count is the
 * overflow bucket). */
#define MFD_DUR_BUCKETS 12
extern const double mfd_duration_bounds[MFD_DUR_BUCKETS];

/* Most explicit bounds any histogram has (the stall histograms of
 * collect/pressure.h have 25). */
#define MFD_HIST_MAX_BOUNDS 32

struct mfd_histogram {
	unsigned int nbounds; /* explicit bounds; counts has nbounds + 1 */
	const double *bounds; /* ascending upper bounds */
	uint64_t counts[MFD_HIST_MAX_BOUNDS + 1]; /* first nbounds + 1 used */
	uint64_t count; /* sum of counts[] */
	double sum; /* sum of observed values */
};

void mfd_histogram_init(struct mfd_histogram *h, const double *bounds,
			unsigned int nbounds);
void mfd_histogram_observe(struct mfd_histogram *h, double v);

/* The most recent extfrag events, oldest overwritten first. */
struct mfd_event_ring {
	struct mfd_extfrag_event *buf;
	size_t cap; /* entries in buf */
	size_t head; /* next slot to write */
	size_t count; /* valid entries (<= cap) */
};

/* Why an exporter dropped points (mfd.agent.export.dropped_points). */
enum mfd_drop_reason {
	MFD_DROP_QUEUE_FULL = 0, /* in-memory queue at its bound */
	MFD_DROP_PERMANENT, /* receiver rejected the batch (4xx/5xx) */
	MFD_DROP_PARTIAL, /* partial_success rejected points */
	MFD_DROP_SPOOL_EVICTED, /* oldest spool records evicted at the cap */
	MFD_DROP_LOG_CAP, /* event logs over the per-interval cap */
	MFD_DROP_ENCODE, /* could not encode (out of memory, too large) */
	MFD_DROP_SEND, /* socket/DNS/disk error on a fire-and-forget path */
	MFD_DROP_SPOOL_WRITE, /* spool unwritable and the memory queue full */
	MFD_DROP_REASONS,
};

const char *mfd_drop_reason_name(enum mfd_drop_reason r);

/* Self-telemetry every exporter keeps (published as mfd.agent.export.*). */
struct mfd_export_stats {
	uint64_t requests_sent; /* requests (or packets, or lines) completed */
	uint64_t requests_failed; /* requests that finally failed */
	uint64_t requests_retried; /* retry attempts */
	uint64_t dropped[MFD_DROP_REASONS]; /* points/records dropped */
	uint64_t queue_depth; /* batches waiting in memory */
	uint64_t spool_bytes; /* bytes in the on-disk spool */
	bool has_queue; /* queue_depth/spool_bytes are meaningful */
};

/* Why the HTTP server (exporters/http/http.c) closed a connection itself. */
enum mfd_http_close {
	MFD_HTTP_CLOSE_OVER_LIMIT = 0, /* --http-max-connections were open */
	MFD_HTTP_CLOSE_HEADER_TIMEOUT, /* request not whole in time */
	MFD_HTTP_CLOSE_IDLE_TIMEOUT, /* no request for too long */
	MFD_HTTP_CLOSE_WRITE_TIMEOUT, /* reply not taken in time */
	MFD_HTTP_CLOSE_BAD_FRAMING, /* ambiguous length, bad header name */
	MFD_HTTP_CLOSE_REASONS,
};

const char *mfd_http_close_name(enum mfd_http_close r);

/* The HTTP server's own counters, published as mfd.agent.http.*. */
struct mfd_http_stats {
	uint64_t open; /* connections open now */
	uint64_t closed[MFD_HTTP_CLOSE_REASONS]; /* closed by the server */
	uint64_t accept_errors; /* failed accept() (EMFILE, ENOBUFS...) */
};

/* Where samples come from: the kernel, or a recording (--replay) that is
 * still playing or has ended with its last sample held (--replay-hold, or
 * a live terminal). A held replay is finished, not stalled. */
enum mfd_replay_phase {
	MFD_REPLAY_OFF = 0, /* live: samples from the kernel */
	MFD_REPLAY_PLAYING, /* samples from a recording, more to come */
	MFD_REPLAY_HELD, /* the recording ended; its last sample is kept */
};

struct mfd_kinfo; /* collect/kinfo.h */
struct mfd_forecast; /* model/forecast.h */
struct mfd_pressure; /* collect/pressure.h */
struct mfd_cgroup_attr; /* collect/cgroup_attr.h */
struct mfd_callsites; /* collect/stacks/stacks.h */

/* Exporters a state can describe: there are four kinds. */
#define MFD_STATE_MAX_EXPORTERS 8

/* One exporter's statistics under its name ("otlp", "statsd", ...). */
struct mfd_export_source {
	const char *name;
	const struct mfd_export_stats *stats;
};

struct mfd_state {
	const struct mfd_kinfo *kinfo;
	struct mfd_snapshot *snap; /* latest good snapshot */
	bool have_snap;
	uint64_t start_unix_nano; /* agent start: start time of every sum */
	int64_t mono_to_unix_ns; /* add to CLOCK_MONOTONIC to get unix ns */
	uint64_t samples; /* good samples taken */
	uint64_t sample_failures; /* samples that failed */
	uint64_t last_sample_mono_ns; /* CLOCK_MONOTONIC of the latest */
	double interval; /* configured seconds between samples */
	/* The lowest order the per-zone-and-order metric families export
	 * (--min-order): the series budget's largest term is 4 per zone
	 * and order. Views and the JSON API keep every order. */
	unsigned int export_min_order;
	enum mfd_replay_phase replay; /* live, or where a --replay stands */

	/* extfrag events (when attached) */
	bool have_events; /* the tracepoint program is attached */
	const char *events_why; /* why not, when !have_events */
	struct mfd_extfrag_totals totals; /* exact per-kind counters */
	struct mfd_extfrag_table procs; /* per-process table */
	struct mfd_event_ring recent; /* latest events, for APIs and logs */

	/* Compaction, reclaim, THP and proactive-score signals
	 * (collect/pressure.h); NULL when the loop runs without them. */
	struct mfd_pressure *pressure;
	/* Time to high-order exhaustion per zone; NULL when not kept. */
	const struct mfd_forecast *forecast;

	struct mfd_histogram collect_hist; /* collection duration, seconds */
	/* Each running exporter's self-telemetry, published by the exporter
	 * registry (mfd_exporters_publish()) for the metric catalogue. */
	struct mfd_export_source exports[MFD_STATE_MAX_EXPORTERS];
	unsigned int nr_exports;
	const struct mfd_http_stats *http; /* the HTTP server's; may be NULL */
	/* cgroup id -> pod/container (collect/cgroup_attr.h); may be NULL.
	 * Not const through a const state: lookups fill its cache. */
	struct mfd_cgroup_attr *cgattr;
	/* Stacks of extfrag fallbacks and compaction stalls (--callsites);
	 * NULL when off. Not const: an exporter may mark what it sent
	 * (struct mfd_callsite's exported; none sends call sites yet). */
	struct mfd_callsites *callsites;
};

/* 0 or -ENOMEM. max_procs and recent bound the two event tables. */
int mfd_state_init(struct mfd_state *st, const struct mfd_kinfo *k,
		   size_t max_procs, size_t recent);
void mfd_state_free(struct mfd_state *st);

/* Take a good sample: copy it in and account its duration. */
void mfd_state_set_snapshot(struct mfd_state *st,
			    const struct mfd_snapshot *snap);
/* The same, taking *snap over instead of copying it (about 100 KiB):
 * st's previous snapshot buffer is handed back in *snap for the next
 * sample, which must overwrite all of it (every collector does). */
void mfd_state_swap_snapshot(struct mfd_state *st, struct mfd_snapshot **snap);
/* Account one extfrag record (per-process table and recent ring). */
void mfd_state_add_event(struct mfd_state *st,
			 const struct mfd_extfrag_event *e);

/* i-th most recent event (0 is the newest), or NULL. */
const struct mfd_extfrag_event *mfd_state_recent(const struct mfd_state *st,
						 size_t i);

/* CLOCK_MONOTONIC ns (an event's ts_ns) to unix ns. */
uint64_t mfd_state_unix_ns(const struct mfd_state *st, uint64_t mono_ns);

uint64_t mfd_now_unix_ns(void);
uint64_t mfd_now_mono_ns(void);
/* Whether a reading taken every period (ns) is due now (1% slack, so a
 * tick that lands just before the period does not double it); *last, a
 * CLOCK_MONOTONIC time, is set when it is. The first call is always due. */
bool mfd_due(uint64_t *last, uint64_t period);

#endif /* MFD_STATE_H */
