/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_json.h - the agent's metrics and extfrag events as OTLP/JSON.
 *
 * Builds opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest
 * and ...logs.v1.ExportLogsServiceRequest objects with jansson, following
 * the OTLP specification's "JSON Protobuf Encoding"
 * (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding):
 * lowerCamelCase field names, 64-bit integers (int64, fixed64, sfixed64)
 * as decimal strings, enums as integers, doubles as JSON numbers. The
 * recording exporter writes one request per line (the format of the
 * Collector's otlpjsonfile receiver); an OTLP http/json sender can post the
 * same objects.
 *
 * Pure: no I/O. The resource comes from mfd_resource_detect() (resource.h),
 * the same one the OTLP/HTTP exporter sends.
 */
#ifndef MFD_OTLP_JSON_H
#define MFD_OTLP_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "resource.h"
#include "state.h"

/* The OpenTelemetry scope every point and log record is published under. */
#define MFD_OTLP_SCOPE "mfd"
/* Value of the "event.name" attribute of an extfrag log record. */
#define MFD_OTLP_EXTFRAG_EVENT "mfd.extfrag.fallback"

/* Attributes of an extfrag LogRecord (the metric attributes' spelling for
 * what both carry). */
#define MFD_OTLP_ATTR_EVENT_NAME "event.name"
#define MFD_OTLP_ATTR_PID "process.pid" /* tgid */
#define MFD_OTLP_ATTR_TID "thread.id" /* pid of the thread */
#define MFD_OTLP_ATTR_COMM "process.executable.name" /* task->comm */
#define MFD_OTLP_ATTR_ALLOC_ORDER "alloc_order"
#define MFD_OTLP_ATTR_FALLBACK_ORDER "fallback_order"
#define MFD_OTLP_ATTR_ALLOC_MT "alloc_migratetype" /* name */
#define MFD_OTLP_ATTR_FALLBACK_MT "fallback_migratetype" /* name */
#define MFD_OTLP_ATTR_ALLOC_MT_ID "alloc_migratetype.id" /* number */
#define MFD_OTLP_ATTR_FALLBACK_MT_ID "fallback_migratetype.id" /* number */
#define MFD_OTLP_ATTR_FRAGMENTING "fragmenting"
#define MFD_OTLP_ATTR_CHANGE_OWNER "change_ownership"
#define MFD_OTLP_ATTR_PFN "pfn"
#define MFD_OTLP_ATTR_CGROUP "cgroup.id"

/* ExportMetricsServiceRequest holding every point mfd_metrics_walk() gives
 * for st now. NULL when out of memory. */
json_t *mfd_otlp_json_metrics(const struct mfd_state *st,
			      const struct otlp_resource *res);

/* ExportLogsServiceRequest with one LogRecord per event (n >= 1).
 * observed_unix_nano is when the agent read them. NULL when out of memory. */
json_t *mfd_otlp_json_logs(const struct mfd_state *st,
			   const struct otlp_resource *res,
			   const struct mfd_extfrag_event *ev, size_t n,
			   uint64_t observed_unix_nano);

/* One request as a single line of compact JSON, doubles printed with 17
 * significant digits so they read back bit for bit. malloc'd, no newline;
 * NULL when out of memory. */
char *mfd_otlp_json_dumps(const json_t *req);

#endif /* MFD_OTLP_JSON_H */
