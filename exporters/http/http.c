// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http.c - the one HTTP server (libevent evhttp): /metrics for
 * Prometheus, /healthz, the JSON API under /api/v1/ and the embedded
 * dashboard at /. This file is the exporter around it (create, reload,
 * destroy); http_conn.c holds the connections and their limits,
 * http_routes.c the router and the replies.
 *
 * It runs in the loop's thread. on_sample renders every page from the
 * state once and caches it; a request only references a cached buffer, so
 * a scrape never triggers collection, any number of concurrent scrapes
 * see the same, complete page, and a client that does not read holds no
 * copy of its own. Only /healthz (the age of the last good sample) and
 * /api/v1/history (a window of the ring) are computed per request, both
 * from memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <event2/listener.h>

#define LOG_COMPONENT "http"
#include "http.h"
#include "http_api.h"
#include "http_server.h"
#include "log.h"

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
	http_mark_stale(h);
}

static int http_reload(struct mfd_exporter *e,
		       const struct mfd_export_settings *set)
{
	const struct mfd_http_settings *cfg = set->http;
	struct http *h = e->priv;
	const char *want = cfg->listen ? cfg->listen : "off";

	/* New bounds hold for new connections and phases at once. */
	http_apply_bounds(h, cfg);
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
			http_conn_free(c);
		}
		if (h->accept_timer)
			event_free(h->accept_timer);
		if (h->st && h->st->http == &h->stats)
			h->st->http = NULL;
		if (http_the_server == h)
			http_the_server = NULL;
		mfd_history_free(&h->hist);
		for (int d = 0; d < DOC_COUNT; d++)
			http_doc_unref(h->doc[d].doc);
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

int mfd_http_create(const struct mfd_export_ctx *ctx, struct mfd_exporter **out)
{
	struct mfd_exporter *e = calloc(1, sizeof(*e));
	struct http *h = calloc(1, sizeof(*h));
	const struct mfd_http_settings *cfg = ctx->set->http;
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
	h->accept_timer = evtimer_new(ctx->base, http_on_accept_timer, h);
	if (!h->srv || !h->accept_timer) {
		err = -ENOMEM;
		goto fail;
	}
	http_apply_bounds(h, cfg);
	evhttp_set_bevcb(h->srv, http_on_new_conn, h);
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
	evhttp_set_gencb(h->srv, http_on_request, h);
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
	evconnlistener_set_error_cb(h->listener, http_on_accept_error);
	http_the_server = h;
	h->st->http = &h->stats;
	http_mark_stale(h);
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
