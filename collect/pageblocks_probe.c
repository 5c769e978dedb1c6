// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pageblocks_probe.c - loads bpf/pageblocks.bpf.c, finds mem_section,
 * reads the layout from BTF and runs the walk of pageblock_walk.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/types.h>

#define LOG_COMPONENT "pageblocks"
#include "pageblocks.h" /* bpf/pageblocks.h: the request */
#include "pageblock_walk.h"
#include "bpf_open.h"
#include "log.h"
#include "pageblocks_probe.h"
#include "pageblocks.skel.h"

struct mfd_pageblocks {
	struct pageblocks_bpf *skel;
	int prog_fd, gather_fd;
	struct mfd_pb_layout layout;
	uint64_t roots; /* the value of mem_section */
	const char *symbol_source;
	char type_name[MFD_PB_MAX_TYPES][MFD_PB_TYPE_LEN];
	unsigned int nr_types;
};

/* Run program fd once on the request already in .bss: 0, or -errno
 * (the program's own error, or -EIO when it did not run). */
static int run(struct mfd_pageblocks *p, int fd)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct mfd_pb_read *req = &p->skel->bss->req;
	uint64_t runs = req->runs;

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	if (req->runs == runs)
		return -EIO;
	return req->err;
}

/* The reader: one BPF_PROG_TEST_RUN per piece, at most a page. */
static int bpf_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct mfd_pageblocks *p = ctx;
	struct mfd_pb_read *req = &p->skel->bss->req;
	uint8_t *out = buf;

	while (len) {
		size_t n = len < MFD_PB_READ_MAX ? len : MFD_PB_READ_MAX;
		int err;

		req->addr = addr;
		req->len = (__u32)n;
		err = run(p, p->prog_fd);
		if (err)
			return err;
		memcpy(out, req->buf, n);
		out += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/* One run with nothing to copy, for the task pointer it reports. */
static int current_task(struct mfd_pageblocks *p, uint64_t *task)
{
	struct mfd_pb_read *req = &p->skel->bss->req;
	int err;

	req->len = 0; /* refused with -E2BIG, after the task is noted */
	err = run(p, p->prog_fd);
	if (err != -E2BIG)
		return err ? err : -EIO;
	if (!req->task)
		return -EIO;
	*task = req->task;
	return 0;
}

/* The gather: one run per section's worth of struct page flags. */
static int bpf_gather(void *ctx, uint64_t addr, uint64_t stride, uint32_t count,
		      uint64_t *words)
{
	struct mfd_pageblocks *p = ctx;
	struct mfd_pb_read *req = &p->skel->bss->req;
	int err;

	if (count > MFD_PB_GATHER_MAX)
		return -E2BIG;
	req->addr = addr;
	req->stride = stride;
	req->count = count;
	err = run(p, p->gather_fd);
	if (err)
		return err;
	memcpy(words, req->buf, count * sizeof(*words));
	return 0;
}

static int read_kallsyms(struct mfd_pb_syms *s)
{
	char line[512];
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		mfd_pb_syms_parse(line, strcspn(line, "\n"), s);
	fclose(f);
	return 0;
}

/* The highest physical address of any zone of snap, in bytes. */
static uint64_t max_phys(const struct mfd_snapshot *snap, unsigned int page)
{
	uint64_t end = 0;

	for (uint32_t i = 0; i < snap->nr_zones && i < MFD_SNAP_MAX_ZONES;
	     i++) {
		const struct mfd_zone *z = &snap->zones[i];

		if (z->start_pfn + z->spanned_pages > end)
			end = z->start_pfn + z->spanned_pages;
	}
	return end * page;
}

/* The crash-dump note, through the direct map: needs no CAP_SYSLOG. */
static int from_vmcoreinfo(struct mfd_pageblocks *p,
			   const struct mfd_snapshot *snap,
			   struct mfd_vmcoreinfo *v, char *why, size_t why_len)
{
	static const uint64_t aligns[] = { 1ull << 30, 2ull << 20 };
	struct mfd_kmem_reader rd = { .read = bpf_read, .ctx = p };
	unsigned long long phys = 0;
	unsigned int size = 0;
	uint64_t near = 0;
	size_t len = 0;
	char *text;
	FILE *f;
	int err = -ENOENT;

	f = fopen("/sys/kernel/vmcoreinfo", "re");
	if (!f || fscanf(f, "%llx %x", &phys, &size) != 2 || !phys) {
		snprintf(why, why_len, "/sys/kernel/vmcoreinfo: %s",
			 f ? "no note address" : strerror(errno));
		if (f)
			fclose(f);
		return -ENOENT;
	}
	fclose(f);
	/* The agent's own task_struct: a slab object, in the direct map. */
	err = current_task(p, &near);
	if (err) {
		snprintf(why, why_len, "running the reader: %s",
			 strerror(-err));
		return err;
	}
	text = malloc(MFD_PB_READ_MAX);
	if (!text)
		return -ENOMEM;
	for (size_t a = 0; a < sizeof(aligns) / sizeof(aligns[0]); a++) {
		err = mfd_pb_read_vmcoreinfo(
			&rd, near, max_phys(snap, p->layout.page_size), phys,
			aligns[a], text, MFD_PB_READ_MAX, &len);
		if (err != -ENOENT)
			break;
	}
	if (!err)
		mfd_vmcoreinfo_parse(text, len, v);
	free(text);
	if (err) {
		snprintf(why, why_len,
			 "the vmcoreinfo note was not found through the "
			 "direct map (%s)",
			 strerror(-err));
		return err;
	}
	if (!v->mem_section) {
		snprintf(why, why_len, "vmcoreinfo has no SYMBOL(mem_section)");
		return -ENOENT;
	}
	p->roots = v->mem_section;
	p->symbol_source = "vmcoreinfo";
	return 0;
}

/* /proc/kallsyms, then the export table: the address of mem_section,
 * whose value is the roots. Needs CAP_SYSLOG where kptr_restrict is 1. */
static int from_kallsyms(struct mfd_pageblocks *p, char *why, size_t why_len)
{
	struct mfd_kmem_reader rd = { .read = bpf_read, .ctx = p };
	struct mfd_pb_syms s = { 0 };
	uint64_t addr = 0;
	int err = read_kallsyms(&s);

	if (err) {
		snprintf(why, why_len, "reading /proc/kallsyms: %s",
			 strerror(-err));
		return err;
	}
	if (s.listed && s.zero == s.listed) {
		snprintf(why, why_len,
			 "/proc/kallsyms shows no addresses (kernel.kptr_"
			 "restrict; the agent needs CAP_SYSLOG at start)");
		return -EPERM;
	}
	if (s.mem_section) {
		addr = s.mem_section;
		p->symbol_source = "kallsyms";
	}
	for (int t = 0; !addr && t < 2; t++) {
		if (s.ksymtab[t][0] && s.ksymtab[t][1] &&
		    !mfd_pb_find_export(&rd, s.ksymtab[t][0], s.ksymtab[t][1],
					"mem_section", &addr))
			p->symbol_source = "export table";
	}
	if (!addr) {
		snprintf(why, why_len,
			 "mem_section is neither in /proc/kallsyms nor in the "
			 "kernel's export table");
		return -ENOENT;
	}
	err = bpf_read(p, addr, &p->roots, sizeof(p->roots));
	if (err)
		snprintf(why, why_len, "reading mem_section: %s",
			 strerror(-err));
	return err;
}

static int find_roots(struct mfd_pageblocks *p, const struct mfd_snapshot *snap,
		      struct mfd_vmcoreinfo *v, char *why, size_t why_len)
{
	char why1[192];
	int err;

	if (!from_vmcoreinfo(p, snap, v, why1, sizeof(why1)))
		return 0;
	err = from_kallsyms(p, why, why_len);
	if (err) {
		size_t n = strlen(why);

		snprintf(why + n, why_len - n, "; %s", why1);
	}
	return err;
}

static int load_layout(struct mfd_pageblocks *p, const struct mfd_kinfo *k,
		       const struct mfd_vmcoreinfo *v, char *why,
		       size_t why_len)
{
	struct utsname u;
	struct btf *btf;
	unsigned int page_size = (unsigned int)sysconf(_SC_PAGESIZE), bits;
	int err;

	if (uname(&u)) {
		snprintf(why, why_len, "uname: %s", strerror(errno));
		return -errno;
	}
	bits = v->section_size_bits ?
		       v->section_size_bits :
		       mfd_pb_section_bits(u.machine, u.release, page_size);
	if (!bits) {
		snprintf(why, why_len,
			 "the memory section size of %s is not known to mfd",
			 u.machine);
		return -ENOTSUP;
	}
	if (k->pageblock_order <= 0) {
		snprintf(why, why_len, "pageblock_order is unknown");
		return -ENOENT;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		snprintf(why, why_len, "no kernel BTF: %s", strerror(errno));
		return -errno;
	}
	err = mfd_pb_layout_from_btf(btf, page_size, bits,
				     (unsigned int)k->pageblock_order,
				     &p->layout, why, why_len);
	btf__free(btf);
	if (!err && v->mem_section_size &&
	    v->mem_section_size != p->layout.ms_size) {
		snprintf(why, why_len,
			 "struct mem_section is %u bytes in BTF, %u in "
			 "vmcoreinfo",
			 p->layout.ms_size, v->mem_section_size);
		err = -EPROTO;
	}
	return err;
}

int mfd_pageblocks_open(struct mfd_pageblocks **out, const struct mfd_kinfo *k,
			const struct mfd_snapshot *snap, char *why,
			size_t why_len)
{
	struct mfd_vmcoreinfo v = { 0 };
	struct mfd_pageblocks *p;
	int err;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	p->layout.page_size = (unsigned int)sysconf(_SC_PAGESIZE);
	p->skel = MFD_BPF_OPEN(pageblocks, &err, why, why_len);
	if (!p->skel)
		goto cleanup;
	err = mfd_bpf_load(p->skel->skeleton, "pageblocks", why, why_len);
	if (err)
		goto cleanup;
	p->prog_fd = bpf_program__fd(p->skel->progs.mfd_pageblocks_read);
	p->gather_fd = bpf_program__fd(p->skel->progs.mfd_pageblocks_gather);
	err = find_roots(p, snap, &v, why, why_len);
	if (err)
		goto cleanup;
	err = load_layout(p, k, &v, why, why_len);
	if (err)
		goto cleanup;
	p->nr_types = p->layout.nr_types;
	for (unsigned int t = 0; t < p->nr_types; t++) {
		char buf[MFD_PB_TYPE_LEN];

		snprintf(p->type_name[t], sizeof(p->type_name[t]), "%s",
			 mfd_kinfo_mt_name(k, (int)t, buf, sizeof(buf)));
	}
	log_info("pageblock map: mem_section from %s, %u bits per block, "
		 "%u-page sections",
		 p->symbol_source, p->layout.bits_per_block,
		 1u << p->layout.section_shift);
	*out = p;
	return 0;

cleanup:
	mfd_pageblocks_close(p);
	return err;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int mfd_pageblocks_scan(struct mfd_pageblocks *p,
			const struct mfd_snapshot *snap,
			struct mfd_pageblock_map *map, char *why,
			size_t why_len)
{
	struct mfd_kmem_reader rd = {
		.read = bpf_read,
		.gather = bpf_gather,
		.ctx = p,
	};
	uint64_t t0 = mono_ns();
	int err;

	map->nr_types = p->nr_types;
	memcpy(map->type_name, p->type_name, sizeof(map->type_name));
	err = mfd_pb_scan(&p->layout, &rd, p->roots, snap, map, why, why_len);
	map->mono_ns = mono_ns();
	map->scan_ns = map->mono_ns - t0;
	map->reads = rd.reads;
	if (err)
		map->failures++;
	else
		map->scans++;
	return err;
}

const char *mfd_pageblocks_symbol_source(const struct mfd_pageblocks *p)
{
	return p ? p->symbol_source : NULL;
}

void mfd_pageblocks_close(struct mfd_pageblocks *p)
{
	if (!p)
		return;
	pageblocks_bpf__destroy(p->skel);
	free(p);
}
