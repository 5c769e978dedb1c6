// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_alloc.c - an allocation-heavy microbenchmark: pages faulted per
 * second.
 *
 * For SECONDS it maps MIB of anonymous memory, writes one byte per page
 * (one page fault and one order-0 page allocation each; huge pages are
 * refused with MADV_NOHUGEPAGE so every fault is a 4 KiB one) and unmaps
 * it again, over and over. Prints "pages=N seconds=S pages_per_s=R
 * pages_per_cpu_s=C": C divides by this process's own CPU time, which
 * still contains the tracepoint handlers that run in its context but not
 * the time other processes on a busy machine took the CPU away.
 * bench/run.sh runs it with the agent running and not running, interleaved,
 * to show what the agent costs the allocator (its one tracepoint handler
 * and its sampling).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 2;
	long mib = argc > 2 ? atol(argv[2]) : 64;
	long page = sysconf(_SC_PAGESIZE);
	size_t len = (size_t)mib << 20;
	unsigned long long pages = 0;
	double t0, t, c0;

	if (seconds <= 0 || mib < 1 || page <= 0) {
		fprintf(stderr, "usage: %s [SECONDS] [MIB]\n", argv[0]);
		return 2;
	}
	t0 = now(CLOCK_MONOTONIC);
	c0 = now(CLOCK_PROCESS_CPUTIME_ID);
	do {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		for (size_t off = 0; off < len; off += (size_t)page)
			p[off] = 1;
		munmap(p, len);
		pages += len / (size_t)page;
		t = now(CLOCK_MONOTONIC);
	} while (t - t0 < seconds);
	printf("pages=%llu seconds=%.3f pages_per_s=%.0f pages_per_cpu_s=%.0f\n",
	       pages, t - t0, (double)pages / (t - t0),
	       (double)pages / (now(CLOCK_PROCESS_CPUTIME_ID) - c0));
	return 0;
}
