/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_evhttp.h - OTLP/HTTP POSTs to an http:// collector through
 * libevent's HTTP client, on the agent's own loop: one request at a time
 * over one keep-alive connection, names resolved without blocking.
 */
#ifndef MFD_OTLP_EVHTTP_H
#define MFD_OTLP_EVHTTP_H

#include <event2/event.h>

#include "otlp_transport.h"

struct otlp_evhttp;

struct otlp_evhttp *otlp_evhttp_new(struct event_base *base);
/* Start one POST to url (http:// only); headers are "Name: value" strings,
 * NULL-terminated; both are copied. body stays the caller's and must live
 * until done is called: a request that got nothing back on a connection
 * that had carried a response before is sent once more on a new one. done
 * is called from the loop when the request ends, never from inside this
 * call; timeout_ms bounds the whole request, a retry included.
 * 0, or -EBUSY (one in flight), -EINVAL, -EPROTONOSUPPORT, -ENOMEM, -EIO. */
int otlp_evhttp_post(struct otlp_evhttp *h, const char *url,
		     const char *const *headers, const uint8_t *body,
		     size_t len, long timeout_ms, otlp_http_done_fn done,
		     void *arg);
bool otlp_evhttp_busy(const struct otlp_evhttp *h);
/* Abort what is in flight (done is not called) and free. */
void otlp_evhttp_free(struct otlp_evhttp *h);

#endif /* MFD_OTLP_EVHTTP_H */
