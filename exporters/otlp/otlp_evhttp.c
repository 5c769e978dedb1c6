// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_evhttp.c - plain-HTTP POSTs through libevent's own HTTP client
 * (see otlp_evhttp.h). libevent is already the agent's loop; its client
 * keeps one keep-alive connection, resolves names with evdns (the
 * resolv.conf search list and ndots a pod relies on, never blocking the
 * loop), and costs no memory beyond the request. libcurl with its TLS
 * stack costs about 8.7 MiB of RSS once loaded, more than the rest of the
 * agent, so it is loaded only for what this client cannot do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "otlp_evhttp.h"

#define BODY_CAP 4096 /* response bytes kept: partial_success or an error */
#define MAX_HEADERS_SIZE (16 * 1024) /* a collector's response headers */

struct otlp_evhttp {
	struct event_base *base;
	struct evdns_base *dns;
	struct evhttp_connection *conn;
	char conn_host[256]; /* what conn is connected to */
	int conn_port;
	struct evhttp_request *req; /* in flight, or NULL */
	struct event *deadline; /* the request's whole-time limit */
	struct event *done_ev; /* delivers results outside evhttp callbacks */
	otlp_http_done_fn done;
	void *done_arg;
	uint8_t body[BODY_CAP];
	size_t body_len;
	char retry_after[128];
	bool have_retry_after;
	char error[512];
	bool failed; /* no response: error holds why */
	long status;
	long timeout_ms;
};

static const char *req_error_text(enum evhttp_request_error e)
{
	switch (e) {
	case EVREQ_HTTP_TIMEOUT:
		return "timed out";
	case EVREQ_HTTP_EOF:
		return "connection refused or closed before a response";
	case EVREQ_HTTP_INVALID_HEADER:
		return "invalid response header";
	case EVREQ_HTTP_BUFFER_ERROR:
		return "connection error while sending or receiving";
	case EVREQ_HTTP_REQUEST_CANCEL:
		return "request cancelled";
	case EVREQ_HTTP_DATA_TOO_LONG:
		return "response too large";
	}
	return "unknown HTTP client error";
}

static void finish(struct otlp_evhttp *h)
{
	h->req = NULL;
	evtimer_del(h->deadline);
	event_active(h->done_ev, EV_TIMEOUT, 0);
}

static void keep_body(struct otlp_evhttp *h, struct evbuffer *in)
{
	size_t room = BODY_CAP - h->body_len;
	ev_ssize_t n;

	if (room) {
		n = evbuffer_remove(in, h->body + h->body_len, room);
		if (n > 0)
			h->body_len += (size_t)n;
	}
	evbuffer_drain(in, evbuffer_get_length(in)); /* the rest is dropped */
}

static void on_chunk(struct evhttp_request *req, void *arg)
{
	keep_body(arg, evhttp_request_get_input_buffer(req));
}

/* Why a request got no response: libevent's class of error, made precise
 * where the connection knows more (a name that did not resolve, the
 * socket's errno). */
static void on_error(enum evhttp_request_error e, void *arg)
{
	struct otlp_evhttp *h = arg;
	int sock_err = EVUTIL_SOCKET_ERROR();
	struct bufferevent *bev =
		h->conn ? evhttp_connection_get_bufferevent(h->conn) : NULL;
	int dns_err = bev ? bufferevent_socket_get_dns_error(bev) : 0;

	h->failed = true;
	if (h->error[0])
		return;
	if (dns_err)
		snprintf(h->error, sizeof(h->error), "cannot resolve %s: %s",
			 h->conn_host, evutil_gai_strerror(dns_err));
	else if (e == EVREQ_HTTP_EOF && sock_err)
		snprintf(h->error, sizeof(h->error), "%s (%s)",
			 req_error_text(e),
			 evutil_socket_error_to_string(sock_err));
	else
		snprintf(h->error, sizeof(h->error), "%s", req_error_text(e));
}

static void on_response(struct evhttp_request *req, void *arg)
{
	struct otlp_evhttp *h = arg;
	const char *ra;

	if (!req || h->failed || !evhttp_request_get_response_code(req)) {
		h->failed = true;
		if (!h->error[0])
			snprintf(h->error, sizeof(h->error), "%s",
				 req_error_text(EVREQ_HTTP_EOF));
		finish(h);
		return;
	}
	h->status = evhttp_request_get_response_code(req);
	keep_body(h, evhttp_request_get_input_buffer(req));
	ra = evhttp_find_header(evhttp_request_get_input_headers(req),
				"Retry-After");
	if (ra) {
		snprintf(h->retry_after, sizeof(h->retry_after), "%s", ra);
		h->have_retry_after = true;
	}
	finish(h);
}

/* The request's whole time is up: cancel it (its connection is reset, its
 * callback not called) and report. */
static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct otlp_evhttp *h = arg;

	(void)fd;
	(void)what;
	if (!h->req)
		return;
	evhttp_cancel_request(h->req);
	snprintf(h->error, sizeof(h->error),
		 "no response within %ld ms (timed out)", h->timeout_ms);
	h->failed = true;
	finish(h);
}

static void on_done_ev(evutil_socket_t fd, short what, void *arg)
{
	struct otlp_evhttp *h = arg;
	struct otlp_http_result r = {
		.failed = h->failed,
		.status = h->failed ? 0 : h->status,
		.body = h->body,
		.body_len = h->body_len,
		.retry_after = h->have_retry_after ? h->retry_after : NULL,
		.error = h->failed ? h->error : NULL,
	};
	otlp_http_done_fn done = h->done;

	(void)fd;
	(void)what;
	h->done = NULL;
	if (done)
		done(h->done_arg, &r);
}

struct otlp_evhttp *otlp_evhttp_new(struct event_base *base)
{
	struct otlp_evhttp *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->base = base;
	h->deadline = evtimer_new(base, on_deadline, h);
	h->done_ev = event_new(base, -1, 0, on_done_ev, h);
	if (!h->deadline || !h->done_ev) {
		otlp_evhttp_free(h);
		errno = ENOMEM;
		return NULL;
	}
	return h;
}

/* The resolver is made on first use: /etc/resolv.conf is read then, and a
 * configuration that names an IP address never needs it. */
static struct evdns_base *dns_base(struct otlp_evhttp *h)
{
	if (!h->dns)
		h->dns = evdns_base_new(h->base,
					EVDNS_BASE_INITIALIZE_NAMESERVERS);
	return h->dns;
}

/* One keep-alive connection, replaced when the address changes. */
static struct evhttp_connection *connection(struct otlp_evhttp *h,
					    const char *host, int port)
{
	if (h->conn && h->conn_port == port && !strcmp(h->conn_host, host))
		return h->conn;
	if (h->conn)
		evhttp_connection_free(h->conn);
	h->conn = NULL;
	if (strlen(host) >= sizeof(h->conn_host) || !dns_base(h))
		return NULL;
	h->conn = evhttp_connection_base_new(h->base, h->dns, host,
					     (unsigned short)port);
	if (!h->conn)
		return NULL;
	snprintf(h->conn_host, sizeof(h->conn_host), "%s", host);
	h->conn_port = port;
	evhttp_connection_set_retries(h->conn, 0);
	evhttp_connection_set_max_headers_size(h->conn, MAX_HEADERS_SIZE);
	return h->conn;
}

/* The URL's host as the resolver wants it: an IPv6 literal comes in
 * brackets, which the Host header keeps and the resolver does not. */
static int bare_host(char *out, size_t len, const char *host)
{
	size_t n = strlen(host);

	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (!n || n >= len)
		return -EINVAL;
	memcpy(out, host, n);
	out[n] = '\0';
	return 0;
}

static int add_headers(struct evkeyvalq *out, const char *const *headers)
{
	for (; headers && *headers; headers++) {
		const char *colon = strchr(*headers, ':');
		char name[128];
		size_t n;

		if (!colon || (n = (size_t)(colon - *headers)) >= sizeof(name))
			return -EINVAL;
		memcpy(name, *headers, n);
		name[n] = '\0';
		colon++;
		while (*colon == ' ')
			colon++;
		if (evhttp_add_header(out, name, colon))
			return -EINVAL;
	}
	return 0;
}

/* Base64 (RFC 4648, with padding) of n bytes: out holds 4 * ((n + 2) / 3)
 * + 1 bytes. Twenty lines where no library the agent links offers it. */
static void base64(char *out, const unsigned char *in, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789+/";

	for (; n >= 3; in += 3, n -= 3) {
		*out++ = tab[in[0] >> 2];
		*out++ = tab[(in[0] & 3) << 4 | in[1] >> 4];
		*out++ = tab[(in[1] & 15) << 2 | in[2] >> 6];
		*out++ = tab[in[2] & 63];
	}
	if (n) {
		*out++ = tab[in[0] >> 2];
		*out++ = tab[(in[0] & 3) << 4 | (n > 1 ? in[1] >> 4 : 0)];
		*out++ = n > 1 ? tab[(in[1] & 15) << 2] : '=';
		*out++ = '=';
	}
	*out = '\0';
}

/* user:password in the URL becomes HTTP Basic credentials, as libcurl
 * makes them, unless an Authorization header is configured (which then
 * wins, as with libcurl). The decoded and encoded secrets are cleared. */
static int add_basic_auth(struct evkeyvalq *out, const struct evhttp_uri *u)
{
	const char *userinfo = evhttp_uri_get_userinfo(u);
	char *plain, *b64, *line;
	size_t n;
	int err = -ENOMEM;

	if (!userinfo || evhttp_find_header(out, "Authorization"))
		return 0;
	plain = evhttp_uridecode(userinfo, 0, &n);
	if (!plain)
		return -ENOMEM;
	b64 = malloc(4 * ((n + 2) / 3) + 1);
	line = malloc(4 * ((n + 2) / 3) + 7);
	if (b64 && line) {
		base64(b64, (const unsigned char *)plain, n);
		snprintf(line, 4 * ((n + 2) / 3) + 7, "Basic %s", b64);
		err = evhttp_add_header(out, "Authorization", line) ? -EINVAL :
								      0;
		explicit_bzero(b64, strlen(b64));
		explicit_bzero(line, strlen(line));
	}
	explicit_bzero(plain, n);
	free(plain);
	free(b64);
	free(line);
	return err;
}

/* The request line's target: path and query of url. */
static void request_target(char *out, size_t len, const struct evhttp_uri *u)
{
	const char *path = evhttp_uri_get_path(u);
	const char *query = evhttp_uri_get_query(u);

	snprintf(out, len, "%s%s%s", path && *path ? path : "/",
		 query ? "?" : "", query ? query : "");
}

static int start(struct otlp_evhttp *h, const struct evhttp_uri *u,
		 const char *const *headers, const uint8_t *body, size_t len)
{
	const char *host = evhttp_uri_get_host(u);
	int port = evhttp_uri_get_port(u) < 0 ? 80 : evhttp_uri_get_port(u);
	struct evhttp_connection *conn;
	struct evhttp_request *req;
	struct evkeyvalq *out;
	char target[2048], hosthdr[300], name[256];
	struct timeval tv = { .tv_sec = h->timeout_ms / 1000,
			      .tv_usec = (h->timeout_ms % 1000) * 1000 };

	if (!host || bare_host(name, sizeof(name), host))
		return -EINVAL;
	conn = connection(h, name, port);
	if (!conn)
		return -ENOMEM;
	evhttp_connection_set_timeout_tv(conn, &tv);
	req = evhttp_request_new(on_response, h);
	if (!req)
		return -ENOMEM;
	evhttp_request_set_chunked_cb(req, on_chunk);
	evhttp_request_set_error_cb(req, on_error);
	out = evhttp_request_get_output_headers(req);
	snprintf(hosthdr, sizeof(hosthdr), "%s:%d", host, port);
	if (evhttp_add_header(out, "Host", hosthdr) ||
	    evhttp_add_header(out, "User-Agent", "mfd-agent/" MFD_VERSION) ||
	    add_headers(out, headers) || add_basic_auth(out, u) ||
	    evbuffer_add(evhttp_request_get_output_buffer(req), body, len)) {
		evhttp_request_free(req);
		return -EINVAL;
	}
	request_target(target, sizeof(target), u);
	h->req = req;
	/* On failure the connection has freed req. */
	if (evhttp_make_request(conn, req, EVHTTP_REQ_POST, target)) {
		h->req = NULL;
		return -EIO;
	}
	evtimer_add(h->deadline, &tv);
	return 0;
}

int otlp_evhttp_post(struct otlp_evhttp *h, const char *url,
		     const char *const *headers, const uint8_t *body,
		     size_t len, long timeout_ms, otlp_http_done_fn done,
		     void *arg)
{
	struct evhttp_uri *u;
	int err;

	if (h->req || h->done)
		return -EBUSY;
	u = evhttp_uri_parse_with_flags(url, 0);
	if (!u)
		return -EINVAL;
	if (!evhttp_uri_get_scheme(u) ||
	    strcasecmp(evhttp_uri_get_scheme(u), "http")) {
		evhttp_uri_free(u);
		return -EPROTONOSUPPORT;
	}
	h->body_len = 0;
	h->have_retry_after = false;
	h->error[0] = '\0';
	h->failed = false;
	h->status = 0;
	h->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
	h->done = done;
	h->done_arg = arg;
	err = start(h, u, headers, body, len);
	evhttp_uri_free(u);
	if (err)
		h->done = NULL;
	return err;
}

bool otlp_evhttp_busy(const struct otlp_evhttp *h)
{
	return h->req || h->done;
}

void otlp_evhttp_free(struct otlp_evhttp *h)
{
	if (!h)
		return;
	if (h->req)
		evhttp_cancel_request(h->req);
	if (h->conn)
		evhttp_connection_free(h->conn);
	if (h->dns)
		evdns_base_free(h->dns, 0);
	if (h->deadline)
		event_free(h->deadline);
	if (h->done_ev)
		event_free(h->done_ev);
	free(h);
}
