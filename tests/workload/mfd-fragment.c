// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mfd-fragment: make physical memory fragmentation happen on demand, for
 * demos and integration tests of mfd.
 *
 *   frag  fills movable memory and frees every other 4 KiB page, which
 *         leaves order-0 holes whose buddies stay allocated: the low orders
 *         of /proc/buddyinfo grow and high-order blocks are split.
 *   pt    creates page-table pressure: one fault every 2 MiB of a huge
 *         sparse mapping allocates one page-table page per fault. Page
 *         tables are unmovable, so once the unmovable pageblocks run out the
 *         allocator steals from movable ones and the kernel fires
 *         kmem:mm_page_alloc_extfrag (trace_mm_page_alloc_extfrag() in
 *         mm/page_alloc.c, on every fallback to another migratetype).
 *   both  frag first, then pt: once no free order >= pageblock_order
 *         blocks are left, the steals split movable blocks and the events
 *         say fragmenting=1 (on a 24 GiB VM frag must take most memory).
 *
 * Exit status: 0 on success (also when stopped by SIGINT/SIGTERM), 1 when
 * the kernel refuses memory, 2 on bad arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PROG "mfd-fragment"
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* include/uapi/asm-generic/mman-common.h */
#endif
#define EXIT_USAGE 2

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)
/* One PTE page maps 2 MiB on x86-64 and arm64 with 4 KiB pages. */
#define PT_STRIDE (2 * MIB)

#define DEFAULT_FRAG_MIB 1024
/* pt without --gib: at least this, more when the unmovable pool is big. */
#define DEFAULT_PT_GIB 256
/* 128 pageblocks of 2 MiB past the free Unmovable pool; see pt_auto_gib(). */
#define PT_MARGIN_PAGES (128ULL * 512)
/* One PMD page per GiB plus one PTE page per 2 MiB. */
#define PT_PAGES_PER_GIB (GIB / PT_STRIDE + 1)
#define DEFAULT_LOOP_SECONDS 10
/* "Hold until a signal arrives"; any value the user can give is smaller. */
#define HOLD_FOREVER UINT64_MAX

enum mode { MODE_FRAG, MODE_PT, MODE_BOTH };

struct opts {
	enum mode mode;
	uint64_t mib; /* frag: size of the mapping, MiB */
	uint64_t gib; /* pt: size of the sparse mapping, GiB; 0: auto */
	uint64_t steal; /* pt --steal: pages to steal past the free blocks */
	bool steal_set; /* --steal given: auto size for a storm */
	uint64_t hold; /* seconds to hold at the end, or HOLD_FOREVER */
	uint64_t seconds; /* pt --loop: seconds to keep looping */
	bool hold_set; /* --hold or --seconds given explicitly */
	bool loop; /* pt: munmap and map again until --seconds elapse */
	bool thp_off; /* MADV_NOHUGEPAGE before touching */
	bool populate; /* frag: MADV_POPULATE_WRITE, not a fault a page */
	uint64_t free_every; /* frag: free one page in this many (default 2) */
	bool write; /* pt: write instead of read (adds movable data pages) */
};

struct stats {
	uint64_t touched; /* pages faulted in */
	uint64_t freed; /* faulted pages released by the pattern, not at exit */
	uint64_t passes; /* pt passes completed */
	uint64_t last_pass; /* pages faulted by the latest pt pass */
};

static volatile sig_atomic_t stop;
static long page_size;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/*
 * No SA_RESTART: a signal must interrupt nanosleep() during a hold so that
 * SIGTERM ends the program at once, not at the end of the hold.
 */
static int install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG
		" frag [--mib N] [--hold S] [--thp-off] [--populate] [--free-every N]\n"
		"       " PROG
		" pt   [--gib N | --steal N] [--seconds S] [--loop] [--write]\n"
		"       " PROG " both [frag and pt options]\n"
		"\n"
		"Make physical memory fragmentation happen on demand.\n"
		"\n"
		"  frag  map N MiB (default %d), touch every page, free every other\n"
		"        4 KiB page (or one in N), then hold (default: until\n"
		"        SIGINT/SIGTERM)\n"
		"  pt    page-table pressure: map N GiB (default %d) MAP_NORESERVE\n"
		"        and fault one page every 2 MiB; page tables are unmovable\n"
		"        and trigger kmem:mm_page_alloc_extfrag\n"
		"  both  frag, then pt, then hold\n"
		"\n"
		"A storm of extfrag events (hundreds of thousands here): frag with\n"
		"--mib close to MemAvailable and --free-every 4, held, leaves no\n"
		"pageblock free enough to be claimed whole; pt --steal N then\n"
		"steals N pages one at a time. Proactive compaction must be off\n"
		"meanwhile (bench/storm.sh does all of it).\n"
		"\n"
		"  -m, --mib N      frag: size of the mapping in MiB\n"
		"  -g, --gib N      pt: size of the sparse mapping in GiB (default:\n"
		"                   enough page tables to exhaust the free\n"
		"                   Unmovable pages in /proc/pagetypeinfo, >= %d)\n"
		"  -S, --steal N    pt: size the mapping past the free Unmovable\n"
		"                   pages and every free Movable or Reclaimable\n"
		"                   pageblock, by N pages stolen singly\n"
		"  -H, --hold S     seconds to hold the memory at the end (0: exit)\n"
		"  -s, --seconds S  pt: with --loop, loop for S seconds (default %d);\n"
		"                   without, hold the mapping for S seconds\n"
		"  -l, --loop       pt: munmap and repeat until --seconds elapse\n"
		"  -w, --write      pt: write-fault (adds a data page per fault)\n"
		"                   instead of read-faulting the shared zero page\n"
		"  -e, --free-every N  frag: free one page in N (2-1024, default 2)\n"
		"  -t, --thp-off    frag: MADV_NOHUGEPAGE first, so the free pattern\n"
		"                   splits blocks even with THP set to always\n"
		"  -P, --populate   frag: fault the mapping in with one\n"
		"                   MADV_POPULATE_WRITE (Linux 5.14+) instead of\n"
		"                   a write per page (much faster under emulation)\n"
		"  -h, --help       show this help\n"
		"\n"
		"Progress goes to stderr, one summary line to stdout: pages\n"
		"touched (faulted), pages freed by the pattern (MADV_DONTNEED or\n"
		"pt --loop munmap; the final unmap is not counted), passes, time.\n"
		"Exit status: 0 done or stopped by a signal, 1 mapping refused,\n"
		"2 bad arguments.\n",
		DEFAULT_FRAG_MIB, DEFAULT_PT_GIB, DEFAULT_PT_GIB,
		DEFAULT_LOOP_SECONDS);
}

/*
 * Parse a decimal count. strtoull() alone accepts "-1" (it wraps), leading
 * blanks and trailing junk, so each is rejected here. max bounds the value
 * so later multiplications cannot overflow.
 */
static int parse_u64(const char *name, const char *s, uint64_t min,
		     uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9') { /* also rejects "", " 1" and "-1" */
		fprintf(stderr, PROG ": --%s: '%s' is not a number\n", name, s);
		return -EINVAL;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end) {
		fprintf(stderr, PROG ": --%s: '%s' is not a number\n", name, s);
		return -EINVAL;
	}
	if (errno == ERANGE || v > max) {
		fprintf(stderr,
			PROG ": --%s: %s is too large (max %" PRIu64 ")\n",
			name, s, max);
		return -ERANGE;
	}
	if (v < min) {
		fprintf(stderr, PROG ": --%s: must be at least %" PRIu64 "\n",
			name, min);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

/* Returns 0, 1 when the user asked for help, or -EINVAL on bad arguments. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "mib", required_argument, NULL, 'm' },
		{ "gib", required_argument, NULL, 'g' },
		{ "hold", required_argument, NULL, 'H' },
		{ "seconds", required_argument, NULL, 's' },
		{ "loop", no_argument, NULL, 'l' },
		{ "write", no_argument, NULL, 'w' },
		{ "thp-off", no_argument, NULL, 't' },
		{ "populate", no_argument, NULL, 'P' },
		{ "free-every", required_argument, NULL, 'e' },
		{ "steal", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	/* Bounds keep N << 20 and N << 30 inside size_t and seconds sane. */
	const uint64_t max_mib = SIZE_MAX >> 21, max_gib = SIZE_MAX >> 31;
	const uint64_t max_s = 100ULL * 365 * 24 * 3600;
	bool seen_frag = false, seen_pt = false, seconds_set = false;
	static char prog_mode[32];
	const char *mode;
	int c;

	if (argc < 2) {
		usage(stderr);
		return -EINVAL;
	}
	mode = argv[1];
	if (!strcmp(mode, "-h") || !strcmp(mode, "--help")) {
		usage(stdout);
		return 1;
	}
	if (!strcmp(mode, "frag")) {
		o->mode = MODE_FRAG;
	} else if (!strcmp(mode, "pt")) {
		o->mode = MODE_PT;
	} else if (!strcmp(mode, "both")) {
		o->mode = MODE_BOTH;
	} else {
		fprintf(stderr,
			PROG
			": unknown %s '%s': the first argument is the mode "
			"(frag, pt or both)\n",
			mode[0] == '-' ? "option" : "mode", mode);
		fprintf(stderr, "Try '" PROG " -h'.\n");
		return -EINVAL;
	}

	/*
	 * getopt_long() sees the mode as argv[0] and parses the rest; name
	 * that argv[0] so its messages read "mfd-fragment pt: ...".
	 */
	snprintf(prog_mode, sizeof(prog_mode), PROG " %s", mode);
	argv[1] = prog_mode;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "m:g:H:s:lwtPe:S:h",
				longopts, NULL)) != -1) {
		int err = 0;

		switch (c) {
		case 'm':
			err = parse_u64("mib", optarg, 1, max_mib, &o->mib);
			seen_frag = true;
			break;
		case 'e':
			err = parse_u64("free-every", optarg, 2, 1024,
					&o->free_every);
			seen_frag = true;
			break;
		case 'g':
			err = parse_u64("gib", optarg, 1, max_gib, &o->gib);
			seen_pt = true;
			break;
		case 'S':
			/* Pages: bounded like --gib's pages of page tables. */
			err = parse_u64("steal", optarg, 0,
					max_gib * PT_PAGES_PER_GIB, &o->steal);
			o->steal_set = true;
			seen_pt = true;
			break;
		case 'H':
			err = parse_u64("hold", optarg, 0, max_s, &o->hold);
			o->hold_set = true;
			break;
		case 's':
			err = parse_u64("seconds", optarg, 0, max_s,
					&o->seconds);
			seconds_set = true;
			seen_pt = true;
			break;
		case 'l':
			o->loop = true;
			seen_pt = true;
			break;
		case 'w':
			o->write = true;
			seen_pt = true;
			break;
		case 'P':
			o->populate = true;
			seen_frag = true;
			break;
		case 't':
			o->thp_off = true;
			seen_frag = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			fprintf(stderr, "Try '" PROG " -h'.\n");
			return -EINVAL;
		}
		if (err)
			return -EINVAL;
	}
	if (optind < argc - 1) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n",
			argv[optind + 1]);
		return -EINVAL;
	}
	/* An option for the other mode is almost certainly a typo'd command. */
	if ((o->mode == MODE_FRAG && seen_pt) ||
	    (o->mode == MODE_PT && seen_frag)) {
		fprintf(stderr, PROG ": option not valid for mode '%s'\n",
			mode);
		fprintf(stderr, "Try '" PROG " -h'.\n");
		return -EINVAL;
	}
	if (o->gib && o->steal_set) {
		fprintf(stderr,
			PROG ": --gib and --steal both size the mapping: give "
			     "one\n");
		return -EINVAL;
	}

	/*
	 * pt without --loop: --seconds is how long the page tables stay
	 * allocated, the same as --hold. pt --loop defaults to a bounded run
	 * so that a test cannot hang on a forgotten signal.
	 */
	if (o->mode == MODE_PT && !o->loop && seconds_set && !o->hold_set) {
		o->hold = o->seconds;
		o->hold_set = true;
	}
	if (!seconds_set)
		o->seconds = o->loop ? DEFAULT_LOOP_SECONDS : 0;
	if (!o->hold_set)
		o->hold = o->mode == MODE_PT && o->loop ? 0 : HOLD_FOREVER;
	return 0;
}

/* Sleep until the deadline passes or a signal sets stop. */
static void hold(uint64_t seconds)
{
	struct timespec ts = { .tv_sec = 1 };
	double end = now_s() + (double)seconds;

	if (!seconds || stop)
		return;
	if (seconds == HOLD_FOREVER)
		fprintf(stderr, PROG ": holding until SIGINT/SIGTERM\n");
	else
		fprintf(stderr, PROG ": holding for %" PRIu64 " s\n", seconds);
	while (!stop && (seconds == HOLD_FOREVER || now_s() < end))
		nanosleep(&ts, NULL); /* EINTR on a signal: loop sees stop */
}

/* vm.overcommit_memory, or -1 when it cannot be read. */
static int overcommit_mode(void)
{
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	int mode = -1;

	if (f) {
		if (fscanf(f, "%d", &mode) != 1)
			mode = -1;
		fclose(f);
	}
	return mode;
}

static void *map_anon(size_t len, int extra_flags, const char *what)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
	int err;

	if (p != MAP_FAILED)
		return p;
	err = errno;
	fprintf(stderr, PROG ": %s: mmap of %zu MiB failed: %s\n", what,
		len >> 20, strerror(err));
	/* Say which limit refused it, so the user knows what to change. */
	if (err == ENOMEM && overcommit_mode() == 2)
		fprintf(stderr,
			"  vm.overcommit_memory=2 (strict) counts every mapping, "
			"even MAP_NORESERVE ones, against CommitLimit;\n"
			"  use a smaller size or 'sysctl vm.overcommit_memory=0'"
			"\n");
	else if (err == ENOMEM)
		/* Mode 0 also refuses a single mapping bigger than RAM + swap. */
		fprintf(stderr,
			"  the size exceeds the free address space (128 TiB on "
			"x86-64)%s; use a smaller size\n",
			extra_flags & MAP_NORESERVE || overcommit_mode() ?
				"" :
				" or RAM + swap (heuristic overcommit)");
	errno = err;
	return NULL;
}

/*
 * Fill len bytes, free every other page, leave the rest mapped in *mapp so
 * the holes persist until the caller unmaps it. Returns 0 or -errno.
 */
static int do_frag(const struct opts *o, struct stats *st, char **mapp,
		   size_t *lenp)
{
	size_t len = (size_t)o->mib * MIB, npages = len / page_size, i;
	double t0 = now_s();
	char *p;

	p = map_anon(len, 0, "frag");
	if (!p)
		return -errno;
	*mapp = p;
	*lenp = len;
	fprintf(stderr, PROG ": frag: mapped %" PRIu64 " MiB (%zu pages)\n",
		o->mib, npages);

	/*
	 * With THP on, a 2 MiB huge page would be split by the free pattern
	 * but its freed subpages only return to the buddy allocator on a
	 * deferred split, i.e. under memory pressure, so nothing would show.
	 */
	if (o->thp_off) {
		if (madvise(p, len, MADV_NOHUGEPAGE)) {
			fprintf(stderr, PROG ": frag: MADV_NOHUGEPAGE: %s\n",
				strerror(errno));
			return -errno;
		}
		fprintf(stderr, PROG ": frag: THP off for the mapping\n");
	}

	/*
	 * One MADV_POPULATE_WRITE (Linux 5.14) faults every page in a single
	 * call, several times faster than a fault per page under QEMU's TCG;
	 * older kernels refuse it with EINVAL and take the loop.
	 */
	if (o->populate && !madvise(p, len, MADV_POPULATE_WRITE))
		st->touched = npages;
	/* Write, not read: a read fault would map the shared zero page. */
	for (i = st->touched; i < npages && !stop; i++) {
		p[i * page_size] = (char)i | 1;
		st->touched++;
	}
	fprintf(stderr, PROG ": frag: touched %" PRIu64 " pages (%.3fs)\n",
		st->touched, now_s() - t0);
	if (stop)
		return 0;

	/*
	 * Free the last page of every free_every (the odd pages by default).
	 * Pages faulted in sequence mostly come from the same split
	 * high-order block, so a freed page's buddy is the page next to it,
	 * which stays allocated and keeps the hole at order 0. A pageblock
	 * at least half free can be claimed whole by another migratetype
	 * (try_to_claim_block() in mm/page_alloc.c); a quarter free cannot,
	 * and a fallback then steals page by page.
	 */
	for (i = o->free_every - 1; i < npages && !stop; i += o->free_every) {
		if (madvise(p + i * page_size, page_size, MADV_DONTNEED)) {
			fprintf(stderr, PROG ": frag: MADV_DONTNEED: %s\n",
				strerror(errno));
			return -errno;
		}
		st->freed++;
	}
	fprintf(stderr,
		PROG ": frag: freed %" PRIu64 " pages (1 in %" PRIu64
		     ", %.3fs)\n",
		st->freed, o->free_every, now_s() - t0);
	return 0;
}

/*
 * Free pages from /proc/pagetypeinfo (root only; format from mm/vmstat.c,
 * pagetypeinfo_showfree_print), every zone: *pool, on the Unmovable free
 * lists; *blocks, in free blocks of a pageblock or more on the Movable and
 * Reclaimable lists, the types an Unmovable allocation falls back to, which
 * it claims whole. A count of 100000 or more prints as ">100000" and is
 * taken as 100000. Returns -1 when the file cannot be read.
 */
static int pagetype_free(long long *pool, long long *blocks)
{
	FILE *f = fopen("/proc/pagetypeinfo", "r");
	int order, n, pageblock_order = INT_MAX;
	bool seen = false, unmovable, fallback;
	char line[512], *p;
	long long count;

	if (!f)
		return -1;
	*pool = *blocks = 0;
	/* "Node    0, zone   Normal, type    Unmovable     12      7 ..." */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Page block order: %d", &order) == 1) {
			pageblock_order = order;
			continue;
		}
		p = strstr(line, ", type ");
		if (!p)
			continue;
		p += strlen(", type ");
		p += strspn(p, " ");
		unmovable = !strncmp(p, "Unmovable ", strlen("Unmovable "));
		fallback = !strncmp(p, "Movable ", strlen("Movable ")) ||
			   !strncmp(p, "Reclaimable ", strlen("Reclaimable "));
		seen = true;
		p += strcspn(p, " ");
		for (order = 0;; order++) {
			p += strspn(p, " ");
			if (*p == '>')
				p++;
			if (sscanf(p, "%lld%n", &count, &n) != 1)
				break;
			p += n;
			if (unmovable)
				*pool += count << order;
			else if (fallback && order >= pageblock_order)
				*blocks += count << order;
		}
	}
	fclose(f);
	return seen ? 0 : -1;
}

/*
 * Pages parked on the per-CPU free lists of every zone ("count:" in
 * /proc/zoneinfo), of any migratetype: an upper bound on what the
 * Unmovable pool holds outside /proc/pagetypeinfo.
 */
static long long pcp_pages(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	long long total = 0, count;
	char line[256];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &count) == 1)
			total += count;
	fclose(f);
	return total;
}

/*
 * Size a pass so that its page tables cannot all come from the free
 * Unmovable pool: the kernel must then steal pageblocks from other types,
 * which is what fires mm_page_alloc_extfrag. A fixed size stops working once
 * an earlier run has grown the pool (freed page tables stay in Unmovable
 * blocks; two back-to-back 256 GiB passes here gave 106 events, then 0).
 *
 * With --steal N, for a storm (bench/storm.sh): page tables for the pool,
 * for every free Movable or Reclaimable block of a pageblock or more (each
 * claimed whole, one event per block: Normal-zone allocations carry
 * ALLOC_NOFRAGMENT and claim such blocks in DMA32 too before they steal
 * single pages), and then for N pages, each stolen singly when no block is
 * free enough to be claimed.
 */
static uint64_t pt_auto_gib(const struct opts *o)
{
	struct timespec settle = { .tv_nsec = 300 * 1000 * 1000 };
	long long pool, blocks, pool2, blocks2;
	long avail = sysconf(_SC_AVPHYS_PAGES);
	uint64_t want, cap, gib;

	if (pagetype_free(&pool, &blocks) < 0)
		return DEFAULT_PT_GIB;
	/*
	 * Page tables of a process that just exited (an earlier run) are
	 * freed after an RCU grace period, so right after it the pool reads
	 * low (measured: 847 pages, then 94600 a second later, and that
	 * run's 256 GiB pass fired no event). Read again after a pause and
	 * keep the larger values.
	 */
	nanosleep(&settle, NULL);
	if (pagetype_free(&pool2, &blocks2) == 0) {
		if (pool2 > pool)
			pool = pool2;
		if (blocks2 > blocks)
			blocks = blocks2;
	}
	pool += pcp_pages();
	if (o->steal_set) {
		want = (uint64_t)pool + (uint64_t)blocks + o->steal;
		/* Page tables cannot take more than the free memory. */
		cap = avail > 0 ? (uint64_t)avail : want;
	} else {
		/*
		 * A fixed margin of 128 pageblocks (256 MiB): whatever is
		 * stolen stays Unmovable, so a proportional margin would grow
		 * the pool geometrically over repeated runs (measured: 87k to
		 * 263k pages in five runs with +25 %); a fixed one grows it
		 * linearly at worst.
		 */
		want = (uint64_t)pool + PT_MARGIN_PAGES;
		/* Never let page tables take more than half of the free memory. */
		cap = avail > 0 ? (uint64_t)avail / 2 : want;
	}
	if (want > cap) {
		fprintf(stderr,
			PROG ": pt: %" PRIu64 " pages of page tables wanted, "
			     "more than %s; capping%s\n",
			want,
			o->steal_set ? "the free memory" :
				       "half the free memory",
			o->steal_set ? "" : ", extfrag events may not show");
		want = cap;
	}
	gib = (want + PT_PAGES_PER_GIB - 1) / PT_PAGES_PER_GIB;
	if (gib < DEFAULT_PT_GIB)
		gib = DEFAULT_PT_GIB;
	fprintf(stderr,
		PROG ": pt: %lld free Unmovable + per-cpu pages, %lld in free "
		     "pageblocks, %" PRIu64 " to steal; mapping %" PRIu64
		     " GiB\n",
		pool, blocks, o->steal_set ? o->steal : 0, gib);
	return gib;
}

static int pt_pass(const struct opts *o, uint64_t gib, struct stats *st,
		   char **mapp, size_t *lenp)
{
	size_t len = (size_t)gib * GIB, off;
	uint64_t n = 0;
	char *p;

	/* MAP_NORESERVE: the mapping is 10x RAM but only ~0.2 % is touched. */
	p = map_anon(len, MAP_NORESERVE, "pt");
	if (!p)
		return -errno;
	*mapp = p;
	*lenp = len;

	/*
	 * With THP on, a fault in an aligned 2 MiB range could map a huge
	 * (zero) page and need no PTE page at all, which defeats the point.
	 */
	if (madvise(p, len, MADV_NOHUGEPAGE))
		fprintf(stderr, PROG ": pt: MADV_NOHUGEPAGE: %s (continuing)\n",
			strerror(errno));

	/*
	 * A read fault maps the shared zero page, so each fault allocates
	 * exactly one page-table page (plus a PMD page per GiB) and nothing
	 * movable: pure unmovable pressure. --write adds a movable data page.
	 */
	for (off = 0; off < len && !stop; off += PT_STRIDE) {
		if (o->write)
			((volatile char *)p)[off] = 1;
		else
			(void)((volatile char *)p)[off];
		n++;
	}
	st->touched += n;
	st->last_pass = n;
	return 0;
}

static int do_pt(const struct opts *o, struct stats *st, char **mapp,
		 size_t *lenp)
{
	double start = now_s();
	uint64_t gib;
	int err;

	fprintf(stderr, PROG ": pt: MAP_NORESERVE, one %s every 2 MiB%s\n",
		o->write ? "write" : "read", o->loop ? ", looping" : "");
	/*
	 * Size once: re-sizing every pass of a loop would add the margin to
	 * the Unmovable pool on each pass. A fixed size still fires events
	 * on later passes here (70 to 223 in 10 s), as the host reclaims
	 * free memory and the pool shrinks between passes.
	 */
	gib = o->gib ? o->gib : pt_auto_gib(o);
	do {
		err = pt_pass(o, gib, st, mapp, lenp);
		if (err)
			return err;
		st->passes++;
		fprintf(stderr,
			PROG ": pt: pass %" PRIu64 ": %" PRIu64
			     " pages touched so far\n",
			st->passes, st->touched);
		if (!o->loop || stop)
			break;
		/* munmap frees the page tables, so the next pass allocates again. */
		munmap(*mapp, *lenp);
		st->freed += st->last_pass;
		*mapp = NULL;
	} while (!stop && now_s() - start < (double)o->seconds);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .mib = DEFAULT_FRAG_MIB, .free_every = 2 };
	struct stats st = { 0 };
	char *frag_map = NULL, *pt_map = NULL;
	size_t frag_len = 0, pt_len = 0;
	double start;
	int err = 0, ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret > 0 ? EXIT_SUCCESS : EXIT_USAGE;

	page_size = sysconf(_SC_PAGESIZE);
	if (install_signals()) {
		perror(PROG ": sigaction");
		return EXIT_FAILURE;
	}
	start = now_s();

	if (o.mode == MODE_FRAG || o.mode == MODE_BOTH)
		err = do_frag(&o, &st, &frag_map, &frag_len);
	if (!err && !stop && (o.mode == MODE_PT || o.mode == MODE_BOTH))
		err = do_pt(&o, &st, &pt_map, &pt_len);
	if (!err)
		hold(o.hold);

	/*
	 * Exit would unmap too, but unmapping first puts the teardown (which
	 * frees every page table of a pt run) inside the elapsed time.
	 */
	if (pt_map)
		munmap(pt_map, pt_len);
	if (frag_map)
		munmap(frag_map, frag_len);
	if (stop)
		fprintf(stderr, PROG ": stopped by signal\n");

	printf("%s: touched=%" PRIu64 " freed=%" PRIu64 " passes=%" PRIu64
	       " elapsed=%.3fs%s\n",
	       PROG, st.touched, st.freed, st.passes, now_s() - start,
	       err ? " (failed)" : "");
	return err ? EXIT_FAILURE : EXIT_SUCCESS;
}
