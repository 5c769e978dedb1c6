/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics.h - the one catalogue of metrics every exporter publishes.
 *
 * Each row of mfd_metric_catalog[] names a metric once (OTel name, kind,
 * unit, attributes, meaning) and points at the
 * function that derives its points from struct mfd_state. OTLP,
 * Prometheus, StatsD and recordings all walk the same points with
 * mfd_metrics_walk(), so they cannot disagree, and the generated metric
 * reference (docs/) is this table. The Prometheus name is not written
 * down anywhere: mfd_metrics_prom_name() derives it from (name, unit,
 * kind) by the OpenTelemetry-to-Prometheus rules, so /metrics and a
 * Collector's prometheusremotewrite produce the same series.
 */
#ifndef MFD_METRICS_H
#define MFD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "state.h"

enum mfd_metric_kind {
	MFD_METRIC_GAUGE = 0,
	MFD_METRIC_SUM, /* cumulative, monotonic; start = agent start */
	MFD_METRIC_HISTOGRAM, /* cumulative explicit-bucket histogram */
};

enum mfd_attr_type {
	MFD_ATTR_STR = 0,
	MFD_ATTR_INT,
	MFD_ATTR_BOOL,
};

struct mfd_attr {
	const char *key; /* OTel attribute key ("numa.node") */
	enum mfd_attr_type type;
	const char *s; /* MFD_ATTR_STR */
	int64_t i; /* MFD_ATTR_INT, MFD_ATTR_BOOL (0/1) */
};

#define MFD_MAX_ATTRS 8

struct mfd_metric_desc;

struct mfd_point {
	const struct mfd_metric_desc *desc;
	unsigned int nattrs;
	struct mfd_attr attrs[MFD_MAX_ATTRS]; /* keys unique */
	bool is_double; /* value in d, else in i */
	double d;
	int64_t i;
	const struct mfd_histogram *hist; /* MFD_METRIC_HISTOGRAM */
	uint64_t time_unix_nano; /* never 0 */
	uint64_t start_unix_nano; /* sums and histograms: agent start */
};

/* Called for every point, grouped by metric in catalogue order. A non-zero
 * return stops the walk and is returned by mfd_metrics_walk(). */
typedef int (*mfd_point_fn)(const struct mfd_point *p, void *arg);

struct mfd_metric_desc {
	const char *name; /* OTel name, "mfd.zone.order.free_blocks" */
	enum mfd_metric_kind kind;
	bool is_double; /* points carry doubles (indices, seconds) */
	const char *unit; /* UCUM ("{block}", "{page}", "1", "s", "By") */
	const char *attrs; /* attribute keys, for the documentation */
	const char *help; /* one sentence, no trailing period */
	int (*emit)(const struct mfd_metric_desc *d, const struct mfd_state *st,
		    mfd_point_fn fn, void *arg);
	/* emit's own argument: the field a table-driven emitter reads
	 * (struct mfd_field, metrics_emit.h), or NULL */
	const void *param;
};

extern const struct mfd_metric_desc mfd_metric_catalog[];
extern const unsigned int mfd_metric_catalog_len;

/* Walk every point the state has now. Returns 0 or fn's non-zero value. */
int mfd_metrics_walk(const struct mfd_state *st, mfd_point_fn fn, void *arg);

/*
 * Add k8s.pod.uid, container.id and k8s.pod.qos to p when the task with
 * this cgroup id (tgid on cgroup v1) runs in a Kubernetes pod; nothing
 * otherwise. The strings live in st->cgattr's cache until its next lookup,
 * so use p before the next call. For per-process metrics and event logs.
 */
void mfd_metrics_k8s_attrs(struct mfd_point *p, const struct mfd_state *st,
			   uint64_t cgroup_id, uint32_t tgid);

/*
 * The Prometheus metric name the OpenTelemetry "Prometheus and OpenMetrics
 * Compatibility" rules give an OTLP metric of this name, UCUM unit and
 * kind (the Collector's pkg/translator/prometheus normalizeName, which
 * prometheusremotewrite, the prometheus exporter and VictoriaMetrics'
 * -opentelemetry.usePrometheusNaming apply):
 *   - the name is cut into runs of ASCII letters and digits, joined by '_';
 *   - the unit's main part (before '/') is mapped ("s" -> "seconds",
 *     "By" -> "bytes", "1" -> nothing, others kept, cleaned the same way)
 *     and appended unless blank, in {braces} or already a name token;
 *     a per-unit (after '/') appends "per_<unit>" ("s" -> "second");
 *   - monotonic sums end in "total", gauges of unit exactly "1" in
 *     "ratio" (moved to the end when already present);
 *   - a leading digit gets a '_' prefix.
 * Writes the NUL-terminated name into buf. Returns its length, or
 * -ENAMETOOLONG when it does not fit (buf then holds "").
 */
int mfd_metrics_prom_name(const char *name, const char *unit,
			  enum mfd_metric_kind kind, char *buf, size_t len);

/* mfd_metrics_prom_name() of a catalogue row (every row fits 128 bytes;
 * a unit test checks it). */
const char *mfd_metric_prom(const struct mfd_metric_desc *d, char *buf,
			    size_t len);

/* Prometheus label name for an OTel attribute key ("numa.node" ->
 * "numa_node"), written into buf. */
const char *mfd_metrics_prom_label(const char *key, char *buf,
				   unsigned int len);

#endif /* MFD_METRICS_H */
