// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * statsd.c - the StatsD exporter: after each sample, encode every metric
 * point (statsd_encode.c) and send the packets over UDP.
 *
 * Nothing here blocks the loop:
 *  - the socket is non-blocking and connected; a send that would block,
 *    or fails (ECONNREFUSED from an earlier ICMP port unreachable, no
 *    route...), drops that packet and counts it;
 *  - a numeric address is used at once; a name is resolved with libevent's
 *    evdns (asynchronous). Until an address is known, every packet counts
 *    as failed. A failed resolution is retried on a timer with back-off,
 *    and a good one is refreshed every few minutes so a moved StatsD is
 *    followed.
 * Failures are counted in e->stats (requests_failed per packet,
 * dropped[MFD_DROP_SEND] per line) and logged at most once per
 * LOG_EVERY_NS, with how many more happened in between.
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
	int fd; /* connected UDP socket, or -1 */
	struct statsd_encoder enc;

	/* rate-limited failure logs, one per kind of failure */
	uint64_t last_log_ns[FAIL_KINDS];
	uint64_t unlogged[FAIL_KINDS]; /* failures since the last message */
	uint64_t oversize_total; /* lines longer than the mtu, sent alone */
	uint64_t sends; /* encodes sent (one per sample) */
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

static void close_socket(struct statsd *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
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
		err = open_socket(s, ai);
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
	s->retry_s = RETRY_MIN_S;
	schedule(s, REFRESH_S);
}

/* Start resolving s->host. A numeric address or /etc/hosts entry may
 * complete (and call on_resolved) before this returns. */
static void resolve(struct statsd *s)
{
	struct evutil_addrinfo hints = { .ai_family = AF_UNSPEC,
					 .ai_socktype = SOCK_DGRAM,
					 .ai_protocol = IPPROTO_UDP,
					 .ai_flags = EVUTIL_AI_ADDRCONFIG };
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

static void send_packets(struct statsd *s)
{
	struct mfd_export_stats *st = &s->e->stats;
	size_t n = statsd_encoder_npackets(&s->enc);

	for (size_t k = 0; k < n; k++) {
		uint32_t lines = 0;
		size_t len = 0;
		const char *p = statsd_encoder_packet(&s->enc, k, &len, &lines);
		ssize_t w;

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

/* Copy what we need from cfg into s (no pointers into cfg are kept). */
static int apply_config(struct statsd *s, const struct mfd_config *cfg,
			bool *addr_changed)
{
	char host[256];
	uint16_t port;
	int err;

	if (statsd_parse_addr(cfg->statsd_addr, host, sizeof(host), &port)) {
		log_error("--statsd '%s': expected HOST:PORT or [IPV6]:PORT "
			  "with a port from 1 to 65535",
			  cfg->statsd_addr ? cfg->statsd_addr : "");
		return -EINVAL;
	}
	err = statsd_encoder_configure(
		&s->enc, (enum statsd_tag_style)cfg->statsd_tags,
		cfg->statsd_prefix ? cfg->statsd_prefix : "",
		(size_t)cfg->statsd_mtu);
	if (err) {
		log_error("--statsd-prefix '%s': at most %d characters from "
			  "A-Z a-z 0-9 _ . -",
			  cfg->statsd_prefix ? cfg->statsd_prefix : "",
			  STATSD_PREFIX_MAX);
		return err;
	}
	*addr_changed = strcmp(host, s->host) != 0 || port != s->port;
	if (*addr_changed) {
		snprintf(s->host, sizeof(s->host), "%s", host);
		s->port = port;
		snprintf(s->addr_text, sizeof(s->addr_text),
			 strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
	}
	return 0;
}

static int statsd_reload(struct mfd_exporter *e, const struct mfd_config *cfg)
{
	struct statsd *s = e->priv;
	struct statsd_encoder saved = s->enc;
	char host[256];
	uint16_t port;
	bool changed = false;

	/* Validate before touching anything, so a refusal keeps all. */
	if (statsd_parse_addr(cfg->statsd_addr, host, sizeof(host), &port) ||
	    statsd_encoder_configure(
		    &saved, (enum statsd_tag_style)cfg->statsd_tags,
		    cfg->statsd_prefix ? cfg->statsd_prefix : "",
		    (size_t)cfg->statsd_mtu)) {
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
		log_info("%" PRIu64 " sends: %" PRIu64 " packets sent, %" PRIu64
			 " failed, %" PRIu64 " lines dropped, %" PRIu64
			 " lines over the mtu",
			 s->sends, e->stats.requests_sent,
			 e->stats.requests_failed,
			 e->stats.dropped[MFD_DROP_SEND], s->oversize_total);
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

static const struct mfd_exporter_ops statsd_ops = {
	.name = "statsd",
	.on_sample = statsd_on_sample,
	.reload = statsd_reload,
	.destroy = statsd_destroy,
};

bool mfd_statsd_enabled(const struct mfd_config *cfg)
{
	return cfg->statsd_addr && *cfg->statsd_addr;
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
	err = apply_config(s, ctx->cfg, &changed);
	if (err)
		goto cleanup;
	s->timer = evtimer_new(s->base, on_timer, s);
	if (!s->timer) {
		err = -ENOMEM;
		goto cleanup;
	}
	log_info("StatsD to %s over UDP, %s names, packets up to %zu bytes",
		 s->addr_text,
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
