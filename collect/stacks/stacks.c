// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stacks.c - the call-site table: the kernel's counts mirrored, each
 * stack symbolized when first seen (stacks.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define LOG_COMPONENT "callsites"
#include "file.h"
#include "log.h"
#include "stacks.h"

/* Both programs' keys: the table never holds more than the kernel. */
#define MFD_CALLSITES_MAX (2 * MFD_CALLSITE_KEYS)
#define MFD_MAPS_MAX (16u << 20) /* /proc/PID/maps of a large process */
#define FRAME_LEN 160

struct mfd_callsites {
	struct mfd_callsite_maps src[MFD_CALLSITE_KINDS]; /* by kind */
	struct mfd_callsite *sites; /* sorted by key */
	size_t n;
	size_t *order; /* indices into sites, by count, highest first */
	uint64_t lost[MFD_CALLSITE_KINDS][MFD_CS_LOST_SLOTS];
	struct mfd_ksyms ksyms;
	bool ksyms_ok;
	struct mfd_elfcache *elf;
	int nr_cpus;
	struct mfd_callsite_lost_val *lostv; /* one per CPU, for lookups */
	/* /proc/PID/maps of the last process symbolized in a refresh. */
	uint32_t maps_pid;
	char *maps;
	size_t maps_len;
	bool maps_read;
};

const char *mfd_callsite_kind_name(uint32_t kind)
{
	switch (kind) {
	case MFD_CALLSITE_EXTFRAG:
		return "extfrag";
	case MFD_CALLSITE_COMPACT_STALL:
		return "compact_stall";
	default:
		return "unknown";
	}
}

struct mfd_callsites *mfd_callsites_new(const char *kallsyms_path)
{
	struct mfd_callsites *cs = calloc(1, sizeof(*cs));
	int err;

	if (!cs)
		return NULL;
	for (int k = 0; k < MFD_CALLSITE_KINDS; k++)
		cs->src[k] = (struct mfd_callsite_maps){ -1, -1, -1 };
	cs->nr_cpus = libbpf_num_possible_cpus();
	if (cs->nr_cpus < 1)
		cs->nr_cpus = 1;
	cs->sites = calloc(MFD_CALLSITES_MAX, sizeof(*cs->sites));
	cs->order = calloc(MFD_CALLSITES_MAX, sizeof(*cs->order));
	cs->lostv = calloc((size_t)cs->nr_cpus, sizeof(*cs->lostv));
	cs->elf = mfd_elfcache_new();
	if (!cs->sites || !cs->order || !cs->lostv || !cs->elf) {
		mfd_callsites_free(cs);
		errno = ENOMEM;
		return NULL;
	}
	err = mfd_ksyms_load(&cs->ksyms, kallsyms_path);
	cs->ksyms_ok = !err && !cs->ksyms.zeroed && cs->ksyms.n;
	if (err)
		log_warn("call sites: reading %s failed: %s; kernel frames are "
			 "shown as addresses",
			 kallsyms_path ? kallsyms_path : "/proc/kallsyms",
			 strerror(-err));
	else if (!cs->ksyms_ok)
		log_warn("call sites: /proc/kallsyms reads as zeroes "
			 "(kernel.kptr_restrict, or no CAP_SYSLOG): kernel "
			 "frames are shown as addresses");
	return cs;
}

void mfd_callsites_free(struct mfd_callsites *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; cs->sites && i < cs->n; i++) {
		for (uint32_t f = 0;
		     f < cs->sites[i].nkernel + cs->sites[i].nuser; f++)
			free(cs->sites[i].frames[f]);
		free(cs->sites[i].frames);
	}
	free(cs->sites);
	free(cs->order);
	free(cs->lostv);
	free(cs->maps);
	mfd_ksyms_free(&cs->ksyms);
	mfd_elfcache_free(cs->elf);
	free(cs);
}

void mfd_callsites_set_maps(struct mfd_callsites *cs,
			    enum mfd_callsite_kind kind,
			    const struct mfd_callsite_maps *m)
{
	if ((unsigned int)kind < MFD_CALLSITE_KINDS)
		cs->src[kind] = *m;
}

void mfd_callsite_kframe(const struct mfd_ksyms *ks, uint64_t addr, char *buf,
			 size_t len)
{
	uint64_t off = 0;
	const char *name = ks ? mfd_ksyms_lookup(ks, addr, &off) : NULL;

	if (name)
		snprintf(buf, len, "%s+0x%llx", name, (unsigned long long)off);
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
}

void mfd_callsite_uframe(struct mfd_elfcache *c, uint32_t pid, const char *maps,
			 size_t maps_len, uint64_t addr, char *buf, size_t len)
{
	struct mfd_map_line m;
	const struct mfd_elfsyms *e = NULL;
	const char *name = NULL, *base;
	char path[4096];
	uint64_t off = 0, foff;
	size_t pl;

	if (!maps || mfd_maps_find(maps, maps_len, addr, &m) || !m.path_len ||
	    m.path[0] != '/') {
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
		return;
	}
	pl = m.path_len < sizeof(path) - 1 ? m.path_len : sizeof(path) - 1;
	memcpy(path, m.path, pl);
	path[pl] = '\0';
	foff = addr - m.start + m.offset;
	if (c)
		e = mfd_elfcache_get(c, pid, path, m.inode);
	if (e)
		name = mfd_elfsyms_lookup(e, foff, &off);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (name)
		snprintf(buf, len, "%s+0x%llx (%s)", name,
			 (unsigned long long)off, base);
	else
		snprintf(buf, len, "[%s+0x%llx]", base,
			 (unsigned long long)foff);
}

char *mfd_callsite_stack_text(const struct mfd_callsite *s)
{
	size_t len = 1, nf = s->nkernel + s->nuser;
	char *out, *p;

	for (size_t f = 0; f < nf; f++)
		len += strlen(s->frames[f]) + 1;
	out = p = malloc(len);
	if (!out)
		return NULL;
	*p = '\0';
	for (size_t f = 0; f < nf; f++)
		p += sprintf(p, "%s%s", f ? "\n" : "", s->frames[f]);
	return out;
}

static int cmp_key(const struct mfd_callsite_key *a,
		   const struct mfd_callsite_key *b)
{
	return memcmp(a, b, sizeof(*a));
}

/* Index of key in sites, or where it goes (*found false). */
static size_t find(const struct mfd_callsites *cs,
		   const struct mfd_callsite_key *k, bool *found)
{
	size_t lo = 0, hi = cs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_key(&cs->sites[mid].key, k);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

/* The addresses of stack id in fd: count, 0 when gone or none. */
static size_t read_stack(int fd, __u32 id, __u64 *ips)
{
	size_t n = 0;

	if (id == MFD_CALLSITE_NO_STACK || fd < 0 ||
	    bpf_map_lookup_elem(fd, &id, ips))
		return 0;
	while (n < MFD_CALLSITE_DEPTH && ips[n])
		n++;
	return n;
}

static void read_maps(struct mfd_callsites *cs, uint32_t pid)
{
	char path[64];

	if (cs->maps_read && cs->maps_pid == pid)
		return;
	free(cs->maps);
	cs->maps = NULL;
	cs->maps_len = 0;
	cs->maps_pid = pid;
	cs->maps_read = true;
	snprintf(path, sizeof(path), "/proc/%u/maps", pid);
	/* Gone, or not ours to read: user frames are addresses. */
	if (mfd_file_read(path, MFD_MAPS_MAX, &cs->maps, &cs->maps_len))
		cs->maps = NULL;
}

static void read_comm(struct mfd_callsite *s)
{
	char path[64];
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/%u/comm", s->key.tgid);
	if (mfd_file_read_head(path, s->comm, sizeof(s->comm), &len) || !len) {
		snprintf(s->comm, sizeof(s->comm), "?");
		return;
	}
	if (s->comm[len - 1] == '\n')
		s->comm[len - 1] = '\0';
}

/* Symbolize a new site's stacks. 0 or -ENOMEM. */
static int symbolize(struct mfd_callsites *cs, struct mfd_callsite *s,
		     int stacks_fd)
{
	__u64 kips[MFD_CALLSITE_DEPTH], uips[MFD_CALLSITE_DEPTH];
	size_t nk = read_stack(stacks_fd, s->key.kstack, kips);
	size_t nu = read_stack(stacks_fd, s->key.ustack, uips);
	char buf[FRAME_LEN];

	read_comm(s);
	s->frames = calloc(nk + nu + 1, sizeof(*s->frames));
	if (!s->frames)
		return -ENOMEM;
	if (nu)
		read_maps(cs, s->key.tgid);
	for (size_t i = 0; i < nk + nu; i++) {
		if (i < nk)
			mfd_callsite_kframe(cs->ksyms_ok ? &cs->ksyms : NULL,
					    kips[i], buf, sizeof(buf));
		else
			mfd_callsite_uframe(cs->elf, s->key.tgid, cs->maps,
					    cs->maps_len, uips[i - nk], buf,
					    sizeof(buf));
		s->frames[i] = strdup(buf);
		if (!s->frames[i])
			return -ENOMEM;
		if (i < nk)
			s->nkernel++;
		else
			s->nuser++;
	}
	return 0;
}

/* Merge one (key, count) from the kernel. 1 new, 0 known, -errno. */
static int merge(struct mfd_callsites *cs, const struct mfd_callsite_key *k,
		 uint64_t count, int stacks_fd)
{
	struct mfd_callsite *s;
	bool found;
	size_t at = find(cs, k, &found);
	int err;

	if (found) {
		cs->sites[at].count = count;
		return 0;
	}
	if (cs->n == MFD_CALLSITES_MAX)
		return -ENOSPC;
	memmove(&cs->sites[at + 1], &cs->sites[at],
		(cs->n - at) * sizeof(*cs->sites));
	cs->n++;
	s = &cs->sites[at];
	memset(s, 0, sizeof(*s));
	s->key = *k;
	s->count = count;
	err = symbolize(cs, s, stacks_fd);
	return err ? err : 1;
}

static void read_lost(struct mfd_callsites *cs, int kind, int fd)
{
	__u32 zero = 0;

	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, cs->lostv))
		return;
	memset(cs->lost[kind], 0, sizeof(cs->lost[kind]));
	for (int c = 0; c < cs->nr_cpus; c++)
		for (int i = 0; i < MFD_CS_LOST_SLOTS; i++)
			cs->lost[kind][i] += cs->lostv[c].slot[i];
}

static const struct mfd_callsites *sort_cs; /* qsort has no context */

static int cmp_count(const void *a, const void *b)
{
	const struct mfd_callsite *x = &sort_cs->sites[*(const size_t *)a];
	const struct mfd_callsite *y = &sort_cs->sites[*(const size_t *)b];

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return cmp_key(&x->key, &y->key);
}

int mfd_callsites_refresh(struct mfd_callsites *cs)
{
	int added = 0, err = 0;

	cs->maps_read = false;
	for (int kind = 0; kind < MFD_CALLSITE_KINDS; kind++) {
		const struct mfd_callsite_maps *m = &cs->src[kind];
		struct mfd_callsite_key k, next;
		bool first = true;
		__u64 v;

		if (m->counts_fd < 0)
			continue;
		read_lost(cs, kind, m->lost_fd);
		while (!bpf_map_get_next_key(m->counts_fd, first ? NULL : &k,
					     &next)) {
			first = false;
			k = next;
			if (bpf_map_lookup_elem(m->counts_fd, &k, &v))
				continue; /* deleted meanwhile: none are */
			err = merge(cs, &k, v, m->stacks_fd);
			if (err < 0)
				break;
			added += err;
			err = 0;
		}
		if (err)
			break;
	}
	for (size_t i = 0; i < cs->n; i++)
		cs->order[i] = i;
	sort_cs = cs;
	qsort(cs->order, cs->n, sizeof(*cs->order), cmp_count);
	sort_cs = NULL;
	return err ? err : added;
}

size_t mfd_callsites_count(const struct mfd_callsites *cs)
{
	return cs ? cs->n : 0;
}

const struct mfd_callsite *mfd_callsites_top(const struct mfd_callsites *cs,
					     size_t i)
{
	return i < cs->n ? &cs->sites[cs->order[i]] : NULL;
}

struct mfd_callsite *mfd_callsites_at(struct mfd_callsites *cs, size_t i)
{
	return i < cs->n ? &cs->sites[i] : NULL;
}

void mfd_callsites_totals(const struct mfd_callsites *cs,
			  enum mfd_callsite_kind kind,
			  struct mfd_callsite_totals *t)
{
	memset(t, 0, sizeof(*t));
	if ((unsigned int)kind >= MFD_CALLSITE_KINDS)
		return;
	for (size_t i = 0; i < cs->n; i++) {
		if (cs->sites[i].key.kind != (uint32_t)kind)
			continue;
		t->events += cs->sites[i].count;
		t->stacks++;
	}
	memcpy(t->lost, cs->lost[kind], sizeof(t->lost));
}

bool mfd_callsites_ksyms_ok(const struct mfd_callsites *cs)
{
	return cs->ksyms_ok;
}
