// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * extfrag_probe.c - load, attach and drain the extfrag tracepoint program.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define LOG_COMPONENT "extfrag"
#include "bpf_open.h"
#include "extfrag.skel.h"
#include "extfrag_probe.h"
#include "log.h"
#include "reread.h"
#include "state.h" /* mfd_now_mono_ns(), mfd_due() */

struct mfd_extfrag {
	struct extfrag_bpf *skel;
	struct ring_buffer *rb;
	mfd_extfrag_event_fn fn;
	void *arg;
	unsigned long bad_records; /* records that failed to decode */
	int nr_cpus;
	int flush_fd; /* mfd_extfrag_flush, run with BPF_PROG_TEST_RUN */
	unsigned long flush_errors; /* test runs that failed */
	struct mfd_extfrag_stats *vals; /* one per CPU, for lookups */
	/* Copying every CPU's value costs a syscall and 2.2 KiB per CPU;
	 * it is read when ring records arrived since the last read (and
	 * once after: reread.h), and otherwise at most once a second,
	 * which is when staged events are found and flushed. */
	uint64_t records; /* ring records drained, decodable or not */
	struct mfd_reread reread;
	uint64_t read_ns; /* CLOCK_MONOTONIC of the last read */
	struct mfd_extfrag_totals last; /* sums of the last read */
	bool callsites; /* the stacks are counted (--callsites) */
};

/* A CPU's staged events reach the ring within this, plus one interval. */
#define MFD_EXTFRAG_READ_EVERY_NS 1000000000ull

int mfd_extfrag_decode(const void *data, size_t size,
		       struct mfd_extfrag_event *out, size_t cap)
{
	const size_t one = sizeof(*out);
	size_t n;

	if (!data || !out || size == 0 || size % one)
		return -EINVAL;
	n = size / one;
	if (n > cap || n > MFD_EXTFRAG_STAGE)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		__u32 type;

		memcpy(&type, (const char *)data + i * one, sizeof(type));
		if (type != MFD_REC_EXTFRAG)
			return -EINVAL;
	}
	memcpy(out, data, size);
	for (size_t i = 0; i < n; i++)
		out[i].comm[sizeof(out[i].comm) - 1] = '\0';
	return (int)n;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct mfd_extfrag_event ev[MFD_EXTFRAG_STAGE];
	struct mfd_extfrag *x = ctx;
	int n;

	x->records++;
	n = mfd_extfrag_decode(data, size, ev, MFD_EXTFRAG_STAGE);
	if (n < 0) {
		/* Counted, logged once per thousand: never fatal. */
		if (x->bad_records++ % 1000 == 0)
			log_warn_rl("dropping undecodable ring buffer record "
				    "(%zu bytes, %lu so far)",
				    size, x->bad_records);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		/* A record without a time (none is expected) gets its
		 * drain time. */
		if (!ev[i].ts_ns)
			ev[i].ts_ns = mfd_now_mono_ns();
		if (x->fn)
			x->fn(&ev[i], x->arg);
	}
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

int mfd_extfrag_init_stats(int map_fd, int nr_cpus, int pageblock_order,
			   uint64_t wakeup_mask)
{
	struct mfd_extfrag_stats *v;
	__u32 key = 0;
	int err = 0;

	if (nr_cpus < 1 || pageblock_order < 1)
		return -EINVAL;
	v = calloc((size_t)nr_cpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (int cpu = 0; cpu < nr_cpus; cpu++) {
		v[cpu].pageblock_order = pageblock_order;
		v[cpu].wakeup_mask = wakeup_mask;
	}
	if (bpf_map_update_elem(map_fd, &key, v, BPF_ANY))
		err = -errno;
	free(v);
	return err;
}

int mfd_extfrag_open(struct mfd_extfrag **out, const struct mfd_kinfo *k,
		     size_t ringbuf_bytes, bool callsites,
		     mfd_extfrag_event_fn fn, void *arg, char *why,
		     size_t why_len)
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
	x->callsites = callsites;
	x->nr_cpus = mfd_bpf_nr_cpus(why, why_len);
	if (x->nr_cpus < 0) {
		err = x->nr_cpus;
		goto cleanup;
	}
	x->vals = calloc((size_t)x->nr_cpus, sizeof(*x->vals));
	if (!x->vals) {
		err = -ENOMEM;
		snprintf(why, why_len, "out of memory");
		goto cleanup;
	}

	x->skel = MFD_BPF_OPEN(extfrag, &err, why, why_len);
	if (!x->skel)
		goto cleanup;
	/* Never attached: run on a CPU by mfd_extfrag_collect(). (Only
	 * mfd_extfrag is attached, below; this keeps a skeleton attach
	 * from trying.) */
	bpf_program__set_autoattach(x->skel->progs.mfd_extfrag_flush, false);
	err = bpf_map__set_max_entries(x->skel->maps.events,
				       (__u32)round_ringbuf(ringbuf_bytes));
	if (err) {
		snprintf(why, why_len, "sizing the ring buffer failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	/* One handler or the other (bpf/extfrag.bpf.c). */
	bpf_program__set_autoload(x->skel->progs.mfd_extfrag, !callsites);
	bpf_program__set_autoload(x->skel->progs.mfd_extfrag_callsites,
				  callsites);
	err = mfd_bpf_size_callsites(x->skel->maps.cs_stacks,
				     x->skel->maps.cs_counts, callsites);
	if (err) {
		snprintf(why, why_len, "sizing the call-site maps failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	err = mfd_bpf_load(x->skel->skeleton, "extfrag", why, why_len);
	if (err)
		goto cleanup;
	err = mfd_extfrag_init_stats(
		bpf_map__fd(x->skel->maps.stats), x->nr_cpus,
		k->pageblock_order,
		mfd_extfrag_wakeup_mask(round_ringbuf(ringbuf_bytes),
					x->nr_cpus));
	if (err) {
		snprintf(why, why_len,
			 "setting up the extfrag counters failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	if (callsites)
		err = mfd_bpf_attach(x->skel->progs.mfd_extfrag_callsites,
				     &x->skel->links.mfd_extfrag_callsites, why,
				     why_len);
	else
		err = mfd_bpf_attach(x->skel->progs.mfd_extfrag,
				     &x->skel->links.mfd_extfrag, why, why_len);
	if (err)
		goto cleanup;
	x->flush_fd = bpf_program__fd(x->skel->progs.mfd_extfrag_flush);
	x->rb = mfd_bpf_ringbuf(x->skel->maps.events, on_record, x, &err, why,
				why_len);
	if (!x->rb)
		goto cleanup;
	*out = x;
	return 0;

cleanup:
	mfd_extfrag_close(x);
	return err;
}

void mfd_extfrag_callsite_maps(const struct mfd_extfrag *x,
			       struct mfd_callsite_maps *m)
{
	mfd_bpf_callsite_maps(x->skel->maps.cs_stacks, x->skel->maps.cs_counts,
			      x->skel->maps.cs_lost, x->callsites, m);
}

int mfd_extfrag_fd(const struct mfd_extfrag *x)
{
	return ring_buffer__epoll_fd(x->rb);
}

int mfd_extfrag_consume(struct mfd_extfrag *x)
{
	return ring_buffer__consume(x->rb);
}

/* Run mfd_extfrag_flush on cpu. 0, 1 (it found the handler mid-write), or
 * -errno. */
static int flush_cpu(struct mfd_extfrag *x, int cpu)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .cpu = (__u32)cpu,
		    .flags = BPF_F_TEST_RUN_ON_CPU);

	if (bpf_prog_test_run_opts(x->flush_fd, &opts))
		return -errno;
	return opts.retval ? 1 : 0;
}

/* Copy every CPU's value and sum the counters into x->last. */
static int read_vals(struct mfd_extfrag *x)
{
	struct mfd_extfrag_totals *t = &x->last;
	__u32 key = 0;

	/* One syscall: the single per-CPU value holds every slot. */
	if (bpf_map_lookup_elem(bpf_map__fd(x->skel->maps.stats), &key,
				x->vals))
		return -errno;
	memset(t, 0, sizeof(*t));
	for (int cpu = 0; cpu < x->nr_cpus; cpu++) {
		const struct mfd_extfrag_stats *v = &x->vals[cpu];

		for (__u32 s = 0; s < MFD_EXTFRAG_SLOTS; s++) {
			t->slot[s] += v->slot[s];
			t->events += v->slot[s];
			/* mfd_extfrag_slot(): low bit = fragmenting */
			if (s & 1)
				t->fragmenting += v->slot[s];
		}
		t->drops += v->slot[MFD_EXTFRAG_DROPS_SLOT];
	}
	return 0;
}

int mfd_extfrag_collect(struct mfd_extfrag *x, bool all)
{
	int err;

	if (!all && !mfd_reread_due(&x->reread, x->records) &&
	    !mfd_due(&x->read_ns, MFD_EXTFRAG_READ_EVERY_NS))
		return 0;
	err = read_vals(x);
	if (err)
		return err;
	mfd_reread_done(&x->reread, x->records);
	x->read_ns = mfd_now_mono_ns(); /* a read for records restarts it */
	for (int cpu = 0; cpu < x->nr_cpus; cpu++) {
		int r;

		if (!all && !x->vals[cpu].staged)
			continue;
		r = flush_cpu(x, cpu);
		if (r < 0 && !all) {
			/* An offline CPU (-ENXIO) keeps its events until
			 * it is back. Counted, logged once per thousand. */
			if (x->flush_errors++ % 1000 == 0)
				log_warn("flushing the extfrag events staged "
					 "on CPU %d failed: %s (%lu so far)",
					 cpu, strerror(-r), x->flush_errors);
			continue;
		}
		if (r < 0 && r != -ENXIO)
			return r;
	}
	return 0;
}

void mfd_extfrag_read_totals(const struct mfd_extfrag *x,
			     struct mfd_extfrag_totals *t)
{
	*t = x->last;
	t->lost_decode = x->bad_records;
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
