// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_pagefault.c - a page-allocation-heavy microbenchmark: map anonymous
 * memory without huge pages, write one byte per 4 KiB page (one page
 * allocation per fault), unmap, repeat, for SECONDS; print the pages
 * faulted per second. Used by bench/signals.sh to measure the slowdown the
 * agent's tracepoint handlers add to the allocation path.
 *
 * Usage: bench_pagefault SECONDS [MIB]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0, t0, t;
	size_t mib = argc > 2 ? (size_t)atol(argv[2]) : 64;
	size_t len = mib << 20, page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned long long pages = 0;

	if (secs <= 0 || !mib) {
		fprintf(stderr, "usage: bench_pagefault SECONDS [MIB]\n");
		return 2;
	}
	t0 = now();
	do {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		madvise(p, len, MADV_NOHUGEPAGE);
		for (size_t off = 0; off < len; off += page)
			p[off] = 1;
		munmap(p, len);
		pages += len / page;
		t = now();
	} while (t - t0 < secs);
	printf("pages=%llu seconds=%.3f pages_per_sec=%.0f\n", pages, t - t0,
	       (double)pages / (t - t0));
	return 0;
}
