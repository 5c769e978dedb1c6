/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_exporter.h - the OTLP exporter's state, shared by its three parts:
 * otlp.c (the vtable, the export interval, settings), otlp_queue.c
 * (batches, the spool files and the queue's bounds) and otlp_send.c
 * (requests, outcomes, retries). Not for use outside exporters/otlp/.
 */
#ifndef MFD_OTLP_EXPORTER_H
#define MFD_OTLP_EXPORTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exporter.h"
#include "otlp_encode.h"
#include "otlp_http.h"
#include "otlp_resolve.h"
#include "resource.h"

struct rec {
	unsigned int sig; /* enum otlp_signal */
	uint32_t points; /* data points or log records */
	uint32_t len;
	uint8_t *data; /* one encoded request fragment */
};

struct batch {
	struct batch *next;
	uint64_t seq; /* spool file name */
	struct rec *recs; /* when loaded */
	size_t nrecs, cap;
	bool loaded;
	size_t bytes; /* bytes on disk (spool) or in memory */
	uint64_t points; /* sum of recs' points */
	char *path; /* spool file, or NULL */
	size_t cur[OTLP_SIGNALS]; /* next unsent record, per signal */
};

struct otlp {
	struct mfd_exporter e;
	struct otlp_resolved s;
	struct otlp_resource res;
	struct event_base *base;
	struct event *tick; /* the export interval */
	struct event *retry; /* backoff */
	bool retry_pending;
	struct otlp_http *http;
	char **hdrs[OTLP_SIGNALS]; /* "Name: value", NULL-terminated */
	struct otlp_tls tls;
	bool curl_loaded; /* an endpoint needs libcurl: it is loaded */

	struct batch *active; /* filling, or NULL */
	int active_fd; /* its spool file, or -1 */
	struct batch *head, *tail; /* sealed batches, oldest first */
	size_t nqueued;
	size_t nmem; /* queued batches held only in memory despite a spool */
	size_t spool_bytes; /* on disk, active included */
	uint64_t next_seq;

	/* The request in flight (always of the head batch). */
	bool inflight;
	unsigned int req_sig;
	size_t req_end; /* head->cur[req_sig] once it is answered */
	uint64_t req_points;
	uint8_t *req_body;
	unsigned int attempt; /* retries of this request so far */

	bool stopping; /* final flush: no more waiting on backoff */
	bool gave_up; /* final flush met a retryable failure */

	struct otlp_log_event *logs; /* this interval's events, <= log_cap */
	size_t nlogs;
	uint64_t suppressed; /* events over the cap this interval */

	uint64_t rng;
};

/* "metrics", "logs": enum otlp_signal as logged. */
extern const char *const otlp_sig_name[OTLP_SIGNALS];

/* --- otlp_queue.c: batches, spool files, the queue ----------------------- */

void otlp_batch_unload(struct batch *b);
void otlp_batch_free(struct batch *b);
/* Read a spool file into b->recs; bad spans are skipped with a warning.
 * 0 or -errno. */
int otlp_batch_load(struct otlp *o, struct batch *b);
/* Points of b not yet delivered: all of them unless it is loaded. */
uint64_t otlp_batch_undelivered(const struct batch *b);
/* Publish the queue's depth and the spool's size in the statistics. */
void otlp_update_stats(struct otlp *o);
/* Create or open the spool directory and queue what an earlier run left
 * there. 0 or -errno (logged). */
int otlp_queue_open_spool(struct otlp *o);
/* Add one fragment to the active batch (and its spool file). Takes data. */
void otlp_queue_add(struct otlp *o, unsigned int sig, uint8_t *data, size_t len,
		    uint64_t points);
/* Append a sealed batch to the queue. */
void otlp_queue_push(struct otlp *o, struct batch *b);
/* Evict the oldest batches past the caps, counted. */
void otlp_queue_bound(struct otlp *o);
/* The head batch is answered: remove it and its file. */
void otlp_queue_pop(struct otlp *o);

/* --- otlp_send.c: requests, outcomes, retries ----------------------------- */

struct timeval otlp_tv(double secs);
/* Send the queue's head, one request at a time, unless one is in flight
 * or a retry is pending. */
void otlp_send_next(struct otlp *o);
/* The retry timer: the backoff is over. */
void otlp_on_retry(evutil_socket_t fd, short what, void *arg);
/* The per-signal header lists each request sends, from o->s. 0 or
 * -ENOMEM. */
int otlp_build_headers(struct otlp *o);
void otlp_free_headers(struct otlp *o);
void otlp_free_header_lists(char ***l);

#endif /* MFD_OTLP_EXPORTER_H */
