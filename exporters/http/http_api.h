/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http_api.h - the pure parts of the HTTP server (exporters/http/http.c):
 * request routing and query validation, request framing, content
 * negotiation, the listen
 * address, the health verdict, the events and forecast documents. No I/O here, so
 * unit tests and tests/fuzz/fuzz_http.c feed them directly.
 */
#ifndef MFD_HTTP_API_H
#define MFD_HTTP_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "state.h"

/* Upper bound of /api/v1/history?minutes=N (one week). */
#define MFD_HTTP_MAX_MINUTES 10080

enum mfd_route {
	MFD_ROUTE_NONE = 0, /* answer with status and why */
	MFD_ROUTE_METRICS, /* /metrics */
	MFD_ROUTE_HEALTHZ, /* /healthz */
	MFD_ROUTE_SNAPSHOT, /* /api/v1/snapshot */
	MFD_ROUTE_HISTORY, /* /api/v1/history[?minutes=N|?since=T] */
	MFD_ROUTE_EVENTS, /* /api/v1/events */
	MFD_ROUTE_FORECAST, /* /api/v1/forecast */
	MFD_ROUTE_ASSET, /* an embedded dashboard file */
};

/* An embedded dashboard file (generated at build time from exporters/http/web). */
struct mfd_web_asset {
	const char *path; /* URL path, "/" for index.html */
	const char *type; /* Content-Type */
	const unsigned char *data;
	size_t len;
};

extern const struct mfd_web_asset mfd_web_assets[]; /* ends with path NULL */

struct mfd_http_req {
	enum mfd_route route;
	int status; /* 200, or the 4xx to answer with */
	bool head; /* HEAD: headers only */
	int minutes; /* history window; 0: everything retained */
	uint64_t since; /* history after this unix ns time (have_since) */
	bool have_since; /* ?since=T paging */
	const struct mfd_web_asset *asset; /* MFD_ROUTE_ASSET */
	char why[128]; /* for errors: a one-line reason */
};

/*
 * Route one request. method is the request method's name ("GET"), uri
 * the raw request target ("/api/v1/history?minutes=5"). Never fails:
 * unknown paths give 404, other methods 405, bad queries 400, each with
 * why[] set. assets may be NULL (no dashboard).
 */
void mfd_http_route(const char *method, const char *uri,
		    const struct mfd_web_asset *assets,
		    struct mfd_http_req *out);

/*
 * Framing a proxy in front of the server might read differently from
 * evhttp (request smuggling, RFC 9112 6.3 and 11.2): evhttp takes the
 * first of several Content-Length headers, ignores a name with a space
 * before its colon ("Content-Length : 5") and uses Content-Length next to
 * a Transfer-Encoding it does not know. No route takes a body, so any
 * Transfer-Encoding is refused too. Feed every header of a request to
 * _add(), in order, then _verdict() is NULL or why the request must get
 * 400 and its connection be closed.
 */
struct mfd_http_framing {
	int content_length; /* Content-Length headers seen */
	int transfer_encoding; /* Transfer-Encoding headers seen */
	int host; /* Host headers seen */
	const char *bad; /* the first defect of a single header */
};

void mfd_http_framing_add(struct mfd_http_framing *f, const char *name,
			  const char *value);
const char *mfd_http_framing_verdict(const struct mfd_http_framing *f);

/* True when an Accept header prefers OpenMetrics over the text format
 * (q values honoured; NULL or empty means text). */
bool mfd_http_wants_openmetrics(const char *accept);

/* Split "ADDR:PORT" ("127.0.0.1:9464", "[::1]:9464", "0.0.0.0:80") into
 * host and port. 0, or -EINVAL with why[] saying what is wrong. */
int mfd_http_parse_listen(const char *s, char *host, size_t host_len,
			  uint16_t *port, char *why, size_t why_len);

/* The health verdict: 200 while good samples arrive, 503 before the
 * first one or once none came for 3 intervals + 1 s. body[] gets a short
 * JSON object saying why. */
int mfd_http_health(const struct mfd_state *st, uint64_t now_mono_ns,
		    char *body, size_t len);

/* Per-process extfrag table (top max_procs) and the recent events, as
 * the /api/v1/events document (docs/http.md, "JSON API"). New reference or
 * NULL on ENOMEM. */
json_t *mfd_http_events_json(const struct mfd_state *st, size_t max_procs,
			     size_t max_recent);

/* The exhaustion forecast (st->forecast, model/forecast.h) per zone and
 * node of the latest snapshot, as the /api/v1/forecast document
 * (docs/http.md, "JSON API"). New reference, or NULL without a snapshot
 * or forecast, or on ENOMEM. */
json_t *mfd_http_forecast_json(const struct mfd_state *st);

#endif /* MFD_HTTP_API_H */
