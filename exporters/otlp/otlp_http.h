/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_http.h - HTTP POSTs through libcurl's multi interface, driven by the
 * agent's libevent base (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION): a slow or
 * hung collector costs the loop nothing but a socket event.
 */
#ifndef MFD_OTLP_HTTP_H
#define MFD_OTLP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "curl_api.h"
#include <event2/event.h>

struct otlp_http;

struct otlp_http_result {
	CURLcode code; /* CURLE_OK when a response arrived */
	long status; /* HTTP status, 0 without a response */
	const uint8_t *body; /* response body (capped) */
	size_t body_len;
	const char *retry_after; /* Retry-After header value, or NULL */
	const char *error; /* curl's message when code != CURLE_OK */
};

typedef void (*otlp_http_done_fn)(void *arg, const struct otlp_http_result *r);

/* TLS settings; NULL strings are unset. */
struct otlp_tls {
	const char *ca_file;
	const char *client_cert;
	const char *client_key;
	bool insecure;
};

struct otlp_http *otlp_http_new(struct event_base *base);
/* Start one POST; done is called from the loop when it ends (never from
 * inside this call). headers is borrowed until then. 0 or -errno. */
int otlp_http_post(struct otlp_http *h, const char *url,
		   const struct curl_slist *headers, const uint8_t *body,
		   size_t len, long timeout_ms, const struct otlp_tls *tls,
		   otlp_http_done_fn done, void *arg);
bool otlp_http_busy(const struct otlp_http *h);
/* Abort what is in flight (done is not called) and free. */
void otlp_http_free(struct otlp_http *h);

#endif /* MFD_OTLP_HTTP_H */
