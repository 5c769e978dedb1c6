// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - the agent's current knowledge (see state.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "state.h"

/* 10 µs .. 1 s: a BPF sample costs a few µs, a procfs one tens of µs, and
 * anything over 10 ms means the machine itself is in trouble. */
const double mfd_duration_bounds[MFD_DUR_BUCKETS] = {
	0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
	0.001,	 0.0025,   0.005,   0.01,   0.1,     1.0,
};

static const char *const drop_names[MFD_DROP_REASONS] = {
	[MFD_DROP_QUEUE_FULL] = "queue_full",
	[MFD_DROP_PERMANENT] = "permanent_error",
	[MFD_DROP_PARTIAL] = "partial_success",
	[MFD_DROP_SPOOL_EVICTED] = "spool_evicted",
	[MFD_DROP_LOG_CAP] = "log_cap",
	[MFD_DROP_ENCODE] = "encode_error",
	[MFD_DROP_SEND] = "send_error",
	[MFD_DROP_SPOOL_WRITE] = "spool_write_failed",
};

static const char *const http_close_names[MFD_HTTP_CLOSE_REASONS] = {
	[MFD_HTTP_CLOSE_OVER_LIMIT] = "max_connections",
	[MFD_HTTP_CLOSE_HEADER_TIMEOUT] = "header_timeout",
	[MFD_HTTP_CLOSE_IDLE_TIMEOUT] = "idle_timeout",
	[MFD_HTTP_CLOSE_WRITE_TIMEOUT] = "write_timeout",
	[MFD_HTTP_CLOSE_BAD_FRAMING] = "bad_framing",
};

const char *mfd_http_close_name(enum mfd_http_close r)
{
	return (unsigned int)r < MFD_HTTP_CLOSE_REASONS ? http_close_names[r] :
							  "unknown";
}

const char *mfd_drop_reason_name(enum mfd_drop_reason r)
{
	return (unsigned int)r < MFD_DROP_REASONS ? drop_names[r] : "unknown";
}

uint64_t mfd_now_unix_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t mfd_now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool mfd_due(uint64_t *last, uint64_t period)
{
	uint64_t now = mfd_now_mono_ns();

	if (*last && now - *last < period - period / 100)
		return false;
	*last = now ? now : 1;
	return true;
}

void mfd_histogram_init(struct mfd_histogram *h, const double *bounds,
			unsigned int nbounds)
{
	memset(h, 0, sizeof(*h));
	if (nbounds > MFD_HIST_MAX_BOUNDS)
		nbounds = MFD_HIST_MAX_BOUNDS;
	h->bounds = bounds;
	h->nbounds = nbounds;
}

void mfd_histogram_observe(struct mfd_histogram *h, double v)
{
	unsigned int i = 0;

	while (i < h->nbounds && v > h->bounds[i])
		i++;
	h->counts[i]++;
	h->count++;
	h->sum += v;
}

int mfd_state_init(struct mfd_state *st, const struct mfd_kinfo *k,
		   size_t max_procs, size_t recent)
{
	memset(st, 0, sizeof(*st));
	st->kinfo = k;
	st->snap = calloc(1, sizeof(*st->snap));
	if (recent < 1)
		recent = 1;
	st->recent.buf = calloc(recent, sizeof(*st->recent.buf));
	st->recent.cap = recent;
	if (!st->snap || !st->recent.buf ||
	    mfd_extfrag_table_init(&st->procs, max_procs)) {
		mfd_state_free(st);
		return -ENOMEM;
	}
	st->start_unix_nano = mfd_now_unix_ns();
	st->mono_to_unix_ns =
		(int64_t)st->start_unix_nano - (int64_t)mfd_now_mono_ns();
	mfd_histogram_init(&st->collect_hist, mfd_duration_bounds,
			   MFD_DUR_BUCKETS);
	return 0;
}

void mfd_state_free(struct mfd_state *st)
{
	free(st->snap);
	free(st->recent.buf);
	mfd_extfrag_table_free(&st->procs);
	st->snap = NULL;
	st->recent.buf = NULL;
}

void mfd_state_set_snapshot(struct mfd_state *st,
			    const struct mfd_snapshot *snap)
{
	if (snap != st->snap)
		memcpy(st->snap, snap, sizeof(*snap));
	st->have_snap = true;
	st->samples++;
	st->last_sample_mono_ns = snap->mono_ns;
	mfd_histogram_observe(&st->collect_hist,
			      (double)snap->duration_ns / 1e9);
}

void mfd_state_swap_snapshot(struct mfd_state *st, struct mfd_snapshot **snap)
{
	struct mfd_snapshot *old = st->snap;

	st->snap = *snap;
	*snap = old;
	mfd_state_set_snapshot(st, st->snap);
}

void mfd_state_add_event(struct mfd_state *st,
			 const struct mfd_extfrag_event *e)
{
	mfd_extfrag_table_add(&st->procs, e);
	st->recent.buf[st->recent.head] = *e;
	st->recent.head = (st->recent.head + 1) % st->recent.cap;
	if (st->recent.count < st->recent.cap)
		st->recent.count++;
}

const struct mfd_extfrag_event *mfd_state_recent(const struct mfd_state *st,
						 size_t i)
{
	if (i >= st->recent.count)
		return NULL;
	return &st->recent.buf[(st->recent.head + st->recent.cap - 1 - i) %
			       st->recent.cap];
}

uint64_t mfd_state_unix_ns(const struct mfd_state *st, uint64_t mono_ns)
{
	return (uint64_t)((int64_t)mono_ns + st->mono_to_unix_ns);
}
