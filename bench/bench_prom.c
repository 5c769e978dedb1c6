// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_prom.c - what one /metrics page costs to render: every catalogue
 * point of one snapshot as Prometheus text 0.0.4 and as OpenMetrics.
 *
 *   bench_prom [PROC_DIR] [ROUNDS]
 *
 * PROC_DIR (empty or absent) defaults to the 3-zone fixture
 * tests/fixtures/procfs/vm-6.18. Not a test: it prints numbers and never
 * fails on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kinfo.h"
#include "procfs.h"
#include "prometheus.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 && *argv[1] ? argv[1] : MFD_FIXTURE;
	int rounds = argc > 2 ? atoi(argv[2]) : 2000;
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_parse_error perr;
	struct mfd_kinfo k = { 0 };
	struct mfd_state st;

	if (!snap || rounds < 1)
		return 2;
	mfd_kinfo_default_mt_names(&k);
	if (mfd_state_init(&st, &k, 64, 16) ||
	    mfd_procfs_snapshot(dir, snap, &perr)) {
		fprintf(stderr, "bench_prom: cannot read %s\n", dir);
		return 1;
	}
	st.start_unix_nano = snap->time_unix_nano;
	mfd_state_set_snapshot(&st, snap);
	for (int om = 0; om < 2; om++) {
		char *buf;
		size_t len = 0;
		double t0 = now_s();

		for (int i = 0; i < rounds; i++) {
			if (mfd_prom_render(&st, om, &buf, &len))
				return 1;
			free(buf);
		}
		printf("render %-12s %8.1f us, %zu bytes\n",
		       om ? "OpenMetrics:" : "text 0.0.4:",
		       (now_s() - t0) / rounds * 1e6, len);
	}
	mfd_state_free(&st);
	free(snap);
	return 0;
}
