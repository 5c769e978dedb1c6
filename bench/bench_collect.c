// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_collect.c - cost of one sample (snapshot + indices for every zone)
 * on the BPF path and on the procfs path, measured side by side.
 *
 * Prints one line per path: "path=<bpf|procfs> runs=R samples=N min=
 * median= max=" in nanoseconds of CPU time per sample (CLOCK_PROCESS_
 * CPUTIME_ID: what the agent costs the machine, kernel work in its own
 * context included), and the wall time alongside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "collector.h"
#include "kinfo.h"
#include "log.h"

static double now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct path {
	const char *name;
	enum mfd_source_mode mode;
	struct mfd_collector col;
	double *cpu, *wall; /* per run, ns per sample */
};

static void report(struct path *p, int runs, int samples, uint32_t zones)
{
	qsort(p->cpu, (size_t)runs, sizeof(double), cmp);
	qsort(p->wall, (size_t)runs, sizeof(double), cmp);
	printf("path=%s runs=%d samples=%d zones=%u cpu_ns_min=%.0f "
	       "cpu_ns_median=%.0f cpu_ns_max=%.0f wall_ns_median=%.0f\n",
	       p->name, runs, samples, zones, p->cpu[0], p->cpu[runs / 2],
	       p->cpu[runs - 1], p->wall[runs / 2]);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 15;
	int samples = argc > 2 ? atoi(argv[2]) : 2000;
	struct path p[2] = {
		{ .name = "bpf", .mode = MFD_SOURCE_MODE_BPF },
		{ .name = "procfs", .mode = MFD_SOURCE_MODE_PROCFS },
	};
	struct mfd_snapshot *snap;
	struct mfd_kinfo k;

	if (runs < 1 || samples < 1) {
		fprintf(stderr, "usage: %s [RUNS] [SAMPLES]\n", argv[0]);
		return 2;
	}
	mfd_log_set_level(MFD_LOG_WARN);
	mfd_kinfo_load(&k, "");
	snap = calloc(1, sizeof(*snap));
	for (int i = 0; i < 2; i++) {
		p[i].cpu = calloc((size_t)runs, sizeof(double));
		p[i].wall = calloc((size_t)runs, sizeof(double));
		if (!snap || !p[i].cpu || !p[i].wall)
			return 1;
		if (mfd_collector_open(&p[i].col, p[i].mode, &k, "/proc")) {
			fprintf(stderr, "%s: %s\n", p[i].name,
				p[i].col.fallback_reason);
			return 1;
		}
	}
	/* Alternate the two paths run by run so drift hits both alike. */
	for (int r = 0; r < runs; r++)
		for (int i = 0; i < 2; i++) {
			double c0 = now(CLOCK_PROCESS_CPUTIME_ID);
			double w0 = now(CLOCK_MONOTONIC);

			for (int n = 0; n < samples; n++)
				if (mfd_collector_sample(&p[i].col, snap))
					return 1;
			p[i].cpu[r] =
				(now(CLOCK_PROCESS_CPUTIME_ID) - c0) / samples;
			p[i].wall[r] = (now(CLOCK_MONOTONIC) - w0) / samples;
		}
	for (int i = 0; i < 2; i++) {
		report(&p[i], runs, samples, snap->nr_zones);
		mfd_collector_close(&p[i].col);
		free(p[i].cpu);
		free(p[i].wall);
	}
	free(snap);
	return 0;
}
