/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_transport.h - what an HTTP POST of the OTLP exporter ends with,
 * whichever client carried it (otlp_evhttp.c for plain HTTP, libcurl in
 * otlp_http.c for TLS and proxies).
 */
#ifndef MFD_OTLP_TRANSPORT_H
#define MFD_OTLP_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct otlp_http_result {
	bool failed; /* no response: refused, reset, timed out, DNS... */
	long status; /* HTTP status, 0 without a response */
	const uint8_t *body; /* response body (capped) */
	size_t body_len;
	const char *retry_after; /* Retry-After header value, or NULL */
	const char *error; /* why, when failed */
	unsigned resent; /* sent again at once on a new connection after
			  * the kept one closed under it */
};

typedef void (*otlp_http_done_fn)(void *arg, const struct otlp_http_result *r);

/* TLS settings; NULL strings are unset. */
struct otlp_tls {
	const char *ca_file;
	const char *client_cert;
	const char *client_key;
	bool insecure;
};

#endif /* MFD_OTLP_TRANSPORT_H */
