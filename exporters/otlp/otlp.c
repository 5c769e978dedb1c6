// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp.c - the OTLP/HTTP exporter: batches, retries, the spool.
 *
 * Every sample is encoded at once into a request fragment (otlp_encode.h)
 * and appended to the "active" batch; with a spool the fragment is also
 * appended to the batch's spool file right away, so a kill -9 loses
 * nothing that was sampled. Extfrag events collect, up to the per-interval
 * cap, until the export timer seals the batch: their log fragment is added,
 * the batch joins the queue, and the sender sends the queue's head, one
 * request at a time (so each series arrives in order): the fragments of
 * one signal, concatenated up to the size cap. A batch leaves the queue
 * (and its file is unlinked) only when every request of it was answered.
 *
 * Outcomes follow the OTLP spec and the Collector's exporterhelper: 2xx is
 * delivered (partial_success is logged and counted, never retried); 429,
 * 502, 503, 504 and connection-level failures are retried with exponential
 * backoff and jitter, waiting max(backoff, Retry-After) clamped to
 * otlp.max_backoff; any other status drops the request's data, counted.
 * The queue is bounded: without a spool by a number of batches, with one
 * by bytes on disk; the oldest batch is evicted first, counted. A batch
 * whose spool file cannot be written (a full disk, a read-only mount, no
 * file descriptor left) stays in memory, and those batches are bounded by
 * the number of batches again: past it the oldest is dropped, counted as
 * spool_write_failed. Memory never grows past the batch cap, whatever the
 * disk does; the exit message says which batches are on disk and which
 * are lost.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LOG_COMPONENT "otlp"
#include "curl_api.h"
#include "log.h"
#include "otlp.h"
#include "otlp_exporter.h"

/* --- the interval ---------------------------------------------------------- */

/* Close the interval: add the event logs, queue the batch, send. */
static void seal(struct otlp *o)
{
	struct batch *b;

	if ((o->nlogs || o->suppressed) && o->s.url[OTLP_LOGS]) {
		uint8_t *buf;
		size_t len;

		if (otlp_encode_logs(&o->res, o->logs, o->nlogs, o->suppressed,
				     o->s.log_cap, mfd_now_unix_ns(), &buf,
				     &len) == 0)
			otlp_queue_add(o, OTLP_LOGS, buf, len,
				       o->nlogs + (o->suppressed ? 1 : 0));
		else
			o->e.stats.dropped[MFD_DROP_ENCODE] += o->nlogs;
	}
	o->e.stats.dropped[MFD_DROP_LOG_CAP] += o->suppressed;
	o->nlogs = 0;
	o->suppressed = 0;

	b = o->active;
	if (!b)
		goto send;
	o->active = NULL;
	if (o->active_fd >= 0) {
		if (o->s.fsync != OTLP_FSYNC_NEVER && fdatasync(o->active_fd))
			log_warn_rl("fsync of %s failed: %s", b->path,
				    strerror(errno));
		close(o->active_fd);
		o->active_fd = -1;
	}
	if (!b->nrecs) {
		otlp_batch_free(b);
		goto send;
	}
	if (b->path)
		otlp_batch_unload(b); /* on disk: read back when it is sent */
	otlp_queue_push(o, b);
	otlp_queue_bound(o);
send:
	otlp_send_next(o);
}

/* --- the vtable ------------------------------------------------------------------------------ */

static void otlp_on_sample(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct otlp *o = e->priv;
	uint8_t *buf;
	size_t len, npoints;

	if (!o->s.url[OTLP_METRICS])
		return;
	if (otlp_encode_metrics(&o->res, st, &buf, &len, &npoints)) {
		o->e.stats.dropped[MFD_DROP_ENCODE]++;
		return;
	}
	if (!npoints) {
		free(buf);
		return;
	}
	otlp_queue_add(o, OTLP_METRICS, buf, len, npoints);
}

static void otlp_on_event(struct mfd_exporter *e, const struct mfd_state *st,
			  const struct mfd_extfrag_event *ev)
{
	struct otlp *o = e->priv;
	struct otlp_log_event *le;
	char buf[32];

	if (!o->s.url[OTLP_LOGS])
		return;
	if (o->nlogs >= o->s.log_cap) {
		o->suppressed++;
		return;
	}
	le = &o->logs[o->nlogs++];
	memset(le, 0, sizeof(*le));
	le->ev = *ev;
	le->time_unix_nano = mfd_state_unix_ns(st, ev->ts_ns);
	le->observed_unix_nano = mfd_now_unix_ns();
	snprintf(le->alloc_mt, sizeof(le->alloc_mt), "%s",
		 mfd_kinfo_mt_name(st->kinfo, ev->alloc_migratetype, buf,
				   sizeof(buf)));
	snprintf(le->fallback_mt, sizeof(le->fallback_mt), "%s",
		 mfd_kinfo_mt_name(st->kinfo, ev->fallback_migratetype, buf,
				   sizeof(buf)));
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	seal(arg);
}

static void otlp_flush(struct mfd_exporter *e, const struct mfd_state *st)
{
	struct otlp *o = e->priv;

	(void)st;
	o->stopping = true;
	if (o->retry_pending) { /* one last try now, not after the backoff */
		evtimer_del(o->retry);
		o->retry_pending = false;
	}
	seal(o);
}

static bool otlp_busy(struct mfd_exporter *e)
{
	struct otlp *o = e->priv;

	return o->inflight || (o->head && !o->gave_up && !o->retry_pending);
}

static const char *env_lookup(const char *name)
{
	return getenv(name);
}

/* libcurl, loaded when an endpoint of s needs it (https://, a proxy) and
 * it is not loaded yet: 0, or -errno, logged. */
static int load_curl_for(struct otlp *o, const struct otlp_resolved *s)
{
	char why[256];
	int err;

	if (o->curl_loaded)
		return 0;
	for (int i = 0; i < OTLP_SIGNALS; i++)
		if (s->url[i] && otlp_http_needs_curl(s->url[i], env_lookup))
			goto load;
	return 0;
load:
	/* Loaded here, not linked: an agent that exports to a plain http://
	 * collector never maps it and the TLS, Kerberos and LDAP libraries
	 * it pulls in. */
	err = otlp_http_load_curl(why, sizeof(why));
	if (err) {
		log_error("OTLP export over https:// or through a proxy needs "
			  "libcurl, and %s; install the libcurl4 package, %s "
			  "or later (the run-time library libcurl4-openssl-dev "
			  "builds against), or use an http:// endpoint "
			  "without a proxy",
			  why, MFD_CURL_MIN_VERSION);
		return err;
	}
	o->curl_loaded = true;
	return 0;
}

/* Resolve set's OTLP settings against the environment into s: 0, or
 * -EINVAL / -ENOMEM with why[] saying what is wrong. Which options came
 * from the command line is the one thing it asks beyond its settings. */
static int resolve(const struct mfd_export_settings *set,
		   struct otlp_resolved *s, char *why, size_t why_len)
{
	const struct otlp_sources src = {
		.cfg = set->otlp,
		.by_flag = set->from_flag,
		.by_flag_ctx = set->origin_ctx,
		.env = env_lookup,
	};

	return otlp_resolve(&src, s, why, why_len);
}

/* Resolve settings: 0 or -errno (logged). */
static int load_settings(const struct mfd_export_settings *set,
			 struct otlp_resolved *s)
{
	char why[256];
	int err;

	err = resolve(set, s, why, sizeof(why));
	if (err) {
		log_error("OTLP exporter: %s", why);
		return err;
	}
	if (s->insecure)
		log_warn("TLS certificate verification is OFF "
			 "(--otlp-insecure)");
	return 0;
}

static void apply_tls(struct otlp *o)
{
	o->tls = (struct otlp_tls){
		.ca_file = o->s.ca_file,
		.client_cert = o->s.client_cert,
		.client_key = o->s.client_key,
		.insecure = o->s.insecure,
	};
}

static void arm_tick(struct otlp *o)
{
	struct timeval tv = otlp_tv(o->s.export_interval);

	evtimer_del(o->tick);
	event_add(o->tick, &tv);
}

static int otlp_reload(struct mfd_exporter *e,
		       const struct mfd_export_settings *set)
{
	struct otlp *o = e->priv;
	struct otlp_resolved s;
	struct otlp_log_event *logs;
	bool same_spool;

	if (load_settings(set, &s))
		return -EINVAL;
	same_spool = (!s.spool_dir && !o->s.spool_dir) ||
		     (s.spool_dir && o->s.spool_dir &&
		      !strcmp(s.spool_dir, o->s.spool_dir));
	if (!same_spool) {
		log_warn("the spool directory cannot change on reload; "
			 "restart the agent for that");
		otlp_resolved_free(&s);
		return -EINVAL;
	}
	if (load_curl_for(o, &s)) {
		otlp_resolved_free(&s);
		return -EINVAL;
	}
	logs = realloc(o->logs, (s.log_cap ? s.log_cap : 1) * sizeof(*logs));
	if (!logs) {
		otlp_resolved_free(&s);
		return -ENOMEM;
	}
	o->logs = logs;
	if (o->nlogs > s.log_cap) {
		o->suppressed += o->nlogs - s.log_cap;
		o->nlogs = s.log_cap;
	}
	otlp_resolved_free(&o->s);
	o->s = s;
	/* A request in flight has its own copy of the headers. */
	otlp_free_headers(o);
	if (otlp_build_headers(o))
		return -ENOMEM;
	apply_tls(o);
	arm_tick(o);
	otlp_queue_bound(o);
	return 0;
}

/* Say exactly what is left: which batches wait on disk for the next run
 * and which, held in memory, die with the process. */
static void report_at_exit(struct otlp *o)
{
	size_t n[2] = { 0, 0 }; /* [0] on disk, [1] in memory only */
	uint64_t pts[2] = { 0, 0 };

	for (struct batch *b = o->head; b; b = b->next) {
		n[!b->path]++;
		pts[!b->path] += otlp_batch_undelivered(b);
	}
	/* The active batch's file, still open, holds every record so far. */
	if (o->active && o->active->nrecs) {
		n[!o->active->path]++;
		pts[!o->active->path] += otlp_batch_undelivered(o->active);
	}
	if (n[0])
		log_warn("at exit %zu export batch(es) with %" PRIu64
			 " undelivered points/records stay in the spool %s "
			 "and are sent by the next run",
			 n[0], pts[0], o->s.spool_dir);
	if (n[1] && o->s.spool_dir)
		log_warn("at exit %zu export batch(es) with %" PRIu64
			 " points/records are lost: they were held in memory "
			 "because writing them to the spool %s failed",
			 n[1], pts[1], o->s.spool_dir);
	else if (n[1])
		log_warn("at exit %zu export batch(es) with %" PRIu64
			 " points/records are lost (undelivered; --spool DIR "
			 "keeps them across restarts)",
			 n[1], pts[1]);
}

static void otlp_destroy(struct mfd_exporter *e)
{
	struct otlp *o = e->priv;

	report_at_exit(o);
	if (o->active_fd >= 0)
		close(o->active_fd);
	if (o->active)
		otlp_batch_free(o->active);
	while (o->head) {
		struct batch *b = o->head;

		o->head = b->next;
		otlp_batch_free(b); /* spool files stay for the next run */
	}
	otlp_http_free(o->http);
	if (o->tick)
		event_free(o->tick);
	if (o->retry)
		event_free(o->retry);
	otlp_free_headers(o);
	free(o->req_body);
	free(o->logs);
	otlp_resource_free(&o->res);
	otlp_resolved_free(&o->s);
	if (o->curl_loaded)
		otlp_http_unload_curl();
	free(o);
}

static const struct mfd_exporter_ops otlp_ops = {
	.name = "otlp",
	.on_sample = otlp_on_sample,
	.on_event = otlp_on_event,
	.reload = otlp_reload,
	.flush = otlp_flush,
	.busy = otlp_busy,
	.destroy = otlp_destroy,
};

int mfd_otlp_check(const struct mfd_export_settings *set, char *why,
		   size_t why_len)
{
	struct otlp_resolved s;
	int err;

	err = resolve(set, &s, why, why_len);
	if (!err)
		otlp_resolved_free(&s);
	return err;
}

bool mfd_otlp_enabled(const struct mfd_export_settings *set)
{
	return otlp_resolve_enabled(set->otlp, env_lookup);
}

int mfd_otlp_create(const struct mfd_export_ctx *ctx, struct mfd_exporter **out)
{
	struct otlp *o;
	int err;

	*out = NULL;
	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->e.ops = &otlp_ops;
	o->e.priv = o;
	o->e.stats.has_queue = true;
	o->base = ctx->base;
	o->active_fd = -1;
	o->next_seq = 1;
	o->rng = mfd_now_mono_ns() ^ ((uint64_t)getpid() << 32) ^
		 0x9e3779b97f4a7c15ull;
	if (!o->rng)
		o->rng = 1;

	err = load_settings(ctx->set, &o->s);
	if (err) {
		free(o);
		return err;
	}
	err = load_curl_for(o, &o->s);
	if (err)
		goto fail;
	err = -ENOMEM;
	if (otlp_build_headers(o))
		goto fail;
	apply_tls(o);

	err = mfd_resource_detect(&o->res);
	if (err)
		goto fail;

	o->logs = calloc(o->s.log_cap ? o->s.log_cap : 1, sizeof(*o->logs));
	o->http = otlp_http_new(ctx->base);
	o->tick = event_new(ctx->base, -1, EV_PERSIST, on_tick, o);
	o->retry = evtimer_new(ctx->base, otlp_on_retry, o);
	err = -ENOMEM;
	if (!o->logs || !o->http || !o->tick || !o->retry)
		goto fail;
	if (o->s.spool_dir) {
		err = otlp_queue_open_spool(o);
		if (err)
			goto fail;
		otlp_queue_bound(o);
	}
	arm_tick(o);
	otlp_update_stats(o);
	log_info("exporting OTLP/HTTP every %gs: metrics to %s, logs to %s%s%s",
		 o->s.export_interval,
		 o->s.url[OTLP_METRICS] ? o->s.url_log[OTLP_METRICS] : "(off)",
		 o->s.url[OTLP_LOGS] ? o->s.url_log[OTLP_LOGS] : "(off)",
		 o->s.spool_dir ? ", spool " : "",
		 o->s.spool_dir ? o->s.spool_dir : "");
	*out = &o->e;
	/* Batches left from an earlier run go out at once. */
	otlp_send_next(o);
	return 0;
fail:
	otlp_destroy(&o->e);
	return err;
}
