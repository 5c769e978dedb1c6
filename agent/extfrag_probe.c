// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extfrag_probe.c - load, attach and drain the extfrag tracepoint program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define LOG_COMPONENT "extfrag"
#include "extfrag.skel.h"
#include "extfrag_probe.h"
#include "log.h"
#include "reread.h"

struct mfd_extfrag {
	struct extfrag_bpf *skel;
	struct ring_buffer *rb;
	mfd_extfrag_event_fn fn;
	void *arg;
	unsigned long bad_records; /* records that failed to decode */
	int nr_cpus;
	struct mfd_extfrag_stats *vals; /* one per CPU, for lookups */
	/* The counters move only with events, and every counted event
	 * leaves a record in the ring or, when the ring is full, a drop
	 * while records wait there: the records drained are the mark
	 * (reread.h). In between reads, last is the answer. */
	uint64_t records; /* ring records seen, decodable or not */
	struct mfd_reread reread;
	struct mfd_extfrag_totals last;
};

int mfd_extfrag_decode(const void *data, size_t size,
		       struct mfd_extfrag_event *out)
{
	__u32 type;

	if (!data || size < sizeof(type))
		return -EINVAL;
	memcpy(&type, data, sizeof(type));
	if (type != MFD_REC_EXTFRAG || size != sizeof(*out))
		return -EINVAL;
	memcpy(out, data, sizeof(*out));
	out->comm[sizeof(out->comm) - 1] = '\0';
	return 0;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct mfd_extfrag *x = ctx;
	struct mfd_extfrag_event e;
	struct timespec ts;

	x->records++;
	if (mfd_extfrag_decode(data, size, &e)) {
		/* Counted, logged once per thousand: never fatal. */
		if (x->bad_records++ % 1000 == 0)
			log_warn("dropping undecodable ring buffer record "
				 "(%zu bytes, %lu so far)",
				 size, x->bad_records);
		return 0;
	}
	/* A record without a time (none is expected) gets its drain time. */
	if (!e.ts_ns) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		e.ts_ns = (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
	}
	if (x->fn)
		x->fn(&e, x->arg);
	return 0;
}

static size_t round_ringbuf(size_t bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), sz = page;

	/* BPF_MAP_TYPE_RINGBUF wants a power-of-two multiple of the page. */
	while (sz < bytes && sz < ((size_t)1 << 30))
		sz <<= 1;
	return sz;
}

uint64_t mfd_extfrag_wakeup_mask(size_t ring_bytes, int nr_cpus)
{
	size_t per_cpu, n = 1;

	if (nr_cpus < 1)
		nr_cpus = 1;
	per_cpu = ring_bytes / 4 / (sizeof(struct mfd_extfrag_event) + 8) /
		  (size_t)nr_cpus;
	while (n * 2 <= per_cpu)
		n *= 2;
	return n - 1;
}

int mfd_extfrag_open(struct mfd_extfrag **out, const struct mfd_kinfo *k,
		     size_t ringbuf_bytes, mfd_extfrag_event_fn fn, void *arg,
		     char *why, size_t why_len)
{
	struct mfd_extfrag *x;
	int err;

	*out = NULL;
	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	x->fn = fn;
	x->arg = arg;
	x->nr_cpus = libbpf_num_possible_cpus();
	if (x->nr_cpus <= 0) {
		err = x->nr_cpus ? x->nr_cpus : -EINVAL;
		snprintf(why, why_len, "cannot count possible CPUs: %s",
			 strerror(-err));
		goto cleanup;
	}
	x->vals = calloc((size_t)x->nr_cpus, sizeof(*x->vals));
	if (!x->vals) {
		err = -ENOMEM;
		snprintf(why, why_len, "out of memory");
		goto cleanup;
	}

	x->skel = extfrag_bpf__open();
	if (!x->skel) {
		err = -errno;
		snprintf(why, why_len,
			 "opening the extfrag BPF object failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	x->skel->rodata->pageblock_order = k->pageblock_order;
	x->skel->rodata->wakeup_mask = mfd_extfrag_wakeup_mask(
		round_ringbuf(ringbuf_bytes), x->nr_cpus);
	err = bpf_map__set_max_entries(x->skel->maps.events,
				       (__u32)round_ringbuf(ringbuf_bytes));
	if (err) {
		snprintf(why, why_len, "sizing the ring buffer failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	err = extfrag_bpf__load(x->skel);
	if (err) {
		snprintf(why, why_len,
			 "loading the extfrag BPF program failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	err = extfrag_bpf__attach(x->skel);
	if (err) {
		snprintf(why, why_len,
			 "attaching to tracepoint kmem:mm_page_alloc_extfrag "
			 "failed: %s (is tracefs available and the tracepoint "
			 "present?)",
			 strerror(-err));
		goto cleanup;
	}
	x->rb = ring_buffer__new(bpf_map__fd(x->skel->maps.events), on_record,
				 x, NULL);
	if (!x->rb) {
		err = -errno;
		snprintf(why, why_len,
			 "creating the ring buffer reader failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	*out = x;
	return 0;

cleanup:
	mfd_extfrag_close(x);
	return err;
}

int mfd_extfrag_fd(const struct mfd_extfrag *x)
{
	return ring_buffer__epoll_fd(x->rb);
}

int mfd_extfrag_consume(struct mfd_extfrag *x)
{
	return ring_buffer__consume(x->rb);
}

int mfd_extfrag_read_totals(struct mfd_extfrag *x, struct mfd_extfrag_totals *t)
{
	int fd = bpf_map__fd(x->skel->maps.stats);
	struct mfd_extfrag_totals *l = &x->last;
	__u32 key = 0;

	if (!mfd_reread_due(&x->reread, x->records)) {
		*t = *l;
		return 0;
	}
	/* One syscall: the single per-CPU value holds every slot. */
	if (bpf_map_lookup_elem(fd, &key, x->vals))
		return -errno;
	mfd_reread_done(&x->reread, x->records);
	memset(l, 0, sizeof(*l));
	for (int cpu = 0; cpu < x->nr_cpus; cpu++) {
		const struct mfd_extfrag_stats *v = &x->vals[cpu];

		for (__u32 s = 0; s < MFD_EXTFRAG_SLOTS; s++) {
			l->slot[s] += v->slot[s];
			l->events += v->slot[s];
			/* mfd_extfrag_slot(): low bit = fragmenting */
			if (s & 1)
				l->fragmenting += v->slot[s];
		}
		l->drops += v->slot[MFD_EXTFRAG_DROPS_SLOT];
	}
	l->lost_decode = x->bad_records;
	*t = *l;
	return 0;
}

void mfd_extfrag_close(struct mfd_extfrag *x)
{
	if (!x)
		return;
	ring_buffer__free(x->rb);
	extfrag_bpf__destroy(x->skel); /* detaches the link */
	free(x->vals);
	free(x);
}
