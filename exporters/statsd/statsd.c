// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * statsd.c - the StatsD exporter: after each sample, encode every metric
 * point (statsd_encode.c) and send the packets over UDP (or TCP).
 *
 * Nothing here blocks the loop:
 *  - UDP: the socket is non-blocking and connected; a send that would
 *    block, or fails (ECONNREFUSED from an earlier ICMP port unreachable,
 *    no route...), drops that packet and counts it;
 *  - TCP: a libevent bufferevent connects in the background and queues
 *    packets, each ended by '\n' (statsd's TCP server splits on it), up to
 *    TCP_QUEUE_MAX bytes; beyond that, packets are dropped and counted. A
 *    lost connection drops what was queued, counts it, and reconnects with
 *    back-off. A write timeout (statsd.write_timeout) ends a connection
 *    (or a connect) that makes no progress, so a peer that stops reading
 *    is treated as lost rather than holding the queue at its cap forever;
 *  - a numeric address is used at once; a name is resolved with libevent's
 *    evdns (asynchronous). Until an address is known, every packet counts
 *    as failed. A failed resolution is retried on a timer with back-off,
 *    and a good one is refreshed every few minutes so a moved StatsD is
 *    followed.
 * Failures are counted in e->stats (requests_failed per packet,
 * dropped[reason] per line) and logged at most once per LOG_EVERY_NS,
 * with how many more happened in between. e->stats is the one source of
 * truth: /metrics publishes it and the exit summary prints it.
 */
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/dns.h>
#include <event2/util.h>

#define LOG_COMPONENT "statsd"
#include "exporter.h"
#include "log.h"
#include "metrics.h"
#include "statsd.h"
#include "statsd_encode.h"

#define LOG_EVERY_NS (30ULL * 1000000000ULL)
#define RETRY_MIN_S 2
#define RETRY_MAX_S 60
#define REFRESH_S 300
/* --statsd-send changed: everything goes out this often anyway, so a
 * daemon that restarted (and forgot its gauges) has them again. */
#define FULL_SEND_NS (60ULL * 1000000000ULL)
#define TCP_QUEUE_MAX (4u << 20)

enum { PROTO_UDP = 0, PROTO_TCP = 1 }; /* index of statsd_proto_choices */

/* Kinds of failure, each logged at most once per LOG_EVERY_NS. */
enum fail_kind { FAIL_RESOLVE, FAIL_SEND, FAIL_ENCODE, FAIL_KINDS };

struct statsd {
	struct mfd_exporter *e;
	struct event_base *base;
	struct evdns_base *dns; /* created on the first name to resolve */
	struct evdns_getaddrinfo_request *req; /* resolution in flight */
	bool resolving; /* callback not yet run */
	struct event *timer; /* retry or refresh the resolution */
	int retry_s; /* next back-off */
	char host[256];
	uint16_t port;
	char addr_text[300]; /* "host:port" for messages */
	int proto; /* PROTO_UDP or PROTO_TCP */
	int fd; /* connected UDP socket, or -1 */
	struct bufferevent *bev; /* TCP connection (connecting or up) */
	bool connected; /* bev has connected */
	struct timeval write_tv; /* TCP write (and connect) timeout */
	uint64_t tcp_queued; /* packets queued, not yet all written */
	struct statsd_encoder enc;

	/* rate-limited failure logs, one per kind of failure */
	uint64_t last_log_ns[FAIL_KINDS];
	uint64_t unlogged[FAIL_KINDS]; /* failures since the last message */
	uint64_t oversize_total; /* lines longer than the mtu, sent alone */
	uint64_t sends; /* encodes sent (one per sample) */
	uint64_t full_send_ns; /* --statsd-send changed: last full send */
};

/* Log a failure now, or count it for the next message. */
__attribute__((format(printf, 3, 4))) static void
fail_log(struct statsd *s, enum fail_kind kind, const char *fmt, ...)
{
	uint64_t now = mfd_now_mono_ns();
	char msg[512];
	va_list ap;

	if (s->last_log_ns[kind] && now - s->last_log_ns[kind] < LOG_EVERY_NS) {
		s->unlogged[kind]++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->unlogged[kind])
		log_warn("%s (%" PRIu64 " more like it since the last "
			 "message)",
			 msg, s->unlogged[kind]);
	else
		log_warn("%s", msg);
	s->last_log_ns[kind] = now;
	s->unlogged[kind] = 0;
}

static uint64_t queued_lines(struct bufferevent *bev);

static void close_socket(struct statsd *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->bev) {
		/* What is still queued is lost with the connection. */
		if (s->tcp_queued) {
			s->e->stats.requests_failed += s->tcp_queued;
			s->e->stats.dropped[MFD_DROP_SEND] +=
				queued_lines(s->bev);
		}
		bufferevent_free(s->bev);
	}
	s->tcp_queued = 0;
	s->bev = NULL;
	s->connected = false;
}

static void schedule(struct statsd *s, int seconds);

/* Lines still queued on the TCP connection (each packet ends in '\n' and
 * holds its lines separated by '\n'). */
static uint64_t queued_lines(struct bufferevent *bev)
{
	struct evbuffer *out = bufferevent_get_output(bev);
	struct evbuffer_ptr pos;
	uint64_t n = 0;

	evbuffer_ptr_set(out, &pos, 0, EVBUFFER_PTR_SET);
	while ((pos = evbuffer_search(out, "\n", 1, &pos)).pos >= 0) {
		n++;
		if (evbuffer_ptr_set(out, &pos, 1, EVBUFFER_PTR_ADD) < 0)
			break;
	}
	return n;
}

static void on_tcp_read(struct bufferevent *bev, void *arg)
{
	(void)arg; /* statsd never answers; discard anything */
	evbuffer_drain(bufferevent_get_input(bev),
		       evbuffer_get_length(bufferevent_get_input(bev)));
}

/* The output queue drained into the kernel: those packets count as sent
 * (TCP delivers them or the connection fails later). */
static void on_tcp_write(struct bufferevent *bev, void *arg)
{
	struct statsd *s = arg;

	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		s->e->stats.requests_sent += s->tcp_queued;
		s->tcp_queued = 0;
	}
}

static void on_tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct statsd *s = arg;
	int err = EVUTIL_SOCKET_ERROR();

	(void)bev; /* s->bev */
	if (what & BEV_EVENT_CONNECTED) {
		log_info("connected to %s over TCP", s->addr_text);
		s->connected = true;
		s->retry_s = RETRY_MIN_S;
		return;
	}
	if (!(what & (BEV_EVENT_ERROR | BEV_EVENT_EOF | BEV_EVENT_TIMEOUT)))
		return;
	if (what & BEV_EVENT_TIMEOUT)
		fail_log(s, FAIL_SEND,
			 "TCP connection to %s %s: no byte %s in %gs; "
			 "retrying in %ds",
			 s->addr_text, s->connected ? "dropped" : "failed",
			 s->connected ? "taken" : "connected",
			 (double)s->write_tv.tv_sec +
				 (double)s->write_tv.tv_usec / 1e6,
			 s->retry_s);
	else
		fail_log(s, FAIL_SEND,
			 "TCP connection to %s %s: %s; retrying in %ds",
			 s->addr_text, s->connected ? "lost" : "failed",
			 what & BEV_EVENT_EOF ?
				 "closed by the server" :
				 evutil_socket_error_to_string(err),
			 s->retry_s);
	close_socket(s);
	schedule(s, s->retry_s);
	s->retry_s = s->retry_s * 2 > RETRY_MAX_S ? RETRY_MAX_S :
						    s->retry_s * 2;
}

/* Start a background TCP connection to ai. 0 or -errno. */
static int open_tcp(struct statsd *s, const struct evutil_addrinfo *ai)
{
	struct bufferevent *bev =
		bufferevent_socket_new(s->base, -1, BEV_OPT_CLOSE_ON_FREE);

	if (!bev)
		return -ENOMEM;
	bufferevent_setcb(bev, on_tcp_read, on_tcp_write, on_tcp_event, s);
	bufferevent_set_timeouts(bev, NULL, &s->write_tv);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
	close_socket(s);
	s->bev = bev;
	/* Failures after this point arrive as BEV_EVENT_ERROR. */
	if (bufferevent_socket_connect(bev, ai->ai_addr, (int)ai->ai_addrlen) <
	    0) {
		s->bev = NULL;
		bufferevent_free(bev);
		return -ECONNREFUSED;
	}
	return 0;
}

/* Open a non-blocking UDP socket connected to ai. 0 or -errno. */
static int open_socket(struct statsd *s, const struct evutil_addrinfo *ai)
{
	int fd = socket(ai->ai_family,
			SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err;

	if (fd < 0)
		return -errno;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	close_socket(s);
	s->fd = fd;
	return 0;
}

static void schedule(struct statsd *s, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	if (s->timer)
		evtimer_add(s->timer, &tv);
}

static void on_resolved(int result, struct evutil_addrinfo *res, void *arg)
{
	struct statsd *s = arg;
	int err = -EADDRNOTAVAIL;

	s->resolving = false;
	s->req = NULL;
	if (result == EVUTIL_EAI_CANCEL)
		return; /* destroy or reload; s is about to change */
	if (result != 0) {
		fail_log(s, FAIL_RESOLVE,
			 "cannot resolve %s: %s; retrying in %ds", s->addr_text,
			 evutil_gai_strerror(result), s->retry_s);
		schedule(s, s->retry_s);
		s->retry_s = s->retry_s * 2 > RETRY_MAX_S ? RETRY_MAX_S :
							    s->retry_s * 2;
		return;
	}
	for (struct evutil_addrinfo *ai = res; ai; ai = ai->ai_next) {
		err = s->proto == PROTO_TCP ? open_tcp(s, ai) :
					      open_socket(s, ai);
		if (!err)
			break;
	}
	evutil_freeaddrinfo(res);
	if (err) {
		fail_log(s, FAIL_RESOLVE,
			 "cannot open a socket to %s: %s; retrying in %ds",
			 s->addr_text, strerror(-err), s->retry_s);
		schedule(s, s->retry_s);
		return;
	}
	log_debug("sending to %s", s->addr_text);
	if (s->proto == PROTO_TCP)
		return; /* a connection is kept until it fails */
	s->retry_s = RETRY_MIN_S;
	schedule(s, REFRESH_S);
}

/* Start resolving s->host. A numeric address or /etc/hosts entry may
 * complete (and call on_resolved) before this returns. */
static void resolve(struct statsd *s)
{
	struct evutil_addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = s->proto == PROTO_TCP ? SOCK_STREAM : SOCK_DGRAM,
		.ai_protocol = s->proto == PROTO_TCP ? IPPROTO_TCP :
						       IPPROTO_UDP,
		.ai_flags = EVUTIL_AI_ADDRCONFIG
	};
	struct evdns_getaddrinfo_request *req;
	char port[8];

	if (s->resolving)
		return;
	snprintf(port, sizeof(port), "%u", s->port);
	if (!s->dns) {
		s->dns = evdns_base_new(
			s->base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
					 EVDNS_BASE_DISABLE_WHEN_INACTIVE);
		if (s->dns) {
			/* Fail in seconds, not the resolver's 15 s. */
			evdns_base_set_option(s->dns, "timeout:", "2");
			evdns_base_set_option(s->dns, "attempts:", "2");
		}
	}
	if (!s->dns) {
		on_resolved(EVUTIL_EAI_FAIL, NULL, s);
		return;
	}
	s->resolving = true;
	req = evdns_getaddrinfo(s->dns, s->host, port, &hints, on_resolved, s);
	if (s->resolving)
		s->req = req;
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	resolve(arg);
}

static void cancel_resolve(struct statsd *s)
{
	if (s->timer)
		evtimer_del(s->timer);
	if (s->req)
		evdns_getaddrinfo_cancel(s->req); /* calls on_resolved */
	s->req = NULL;
	s->resolving = false;
}

/* Queue one packet on the TCP connection, '\n' ended. */
static void send_tcp(struct statsd *s, const char *p, size_t len,
		     uint32_t lines)
{
	struct mfd_export_stats *st = &s->e->stats;
	struct evbuffer *out;

	if (!s->bev) {
		st->requests_failed++;
		st->dropped[MFD_DROP_SEND] += lines;
		fail_log(s, FAIL_SEND, "no connection to %s: packet dropped",
			 s->addr_text);
		return;
	}
	out = bufferevent_get_output(s->bev);
	if (evbuffer_get_length(out) + len + 1 > TCP_QUEUE_MAX) {
		st->requests_failed++;
		st->dropped[MFD_DROP_QUEUE_FULL] += lines;
		fail_log(s, FAIL_SEND,
			 "%u bytes already queued for %s: packet dropped",
			 TCP_QUEUE_MAX, s->addr_text);
		return;
	}
	if (evbuffer_add(out, p, len) || evbuffer_add(out, "\n", 1)) {
		st->requests_failed++;
		st->dropped[MFD_DROP_SEND] += lines;
		return;
	}
	s->tcp_queued++; /* sent once written out (on_tcp_write) */
}

static void send_packets(struct statsd *s)
{
	struct mfd_export_stats *st = &s->e->stats;
	size_t n = statsd_encoder_npackets(&s->enc);

	for (size_t k = 0; k < n; k++) {
		uint32_t lines = 0;
		size_t len = 0;
		const char *p = statsd_encoder_packet(&s->enc, k, &len, &lines);
		ssize_t w;

		if (s->proto == PROTO_TCP) {
			send_tcp(s, p, len, lines);
			continue;
		}
		if (s->fd < 0) {
			st->requests_failed++;
			st->dropped[MFD_DROP_SEND] += lines;
			fail_log(s, FAIL_SEND,
				 "no address for %s yet: packet dropped",
				 s->addr_text);
			continue;
		}
		w = send(s->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w == (ssize_t)len) {
			st->requests_sent++;
			continue;
		}
		st->requests_failed++;
		st->dropped[MFD_DROP_SEND] += lines;
		fail_log(s, FAIL_SEND, "sending %zu bytes to %s failed: %s",
			 len, s->addr_text,
			 w < 0 ? strerror(errno) : "short write");
	}
}

static void statsd_on_sample(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct statsd *s = e->priv;

	statsd_encoder_begin(&s->enc);
	if (s->enc.changed_only) {
		uint64_t now = mfd_now_mono_ns();

		s->enc.refresh = !s->full_send_ns ||
				 now - s->full_send_ns >= FULL_SEND_NS;
		if (s->enc.refresh)
			s->full_send_ns = now;
	}
	mfd_metrics_walk(st, statsd_encoder_point, &s->enc);
	statsd_encoder_end(&s->enc);
	if (s->enc.drop_encode) {
		e->stats.dropped[MFD_DROP_ENCODE] += s->enc.drop_encode;
		fail_log(s, FAIL_ENCODE,
			 "%" PRIu64 " points could not be encoded",
			 s->enc.drop_encode);
	}
	if (s->enc.oversize) {
		s->oversize_total += s->enc.oversize;
		fail_log(s, FAIL_ENCODE,
			 "%" PRIu64 " lines longer than the mtu (%zu) "
			 "went alone",
			 s->enc.oversize, s->enc.mtu);
	}
	send_packets(s);
	s->sends++;
}

/* The address and the encoder settings of cfg into host, port and enc:
 * 0, or -EINVAL with why[] saying what is wrong. */
static int parse_settings(const struct mfd_statsd_settings *cfg, char *host,
			  size_t host_len, uint16_t *port,
			  struct statsd_encoder *enc, char *why, size_t why_len)
{
	if (statsd_parse_addr(cfg->addr, host, host_len, port)) {
		snprintf(why, why_len,
			 "--statsd '%s': expected HOST:PORT or [IPV6]:PORT "
			 "with a port from 1 to 65535",
			 cfg->addr ? cfg->addr : "");
		return -EINVAL;
	}
	if (statsd_encoder_configure(enc, (enum statsd_tag_style)cfg->tags,
				     cfg->prefix ? cfg->prefix : "",
				     (size_t)cfg->mtu)) {
		snprintf(why, why_len,
			 "--statsd-prefix '%s': at most %d characters from "
			 "A-Z a-z 0-9 _ . -",
			 cfg->prefix ? cfg->prefix : "", STATSD_PREFIX_MAX);
		return -EINVAL;
	}
	return 0;
}

int mfd_statsd_check(const struct mfd_statsd_settings *cfg, char *why,
		     size_t why_len)
{
	struct statsd_encoder enc;
	char host[256];
	uint16_t port;
	int err;

	memset(&enc, 0, sizeof(enc));
	err = parse_settings(cfg, host, sizeof(host), &port, &enc, why,
			     why_len);
	statsd_encoder_free(&enc);
	return err;
}

/* Copy what we need from cfg into s (no pointers into cfg are kept). */
static int apply_config(struct statsd *s, const struct mfd_statsd_settings *cfg,
			bool *addr_changed)
{
	char host[256], why[512];
	uint16_t port;
	int err;

	err = parse_settings(cfg, host, sizeof(host), &port, &s->enc, why,
			     sizeof(why));
	if (err) {
		log_error("%s", why);
		return err;
	}
	s->enc.changed_only = cfg->send == 1;
	s->write_tv.tv_sec = (time_t)cfg->write_timeout;
	s->write_tv.tv_usec = (suseconds_t)((cfg->write_timeout -
					     (double)s->write_tv.tv_sec) *
					    1e6);
	if (s->bev)
		bufferevent_set_timeouts(s->bev, NULL, &s->write_tv);
	*addr_changed = strcmp(host, s->host) != 0 || port != s->port ||
			cfg->proto != s->proto;
	if (*addr_changed) {
		s->proto = cfg->proto;
		snprintf(s->host, sizeof(s->host), "%s", host);
		s->port = port;
		snprintf(s->addr_text, sizeof(s->addr_text),
			 strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
	}
	return 0;
}

static int statsd_reload(struct mfd_exporter *e,
			 const struct mfd_export_settings *set)
{
	const struct mfd_statsd_settings *cfg = set->statsd;
	struct statsd *s = e->priv;
	struct statsd_encoder saved = s->enc;
	char host[256];
	uint16_t port;
	bool changed = false;

	/* Validate before touching anything, so a refusal keeps all. */
	if (statsd_parse_addr(cfg->addr, host, sizeof(host), &port) ||
	    statsd_encoder_configure(&saved, (enum statsd_tag_style)cfg->tags,
				     cfg->prefix ? cfg->prefix : "",
				     (size_t)cfg->mtu)) {
		log_error("new StatsD settings are invalid");
		return -EINVAL;
	}
	if (apply_config(s, cfg, &changed))
		return -EINVAL;
	if (changed) {
		cancel_resolve(s);
		close_socket(s);
		s->retry_s = RETRY_MIN_S;
		resolve(s);
		log_info("now sending to %s", s->addr_text);
	}
	return 0;
}

static void statsd_destroy(struct mfd_exporter *e)
{
	struct statsd *s = e->priv;

	if (s) {
		const uint64_t *d = e->stats.dropped;
		uint64_t total = 0;

		/* What is still queued on TCP is lost now: count it first,
		 * then print the same counters /metrics published. */
		close_socket(s);
		for (int r = 0; r < MFD_DROP_REASONS; r++)
			total += d[r];
		log_info("%" PRIu64 " sends: %" PRIu64 " packets sent, %" PRIu64
			 " failed, %" PRIu64
			 " lines dropped (send_error %" PRIu64
			 ", queue_full %" PRIu64 ", encode_error %" PRIu64
			 "), %" PRIu64 " lines over the mtu",
			 s->sends, e->stats.requests_sent,
			 e->stats.requests_failed, total, d[MFD_DROP_SEND],
			 d[MFD_DROP_QUEUE_FULL], d[MFD_DROP_ENCODE],
			 s->oversize_total);
		cancel_resolve(s);
		if (s->timer)
			event_free(s->timer);
		if (s->dns)
			evdns_base_free(s->dns, 0);
		close_socket(s);
		statsd_encoder_free(&s->enc);
		free(s);
	}
	free(e);
}

/* TCP: the final flush waits (up to --shutdown-timeout) for the queue. */
static bool statsd_busy(struct mfd_exporter *e)
{
	struct statsd *s = e->priv;

	return s->bev && s->connected &&
	       evbuffer_get_length(bufferevent_get_output(s->bev)) > 0;
}

static const struct mfd_exporter_ops statsd_ops = {
	.name = "statsd",
	.on_sample = statsd_on_sample,
	.busy = statsd_busy,
	.reload = statsd_reload,
	.destroy = statsd_destroy,
};

bool mfd_statsd_enabled(const struct mfd_statsd_settings *cfg)
{
	return cfg->addr && *cfg->addr;
}

int mfd_statsd_create(const struct mfd_export_ctx *ctx,
		      struct mfd_exporter **out)
{
	struct mfd_exporter *e = calloc(1, sizeof(*e));
	struct statsd *s = calloc(1, sizeof(*s));
	bool changed;
	int err = -ENOMEM;

	if (!e || !s)
		goto cleanup;
	e->ops = &statsd_ops;
	e->priv = s;
	s->e = e;
	s->fd = -1;
	s->base = ctx->base;
	s->retry_s = RETRY_MIN_S;
	err = statsd_encoder_init(&s->enc, STATSD_TAGS_NONE, "", 1432);
	if (err)
		goto cleanup;
	err = apply_config(s, ctx->set->statsd, &changed);
	if (err)
		goto cleanup;
	s->timer = evtimer_new(s->base, on_timer, s);
	if (!s->timer) {
		err = -ENOMEM;
		goto cleanup;
	}
	log_info("StatsD to %s over %s, %s names, packets up to %zu bytes",
		 s->addr_text, s->proto == PROTO_TCP ? "TCP" : "UDP",
		 (const char *[]){ "untagged", "DogStatsD-tagged",
				   "Graphite-tagged" }[s->enc.style],
		 s->enc.mtu);
	resolve(s);
	*out = e;
	return 0;

cleanup:
	if (s)
		statsd_encoder_free(&s->enc);
	free(s);
	free(e);
	return err;
}
