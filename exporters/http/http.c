// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http.c - the one HTTP server (libevent evhttp): /metrics for
 * Prometheus, /healthz, the JSON API under /api/v1/ and the embedded
 * dashboard at /.
 *
 * It runs in the loop's thread. on_sample renders every page from the
 * state once and caches it; a request only references a cached buffer, so
 * a scrape never triggers collection, any number of concurrent scrapes
 * see the same, complete page, and a client that does not read holds no
 * copy of its own. Only /healthz (the age of the last good sample) and
 * /api/v1/history (a window of the ring) are computed per request, both
 * from memory.
 *
 * The server is bounded, because anything in the cluster may reach it
 * (docs/http.md, "Bounds"). libevent 2.1's evhttp has no connection limit
 * and no whole-request deadline (its one timeout restarts with every
 * byte), and keeps reading pipelined requests while it writes a reply, so
 * the bounds are enforced around it:
 *  - every connection gets its bufferevent from us (evhttp_set_bevcb),
 *    with a read high-watermark: evhttp handles one request at a time and
 *    the bytes of the next ones wait in that bounded buffer, then in the
 *    kernel;
 *  - a per-connection timer gives each phase a deadline: idle (no request
 *    under way), header (first byte to whole request; bodies are refused,
 *    so that is the whole request) and write (request to reply taken);
 *  - past --http-max-connections the connection that has waited longest
 *    without a request under way is closed for the new one (a slowloris
 *    cannot starve Prometheus), or, with none, the new one gets a 503;
 *  - a failing accept() (EMFILE...) pauses the listener with a backoff
 *    instead of spinning on the readable listening socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#define LOG_COMPONENT "http"
#include "exporter.h"
#include "format.h"
#include "history.h"
#include "http.h"
#include "http_api.h"
#include "log.h"
#include "prometheus.h"

#define HTTP_EVENTS_PROCS 50 /* processes in /api/v1/events */
/* File descriptors left to the rest of the agent when the default
 * --http-max-connections is cut to fit RLIMIT_NOFILE. */
#define HTTP_FD_RESERVE 64
/* accept() failures pause the listener this long, doubling up to the
 * maximum while they go on. */
#define HTTP_ACCEPT_PAUSE_MIN_MS 50
#define HTTP_ACCEPT_PAUSE_MAX_MS 2000
/* Kernel send buffer per connection (the kernel doubles it). TCP
 * autotuning would let it reach net.ipv4.tcp_wmem's maximum (4 MiB by
 * default) for a client that does not read, and socket memory is charged
 * to the pod's memory cgroup; 128 KiB still covers 1 Gbit/s at 1 ms. */
#define HTTP_SNDBUF (128 * 1024)
/* A reply still queued in the agent this long after it was sent counts
 * as not being read (see conn_victim). */
#define HTTP_STALLED_NS (100 * 1000000ull)
/* The documents a scrape or an API call reads. Each is rendered from the
 * state when first asked for after a sample and kept until the next
 * sample: a scrape never triggers collection, and an agent nobody scrapes
 * renders nothing. */
enum http_doc {
	DOC_PROM_TEXT = 0,
	DOC_PROM_OM,
	DOC_SNAPSHOT,
	DOC_EVENTS,
	DOC_COUNT,
};

/* A rendered document, shared by the cache and every reply still
 * sending it: a client that does not read pins a reference, not a copy. */
struct doc {
	unsigned int refs; /* the cache's, plus one per reply in flight */
	size_t len;
	char *buf;
};

struct cached {
	struct doc *doc;
	bool stale; /* a sample came since doc was rendered */
};

/* Where a connection is. Each phase but LINKING has a deadline. */
enum conn_phase {
	CONN_LINKING = 0, /* accepted, evhttp still setting up */
	CONN_IDLE, /* no request under way: idle timeout */
	CONN_HEAD, /* a request is arriving: header timeout */
	CONN_REPLY, /* replying: write timeout */
};

struct conn {
	struct http *h;
	struct bufferevent *bev; /* ours (evhttp_set_bevcb) */
	struct evhttp_connection *evcon; /* NULL while LINKING */
	struct event *timer; /* the phase's deadline */
	struct evbuffer_cb_entry *input_cb; /* notices a request's first byte */
	enum conn_phase phase;
	uint64_t since_ns; /* CLOCK_MONOTONIC when the phase began */
	enum mfd_http_close evict; /* why the timer closes it early */
	bool evicting; /* closed for a newer connection */
	enum conn_phase evict_phase; /* its phase when it was chosen */
	bool refused; /* over the limit with nobody to evict: 503 */
	struct conn *prev, *next;
};

struct http {
	struct evhttp *srv;
	struct event_base *base;
	struct mfd_state *st;
	struct mfd_history hist;
	struct cached doc[DOC_COUNT];
	char listen[256]; /* as configured, to notice a change on SIGHUP */
	uint64_t pushed; /* st->samples when history last grew */
	struct mfd_exporter *e;
	struct mfd_http_stats stats; /* published through st->http */

	/* Bounds (--http-max-*, --http-*-timeout). */
	int max_conns;
	size_t max_input; /* bytes read ahead per connection */
	size_t max_output; /* largest reply held for one connection */
	struct timeval header_tv, idle_tv, write_tv;

	struct conn *conns; /* every open connection */
	struct evconnlistener *listener;
	struct event *accept_timer; /* re-enables a paused listener */
	int accept_pause_ms; /* current pause; 0 while accept() works */
	bool full; /* listener paused until a connection is gone */
};

/* evconnlistener's error callback gets evhttp's argument, not ours: the
 * one server is found here. */
static struct http *the_server;

static void doc_unref(struct doc *d)
{
	if (d && --d->refs == 0) {
		free(d->buf);
		free(d);
	}
}

/* evbuffer_add_reference's cleanup: the reply has been sent or dropped. */
static void doc_release(const void *data, size_t len, void *extra)
{
	(void)data;
	(void)len;
	doc_unref(extra);
}

static void tv_set(struct timeval *tv, double s)
{
	tv->tv_sec = (time_t)s;
	tv->tv_usec = (suseconds_t)((s - (double)tv->tv_sec) * 1e6);
}

static int cached_set(struct cached *c, char *buf, size_t len)
{
	struct doc *d = calloc(1, sizeof(*d));

	if (!d) {
		free(buf);
		return -ENOMEM;
	}
	d->refs = 1;
	d->buf = buf;
	d->len = len;
	doc_unref(c->doc);
	c->doc = d;
	return 0;
}

static char *dump_json(json_t *j, size_t *len)
{
	char *s;

	if (!j)
		return NULL;
	/* The flags of --once --format json (exporters/format.c), plus its
	 * trailing newline, so the bytes are the same. */
	s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(4));
	json_decref(j);
	if (!s)
		return NULL;
	*len = strlen(s);
	{
		char *t = realloc(s, *len + 2);

		if (!t) {
			free(s);
			return NULL;
		}
		s = t;
	}
	s[(*len)++] = '\n';
	s[*len] = '\0';
	return s;
}

static void render_doc(struct http *h, enum http_doc d)
{
	char *buf = NULL;
	size_t len = 0;
	int err = 0;

	switch (d) {
	case DOC_PROM_TEXT:
	case DOC_PROM_OM:
		err = mfd_prom_render(h->st, d == DOC_PROM_OM, &buf, &len);
		break;
	case DOC_SNAPSHOT:
		if (!h->st->have_snap)
			return; /* 503 "no snapshot yet" */
		buf = dump_json(mfd_snapshot_to_json(h->st->snap), &len);
		break;
	case DOC_EVENTS:
		buf = dump_json(mfd_http_events_json(h->st, HTTP_EVENTS_PROCS,
						     h->st->recent.cap),
				&len);
		break;
	case DOC_COUNT:
		return;
	}
	if (err || !buf || cached_set(&h->doc[d], buf, len)) {
		h->e->stats.dropped[MFD_DROP_ENCODE]++;
		return; /* the previous rendering stays */
	}
	h->doc[d].stale = false;
}

static void mark_stale(struct http *h)
{
	for (int d = 0; d < DOC_COUNT; d++)
		h->doc[d].stale = true;
}

static const char *method_name(enum evhttp_cmd_type t)
{
	switch (t) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	case EVHTTP_REQ_TRACE:
		return "TRACE";
	case EVHTTP_REQ_CONNECT:
		return "CONNECT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	}
	return "?"; /* a method evhttp does not know: the router says 405 */
}

/* --- connections ------------------------------------------------------ */

static void conn_set_phase(struct conn *c, enum conn_phase phase)
{
	const struct timeval *tv = phase == CONN_HEAD  ? &c->h->header_tv :
				   phase == CONN_REPLY ? &c->h->write_tv :
							 &c->h->idle_tv;

	c->phase = phase;
	c->since_ns = mfd_now_mono_ns();
	evtimer_add(c->timer, tv);
}

static void conn_free(struct conn *c)
{
	struct http *h = c->h;

	if (c->prev)
		c->prev->next = c->next;
	else
		h->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->timer)
		event_free(c->timer);
	h->stats.open--;
	free(c);
	/* A slot is free again (see on_new_conn); unless accept() itself
	 * is failing, whose pause ends by its own timer. */
	if (h->full && (int)h->stats.open <= h->max_conns) {
		h->full = false;
		if (h->listener && !evtimer_pending(h->accept_timer, NULL))
			evconnlistener_enable(h->listener);
	}
}

/* evhttp closes the connection (client gone, its own error handling, or
 * us): the bufferevent is freed right after this returns. */
static void on_conn_close(struct evhttp_connection *evcon, void *arg)
{
	struct conn *c = arg;

	(void)evcon;
	if (c->input_cb)
		evbuffer_remove_cb_entry(bufferevent_get_input(c->bev),
					 c->input_cb);
	conn_free(c);
}

static struct conn *conn_find(struct http *h, struct evhttp_connection *evcon)
{
	for (struct conn *c = h->conns; c; c = c->next)
		if (c->evcon == evcon)
			return c;
	return NULL;
}

/* A request's first byte starts its header deadline. */
static void on_conn_input(struct evbuffer *buf,
			  const struct evbuffer_cb_info *info, void *arg)
{
	struct conn *c = arg;

	(void)buf;
	if (info->n_added && c->phase == CONN_IDLE)
		conn_set_phase(c, CONN_HEAD);
}

/* Over the limit with nobody to evict: say so, and close. The request
 * has not been read; the kernel may turn the close into a reset, which
 * is a refusal too. */
static void conn_refuse(struct conn *c)
{
#define REFUSED_BODY "{\"error\":\"too many connections; try again later\"}\n"
	static const char msg[] = "HTTP/1.1 503 Service Unavailable\r\n"
				  "Content-Type: application/json\r\n"
				  "Cache-Control: no-store\r\n"
				  "Connection: close\r\n"
				  "Content-Length: 50\r\n\r\n" REFUSED_BODY;
	_Static_assert(sizeof(REFUSED_BODY) - 1 == 50, "Content-Length");
#undef REFUSED_BODY
	struct http *h = c->h;

	if (send(bufferevent_getfd(c->bev), msg, sizeof(msg) - 1,
		 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		(void)0; /* a refusal either way */
	h->stats.closed[MFD_HTTP_CLOSE_OVER_LIMIT]++;
	log_warn_rl("refused a connection: %d are open, every one with a "
		    "reply under way (--http-max-connections)",
		    h->max_conns);
	evhttp_connection_free(c->evcon);
}

/*
 * evhttp has set the new connection up (this runs from the event loop
 * right after the accept). libevent 2.1 offers no hook with the
 * connection at accept time (evhttp_set_newreqcb came in 2.2), so it is
 * found through the bufferevent we gave it: evhttp sets its callbacks
 * with the connection as their argument, which is checked against
 * evhttp_connection_get_bufferevent() before it is used.
 */
static void conn_link(struct conn *c)
{
	bufferevent_event_cb ecb = NULL;
	void *arg = NULL;

	bufferevent_getcb(c->bev, NULL, NULL, &ecb, &arg);
	if (!ecb || !arg || evhttp_connection_get_bufferevent(arg) != c->bev) {
		/* evhttp dropped it already (out of memory): our reference
		 * is the last one. */
		bufferevent_decref(c->bev);
		conn_free(c);
		return;
	}
	c->evcon = arg;
	evhttp_connection_set_closecb(c->evcon, on_conn_close, c);
	bufferevent_decref(c->bev); /* evhttp's reference keeps it now */
	if (c->refused) {
		conn_refuse(c);
		return;
	}
	{
		int sndbuf = HTTP_SNDBUF;

		/* Best effort: without it only autotuning's cap holds. */
		if (setsockopt(bufferevent_getfd(c->bev), SOL_SOCKET, SO_SNDBUF,
			       &sndbuf, sizeof(sndbuf)))
			log_debug_rl("SO_SNDBUF: %s", strerror(errno));
	}
	c->input_cb = evbuffer_add_cb(bufferevent_get_input(c->bev),
				      on_conn_input, c);
	conn_set_phase(c, evbuffer_get_length(bufferevent_get_input(c->bev)) ?
				  CONN_HEAD :
				  CONN_IDLE);
}

/* A reply is under way but the client has stopped taking it: part of it
 * is still queued here a while after it was sent (the kernel's buffer is
 * full). */
static bool conn_stalled(const struct conn *c)
{
	return c->phase == CONN_REPLY &&
	       mfd_now_mono_ns() - c->since_ns > HTTP_STALLED_NS &&
	       evbuffer_get_length(bufferevent_get_output(c->bev)) > 0;
}

/* Who goes for a connection that arrives past the limit: the one that
 * has waited longest without a request under way; else the one whose
 * client stopped taking its reply longest ago; else nobody (NULL): a
 * reply that is flowing is never cut for a newcomer. */
static struct conn *conn_victim(struct http *h)
{
	struct conn *v = NULL, *s = NULL;

	for (struct conn *c = h->conns; c; c = c->next) {
		if (c->evicting)
			continue;
		if (c->phase == CONN_IDLE || c->phase == CONN_HEAD) {
			if (!v || c->since_ns < v->since_ns)
				v = c;
		} else if (conn_stalled(c) &&
			   (!s || c->since_ns < s->since_ns)) {
			s = c;
		}
	}
	v = v ? v : s;
	if (v)
		v->evict_phase = v->phase;
	return v;
}

static void on_conn_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct http *h = c->h;
	enum mfd_http_close why;

	(void)fd;
	(void)what;
	if (c->phase == CONN_LINKING) {
		conn_link(c);
		return;
	}
	/* Chosen for eviction while waiting, but its request came whole in
	 * the meantime: it is being answered, so another one goes instead
	 * (or, with none, the listener stays paused until one closes). */
	if (c->evicting && c->phase == CONN_REPLY &&
	    c->evict_phase != CONN_REPLY) {
		struct conn *v;

		c->evicting = false;
		conn_set_phase(c, CONN_REPLY); /* its write deadline again */
		v = conn_victim(h);
		if (v) {
			v->evicting = true;
			event_active(v->timer, EV_TIMEOUT, 1);
		}
		return;
	}
	why = c->evicting	     ? MFD_HTTP_CLOSE_OVER_LIMIT :
	      c->phase == CONN_HEAD  ? MFD_HTTP_CLOSE_HEADER_TIMEOUT :
	      c->phase == CONN_REPLY ? MFD_HTTP_CLOSE_WRITE_TIMEOUT :
				       MFD_HTTP_CLOSE_IDLE_TIMEOUT;
	h->stats.closed[why]++;
	if (why != MFD_HTTP_CLOSE_IDLE_TIMEOUT)
		log_debug_rl("closing a connection: %s",
			     mfd_http_close_name(why));
	evhttp_connection_free(c->evcon); /* on_conn_close frees c */
}

/* evhttp_set_bevcb: a connection was accepted. */
static struct bufferevent *on_new_conn(struct event_base *base, void *arg)
{
	struct http *h = arg;
	struct bufferevent *bev = bufferevent_socket_new(base, -1, 0);
	struct conn *c = calloc(1, sizeof(*c)), *v;

	/* accept() works again: the next failure starts a short pause. */
	h->accept_pause_ms = 0;
	if (!bev || !c)
		goto fail;
	c->timer = evtimer_new(base, on_conn_timer, c);
	if (!c->timer)
		goto fail;
	c->h = h;
	c->bev = bev;
	c->phase = CONN_LINKING;
	/* Read ahead at most max_input bytes: pipelined requests beyond it
	 * stay in the kernel until evhttp has answered the ones before. */
	bufferevent_setwatermark(bev, EV_READ, 0, h->max_input);
	if ((int)h->stats.open >= h->max_conns) {
		v = conn_victim(h);
		if (v) {
			v->evicting = true;
			event_active(v->timer, EV_TIMEOUT, 1);
			log_warn_rl("%d connections open "
				    "(--http-max-connections): closing the one "
				    "idle longest for a new one",
				    h->max_conns);
		} else {
			c->refused = true;
		}
	}
	/* Hold the bufferevent until conn_link has seen evhttp's setup. */
	bufferevent_incref(bev);
	c->next = h->conns;
	if (h->conns)
		h->conns->prev = c;
	h->conns = c;
	h->stats.open++;
	/* Past the limit, accept nothing more until the connection closed
	 * for this one is gone: libevent's listener would otherwise accept
	 * every pending connection in one go, before any close happens,
	 * and run out of file descriptors. */
	if ((int)h->stats.open > h->max_conns && h->listener) {
		h->full = true;
		evconnlistener_disable(h->listener);
	}
	event_active(c->timer, EV_TIMEOUT, 1);
	return bev;
fail:
	/* evhttp makes a bufferevent of its own, which runs unbounded: the
	 * agent is out of memory anyway. */
	if (c && c->timer)
		event_free(c->timer);
	free(c);
	if (bev)
		bufferevent_free(bev);
	return NULL;
}

static void on_accept_timer(evutil_socket_t fd, short what, void *arg)
{
	struct http *h = arg;

	(void)fd;
	(void)what;
	if (!h->full)
		evconnlistener_enable(h->listener);
}

/* accept() failed for a reason retrying at once will not fix (EMFILE,
 * ENFILE, ENOBUFS, ENOMEM): the listening socket stays readable, so
 * without a pause the loop would spin on it. */
static void on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct http *h = the_server;
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv;

	(void)arg;
	if (!h)
		return;
	h->stats.accept_errors++;
	h->accept_pause_ms = h->accept_pause_ms ? 2 * h->accept_pause_ms :
						  HTTP_ACCEPT_PAUSE_MIN_MS;
	if (h->accept_pause_ms > HTTP_ACCEPT_PAUSE_MAX_MS)
		h->accept_pause_ms = HTTP_ACCEPT_PAUSE_MAX_MS;
	evconnlistener_disable(lev);
	tv.tv_sec = h->accept_pause_ms / 1000;
	tv.tv_usec = (h->accept_pause_ms % 1000) * 1000;
	evtimer_add(h->accept_timer, &tv);
	log_warn_rl("accept() failed: %s; not accepting for %d ms%s",
		    evutil_socket_error_to_string(err), h->accept_pause_ms,
		    err == EMFILE || err == ENFILE ?
			    ": out of file descriptors, raise RLIMIT_NOFILE "
			    "or lower --http-max-connections" :
			    "");
}

/* evhttp has handed the whole reply to the kernel; it goes on with the
 * next request, which may be waiting already. */
static void on_reply_done(struct evhttp_request *req, void *arg)
{
	struct conn *c = arg;

	(void)req;
	conn_set_phase(c, evbuffer_get_length(bufferevent_get_input(c->bev)) ?
				  CONN_HEAD :
				  CONN_IDLE);
}

/* --- replies ------------------------------------------------------------ */

/* Send body (may be NULL) with code; body is emptied, not freed. */
static void reply_buf(struct http *h, struct evhttp_request *req, int code,
		      const char *type, struct evbuffer *body, bool close)
{
	struct evkeyvalq *out = evhttp_request_get_output_headers(req);
	char clen[32];

	evhttp_add_header(out, "Content-Type", type);
	/* libevent 2.1 would send the body to HEAD too: send the length of
	 * what GET would get, and no body. */
	if (evhttp_request_get_command(req) == EVHTTP_REQ_HEAD) {
		snprintf(clen, sizeof(clen), "%zu",
			 body ? evbuffer_get_length(body) : 0);
		evhttp_add_header(out, "Content-Length", clen);
		if (body)
			evbuffer_drain(body, evbuffer_get_length(body));
	}
	evhttp_add_header(out, "Cache-Control", "no-store");
	evhttp_add_header(out, "X-Content-Type-Options", "nosniff");
	/* After a request we refuse for its framing, bytes that follow it
	 * cannot be trusted to start a request: close. */
	if (close)
		evhttp_add_header(out, "Connection", "close");
	evhttp_send_reply(req, code,
			  code == 200 ? "OK" :
			  code == 400 ? "Bad Request" :
			  code == 404 ? "Not Found" :
			  code == 405 ? "Method Not Allowed" :
			  code == 503 ? "Service Unavailable" :
					"Error",
			  body);
	if (code < 400)
		h->e->stats.requests_sent++;
	else
		h->e->stats.requests_failed++;
}

static void reply(struct http *h, struct evhttp_request *req, int code,
		  const char *type, const void *data, size_t len)
{
	struct evbuffer *body = evbuffer_new();

	if (body && len)
		evbuffer_add(body, data, len);
	reply_buf(h, req, code, type, body, false);
	if (body)
		evbuffer_free(body);
}

static void reply_error_close(struct http *h, struct evhttp_request *req,
			      int code, const char *why, bool close)
{
	json_t *j = json_pack("{s:s}", "error", why);
	size_t len = 0;
	char *s = dump_json(j, &len);
	struct evbuffer *body = evbuffer_new();

	if (code == 405)
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Allow", "GET, HEAD");
	if (body && s)
		evbuffer_add(body, s, len);
	reply_buf(h, req, code, "application/json", body, close);
	if (body)
		evbuffer_free(body);
	free(s);
}

static void reply_error(struct http *h, struct evhttp_request *req, int code,
			const char *why)
{
	reply_error_close(h, req, code, why, false);
}

static bool over_output_cap(struct http *h, struct evhttp_request *req,
			    size_t len)
{
	char why[128];

	if (len <= h->max_output)
		return false;
	snprintf(why, sizeof(why),
		 "the reply (%zu KiB) exceeds --http-max-output-kib %zu",
		 (len + 1023) / 1024, h->max_output / 1024);
	log_warn_rl("%s", why);
	reply_error(h, req, 503, why);
	return true;
}

/* A reference to a cached document: the reply shares it. Not held to
 * --http-max-output-kib: every client shares the same bytes, and slow
 * clients can pin at most write_timeout / interval + 1 versions of it. */
static void reply_doc(struct http *h, struct evhttp_request *req, struct doc *d,
		      const char *type)
{
	struct evbuffer *body = evbuffer_new();

	if (body && d->len) {
		d->refs++;
		if (evbuffer_add_reference(body, d->buf, d->len, doc_release,
					   d))
			d->refs--;
	}
	reply_buf(h, req, 200, type, body, false);
	if (body)
		evbuffer_free(body);
}

static void reply_cached(struct http *h, struct evhttp_request *req,
			 enum http_doc d, const char *type)
{
	const struct cached *c = &h->doc[d];

	if (c->stale || !c->doc)
		render_doc(h, d);
	if (!c->doc) {
		reply_error(h, req, 503, "no snapshot yet");
		return;
	}
	reply_doc(h, req, c->doc, type);
}

static void hist_release(const void *data, size_t len, void *extra)
{
	(void)data;
	(void)len;
	mfd_history_text_unref(extra);
}

/*
 * A window of the history's pre-rendered JSON, by reference: no entry is
 * encoded here, and a client that does not read pins the shared text,
 * not a copy. At most --http-max-output-kib per reply: "more" says the
 * rest follows with ?since= the last time_unix_nano.
 */
static void reply_history(struct http *h, struct evhttp_request *req,
			  const struct mfd_http_req *r)
{
	uint64_t after = 0, now = mfd_now_unix_ns();
	struct mfd_hist_window w;
	struct evbuffer *body = NULL;
	size_t hlen = 0;
	char *head = NULL;
	json_t *j;

	if (r->have_since)
		after = r->since;
	else if (r->minutes > 0 && now > (uint64_t)r->minutes * 60000000000ull)
		after = now - (uint64_t)r->minutes * 60000000000ull - 1;
	/* The envelope takes well under 256 bytes. */
	if (mfd_history_window(&h->hist, after,
			       h->max_output > 256 ? h->max_output - 256 : 1,
			       &w))
		goto fail;
	j = json_pack("{s:I,s:I,s:f,s:b,s:b}", "capacity",
		      (json_int_t)h->hist.cap, "count", (json_int_t)w.count,
		      "interval", h->st->interval, "have_events",
		      (int)h->hist.have_events, "more", (int)w.more);
	head = dump_json(j, &hlen); /* "{...}\n" */
	body = evbuffer_new();
	if (!head || hlen < 3 || !body)
		goto fail;
	head[hlen - 2] = '\0'; /* drop "}\n" */
	if (evbuffer_add_printf(body, "%s,\"samples\":[", head) < 0)
		goto fail;
	if (w.count) {
		mfd_history_text_ref(w.text);
		if (evbuffer_add_reference(body, w.text->data + w.off, w.len,
					   hist_release, w.text)) {
			mfd_history_text_unref(w.text);
			goto fail;
		}
	}
	if (evbuffer_add(body, "]}\n", 3))
		goto fail;
	if (!over_output_cap(h, req, evbuffer_get_length(body)))
		reply_buf(h, req, 200, "application/json", body, false);
	evbuffer_free(body);
	free(head);
	return;
fail:
	if (body)
		evbuffer_free(body);
	free(head);
	h->e->stats.dropped[MFD_DROP_ENCODE]++;
	reply_error(h, req, 500, "out of memory");
}

/* Request framing checks (http_api.c) over evhttp's parsed headers. */
static const char *framing_defect(struct evhttp_request *req)
{
	const struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	const struct evkeyval *kv;
	struct mfd_http_framing f = { 0 };

	TAILQ_FOREACH(kv, in, next)
	{
		mfd_http_framing_add(&f, kv->key, kv->value);
	}
	return mfd_http_framing_verdict(&f);
}

static void on_request(struct evhttp_request *req, void *arg)
{
	struct http *h = arg;
	struct conn *c = conn_find(h, evhttp_request_get_connection(req));
	struct mfd_http_req r;
	const char *accept, *bad;
	char body[512];
	int code;

	if (c) {
		/* The request is whole: now the client must take its reply
		 * in time. The next phase starts when it has. */
		conn_set_phase(c, CONN_REPLY);
		evhttp_request_set_on_complete_cb(req, on_reply_done, c);
	}
	bad = framing_defect(req);
	if (bad) {
		log_debug_rl("400 for %s: %s",
			     method_name(evhttp_request_get_command(req)), bad);
		h->stats.closed[MFD_HTTP_CLOSE_BAD_FRAMING]++;
		reply_error_close(h, req, 400, bad, true);
		return;
	}
	mfd_http_route(method_name(evhttp_request_get_command(req)),
		       evhttp_request_get_uri(req), mfd_web_assets, &r);
	switch (r.route) {
	case MFD_ROUTE_NONE:
		log_debug_rl("%d for %s %s: %s", r.status,
			     method_name(evhttp_request_get_command(req)),
			     evhttp_request_get_uri(req), r.why);
		reply_error(h, req, r.status, r.why);
		return;
	case MFD_ROUTE_METRICS:
		accept = evhttp_find_header(
			evhttp_request_get_input_headers(req), "Accept");
		if (mfd_http_wants_openmetrics(accept))
			reply_cached(h, req, DOC_PROM_OM, MFD_PROM_OM_TYPE);
		else
			reply_cached(h, req, DOC_PROM_TEXT, MFD_PROM_TEXT_TYPE);
		return;
	case MFD_ROUTE_HEALTHZ:
		code = mfd_http_health(h->st, mfd_now_mono_ns(), body,
				       sizeof(body));
		reply(h, req, code, "application/json", body, strlen(body));
		return;
	case MFD_ROUTE_SNAPSHOT:
		reply_cached(h, req, DOC_SNAPSHOT, "application/json");
		return;
	case MFD_ROUTE_HISTORY:
		reply_history(h, req, &r);
		return;
	case MFD_ROUTE_EVENTS:
		reply_cached(h, req, DOC_EVENTS, "application/json");
		return;
	case MFD_ROUTE_ASSET: {
		/* Static data: a reference costs nothing per client. */
		struct evbuffer *b = evbuffer_new();

		if (b)
			evbuffer_add_reference(b, r.asset->data, r.asset->len,
					       NULL, NULL);
		reply_buf(h, req, 200, r.asset->type, b, false);
		if (b)
			evbuffer_free(b);
		return;
	}
	}
}

static void http_on_sample(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct http *h = e->priv;

	(void)st; /* the same state h->st points at */
	/* A failed sample leaves the old snapshot: do not record it twice
	 * (the gap shows in the history's timestamps instead). */
	if (h->st->samples != h->pushed) {
		if (mfd_history_push(&h->hist, h->st))
			e->stats.dropped[MFD_DROP_ENCODE]++;
		h->pushed = h->st->samples;
	}
	mark_stale(h);
}

static void apply_bounds(struct http *h, const struct mfd_http_settings *cfg);

static int http_reload(struct mfd_exporter *e, const struct mfd_config *config)
{
	const struct mfd_http_settings *cfg = &config->http;
	struct http *h = e->priv;
	const char *want = cfg->listen ? cfg->listen : "off";

	/* New bounds hold for new connections and phases at once. */
	apply_bounds(h, cfg);
	if (strcmp(want, h->listen) != 0) {
		log_warn("--http changed from %s to %s: restart the agent to "
			 "move the server",
			 h->listen, want);
		return -EINVAL;
	}
	return 0;
}

static void http_destroy(struct mfd_exporter *e)
{
	struct http *h = e->priv;

	if (h) {
		/* evhttp_free frees the listener first, then closes every
		 * connection (through on_conn_close for linked ones, which
		 * must not touch the listener); the rest are dropped here. */
		h->listener = NULL;
		h->full = false;
		if (h->srv)
			evhttp_free(h->srv);
		while (h->conns) {
			struct conn *c = h->conns;

			if (!c->evcon)
				bufferevent_decref(c->bev);
			conn_free(c);
		}
		if (h->accept_timer)
			event_free(h->accept_timer);
		if (h->st && h->st->http == &h->stats)
			h->st->http = NULL;
		if (the_server == h)
			the_server = NULL;
		mfd_history_free(&h->hist);
		for (int d = 0; d < DOC_COUNT; d++)
			doc_unref(h->doc[d].doc);
		free(h);
	}
	free(e);
}

/* libevent's own messages (a failed getaddrinfo, say) through our log. */
static void on_libevent_log(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_ERR)
		mfd_log(MFD_LOG_ERROR, "libevent", "%s", msg);
	else if (severity == EVENT_LOG_WARN)
		mfd_log(MFD_LOG_WARN, "libevent", "%s", msg);
	else
		mfd_log(MFD_LOG_DEBUG, "libevent", "%s", msg);
}

static const struct mfd_exporter_ops http_ops = {
	.name = "http",
	.on_sample = http_on_sample,
	.reload = http_reload,
	.destroy = http_destroy,
};

bool mfd_http_enabled(const struct mfd_http_settings *cfg)
{
	return cfg->listen && *cfg->listen &&
	       strcasecmp(cfg->listen, "off") != 0;
}

/* Leave file descriptors to the rest of the agent: a default connection
 * limit above what RLIMIT_NOFILE allows is cut; a chosen one is kept
 * (accept() failures then pause the listener) with a warning. */
static void fit_fd_limit(struct http *h, const struct mfd_http_settings *cfg)
{
	struct rlimit rl;
	rlim_t room;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY)
		return;
	room = rl.rlim_cur > 2 * HTTP_FD_RESERVE ?
		       rl.rlim_cur - HTTP_FD_RESERVE :
		       rl.rlim_cur / 2;
	if (room < 1)
		room = 1;
	if ((rlim_t)h->max_conns <= room)
		return;
	if (cfg->max_conns_origin == MFD_ORIGIN_DEFAULT) {
		log_info("--http-max-connections %d lowered to %d to fit "
			 "RLIMIT_NOFILE %llu",
			 h->max_conns, (int)room,
			 (unsigned long long)rl.rlim_cur);
		h->max_conns = (int)room;
	} else {
		log_warn("--http-max-connections %d leaves too few of "
			 "RLIMIT_NOFILE %llu file descriptors to the rest of "
			 "the agent",
			 h->max_conns, (unsigned long long)rl.rlim_cur);
	}
}

/* The bounds from cfg (start-up and SIGHUP). */
static void apply_bounds(struct http *h, const struct mfd_http_settings *cfg)
{
	struct timeval tv;

	h->max_conns = cfg->max_conns;
	h->max_input = (size_t)cfg->max_input_kib * 1024;
	h->max_output = (size_t)cfg->max_output_kib * 1024;
	tv_set(&h->header_tv, cfg->header_timeout);
	tv_set(&h->idle_tv, cfg->idle_timeout);
	tv_set(&h->write_tv, cfg->write_timeout);
	fit_fd_limit(h, cfg);
	if (!h->srv)
		return;
	/* Half the read-ahead for the request line and headers, so a
	 * request at the limit still fits with room to spare. No route
	 * takes a body: one announced gets 413 before it is read. */
	evhttp_set_max_headers_size(h->srv, (ev_ssize_t)h->max_input / 2);
	evhttp_set_max_body_size(h->srv, 0);
	/* evhttp's own timeout (inactivity on a read or write) stays as a
	 * backstop behind the deadlines of on_conn_timer. */
	tv_set(&tv, cfg->idle_timeout > cfg->write_timeout ?
			    cfg->idle_timeout :
			    cfg->write_timeout);
	evhttp_set_timeout_tv(h->srv, &tv);
	/* A higher limit may let a paused listener go on. */
	if (h->full && (int)h->stats.open <= h->max_conns) {
		h->full = false;
		if (h->listener && !evtimer_pending(h->accept_timer, NULL))
			evconnlistener_enable(h->listener);
	}
}

int mfd_http_create(const struct mfd_export_ctx *ctx, struct mfd_exporter **out)
{
	struct mfd_exporter *e = calloc(1, sizeof(*e));
	struct http *h = calloc(1, sizeof(*h));
	const struct mfd_http_settings *cfg = &ctx->cfg->http;
	struct evhttp_bound_socket *sock;
	char host[128], why[256];
	uint16_t port;
	int err;

	if (!e || !h) {
		free(e);
		free(h);
		return -ENOMEM;
	}
	e->ops = &http_ops;
	e->priv = h;
	h->e = e;
	h->st = ctx->state;
	h->base = ctx->base;
	snprintf(h->listen, sizeof(h->listen), "%s", cfg->listen);
	err = mfd_http_parse_listen(cfg->listen, host, sizeof(host), &port, why,
				    sizeof(why));
	if (err) {
		log_error("--http %s", why);
		goto fail;
	}
	err = mfd_history_init(&h->hist, (size_t)cfg->history);
	if (err)
		goto fail;
	event_set_log_callback(on_libevent_log);
	h->srv = evhttp_new(ctx->base);
	h->accept_timer = evtimer_new(ctx->base, on_accept_timer, h);
	if (!h->srv || !h->accept_timer) {
		err = -ENOMEM;
		goto fail;
	}
	apply_bounds(h, cfg);
	evhttp_set_bevcb(h->srv, on_new_conn, h);
	/* Let every method through to the router, which answers 405 with
	 * an Allow header (evhttp itself would say 501, in HTML). libevent
	 * 2.1 marks a method it does not know with bit 15
	 * (EVHTTP_REQ_UNKNOWN_, http-internal.h); 2.2 passes such methods
	 * by name and needs evhttp_set_ext_method_cmp instead. */
	evhttp_set_allowed_methods(
		h->srv,
		EVHTTP_REQ_GET | EVHTTP_REQ_HEAD | EVHTTP_REQ_POST |
			EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
			EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
			EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH |
			(LIBEVENT_VERSION_NUMBER < 0x02020000 ? 1u << 15 : 0));
	evhttp_set_gencb(h->srv, on_request, h);
	errno = 0;
	sock = evhttp_bind_socket_with_handle(h->srv, host, port);
	if (!sock) {
		int eno = errno;

		err = eno ? -eno : -EADDRNOTAVAIL;
		/* Only the default address may be taken quietly: a second
		 * agent on the machine, say. One the user chose must work. */
		if (eno == EADDRINUSE &&
		    cfg->listen_origin == MFD_ORIGIN_DEFAULT) {
			log_warn("the default HTTP address %s is in use; "
				 "running without /metrics and the dashboard "
				 "(choose one with --http ADDR:PORT)",
				 cfg->listen);
			http_destroy(e);
			*out = NULL;
			return 0;
		}
		log_error(
			"cannot listen on %s: %s (%s)", cfg->listen,
			eno ? strerror(eno) : "address does not resolve",
			eno == EADDRINUSE ?
				"another program holds the port; choose "
				"another with --http ADDR:PORT or disable the "
				"server with --http off" :
				"give a local address as ADDR:PORT, or --http "
				"off");
		goto fail;
	}
	h->listener = evhttp_bound_socket_get_listener(sock);
	evconnlistener_set_error_cb(h->listener, on_accept_error);
	the_server = h;
	h->st->http = &h->stats;
	mark_stale(h);
	log_info("serving /metrics, /healthz, /api/v1/ and the dashboard on "
		 "http://%s%s%s:%u/ (at most %d connections)",
		 strchr(host, ':') ? "[" : "", host,
		 strchr(host, ':') ? "]" : "", port, h->max_conns);
	*out = e;
	return 0;
fail:
	http_destroy(e);
	return err;
}
