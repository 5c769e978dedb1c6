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
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#define LOG_COMPONENT "otlp"
#include "log.h"
#include "otlp_evhttp.h"

#define BODY_CAP 4096 /* response bytes kept: partial_success or an error */
#define MAX_HEADERS_SIZE (16 * 1024) /* a collector's response headers */

struct otlp_evhttp {
	struct event_base *base;
	struct evdns_base *dns;
	struct evhttp_connection *conn;
	char conn_host[256]; /* what conn is connected to */
	int conn_port;
	unsigned conn_served; /* responses conn has carried */
	bool conn_close; /* the peer ends conn after this response */
	struct evhttp_request *req; /* in flight, or NULL */
	/* The request, kept for the one retry on a new connection: url and
	 * headers copied (a reload frees the caller's), the body not. */
	char *url;
	char **headers;
	const uint8_t *req_body;
	size_t req_len;
	bool reused; /* sent on a connection that had served before */
	bool retried;
	bool retry_ok; /* failed with nothing back: worth a new connection */
	struct timeval t_end; /* the whole request's deadline */
	bool dns_warned;
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
	h->retry_ok = !dns_err &&
		      (e == EVREQ_HTTP_EOF || e == EVREQ_HTTP_BUFFER_ERROR);
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

/* Whether the collector closes the connection after this response:
 * "Connection: close", or HTTP/1.0 without "Connection: keep-alive".
 * libevent 2.1 keeps an HTTP/1.0 connection open and would send the next
 * request into the closing socket; http_struct.h is its only way to the
 * response's version. */
static bool peer_closes(const struct evhttp_request *req)
{
	const char *c = evhttp_find_header(
		evhttp_request_get_input_headers((struct evhttp_request *)req),
		"Connection");

	if (c)
		return !strcasecmp(c, "close") ||
		       (req->major == 1 && req->minor == 0 &&
			strcasecmp(c, "keep-alive"));
	return req->major == 1 && req->minor == 0;
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
	h->conn_served++;
	h->conn_close = peer_closes(req);
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

static int attempt(struct otlp_evhttp *h, long timeout_ms);

/* The request ended. The connection goes when the collector closes it or
 * when it failed. A request that got nothing back on a connection that had
 * already carried a response is sent once more on a new one: the collector
 * may have closed the idle connection as the request went out (what curl
 * and browsers do too). */
static void on_done_ev(evutil_socket_t fd, short what, void *arg)
{
	struct otlp_evhttp *h = arg;
	struct otlp_http_result r = { 0 };
	otlp_http_done_fn done = h->done;
	struct timeval now, rest;
	long left;

	(void)fd;
	(void)what;
	if (h->conn && (h->conn_close || h->failed)) {
		evhttp_connection_free(h->conn);
		h->conn = NULL;
	}
	if (h->failed && h->retry_ok && h->reused && !h->retried) {
		evutil_gettimeofday(&now, NULL);
		evutil_timersub(&h->t_end, &now, &rest);
		left = rest.tv_sec * 1000 + rest.tv_usec / 1000;
		h->retried = true;
		if (left > 0) {
			int err = attempt(h, left);

			if (!err)
				return;
			h->failed = true;
			snprintf(h->error, sizeof(h->error),
				 "connection closed; a new one could not "
				 "start: %s",
				 strerror(-err));
		}
	}
	r.failed = h->failed;
	r.status = h->failed ? 0 : h->status;
	r.body = h->body;
	r.body_len = h->body_len;
	r.retry_after = h->have_retry_after ? h->retry_after : NULL;
	r.error = h->failed ? h->error : NULL;
	r.resent = h->retried;
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
 * configuration that names an IP address never needs it. Without a usable
 * resolv.conf (a bare chroot) libevent makes none; names then go to the C
 * library's resolver, which blocks the loop while it works, said once. */
static struct evdns_base *dns_base(struct otlp_evhttp *h, const char *host)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (evutil_inet_pton(AF_INET, host, &a4) == 1 ||
	    evutil_inet_pton(AF_INET6, host, &a6) == 1)
		return NULL;
	if (!h->dns)
		h->dns = evdns_base_new(h->base,
					EVDNS_BASE_INITIALIZE_NAMESERVERS);
	if (!h->dns && !h->dns_warned) {
		log_warn(
			"no DNS resolver from /etc/resolv.conf: %s is resolved "
			"by the C library, blocking the loop meanwhile",
			host);
		h->dns_warned = true;
	}
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
	if (strlen(host) >= sizeof(h->conn_host))
		return NULL;
	h->conn = evhttp_connection_base_new(h->base, dns_base(h, host), host,
					     (unsigned short)port);
	if (!h->conn)
		return NULL;
	snprintf(h->conn_host, sizeof(h->conn_host), "%s", host);
	h->conn_port = port;
	h->conn_served = 0;
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
		 long timeout_ms)
{
	const char *host = evhttp_uri_get_host(u);
	int port = evhttp_uri_get_port(u) < 0 ? 80 : evhttp_uri_get_port(u);
	struct evhttp_connection *conn;
	struct evhttp_request *req;
	struct evkeyvalq *out;
	char target[2048], hosthdr[300], name[256];
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (timeout_ms % 1000) * 1000 };

	if (!host || bare_host(name, sizeof(name), host))
		return -EINVAL;
	conn = connection(h, name, port);
	if (!conn)
		return -ENOMEM;
	h->reused = h->conn_served > 0;
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
	    add_headers(out, (const char *const *)h->headers) ||
	    add_basic_auth(out, u) ||
	    evbuffer_add(evhttp_request_get_output_buffer(req), h->req_body,
			 h->req_len)) {
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

/* One attempt at the request h holds, within timeout_ms. */
static int attempt(struct otlp_evhttp *h, long timeout_ms)
{
	struct evhttp_uri *u;
	int err;

	u = evhttp_uri_parse_with_flags(h->url, 0);
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
	h->retry_ok = false;
	h->conn_close = false;
	h->status = 0;
	err = start(h, u, timeout_ms);
	evhttp_uri_free(u);
	return err;
}

static void free_request(struct otlp_evhttp *h)
{
	for (size_t i = 0; h->headers && h->headers[i]; i++)
		free(h->headers[i]);
	free(h->headers);
	free(h->url);
	h->headers = NULL;
	h->url = NULL;
}

static int copy_request(struct otlp_evhttp *h, const char *url,
			const char *const *headers)
{
	size_t n = 0;

	free_request(h);
	while (headers && headers[n])
		n++;
	h->url = strdup(url);
	h->headers = calloc(n + 1, sizeof(*h->headers));
	if (!h->url || !h->headers)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!(h->headers[i] = strdup(headers[i])))
			return -ENOMEM;
	return 0;
}

int otlp_evhttp_post(struct otlp_evhttp *h, const char *url,
		     const char *const *headers, const uint8_t *body,
		     size_t len, long timeout_ms, otlp_http_done_fn done,
		     void *arg)
{
	struct timeval now, tv;
	int err;

	if (h->req || h->done)
		return -EBUSY;
	if (copy_request(h, url, headers))
		return -ENOMEM;
	h->req_body = body;
	h->req_len = len;
	h->retried = false;
	h->timeout_ms = timeout_ms > 0 ? timeout_ms : 1;
	tv.tv_sec = h->timeout_ms / 1000;
	tv.tv_usec = (h->timeout_ms % 1000) * 1000;
	evutil_gettimeofday(&now, NULL);
	evutil_timeradd(&now, &tv, &h->t_end);
	h->done = done;
	h->done_arg = arg;
	err = attempt(h, h->timeout_ms);
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
	free_request(h);
	free(h);
}
