/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_curl.h - HTTP POSTs through libcurl's multi interface, driven by the
 * agent's libevent base (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION): a slow or
 * hung collector costs the loop nothing but a socket event. Used for what
 * libevent's client (otlp_evhttp.h) cannot do: TLS and proxies. libcurl
 * must be loaded first (mfd_curl_load()).
 */
#ifndef MFD_OTLP_CURL_H
#define MFD_OTLP_CURL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "curl_api.h"
#include "otlp_transport.h"
#include <event2/event.h>

struct otlp_curl;

struct otlp_curl *otlp_curl_new(struct event_base *base);
/* Start one POST; done is called from the loop when it ends (never from
 * inside this call). headers ("Name: value", NULL-terminated) are copied.
 * 0 or -errno. */
int otlp_curl_post(struct otlp_curl *h, const char *url,
		   const char *const *headers, const uint8_t *body, size_t len,
		   long timeout_ms, const struct otlp_tls *tls,
		   otlp_http_done_fn done, void *arg);
bool otlp_curl_busy(const struct otlp_curl *h);
/* Abort what is in flight (done is not called) and free. */
void otlp_curl_free(struct otlp_curl *h);

#endif /* MFD_OTLP_CURL_H */
