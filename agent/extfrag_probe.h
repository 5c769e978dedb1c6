/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * extfrag_probe.h - loader and consumer of bpf/extfrag.bpf.c.
 *
 * (bpf/extfrag.h is the record that crosses the kernel boundary; this is
 * the user-space side that loads, attaches and drains it.)
 */
#ifndef MFD_EXTFRAG_PROBE_H
#define MFD_EXTFRAG_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "extfrag_table.h"
#include "kinfo.h"

struct mfd_extfrag;

typedef void (*mfd_extfrag_event_fn)(const struct mfd_extfrag_event *e,
				     void *arg);

/*
 * Open, configure (pageblock_order, ring buffer size rounded up to a power
 * of two pages), load and attach the tracepoint program. fn is called for
 * every record drained by mfd_extfrag_consume(). 0 or -errno with why[].
 */
int mfd_extfrag_open(struct mfd_extfrag **out, const struct mfd_kinfo *k,
		     size_t ringbuf_bytes, mfd_extfrag_event_fn fn, void *arg,
		     char *why, size_t why_len);
/* The ring buffer's epoll fd, for the event loop. */
int mfd_extfrag_fd(const struct mfd_extfrag *x);
/* Drain what is ready without blocking. Returns records consumed or -errno. */
int mfd_extfrag_consume(struct mfd_extfrag *x);
/* Sum the per-CPU counters into t: read from the kernel only when ring
 * records arrived since the last read (and once after), otherwise the
 * last sums. 0 or -errno. */
int mfd_extfrag_read_totals(struct mfd_extfrag *x,
			    struct mfd_extfrag_totals *t);
void mfd_extfrag_close(struct mfd_extfrag *x);

/* The handler's wakeup pacing: each CPU wakes the reader after every
 * (mask + 1)-th record of its own, a power of two chosen so that all CPUs
 * together hold back at most a quarter of the ring (each record takes 8
 * bytes of ring header besides itself); 0 (wake on every record) when the
 * ring is too small for more. Pure. */
uint64_t mfd_extfrag_wakeup_mask(size_t ring_bytes, int nr_cpus);

/* Validate and copy one ring-buffer record. Pure. 0, or -EINVAL for a
 * record of the wrong size or type tag. */
int mfd_extfrag_decode(const void *data, size_t size,
		       struct mfd_extfrag_event *out);

#endif /* MFD_EXTFRAG_PROBE_H */
