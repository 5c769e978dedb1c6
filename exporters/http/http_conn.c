// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http_conn.c - the HTTP server's connections: accepting them, the
 * deadline of each phase, and the limits.
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
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/buffer.h>

#define LOG_COMPONENT "http"
#include "http_server.h"
#include "log.h"

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

struct http *http_the_server;

static void tv_set(struct timeval *tv, double s)
{
	tv->tv_sec = (time_t)s;
	tv->tv_usec = (suseconds_t)((s - (double)tv->tv_sec) * 1e6);
}

void http_conn_set_phase(struct conn *c, enum conn_phase phase)
{
	const struct timeval *tv = phase == CONN_HEAD  ? &c->h->header_tv :
				   phase == CONN_REPLY ? &c->h->write_tv :
							 &c->h->idle_tv;

	c->phase = phase;
	c->since_ns = mfd_now_mono_ns();
	evtimer_add(c->timer, tv);
}

void http_conn_free(struct conn *c)
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
	/* A slot is free again (see http_on_new_conn); unless accept() itself
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
	http_conn_free(c);
}

struct conn *http_conn_find(struct http *h, struct evhttp_connection *evcon)
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
		http_conn_set_phase(c, CONN_HEAD);
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
		http_conn_free(c);
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
	http_conn_set_phase(c,
			    evbuffer_get_length(bufferevent_get_input(c->bev)) ?
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
		http_conn_set_phase(c,
				    CONN_REPLY); /* its write deadline again */
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
struct bufferevent *http_on_new_conn(struct event_base *base, void *arg)
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

void http_on_accept_timer(evutil_socket_t fd, short what, void *arg)
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
void http_on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct http *h = http_the_server;
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
void http_on_reply_done(struct evhttp_request *req, void *arg)
{
	struct conn *c = arg;

	(void)req;
	http_conn_set_phase(c,
			    evbuffer_get_length(bufferevent_get_input(c->bev)) ?
				    CONN_HEAD :
				    CONN_IDLE);
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
void http_apply_bounds(struct http *h, const struct mfd_http_settings *cfg)
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
