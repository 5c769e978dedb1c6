/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * extfrag_probe.h - loader and consumer of bpf/extfrag.bpf.c.
 *
 * (bpf/extfrag.h is the record that crosses the kernel boundary; this is
 * the user-space side that loads, attaches and drains it.)
 */
#ifndef MFD_EXTFRAG_PROBE_H
#define MFD_EXTFRAG_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf_open.h" /* struct mfd_callsite_maps */
#include "extfrag_table.h"
#include "kinfo.h"

struct mfd_extfrag;

typedef void (*mfd_extfrag_event_fn)(const struct mfd_extfrag_event *e,
				     void *arg);

/*
 * Open, configure (pageblock_order, ring buffer size rounded up to a power
 * of two pages), load and attach the tracepoint program. fn is called for
 * every record drained by mfd_extfrag_consume(). callsites: count each
 * event's stacks too (--callsites; bpf/callsites.bpf.h). 0 or -errno with
 * why[].
 */
int mfd_extfrag_open(struct mfd_extfrag **out, const struct mfd_kinfo *k,
		     size_t ringbuf_bytes, bool callsites,
		     mfd_extfrag_event_fn fn, void *arg, char *why,
		     size_t why_len);
/* The call-site maps (fds -1 when opened without callsites). */
void mfd_extfrag_callsite_maps(const struct mfd_extfrag *x,
			       struct mfd_callsite_maps *m);
/* Write the handler's parameters into every CPU's value of the stats map
 * (bpf/extfrag.h), zeroing the rest: before the handler is attached.
 * 0 or -errno (-EINVAL for no CPUs or a pageblock_order below 1). */
int mfd_extfrag_init_stats(int map_fd, int nr_cpus, int pageblock_order,
			   uint64_t wakeup_mask);
/* The ring buffer's epoll fd, for the event loop. */
int mfd_extfrag_fd(const struct mfd_extfrag *x);
/* Drain what is ready without blocking. Returns records consumed or -errno. */
int mfd_extfrag_consume(struct mfd_extfrag *x);
/*
 * Read every CPU's counters and send its staged events to the ring buffer
 * (the flush program run on each CPU holding some), then call
 * mfd_extfrag_consume(). The map is read when ring records arrived since
 * the last read (and once after), else at most once a second; all reads
 * and runs it on every CPU now, which privilege dropping uses to learn
 * what both need. A CPU whose handler was mid-write is flushed next time;
 * a failed run is counted and logged. 0, or -errno when the map cannot be
 * read.
 */
int mfd_extfrag_collect(struct mfd_extfrag *x, bool all);
/* The counters' sums as of the last read, and the undecodable records. */
void mfd_extfrag_read_totals(const struct mfd_extfrag *x,
			     struct mfd_extfrag_totals *t);
void mfd_extfrag_close(struct mfd_extfrag *x);

/* The handler's wakeup pacing: each CPU wakes the reader each time its
 * count of events written to the ring crosses a multiple of (mask + 1), a
 * power of two chosen so that all CPUs together hold back at most a
 * quarter of the ring (counting 8 bytes of ring header per event, more
 * than a batch needs); 0 (wake on every batch) when the ring is too small
 * for more. Pure. */
uint64_t mfd_extfrag_wakeup_mask(size_t ring_bytes, int nr_cpus);

/* Validate one ring-buffer record, a batch of 1..MFD_EXTFRAG_STAGE events,
 * and copy its events into out[cap]. Pure. The number of events, or
 * -EINVAL for a record whose size is not a whole number of events (or more
 * than cap) or holding an event with the wrong type tag. */
int mfd_extfrag_decode(const void *data, size_t size,
		       struct mfd_extfrag_event *out, size_t cap);

#endif /* MFD_EXTFRAG_PROBE_H */
