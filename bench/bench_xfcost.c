// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_xfcost.c - ns per extfrag event of each handler variant in
 * bench/xfcost.bpf.c, side by side on the same events.
 *
 * Usage (root): bench_xfcost REPEATS -- WORKLOAD [ARGS...]
 *   XFCOST_ONLY=a,b,...  measure only these variants (and the floor)
 *
 * Per repeat: attach the empty "floor" handler first, then every variant in
 * an order rotated by one each repeat, run WORKLOAD to completion while
 * draining every ring buffer, detach, and charge each program the run time
 * and run count bpf_stats added (BPF_ENABLE_STATS: enabled only while this
 * process holds the fd, so no sysctl is left changed). Prints one line per
 * variant: events, ns/event min/median/max over the repeats, the median's
 * ratio to the floor's median, the mean over all events (sum of run time
 * over sum of runs: repeats differ wildly in event count, a storm of warm
 * events against a trickle of cold ones), the records drained and dropped,
 * and how many drained records disagree on pid, tgid, comm, cgroup id or
 * pfn with the same event's record from the helper-based handler "cur".
 *
 * Variants: floor (empty, always attached first), empty (the same in the
 * rotation: what running first costs), mfd (bpf/extfrag.bpf.c as the agent
 * loads it), mfd_callsites (the same with --callsites: each event's
 * stacks counted too) and the programs of bench/xfcost.bpf.c.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/types.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "extfrag.h" /* bpf/extfrag.h */
#include "extfrag.skel.h"
#include "bpf_open.h" /* mfd_bpf_size_callsites() */
#include "extfrag_probe.h" /* mfd_extfrag_init_stats() */
#include "kinfo.h"
#include "xfcost.skel.h"

#define MAX_PROGS 16
#define MAX_REPEATS 64

#define KEEP 65536 /* records kept per repeat for the field cross-check */

struct variant {
	struct bpf_program *prog;
	const char *name;
	struct bpf_link *link;
	struct bpf_map *stats; /* per-CPU struct mfd_extfrag_stats, or NULL */
	double per[MAX_REPEATS]; /* ns/event of each repeat */
	int nper;
	unsigned long long events, records, run_ns, mismatch, compared;
	struct mfd_extfrag_event *kept; /* this repeat's records */
	size_t nkept;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct variant *v = ctx;

	/* A record holds one event, or a batch of them (xf_stage). */
	for (size_t off = 0; off + sizeof(*v->kept) <= size;
	     off += sizeof(*v->kept)) {
		v->records++;
		if (v->kept && v->nkept < KEEP)
			memcpy(&v->kept[v->nkept++], (char *)data + off,
			       sizeof(*v->kept));
	}
	return 0;
}

static int cmp_event(const void *pa, const void *pb)
{
	const struct mfd_extfrag_event *a = pa, *b = pb;

	if (a->pfn != b->pfn)
		return a->pfn < b->pfn ? -1 : 1;
	if (a->tgid != b->tgid)
		return a->tgid < b->tgid ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return memcmp(a->comm, b->comm, sizeof(a->comm));
}

/* Two rings fed by the same events hold the same records, though not in
 * the same order (mfd's come in per-CPU batches): sort both and count the
 * records whose task fields differ from the reference's (the helper-based
 * handler). */
static unsigned long long mismatches(struct variant *ref, struct variant *v)
{
	unsigned long long bad = 0;
	size_t n = ref->nkept < v->nkept ? ref->nkept : v->nkept;

	/* A repeat with more records than kept: the two kept sets need not
	 * be the same events, so none of them is compared (v->compared says
	 * how many were). */
	if (ref->nkept == KEEP || v->nkept == KEEP)
		return 0;
	v->compared += n;
	qsort(ref->kept, ref->nkept, sizeof(*ref->kept), cmp_event);
	qsort(v->kept, v->nkept, sizeof(*v->kept), cmp_event);
	for (size_t i = 0; i < n; i++) {
		const struct mfd_extfrag_event *a = &ref->kept[i],
					       *b = &v->kept[i];

		if (a->pid != b->pid || a->tgid != b->tgid ||
		    a->cgroup_id != b->cgroup_id || a->pfn != b->pfn ||
		    strncmp(a->comm, b->comm, sizeof(a->comm))) {
			if (!bad && getenv("XFCOST_DEBUG"))
				fprintf(stderr,
					"%s #%zu: %u/%u %.16s cg %llu pfn %llx"
					" vs %u/%u %.16s cg %llu pfn %llx\n",
					v->name, i, a->tgid, a->pid, a->comm,
					(unsigned long long)a->cgroup_id,
					(unsigned long long)a->pfn, b->tgid,
					b->pid, b->comm,
					(unsigned long long)b->cgroup_id,
					(unsigned long long)b->pfn);
			bad++;
		}
	}
	return bad;
}

/* Send the events mfd's handler staged on every CPU to its ring, as the
 * agent does each sample (collect/extfrag_probe.c). */
static void flush_mfd(struct extfrag_bpf *mfd)
{
	int fd = bpf_program__fd(mfd->progs.mfd_extfrag_flush);
	int ncpu = libbpf_num_possible_cpus();

	for (int cpu = 0; cpu < ncpu; cpu++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts, .cpu = (__u32)cpu,
			    .flags = BPF_F_TEST_RUN_ON_CPU);

		bpf_prog_test_run_opts(fd, &opts); /* offline: nothing */
	}
}

static int prog_stats(struct bpf_program *p, __u64 *ns, __u64 *cnt)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len))
		return -errno;
	*ns = info.run_time_ns;
	*cnt = info.run_cnt;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n ? v[n / 2] : 0;
}

/* Sum of the drop slot over CPUs of a stats map, or 0 without one. Every
 * value starts with struct mfd_extfrag_stats (xf_stage's holds more). */
static unsigned long long map_drops(struct bpf_map *m)
{
	int ncpu = libbpf_num_possible_cpus();
	unsigned long long d = 0;
	size_t vsz;
	__u32 key = 0;
	char *v;

	if (!m || ncpu <= 0)
		return 0;
	vsz = (bpf_map__value_size(m) + 7) & ~(size_t)7;
	v = calloc((size_t)ncpu, vsz);
	if (v && bpf_map__type(m) == BPF_MAP_TYPE_ARRAY) {
		/* "arr": one entry per CPU */
		for (key = 0; key < (__u32)ncpu; key++)
			if (!bpf_map_lookup_elem(bpf_map__fd(m), &key, v))
				d += ((struct mfd_extfrag_stats *)v)
					     ->slot[MFD_EXTFRAG_DROPS_SLOT];
	} else if (v && !bpf_map_lookup_elem(bpf_map__fd(m), &key, v)) {
		for (int c = 0; c < ncpu; c++)
			d += ((struct mfd_extfrag_stats *)(v + (size_t)c * vsz))
				     ->slot[MFD_EXTFRAG_DROPS_SLOT];
	}
	free(v);
	return d;
}

static int add_ring(struct ring_buffer **rb, struct bpf_map *m,
		    struct variant *v)
{
	if (!m)
		return 0;
	v->kept = calloc(KEEP, sizeof(*v->kept));
	if (!v->kept)
		return -1;
	if (!*rb) {
		*rb = ring_buffer__new(bpf_map__fd(m), on_record, v, NULL);
		return *rb ? 0 : -1;
	}
	return ring_buffer__add(*rb, bpf_map__fd(m), on_record, v) ? -1 : 0;
}

/* bpf/extfrag.bpf.c loaded as the agent loads it (collect/extfrag_probe.c:
 * one of its two handlers, the call-site maps full or at one entry;
 * default ring size and wakeup pacing), or NULL. */
static struct extfrag_bpf *open_mfd(bool callsites)
{
	struct extfrag_bpf *m = extfrag_bpf__open();
	int ncpu = libbpf_num_possible_cpus();
	struct mfd_kinfo k;

	if (!m) {
		perror("opening bpf/extfrag.bpf.c");
		return NULL;
	}
	bpf_program__set_autoload(m->progs.mfd_extfrag, !callsites);
	bpf_program__set_autoload(m->progs.mfd_extfrag_callsites, callsites);
	if (mfd_bpf_size_callsites(m->maps.cs_stacks, m->maps.cs_counts,
				   callsites) ||
	    extfrag_bpf__load(m)) {
		perror("loading bpf/extfrag.bpf.c");
		extfrag_bpf__destroy(m);
		return NULL;
	}
	mfd_kinfo_load(&k, "");
	if (mfd_extfrag_init_stats(bpf_map__fd(m->maps.stats), ncpu,
				   k.pageblock_order,
				   mfd_extfrag_wakeup_mask(256 * 1024, ncpu))) {
		perror("setting up bpf/extfrag.bpf.c");
		extfrag_bpf__destroy(m);
		return NULL;
	}
	return m;
}

int main(int argc, char **argv)
{
	struct variant vs[MAX_PROGS] = { 0 };
	struct xfcost_bpf *skel = NULL;
	struct extfrag_bpf *mfd = NULL, *mfdcs = NULL;
	struct ring_buffer *rb = NULL;
	struct bpf_program *p;
	int repeats, nv = 0, floor_i = -1, ref_i = -1, stats_fd = -1, rc = 1;

	if (argc < 4 || strcmp(argv[2], "--") ||
	    (repeats = atoi(argv[1])) < 1 || repeats > MAX_REPEATS) {
		fprintf(stderr,
			"usage: %s REPEATS(1-%d) -- WORKLOAD [ARGS...]\n",
			argv[0], MAX_REPEATS);
		return 2;
	}
	/* mfd's own handler, loaded as the agent loads it (default ring
	 * size and wakeup pacing, see collect/extfrag_probe.c), and first:
	 * where a per-CPU map lands next to what else is hot moves a cold
	 * event's cost by hundreds of ns (the staged handler: 1395 ns at
	 * the median in a run loaded after the variants, 891 ns in the
	 * next, loaded before them). */
	mfd = open_mfd(false);
	if (!mfd)
		goto cleanup;
	/* The same with --callsites: its other program, its maps full. */
	mfdcs = open_mfd(true);
	if (!mfdcs)
		goto cleanup;
	skel = xfcost_bpf__open_and_load();
	if (!skel) {
		perror("loading bench/xfcost.bpf.c");
		goto cleanup;
	}
	vs[nv].prog = mfd->progs.mfd_extfrag;
	vs[nv].name = "xf_mfd"; /* printed without the xf_ prefix */
	vs[nv].stats = mfd->maps.stats;
	if (add_ring(&rb, mfd->maps.events, &vs[nv]))
		goto cleanup;
	nv++;
	vs[nv].prog = mfdcs->progs.mfd_extfrag_callsites;
	vs[nv].name = "xf_mfd_callsites";
	vs[nv].stats = mfdcs->maps.stats;
	if (add_ring(&rb, mfdcs->maps.events, &vs[nv]))
		goto cleanup;
	nv++;
	/* Every ring buffer is drained so that none fills up (a full ring
	 * makes the failing reservation, not the record, the cost). */
	bpf_object__for_each_program(p, skel->obj)
	{
		char name[64];

		const char *only = getenv("XFCOST_ONLY");

		if (nv == MAX_PROGS)
			break;
		/* XFCOST_ONLY=a,b,...: measure only these (and the floor). */
		if (only && strcmp(bpf_program__name(p), "xf_floor") &&
		    !strstr(only, bpf_program__name(p) + 3)) {
			bpf_program__set_autoattach(p, false);
			continue;
		}
		vs[nv].prog = p;
		vs[nv].name = bpf_program__name(p);
		if (!strcmp(vs[nv].name, "xf_floor"))
			floor_i = nv;
		if (!strcmp(vs[nv].name, "xf_cur"))
			ref_i = nv;
		snprintf(name, sizeof(name), "st_%s", vs[nv].name + 3);
		vs[nv].stats = bpf_object__find_map_by_name(skel->obj, name);
		snprintf(name, sizeof(name), "rb_%s", vs[nv].name + 3);
		if (add_ring(&rb, bpf_object__find_map_by_name(skel->obj, name),
			     &vs[nv]))
			goto cleanup;
		nv++;
	}
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "BPF_ENABLE_STATS failed: %s\n",
			strerror(errno));
		goto cleanup;
	}

	for (int r = 0; r < repeats; r++) {
		__u64 ns0[MAX_PROGS], c0[MAX_PROGS];
		int order[MAX_PROGS], no = 0, status;
		unsigned long long before = vs[floor_i].events;
		pid_t pid;

		order[no++] = floor_i;
		for (int k = 0; k < nv; k++) {
			int i = (k + r) % nv;

			if (i != floor_i)
				order[no++] = i;
		}
		for (int k = 0; k < no; k++) {
			struct variant *v = &vs[order[k]];

			v->link = bpf_program__attach(v->prog);
			if (!v->link) {
				fprintf(stderr, "attaching %s failed\n",
					v->name);
				goto cleanup;
			}
		}
		for (int i = 0; i < nv; i++) {
			prog_stats(vs[i].prog, &ns0[i], &c0[i]);
			vs[i].nkept = 0;
		}
		pid = fork();
		if (pid < 0)
			goto cleanup;
		if (pid == 0) {
			dup2(2, 1); /* stdout is the report */
			execvp(argv[3], &argv[3]);
			_exit(127);
		}
		while (waitpid(pid, &status, WNOHANG) == 0)
			ring_buffer__poll(rb, 100);
		/* Detach everything before the last drain, so that every ring
		 * ends the repeat with the same events. */
		for (int i = 0; i < nv; i++) {
			bpf_link__destroy(vs[i].link);
			vs[i].link = NULL;
		}
		flush_mfd(mfd);
		ring_buffer__consume(rb);
		for (int i = 0; i < nv; i++) {
			__u64 ns1, c1;

			prog_stats(vs[i].prog, &ns1, &c1);
			if (c1 > c0[i]) {
				vs[i].per[vs[i].nper++] =
					(double)(ns1 - ns0[i]) /
					(double)(c1 - c0[i]);
				vs[i].events += c1 - c0[i];
				vs[i].run_ns += ns1 - ns0[i];
			}
		}
		for (int i = 0; i < nv; i++)
			if (ref_i >= 0 && vs[i].kept && i != ref_i)
				vs[i].mismatch +=
					mismatches(&vs[ref_i], &vs[i]);
		fprintf(stderr, "repeat %d/%d: %llu events, ns/event:", r + 1,
			repeats, vs[floor_i].events - before);
		for (int i = 0; i < nv; i++)
			if (vs[i].nper)
				fprintf(stderr, " %s=%.0f", vs[i].name + 3,
					vs[i].per[vs[i].nper - 1]);
		fprintf(stderr, "\n");
	}

	{
		double fmed = median(vs[floor_i].per, vs[floor_i].nper);

		printf("%-9s %8s %7s %7s %7s %7s %7s %8s %7s %8s\n", "variant",
		       "events", "min_ns", "med_ns", "max_ns", "mean_ns",
		       "x_floor", "records", "drops", "mismatch");
		for (int i = 0; i < nv; i++) {
			struct variant *v = &vs[i];
			double med = median(v->per, v->nper);
			char mis[48] = "-"; /* no record compared */

			if (v->compared)
				snprintf(mis, sizeof(mis), "%llu/%llu",
					 v->mismatch, v->compared);
			printf("%-9s %8llu %7.0f %7.0f %7.0f %7.0f %7.2f "
			       "%8llu %7llu %8s\n",
			       v->name + 3, v->events, v->nper ? v->per[0] : 0,
			       med, v->nper ? v->per[v->nper - 1] : 0,
			       v->events ?
				       (double)v->run_ns / (double)v->events :
				       0,
			       fmed > 0 ? med / fmed : 0, v->records,
			       map_drops(v->stats), mis);
		}
	}
	rc = 0;
cleanup:
	if (stats_fd >= 0)
		close(stats_fd);
	ring_buffer__free(rb);
	for (int i = 0; i < nv; i++) {
		bpf_link__destroy(vs[i].link);
		free(vs[i].kept);
	}
	xfcost_bpf__destroy(skel);
	extfrag_bpf__destroy(mfd);
	extfrag_bpf__destroy(mfdcs);
	return rc;
}
