// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_send.c - the OTLP exporter's requests: the queue's head sent one
 * request at a time, each outcome counted, retryable failures retried
 * with backoff, jitter and Retry-After (see otlp.c for the rules).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOG_COMPONENT "otlp"
#include "log.h"
#include "otlp_exporter.h"
#include "otlp_gzip.h"
#include "otlp_retry_after.h"

#define INITIAL_BACKOFF 1.0 /* seconds */

const char *const otlp_sig_name[OTLP_SIGNALS] = { "metrics", "logs" };

static double jitter(struct otlp *o)
{
	/* xorshift64: enough to spread retries of many agents. */
	o->rng ^= o->rng << 13;
	o->rng ^= o->rng >> 7;
	o->rng ^= o->rng << 17;
	return 0.5 + (double)(o->rng % 1000000) / 1000000.0;
}

struct timeval otlp_tv(double secs)
{
	struct timeval tv;

	if (secs < 0)
		secs = 0;
	tv.tv_sec = (time_t)secs;
	tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* The header lines hold secrets (tokens): cleared before they are freed. */
void otlp_free_header_lists(char ***l)
{
	for (int s = 0; s < OTLP_SIGNALS; s++) {
		for (char **h = l[s]; h && *h; h++) {
			explicit_bzero(*h, strlen(*h));
			free(*h);
		}
		free(l[s]);
		l[s] = NULL;
	}
}

/* --- sending ------------------------------------------------------------------------------ */

static void on_http_done(void *arg, const struct otlp_http_result *r);

void otlp_on_retry(evutil_socket_t fd, short what, void *arg)
{
	struct otlp *o = arg;

	(void)fd;
	(void)what;
	o->retry_pending = false;
	otlp_send_next(o);
}

/* The next request of the head batch: records [head->cur[sig], end) of one
 * signal, concatenated while under the size cap (at least one). */
static bool build_request(struct otlp *o, struct batch *b, unsigned int *sig,
			  uint8_t **body, size_t *len, size_t *end,
			  uint64_t *points)
{
	for (unsigned int s = 0; s < OTLP_SIGNALS; s++) {
		size_t total = 0, i, first = SIZE_MAX;
		uint64_t pts = 0;
		uint8_t *buf, *p;

		for (i = b->cur[s]; i < b->nrecs; i++) {
			if (b->recs[i].sig != s)
				continue;
			if (!o->s.url[s]) /* signal switched off */
				continue;
			if (first != SIZE_MAX &&
			    total + b->recs[i].len > o->s.max_request_bytes)
				break;
			if (first == SIZE_MAX)
				first = i;
			total += b->recs[i].len;
			pts += b->recs[i].points;
		}
		if (first == SIZE_MAX) {
			b->cur[s] = b->nrecs;
			continue;
		}
		buf = malloc(total ? total : 1);
		if (!buf)
			return false;
		p = buf;
		for (size_t k = first; k < i; k++)
			if (b->recs[k].sig == s) {
				memcpy(p, b->recs[k].data, b->recs[k].len);
				p += b->recs[k].len;
			}
		*sig = s;
		*body = buf;
		*len = total;
		*end = i;
		*points = pts;
		return true;
	}
	return false;
}

void otlp_send_next(struct otlp *o)
{
	while (o->head && !o->inflight && !o->retry_pending && !o->gave_up) {
		struct batch *b = o->head;
		uint8_t *body = NULL, *gz = NULL;
		size_t len = 0, gzlen = 0;
		int err;

		if (!b->loaded && (err = otlp_batch_load(o, b))) {
			if (err == -EMFILE || err == -ENFILE ||
			    err == -ENOMEM) {
				/* Out of descriptors or memory for now:
				 * the file is fine, read it later. */
				struct timeval tv = otlp_tv(o->s.max_backoff);

				o->retry_pending = true;
				evtimer_add(o->retry, &tv);
				return;
			}
			o->e.stats.dropped[MFD_DROP_SEND] += b->points;
			otlp_queue_pop(o);
			continue;
		}
		if (!build_request(o, b, &o->req_sig, &body, &len, &o->req_end,
				   &o->req_points)) {
			otlp_queue_pop(o); /* every request answered */
			continue;
		}
		if (o->s.gzip) {
			err = otlp_gzip(body, len, &gz, &gzlen);
			free(body);
			if (err) {
				o->e.stats.dropped[MFD_DROP_ENCODE] +=
					o->req_points;
				b->cur[o->req_sig] = o->req_end;
				continue;
			}
			body = gz;
			len = gzlen;
		}
		free(o->req_body);
		o->req_body = body;
		err = otlp_http_post(o->http, o->s.url[o->req_sig],
				     (const char *const *)o->hdrs[o->req_sig],
				     body, len, o->s.timeout_ms, &o->tls,
				     on_http_done, o);
		if (err) {
			char why[128];
			struct otlp_http_result r = { .failed = true,
						      .error = why };

			snprintf(why, sizeof(why),
				 "could not start the request: %s",
				 strerror(-err));
			on_http_done(o, &r);
			return;
		}
		o->inflight = true;
		log_debug("POST %s: %zu bytes, %" PRIu64 " %s",
			  o->s.url_log[o->req_sig], len, o->req_points,
			  otlp_sig_name[o->req_sig]);
	}
}

static bool retryable(const struct otlp_http_result *r)
{
	if (r->failed)
		return true; /* refused, reset, timed out, DNS... */
	return r->status == 429 || r->status == 502 || r->status == 503 ||
	       r->status == 504;
}

/* The start of a response body, printable, with every configured secret
 * starred out: a collector may echo the request's headers. The scrub runs
 * over more than is shown, so a secret cut at the end cannot leak its
 * first bytes. */
static void body_excerpt(const struct otlp *o, const struct otlp_http_result *r,
			 char *out, size_t len)
{
	char buf[4096];
	size_t n = r->body_len < sizeof(buf) - 1 ? r->body_len :
						   sizeof(buf) - 1;

	for (size_t i = 0; i < n; i++) {
		uint8_t c = r->body[i];

		buf[i] = c >= 0x20 && c < 0x7f ? (char)c : '.';
	}
	buf[n] = '\0';
	otlp_scrub_secrets(&o->s, buf);
	n = n < len - 1 ? n : len - 1;
	memcpy(out, buf, n);
	out[n] = '\0';
	explicit_bzero(buf, sizeof(buf));
}

/* A transport error text, scrubbed the same way. */
static const char *scrubbed(const struct otlp *o, const char *text, char *buf,
			    size_t len)
{
	snprintf(buf, len, "%s", text ? text : "");
	otlp_scrub_secrets(&o->s, buf);
	return buf;
}

static void on_http_done(void *arg, const struct otlp_http_result *r)
{
	struct otlp *o = arg;
	struct batch *b = o->head;
	char msg[256], err_text[256];

	o->inflight = false;
	/* A resend on a new connection was a retry: counted as one. */
	o->e.stats.requests_retried += r->resent;
	free(o->req_body);
	o->req_body = NULL;
	if (!b)
		return;
	if (!r->failed && r->status >= 200 && r->status < 300) {
		int64_t rejected = 0;

		o->e.stats.requests_sent++;
		o->attempt = 0;
		if (otlp_decode_response(o->req_sig, r->body, r->body_len,
					 &rejected, msg, sizeof(msg)) == 0 &&
		    (rejected || msg[0])) {
			otlp_scrub_secrets(&o->s, msg);
			/* A collector cannot reject more than this
			 * request held: a count past it (2^63-1 was seen)
			 * would wrap the counter. Logged as it came. */
			if (rejected > 0)
				o->e.stats.dropped[MFD_DROP_PARTIAL] +=
					(uint64_t)rejected < o->req_points ?
						(uint64_t)rejected :
						o->req_points;
			log_warn_rl("collector accepted %s partially: "
				    "%" PRId64 " rejected: %s",
				    otlp_sig_name[o->req_sig], rejected,
				    msg[0] ? msg : "(no message)");
		}
		b->cur[o->req_sig] = o->req_end;
	} else if (retryable(r)) {
		double delay, ra = 0;

		if (o->stopping) {
			o->gave_up = true;
			log_warn("final flush: %s not delivered (%s)",
				 otlp_sig_name[o->req_sig],
				 !r->failed ? "retryable status" :
					      scrubbed(o, r->error, err_text,
						       sizeof(err_text)));
			return;
		}
		o->attempt++;
		o->e.stats.requests_retried++;
		delay = INITIAL_BACKOFF;
		for (unsigned int i = 1; i < o->attempt && delay < 1e6; i++)
			delay *= 2;
		if (delay > o->s.max_backoff)
			delay = o->s.max_backoff;
		delay *= jitter(o);
		if (r->retry_after &&
		    otlp_parse_retry_after(r->retry_after, time(NULL), &ra) ==
			    0 &&
		    ra > delay)
			delay = ra;
		if (delay > o->s.max_backoff)
			delay = o->s.max_backoff;
		if (r->failed)
			log_warn_rl("sending %s to %s failed: %s; retry %u in "
				    "%.1fs",
				    otlp_sig_name[o->req_sig],
				    o->s.url_log[o->req_sig],
				    scrubbed(o, r->error, err_text,
					     sizeof(err_text)),
				    o->attempt, delay);
		else
			log_warn_rl("collector answered %ld for %s; retry %u "
				    "in %.1fs",
				    r->status, otlp_sig_name[o->req_sig],
				    o->attempt, delay);
		{
			struct timeval tv = otlp_tv(delay);

			o->retry_pending = true;
			evtimer_add(o->retry, &tv);
		}
		return;
	} else {
		o->e.stats.requests_failed++;
		o->e.stats.dropped[MFD_DROP_PERMANENT] += o->req_points;
		o->attempt = 0;
		body_excerpt(o, r, msg, 200);
		log_error_rl("collector rejected %s with HTTP %ld (dropped "
			     "%" PRIu64 ", not retried): %s",
			     otlp_sig_name[o->req_sig], r->status,
			     o->req_points, msg);
		b->cur[o->req_sig] = o->req_end;
	}
	otlp_send_next(o);
}

void otlp_free_headers(struct otlp *o)
{
	otlp_free_header_lists(o->hdrs);
}

/* One list of header lines per signal: the content type and encoding,
 * then the configured ones (secrets among them). 0 or -ENOMEM. */
int otlp_build_headers(struct otlp *o)
{
	for (int s = 0; s < OTLP_SIGNALS; s++) {
		size_t n = 0, max = o->s.nheaders[s] + 3;
		char **l = calloc(max, sizeof(*l));

		o->hdrs[s] = l;
		if (!l ||
		    !(l[n++] =
			      strdup("Content-Type: application/x-protobuf")) ||
		    (o->s.gzip && !(l[n++] = strdup("Content-Encoding: gzip"))))
			goto nomem;
		for (size_t i = 0; i < o->s.nheaders[s]; i++)
			if (asprintf(&l[n++], "%s: %s", o->s.headers[s][i].key,
				     o->s.headers[s][i].value) < 0) {
				l[n - 1] = NULL;
				goto nomem;
			}
	}
	return 0;
nomem:
	otlp_free_headers(o);
	return -ENOMEM;
}
