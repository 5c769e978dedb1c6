// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_procs.c - cost of the per-process extfrag table at --max-procs
 * 1048576: CPU per event (new process, repeat process, and new process
 * into a full table, which evicts), per top-20 read (what a scrape or an
 * OTLP export does), per expire call (what each sample does), and the
 * private memory the table makes resident.
 *
 * Built against model/extfrag_table.c; to compare with an older table,
 * compile this file against that version's extfrag_table.[ch] too and run
 * both in one go (docs/performance.md says how the figures were made).
 * Prints "name=value" lines; CPU in ns of CLOCK_PROCESS_CPUTIME_ID.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extfrag_table.h"

static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Private_Clean + Private_Dirty of the whole process, in KiB. */
static long private_kib(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	long sum = 0, v;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Private_Clean: %ld", &v) == 1 ||
		    sscanf(line, "Private_Dirty: %ld", &v) == 1)
			sum += v;
	fclose(f);
	return sum;
}

static struct mfd_extfrag_event ev(uint32_t tgid, uint64_t ts)
{
	struct mfd_extfrag_event e;

	memset(&e, 0, sizeof(e));
	e.tgid = tgid;
	e.pid = tgid;
	e.ts_ns = ts;
	e.fragmenting = 1;
	snprintf(e.comm, sizeof(e.comm), "p%u", tgid);
	return e;
}

int main(int argc, char **argv)
{
	size_t max_procs = 1048576,
	       procs = argc > 1 ? strtoul(argv[1], 0, 0) : 100000;
	size_t storm = argc > 2 ? strtoul(argv[2], 0, 0) : 2000;
	const struct mfd_proc_stat *top[20];
	struct mfd_extfrag_table t;
	long base = private_kib();
	double c0, c1;
	uint64_t ts = 1;
	size_t reads = 200;

	if (mfd_extfrag_table_init(&t, max_procs))
		return 1;
	printf("private_kib_empty=%ld\n", private_kib() - base);
	c0 = cpu_ns();
	for (size_t i = 0; i < 1000; i++)
		mfd_extfrag_table_sorted(&t, top, 20);
	printf("read_top20_empty_ns=%.0f\n", (cpu_ns() - c0) / 1000);
	c0 = cpu_ns();
	for (size_t i = 0; i < procs; i++) {
		struct mfd_extfrag_event e = ev((uint32_t)i + 1, ts++);

		mfd_extfrag_table_add(&t, &e);
	}
	c1 = cpu_ns();
	printf("procs=%zu add_new_ns=%.0f\n", procs, (c1 - c0) / procs);
	c0 = cpu_ns();
	for (size_t i = 0; i < procs; i++) {
		struct mfd_extfrag_event e =
			ev((uint32_t)(i * 7 % procs) + 1, ts++);

		mfd_extfrag_table_add(&t, &e);
	}
	printf("add_repeat_ns=%.0f\n", (cpu_ns() - c0) / procs);
	printf("private_kib_filled=%ld\n", private_kib() - base);
	c0 = cpu_ns();
	for (size_t i = 0; i < reads; i++)
		mfd_extfrag_table_sorted(&t, top, 20);
	printf("read_top20_ns=%.0f\n", (cpu_ns() - c0) / reads);
	/* Fill the table, then a storm of new processes: each one evicts. */
	for (size_t i = procs; t.used < t.cap * 3 / 4; i++) {
		struct mfd_extfrag_event e = ev((uint32_t)i + 1, ts++);

		mfd_extfrag_table_add(&t, &e);
	}
	c0 = cpu_ns();
	for (size_t i = 0; i < storm; i++) {
		struct mfd_extfrag_event e =
			ev(0x80000000u + (uint32_t)i, ts++);

		mfd_extfrag_table_add(&t, &e);
	}
	printf("full_used=%zu add_evict_ns=%.0f evicted=%llu\n", t.used,
	       (cpu_ns() - c0) / storm, (unsigned long long)t.evicted);
	printf("private_kib_full=%ld\n", private_kib() - base);
	c0 = cpu_ns();
	for (size_t i = 0; i < 20; i++)
		mfd_extfrag_table_sorted(&t, top, 20);
	printf("read_top20_full_ns=%.0f\n", (cpu_ns() - c0) / 20);
#ifdef MFD_XT_NIL
	/* A sample's expire call with nothing to drop, then one that drops
	 * the whole table. */
	t.ttl_ns = 1000000000ull;
	c0 = cpu_ns();
	for (size_t i = 0; i < 1000; i++)
		mfd_extfrag_table_expire(&t, ts + 1);
	printf("expire_none_ns=%.0f\n", (cpu_ns() - c0) / 1000);
	c0 = cpu_ns();
	mfd_extfrag_table_expire(&t, ts + 2000000000ull);
	printf("expire_all_per_entry_ns=%.0f expired=%llu\n",
	       (cpu_ns() - c0) / (double)t.expired,
	       (unsigned long long)t.expired);
#endif
	mfd_extfrag_table_free(&t);
	return 0;
}
