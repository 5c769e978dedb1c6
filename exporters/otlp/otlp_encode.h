/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_encode.h - the OTLP protobuf messages: encoders of metrics and
 * logs requests and the response decoder, pure functions over plain
 * structs, no I/O (unit tests and fuzz harnesses call them).
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

#include "kinfo.h"
#include "resource.h"
#include "state.h"

enum otlp_signal {
	OTLP_METRICS = 0,
	OTLP_LOGS,
	OTLP_SIGNALS,
};

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

#endif /* MFD_OTLP_ENCODE_H */
