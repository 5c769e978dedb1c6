/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http_server.h - the HTTP server's state, shared by its three files and
 * nothing else: http.c (the exporter: create, reload, destroy),
 * http_conn.c (connections, their deadlines and the limits on them) and
 * http_routes.c (the router, the cached documents and every reply).
 */
#ifndef MFD_HTTP_SERVER_H
#define MFD_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "exporter.h"
#include "history.h"
#include "http_settings.h"
#include "state.h"

/* The documents a scrape or an API call reads. Each is rendered from the
 * state when first asked for after a sample and kept until the next
 * sample: a scrape never triggers collection, and an agent nobody scrapes
 * renders nothing. */
enum http_doc {
	DOC_PROM_TEXT = 0,
	DOC_PROM_OM,
	DOC_SNAPSHOT,
	DOC_EVENTS,
	DOC_FORECAST,
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
 * one server is found here (set by mfd_http_create, cleared on destroy). */
extern struct http *http_the_server;

/* ---- http_conn.c: connections and limits ---- */

/* Enter phase and restart its deadline. */
void http_conn_set_phase(struct conn *c, enum conn_phase phase);
/* Unlink and free c; resumes a listener paused for being full. */
void http_conn_free(struct conn *c);
struct conn *http_conn_find(struct http *h, struct evhttp_connection *evcon);
/* evhttp_set_bevcb: a connection was accepted. */
struct bufferevent *http_on_new_conn(struct event_base *base, void *arg);
void http_on_accept_timer(evutil_socket_t fd, short what, void *arg);
void http_on_accept_error(struct evconnlistener *lev, void *arg);
/* evhttp_request_set_on_complete_cb: the reply has gone to the kernel. */
void http_on_reply_done(struct evhttp_request *req, void *arg);
/* The bounds from cfg, at start-up and on SIGHUP. */
void http_apply_bounds(struct http *h, const struct mfd_http_settings *cfg);

/* ---- http_routes.c: the router, the cached documents, replies ---- */

/* evhttp_set_gencb: one whole request. */
void http_on_request(struct evhttp_request *req, void *arg);
/* A sample came: every cached document is rendered again when next
 * asked for. */
void http_mark_stale(struct http *h);
void http_doc_unref(struct doc *d);

#endif /* MFD_HTTP_SERVER_H */
