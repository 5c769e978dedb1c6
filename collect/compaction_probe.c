// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compaction_probe.c - load, attach and drain bpf/compaction.bpf.c, with
 * the same lifecycle as extfrag_probe.c: open, set rodata, switch off what
 * the kernel lacks, load, attach, one cleanup label.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#define LOG_COMPONENT "compaction"
#include "bpf_open.h"
#include "compaction.skel.h"
#include "compaction_probe.h"
#include "log.h"
#include "reread.h"

struct mfd_compaction {
	struct compaction_bpf *skel;
	struct ring_buffer *rb;
	mfd_stall_event_fn fn;
	void *arg;
	uint64_t bad_records;
	int nr_cpus;
	/* Per-CPU copies, allocated once (lookups fill nr_cpus values). */
	struct mfd_compaction_stats *cs;
	struct mfd_wake_stats *ws;
	__u64 *af;
	/* The mark is comp_gen (bpf/compaction.bpf.c; reread.h). */
	struct mfd_reread reread;
	bool callsites; /* stall stacks are counted (--callsites) */
};

/* Names as the mm_compaction_end tracepoint prints enum compact_result
 * (include/trace/events/compaction.h, compaction_status_string). */
static const char *const status_names[MFD_COMP_STATUSES] = {
	"not_suitable_zone",
	"skipped",
	"deferred",
	"no_suitable_page",
	"continue",
	"complete",
	"partial_skipped",
	"contended",
	"success",
	"other",
	"other",
	"other",
	"other",
	"other",
	"other",
	"other",
};

const char *mfd_compact_status_name(unsigned int status)
{
	return status < MFD_COMP_STATUSES ? status_names[status] : "other";
}

int mfd_stall_decode(const void *data, size_t size, struct mfd_stall_event *out)
{
	__u32 type;

	if (!data || size < sizeof(type))
		return -EINVAL;
	memcpy(&type, data, sizeof(type));
	if ((type != MFD_REC_COMPACT_STALL && type != MFD_REC_RECLAIM_STALL) ||
	    size != sizeof(*out))
		return -EINVAL;
	memcpy(out, data, sizeof(*out));
	out->comm[sizeof(out->comm) - 1] = '\0';
	return 0;
}

void mfd_compaction_stats_add(struct mfd_compaction_stats *sum,
			      const struct mfd_compaction_stats *cpu)
{
	const __u64 *src = (const __u64 *)cpu;
	__u64 *dst = (__u64 *)sum;

	/* Every member is a __u64 (static_assert below). */
	for (size_t i = 0; i < sizeof(*sum) / sizeof(__u64); i++)
		dst[i] += src[i];
}
_Static_assert(sizeof(struct mfd_compaction_stats) % sizeof(__u64) == 0,
	       "mfd_compaction_stats must be an array of __u64");
_Static_assert(sizeof(struct mfd_wake_stats) % sizeof(__u64) == 0,
	       "mfd_wake_stats must be an array of __u64");

static int on_record(void *ctx, void *data, size_t size)
{
	struct mfd_compaction *c = ctx;
	struct mfd_stall_event e;

	if (mfd_stall_decode(data, size, &e)) {
		if (c->bad_records++ % 1000 == 0)
			log_warn_rl("dropping undecodable stall record (%zu "
				    "bytes, %lu so far)",
				    size, (unsigned long)c->bad_records);
		return 0;
	}
	if (c->fn)
		c->fn(&e, c->arg);
	return 0;
}

/* One program: its tracepoint, the record type its CO-RE accesses need,
 * and the signal it belongs to. */
struct prog_req {
	const char *cat, *event; /* tracefs events/<cat>/<event> */
	const char *btf_struct; /* trace_event_raw_* in vmlinux BTF */
	unsigned int signal;
};

/* A program of the skeleton and what it needs (the order of reqs[]). */
struct prog_slot {
	struct bpf_program *prog;
	struct bpf_link **link; /* destroyed with the skeleton */
	const struct prog_req *r;
};

enum { NR_PROGS = 8 };

static const struct prog_req reqs[NR_PROGS] = {
	{ "compaction", "mm_compaction_try_to_compact_pages",
	  "trace_event_raw_mm_compaction_try_to_compact_pages",
	  MFD_SIG_COMPACT_STALL },
	{ "compaction", "mm_compaction_end",
	  "trace_event_raw_mm_compaction_end", MFD_SIG_COMPACT_STALL },
	{ "compaction", "mm_compaction_deferred",
	  "trace_event_raw_mm_compaction_defer_template",
	  MFD_SIG_COMPACT_DEFERRED },
	{ "compaction", "mm_compaction_kcompactd_wake",
	  "trace_event_raw_kcompactd_wake_template", MFD_SIG_KCOMPACTD_WAKE },
	{ "vmscan", "mm_vmscan_kswapd_wake",
	  "trace_event_raw_mm_vmscan_kswapd_wake", MFD_SIG_KSWAPD_WAKE },
	{ "vmscan", "mm_vmscan_direct_reclaim_begin",
	  "trace_event_raw_mm_vmscan_direct_reclaim_begin_template",
	  MFD_SIG_RECLAIM_STALL },
	{ "vmscan", "mm_vmscan_direct_reclaim_end",
	  "trace_event_raw_mm_vmscan_direct_reclaim_end_template",
	  MFD_SIG_RECLAIM_STALL },
	{ "kmem", "mm_page_alloc", "trace_event_raw_mm_page_alloc",
	  MFD_SIG_ALLOC_FAIL },
};

/* The skeleton's programs beside reqs[]. */
static void prog_slots(struct compaction_bpf *s, struct prog_slot *slot)
{
	struct bpf_program *progs[NR_PROGS] = {
		s->progs.mfd_compact_start,    s->progs.mfd_compact_end,
		s->progs.mfd_compact_deferred, s->progs.mfd_kcompactd_wake,
		s->progs.mfd_kswapd_wake,      s->progs.mfd_reclaim_begin,
		s->progs.mfd_reclaim_end,      s->progs.mfd_alloc_fail,
	};
	struct bpf_link **links[NR_PROGS] = {
		&s->links.mfd_compact_start,	&s->links.mfd_compact_end,
		&s->links.mfd_compact_deferred, &s->links.mfd_kcompactd_wake,
		&s->links.mfd_kswapd_wake,	&s->links.mfd_reclaim_begin,
		&s->links.mfd_reclaim_end,	&s->links.mfd_alloc_fail,
	};

	for (int i = 0; i < NR_PROGS; i++)
		slot[i] = (struct prog_slot){ progs[i], links[i], &reqs[i] };
}

static const char *tracefs_events_dir(const char *override)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events"
	};
	struct stat sb;

	if (override)
		return override;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (stat(dirs[i], &sb) == 0)
			return dirs[i];
	return NULL;
}

static bool have_tracepoint(const char *dir, const struct prog_req *r)
{
	char path[512];
	struct stat sb;

	if (!dir)
		return true; /* cannot tell: let attach decide */
	snprintf(path, sizeof(path), "%s/%s/%s", dir, r->cat, r->event);
	return stat(path, &sb) == 0;
}

/* One start-up line: "attached: a b; absent: c", each part only when it
 * has members ("attached: none" when nothing could attach). */
static void log_signal_sets(unsigned int attached, unsigned int missing)
{
	static const struct {
		unsigned int bit;
		const char *name;
	} names[] = {
		{ MFD_SIG_COMPACT_STALL, "compaction-stalls" },
		{ MFD_SIG_COMPACT_DEFERRED, "compaction-deferred" },
		{ MFD_SIG_RECLAIM_STALL, "reclaim-stalls" },
		{ MFD_SIG_KCOMPACTD_WAKE, "kcompactd-wakeups" },
		{ MFD_SIG_KSWAPD_WAKE, "kswapd-wakeups" },
		{ MFD_SIG_ALLOC_FAIL, "alloc-failures" },
	};
	char a[160] = "", m[160] = "";
	size_t al = 0, ml = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((attached & names[i].bit) && al < sizeof(a))
			al += snprintf(a + al, sizeof(a) - al, " %s",
				       names[i].name);
		if ((missing & names[i].bit) && ml < sizeof(m))
			ml += snprintf(m + ml, sizeof(m) - ml, " %s",
				       names[i].name);
	}
	if (ml)
		log_info("attached:%s; absent:%s", al ? a : " none", m);
	else
		log_info("attached:%s", al ? a : " none");
}

/* The per-CPU copies of the counters, allocated once. */
static int alloc_copies(struct mfd_compaction *c, char *why, size_t why_len)
{
	c->nr_cpus = mfd_bpf_nr_cpus(why, why_len);
	if (c->nr_cpus < 0)
		return c->nr_cpus;
	c->cs = calloc((size_t)c->nr_cpus, sizeof(*c->cs));
	c->ws = calloc((size_t)c->nr_cpus, sizeof(*c->ws));
	c->af = calloc((size_t)c->nr_cpus, sizeof(*c->af));
	if (!c->cs || !c->ws || !c->af) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/*
 * Size the two task maps to the machine instead of 8,192 preallocated
 * entries each (1.5 MiB). A task is in them from the start of its stall
 * to its end, and direct reclaim sleeps (throttling, writeback waits),
 * so more tasks than CPUs can be in it at once: allow 128 per possible
 * CPU, at least 512, at most the old 8,192. Past that, rec_tasks
 * refuses the start and counts it in start_drops; comp_tasks, an LRU,
 * drops its least recently used entry, which is a finished stall kept
 * only to merge a retry. 128 per CPU is also the batch each CPU takes
 * from an LRU map's free list, so the LRU does not evict before it is
 * full. Preallocated, not BPF_F_NO_PREALLOC: a non-preallocated hash
 * map allocates in the tracepoint, in the middle of an allocation that
 * is already failing over to compaction or reclaim.
 */
static void size_task_maps(struct compaction_bpf *s, int nr_cpus)
{
	size_t n = (size_t)nr_cpus * 128;

	n = n < 512 ? 512 : n > 8192 ? 8192 : n;
	if (bpf_map__set_max_entries(s->maps.comp_tasks, (__u32)n) ||
	    bpf_map__set_max_entries(s->maps.rec_tasks, (__u32)n))
		log_warn("could not size the compaction task maps; "
			 "keeping 8192 entries each");
}

/* True, with a warning saying why, when program r cannot load here: its
 * tracepoint is not in tracefs, or the kernel's BTF lacks the record it
 * reads. */
static bool lacks(const char *dir, const struct btf *vmlinux,
		  const struct prog_req *r)
{
	if (!have_tracepoint(dir, r)) {
		log_warn(
			"tracepoint %s:%s not found in %s: signal switched off",
			r->cat, r->event, dir);
		return true;
	}
	if (vmlinux && btf__find_by_name_kind(vmlinux, r->btf_struct,
					      BTF_KIND_STRUCT) < 0) {
		log_warn("kernel BTF has no struct %s (%s:%s): signal switched "
			 "off",
			 r->btf_struct, r->cat, r->event);
		return true;
	}
	return false;
}

/*
 * Switch off, before load, every program whose signal is not wanted or
 * cannot work on this kernel; a signal needs all its programs. Sets
 * *wanted and *missing (signal bits). 0, or -ENOENT when nothing is left.
 */
static int select_programs(struct prog_slot *slot,
			   const struct mfd_compaction_opts *o,
			   unsigned int *wanted, unsigned int *missing,
			   char *why, size_t why_len)
{
	const char *dir = tracefs_events_dir(o->tracefs);
	struct btf *vmlinux = btf__load_vmlinux_btf();

	if (!vmlinux)
		log_warn("no kernel BTF (%s): loading will fail",
			 strerror(errno));
	for (int i = 0; i < NR_PROGS; i++) {
		const struct prog_req *r = slot[i].r;

		if (r->signal == MFD_SIG_ALLOC_FAIL && !o->alloc_fail_counter) {
			bpf_program__set_autoload(slot[i].prog, false);
			continue;
		}
		*wanted |= r->signal;
		if (lacks(dir, vmlinux, r))
			*missing |= r->signal;
	}
	btf__free(vmlinux);
	for (int i = 0; i < NR_PROGS; i++)
		if (*missing & slot[i].r->signal)
			bpf_program__set_autoload(slot[i].prog, false);
	if (!(*wanted & ~*missing)) {
		snprintf(why, why_len,
			 "none of the compaction/vmscan tracepoints is "
			 "available");
		return -ENOENT;
	}
	return 0;
}

/* Attach one by one: a failure costs only its signal (*missing). */
static void attach_programs(struct prog_slot *slot, unsigned int *missing)
{
	char why[256];

	for (int i = 0; i < NR_PROGS; i++) {
		if (!bpf_program__autoload(slot[i].prog))
			continue;
		if (mfd_bpf_attach(slot[i].prog, slot[i].link, why,
				   sizeof(why))) {
			log_warn("%s; signal absent", why);
			*missing |= slot[i].r->signal;
		}
	}
}

int mfd_compaction_open(struct mfd_compaction **out,
			const struct mfd_compaction_opts *o,
			mfd_stall_event_fn fn, void *arg, unsigned int *signals,
			char *why, size_t why_len)
{
	struct prog_slot slot[NR_PROGS];
	struct compaction_bpf *s;
	struct mfd_compaction *c;
	unsigned int wanted = 0, missing = 0;
	int err;

	*out = NULL;
	*signals = 0;
	c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	c->fn = fn;
	c->arg = arg;
	err = alloc_copies(c, why, why_len);
	if (err)
		goto cleanup;
	c->skel = s = MFD_BPF_OPEN(compaction, &err, why, why_len);
	if (!s)
		goto cleanup;
	s->rodata->stall_threshold_ns = o->stall_threshold_ns;
	s->rodata->callsites = c->callsites = o->callsites;
	err = mfd_bpf_size_callsites(s->maps.cs_stacks, s->maps.cs_counts,
				     o->callsites);
	if (err) {
		snprintf(why, why_len, "sizing the call-site maps failed: %s",
			 strerror(-err));
		goto cleanup;
	}
	size_task_maps(s, c->nr_cpus);
	prog_slots(s, slot);
	err = select_programs(slot, o, &wanted, &missing, why, why_len);
	if (err)
		goto cleanup;
	err = mfd_bpf_load(s->skeleton, "compaction", why, why_len);
	if (err)
		goto cleanup;
	attach_programs(slot, &missing);
	c->rb = mfd_bpf_ringbuf(s->maps.stall_events, on_record, c, &err, why,
				why_len);
	if (!c->rb)
		goto cleanup;
	*signals = wanted & ~missing;
	log_signal_sets(*signals, missing);
	*out = c;
	return 0;

cleanup:
	mfd_compaction_close(c);
	return err;
}

void mfd_compaction_callsite_maps(const struct mfd_compaction *c,
				  struct mfd_callsite_maps *m)
{
	mfd_bpf_callsite_maps(c->skel->maps.cs_stacks, c->skel->maps.cs_counts,
			      c->skel->maps.cs_lost, c->callsites, m);
}

int mfd_compaction_fd(const struct mfd_compaction *c)
{
	return ring_buffer__epoll_fd(c->rb);
}

int mfd_compaction_consume(struct mfd_compaction *c)
{
	return ring_buffer__consume(c->rb);
}

int mfd_compaction_read(struct mfd_compaction *c,
			struct mfd_compaction_totals *t)
{
	__u64 gen = __atomic_load_n(&c->skel->bss->comp_gen, __ATOMIC_ACQUIRE);
	bool alloc_fail = c->skel->links.mfd_alloc_fail != NULL;
	__u32 key = 0;

	if (!alloc_fail && !mfd_reread_due(&c->reread, gen)) {
		t->bad_records = c->bad_records;
		return 1;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.cstats), &key,
				c->cs) ||
	    bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.wakes), &key, c->ws))
		return -errno;
	mfd_reread_done(&c->reread, gen);
	memset(t, 0, sizeof(*t));
	for (int cpu = 0; cpu < c->nr_cpus; cpu++) {
		const __u64 *src = (const __u64 *)&c->ws[cpu];
		__u64 *dst = (__u64 *)&t->w;

		mfd_compaction_stats_add(&t->s, &c->cs[cpu]);
		for (size_t i = 0; i < sizeof(t->w) / sizeof(__u64); i++)
			dst[i] += src[i];
	}
	/* One lookup per order: only when the opt-in counter is attached. */
	for (key = 0; alloc_fail && key < MFD_COMP_MAX_ORDERS; key++) {
		if (bpf_map_lookup_elem(bpf_map__fd(c->skel->maps.allocfail),
					&key, c->af))
			return -errno;
		for (int cpu = 0; cpu < c->nr_cpus; cpu++)
			t->alloc_fail[key] += c->af[cpu];
	}
	t->bad_records = c->bad_records;
	return 0;
}

void mfd_compaction_close(struct mfd_compaction *c)
{
	if (!c)
		return;
	ring_buffer__free(c->rb);
	compaction_bpf__destroy(c->skel);
	free(c->cs);
	free(c->ws);
	free(c->af);
	free(c);
}
