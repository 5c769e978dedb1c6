/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_http.h - the OTLP exporter's HTTP client: one POST at a time, on
 * the agent's loop, carried by whichever client the URL needs.
 *
 * A plain http:// collector (the in-cluster case) goes through libevent's
 * own client (otlp_evhttp.c), which the agent has linked anyway. https://,
 * or a proxy named by the environment (http_proxy, all_proxy and their
 * upper-case forms, which libcurl honours), goes through libcurl
 * (otlp_curl.c), loaded only then: with its TLS stack it costs about
 * 8.7 MiB of resident memory, more than the rest of the agent.
 */
#ifndef MFD_OTLP_HTTP_H
#define MFD_OTLP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>

#include "otlp_transport.h"

struct otlp_http;

/* Whether url needs libcurl (see above). getenv_fn reads the environment
 * (getenv, or a test's table). */
bool otlp_http_needs_curl(const char *url,
			  const char *(*getenv_fn)(const char *name));
/* Load libcurl and initialise it, once: 0, or -errno with why saying
 * which library could not be used and why (missing, incomplete). */
int otlp_http_load_curl(char *why, size_t why_len);
/* One otlp_http_load_curl() fewer; libcurl is cleaned up after the last
 * (it stays mapped: its TLS libraries register atexit handlers). */
void otlp_http_unload_curl(void);

struct otlp_http *otlp_http_new(struct event_base *base);
/* Start one POST to url; done is called from the loop when it ends (never
 * from inside this call). url, headers ("Name: value", NULL-terminated) and
 * tls are copied or used only during the call; body must stay valid until
 * done is called. A URL that needs libcurl
 * fails with -ELIBACC unless otlp_http_load_curl() succeeded. 0 or
 * -errno. */
int otlp_http_post(struct otlp_http *h, const char *url,
		   const char *const *headers, const uint8_t *body, size_t len,
		   long timeout_ms, const struct otlp_tls *tls,
		   otlp_http_done_fn done, void *arg);
bool otlp_http_busy(const struct otlp_http *h);
/* Abort what is in flight (done is not called) and free. */
void otlp_http_free(struct otlp_http *h);

#endif /* MFD_OTLP_HTTP_H */
