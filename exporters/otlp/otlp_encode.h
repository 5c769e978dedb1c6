/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_encode.h - the pure half of the OTLP exporter: encoders and parsers
 * over plain structs, no I/O (unit tests and fuzz harnesses call them).
 *
 * Batching rests on one protobuf rule: concatenating two serialized
 * messages of the same type decodes as their merge, and repeated fields
 * append. Each sample is encoded once into a self-contained
 * ExportMetricsServiceRequest "fragment"; a request body is the
 * concatenation of the fragments since the last export (one ResourceMetrics
 * per sample), and splitting at the size cap is splitting between
 * fragments. The same holds for logs.
 */
#ifndef MFD_OTLP_ENCODE_H
#define MFD_OTLP_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kinfo.h"
#include "state.h"

enum otlp_signal {
	OTLP_METRICS = 0,
	OTLP_LOGS,
	OTLP_SIGNALS,
};

/* One string key/value pair (resource attribute or HTTP header). */
struct otlp_kv {
	char *key;
	char *value;
};

#define OTLP_MAX_RESOURCE_ATTRS 64

struct otlp_resource {
	size_t n;
	struct otlp_kv attrs[OTLP_MAX_RESOURCE_ATTRS]; /* keys unique */
};

/*
 * Parse "key1=value1,key2=value2" as OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS define it (W3C Baggage without properties):
 * whitespace around members, keys and values is trimmed, values are
 * percent-decoded, empty members are skipped. Keys must be non-empty tokens;
 * a bad escape, a missing '=', or a decoded NUL/CR/LF make the WHOLE value
 * malformed: -EINVAL, nothing returned, and *bad_at (if not NULL) set to
 * the offset of the offending member. 0 with *out (malloc'ed, free with
 * otlp_kv_free) and *n on success; -ENOMEM.
 */
int otlp_parse_kv_list(const char *s, struct otlp_kv **out, size_t *n,
		       size_t *bad_at);
void otlp_kv_free(struct otlp_kv *kv, size_t n);

/* Set key to value in r, replacing an earlier value (keys stay unique).
 * 0, -ENOSPC when full, -ENOMEM. */
int otlp_resource_set(struct otlp_resource *r, const char *key,
		      const char *value);
const char *otlp_resource_get(const struct otlp_resource *r, const char *key);
void otlp_resource_free(struct otlp_resource *r);

/* Facts the resource is built from, gathered by the shell (otlp.c). */
struct otlp_resource_facts {
	const char *service_name; /* OTEL_SERVICE_NAME, or NULL */
	const char *resource_attributes; /* OTEL_RESOURCE_ATTRIBUTES, or NULL */
	const char *host_name; /* uname nodename */
	const char *host_id; /* /etc/machine-id, or NULL */
	const char *host_arch; /* uname machine, mapped to OTel values */
	const char *k8s_node_name; /* K8S_NODE_NAME, or NULL */
	const char *os_version; /* uname release (the kernel), or NULL */
};

/*
 * Build the resource: OTEL_RESOURCE_ATTRIBUTES first, then the detected
 * attributes (service.version, host.*, os.type, os.version,
 * k8s.node.name) and
 * service.name (OTEL_SERVICE_NAME wins over a service.name in the
 * attributes, "mfd-agent" is the default), as the SDK spec orders them.
 * A malformed OTEL_RESOURCE_ATTRIBUTES is discarded whole; *attrs_bad says
 * so (the shell warns). 0 or -ENOMEM.
 */
int otlp_resource_build(struct otlp_resource *r,
			const struct otlp_resource_facts *f, bool *attrs_bad);

/* OTel host.arch value for a uname machine string ("x86_64" -> "amd64"). */
const char *otlp_host_arch(const char *machine);

/*
 * Encode every point of st (mfd_metrics_walk) as one
 * ExportMetricsServiceRequest. *buf is malloc'ed; *npoints counts data
 * points. 0, -ENOMEM.
 */
int otlp_encode_metrics(const struct otlp_resource *r,
			const struct mfd_state *st, uint8_t **buf, size_t *len,
			size_t *npoints);

/* One extfrag event, as the log encoder needs it. */
struct otlp_log_event {
	struct mfd_extfrag_event ev;
	uint64_t time_unix_nano; /* when it happened (never 0) */
	uint64_t observed_unix_nano; /* when the agent read it */
	char alloc_mt[MFD_KINFO_MT_NAME_LEN]; /* migratetype names */
	char fallback_mt[MFD_KINFO_MT_NAME_LEN];
};

/*
 * Encode n events as LogRecords of one ExportLogsServiceRequest; when
 * suppressed > 0, one more WARN record says how many were left out at cap.
 * now_unix_nano stamps that summary. 0, -ENOMEM, -ENODATA when there is
 * nothing to encode.
 */
int otlp_encode_logs(const struct otlp_resource *r,
		     const struct otlp_log_event *evs, size_t n,
		     uint64_t suppressed, uint64_t cap, uint64_t now_unix_nano,
		     uint8_t **buf, size_t *len);

/*
 * Decode an Export{Metrics,Logs}ServiceResponse body. 0 with *rejected and
 * msg filled (both zero/empty without partial_success); -EBADMSG when the
 * body is not a valid response. An empty body is a valid empty response.
 */
int otlp_decode_response(enum otlp_signal sig, const uint8_t *buf, size_t len,
			 int64_t *rejected, char *msg, size_t msg_len);

/*
 * Parse a Retry-After value (RFC 9110 10.2.3): delay-seconds or an
 * HTTP-date (IMF-fixdate, RFC 850 or asctime form), relative to now.
 * 0 with *secs >= 0 (a date in the past gives 0); -EINVAL otherwise.
 */
int otlp_parse_retry_after(const char *v, time_t now, double *secs);

/* gzip (RFC 1952) in into a malloc'ed *out. 0 or -ENOMEM/-EIO. */
int otlp_gzip(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);

#endif /* MFD_OTLP_ENCODE_H */
