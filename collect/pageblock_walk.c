// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pageblock_walk.c - the pageblock bitmap's layout, where it is, and the walk
 * over it. See pageblock_walk.h; the BPF reader is collect/pageblocks_probe.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "pageblock_walk.h"

#define PB_TYPE_MASK 0x7u /* PB_migrate_0..2 (PB_migratetype_bits) */

/* --- the layout, from BTF ------------------------------------------- */

static int member_off(const struct btf *btf, const char *type,
		      const char *member, unsigned int *off, unsigned int *size)
{
	int id = btf__find_by_name_kind(btf, type, BTF_KIND_STRUCT);
	const struct btf_type *t;
	const struct btf_member *m;

	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	if (size)
		*size = t->size;
	if (!member)
		return 0;
	m = btf_members(t);
	for (unsigned int i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), member))
			continue;
		*off = btf_member_bit_offset(t, i) / 8;
		return 0;
	}
	return -ENOENT;
}

/* Value of enumerator name, in enum type (NULL: any enum): 0 or -ENOENT. */
static int enum_value(const struct btf *btf, const char *type, const char *name,
		      long long *val)
{
	unsigned int n = btf__type_cnt(btf);

	for (unsigned int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_enum *e;

		if (!btf_is_enum(t))
			continue;
		if (type && strcmp(btf__name_by_offset(btf, t->name_off), type))
			continue;
		e = btf_enum(t);
		for (unsigned int i = 0; i < btf_vlen(t); i++, e++) {
			if (strcmp(btf__name_by_offset(btf, e->name_off), name))
				continue;
			*val = e->val;
			return 0;
		}
	}
	return -ENOENT;
}

static unsigned int pow2_ceil(unsigned int v)
{
	unsigned int p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* NR_PAGEBLOCK_BITS and the isolation bit: an enumerator up to 6.15
 * (4), roundup_pow_of_two(__NR_PAGEBLOCK_BITS) from 6.16 on. */
static int block_bits(const struct btf *btf, struct mfd_pb_layout *l, char *why,
		      size_t why_len)
{
	long long v, last;

	if (enum_value(btf, "pageblock_bits", "PB_migrate_end", &last) &&
	    enum_value(btf, "pageblock_bits", "PB_migrate_2", &last)) {
		snprintf(why, why_len,
			 "enum pageblock_bits in the kernel's BTF names no "
			 "migratetype bits");
		return -ENOENT;
	}
	if (last != 2) {
		snprintf(
			why, why_len,
			"the kernel keeps %lld migratetype bits per pageblock, "
			"not 3",
			last + 1);
		return -EPROTO;
	}
	if (!enum_value(btf, "pageblock_bits", "NR_PAGEBLOCK_BITS", &v))
		l->bits_per_block = (unsigned int)v;
	else if (!enum_value(btf, "pageblock_bits", "__NR_PAGEBLOCK_BITS", &v))
		l->bits_per_block = pow2_ceil((unsigned int)v);
	else {
		snprintf(why, why_len,
			 "enum pageblock_bits has no NR_PAGEBLOCK_BITS");
		return -ENOENT;
	}
	if (l->bits_per_block < 4 || l->bits_per_block > 64 ||
	    64 % l->bits_per_block) {
		snprintf(why, why_len,
			 "%u bits per pageblock is not a layout "
			 "mfd knows",
			 l->bits_per_block);
		return -EPROTO;
	}
	l->isolate_bit = -1;
	if (!enum_value(btf, "pageblock_bits", "PB_migrate_isolate", &v))
		l->isolate_bit = (int)v;
	return 0;
}

static unsigned int log2_ceil(unsigned long long v)
{
	unsigned int s = 0;

	while ((1ull << s) < v)
		s++;
	return s;
}

/* ZONES_SHIFT from MAX_NR_ZONES (enum zone_type), NODES_SHIFT from
 * MAX_NUMNODES: struct zonelist holds MAX_NUMNODES * MAX_NR_ZONES + 1
 * zonerefs. Left 0 (no zone check) where BTF does not say. */
static void page_zone_layout(const struct btf *btf, struct mfd_pb_layout *l)
{
	int id = btf__find_by_name_kind(btf, "zonelist", BTF_KIND_STRUCT);
	long long zones;
	unsigned int size;

	if (member_off(btf, "page", NULL, NULL, &size) || id < 0 ||
	    enum_value(btf, "zone_type", "__MAX_NR_ZONES", &zones) ||
	    zones < 1 || zones > 8)
		return;
	for (unsigned int i = 0; i < btf_vlen(btf__type_by_id(btf, id)); i++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const struct btf_member *m = btf_members(t) + i;
		const struct btf_type *a = btf__type_by_id(btf, m->type);
		unsigned long long nodes;

		if (strcmp(btf__name_by_offset(btf, m->name_off),
			   "_zonerefs") ||
		    !btf_is_array(a))
			continue;
		nodes = (btf_array(a)->nelems - 1) / (unsigned long long)zones;
		if (!nodes || (nodes & (nodes - 1)))
			return; /* MAX_NUMNODES is a power of two */
		l->page_struct_size = size;
		l->zones_width = log2_ceil((unsigned long long)zones);
		l->nodes_width = log2_ceil(nodes);
	}
}

int mfd_pb_layout_from_btf(const struct btf *btf, unsigned int page_size,
			   unsigned int section_bits,
			   unsigned int pageblock_order,
			   struct mfd_pb_layout *l, char *why, size_t why_len)
{
	unsigned int page_shift = 0, u;
	long long v;
	int err;

	memset(l, 0, sizeof(*l));
	while ((1u << page_shift) < page_size)
		page_shift++;
	if (!page_size || (1u << page_shift) != page_size ||
	    section_bits <= page_shift + pageblock_order) {
		snprintf(why, why_len,
			 "section size 2^%u does not fit pageblocks of order "
			 "%u",
			 section_bits, pageblock_order);
		return -EPROTO;
	}
	l->page_size = page_size;
	l->section_shift = section_bits - page_shift;
	/* SUBSECTION_SHIFT is 21 on every architecture. */
	l->subsection_shift = 21 > page_shift ? 21 - page_shift : 0;
	l->pageblock_order = pageblock_order;
	err = block_bits(btf, l, why, why_len);
	if (err)
		return err;
	if (enum_value(btf, "migratetype", "MIGRATE_TYPES", &v) || v < 1 ||
	    v > MFD_PB_MAX_TYPES) {
		snprintf(why, why_len,
			 "enum migratetype has no usable "
			 "MIGRATE_TYPES");
		return -ENOENT;
	}
	l->nr_types = (unsigned int)v;
	if (!enum_value(btf, "migratetype", "MIGRATE_ISOLATE", &v))
		l->isolate_type = (unsigned int)v;
	else
		l->isolate_bit = -1; /* no CONFIG_MEMORY_ISOLATION */
	if (member_off(btf, "mem_section", "section_mem_map", &l->ms_map_off,
		       &l->ms_size) ||
	    member_off(btf, "mem_section", "usage", &l->ms_usage_off, NULL) ||
	    member_off(btf, "mem_section_usage", "pageblock_flags",
		       &l->usage_flags_off, NULL)) {
		snprintf(why, why_len,
			 "the kernel's BTF has no struct mem_section with a "
			 "usage->pageblock_flags bitmap (not SPARSEMEM, or "
			 "older than 5.3)");
		return -ENOENT;
	}
	l->usage_subsec_off = -1;
	if (!member_off(btf, "mem_section_usage", "subsection_map", &u, NULL))
		l->usage_subsec_off = (int)u;
	if (!l->ms_size || l->ms_size > page_size) {
		snprintf(why, why_len, "struct mem_section of %u bytes",
			 l->ms_size);
		return -EPROTO;
	}
	/* An anonymous enum since 6.0; #define SECTION_IS_ONLINE (1UL<<2)
	 * from 4.13 to 5.19, with at most 5 flag bits. */
	l->online_bit = 2;
	if (!enum_value(btf, NULL, "SECTION_IS_ONLINE_BIT", &v))
		l->online_bit = (unsigned int)v;
	l->map_flag_bits = 5;
	if (!enum_value(btf, NULL, "SECTION_MAP_LAST_BIT", &v) && v > 0 &&
	    v < 12)
		l->map_flag_bits = (unsigned int)v;
	page_zone_layout(btf, l);
	return 0;
}

unsigned int mfd_pb_section_bits(const char *machine, const char *release,
				 unsigned int page_size)
{
	unsigned int major = 0, minor = 0;

	if (!strcmp(machine, "x86_64"))
		return 27; /* arch/x86/include/asm/sparsemem.h */
	if (strcmp(machine, "aarch64"))
		return 0;
	/* arch/arm64/include/asm/sparsemem.h: 30 until 5.12, then 27 for
	 * 4K and 16K pages and 29 for 64K. */
	if (sscanf(release, "%u.%u", &major, &minor) != 2)
		return 0;
	if (major < 5 || (major == 5 && minor < 12))
		return 30;
	return page_size == 65536 ? 29 : 27;
}

/* --- where mem_section is ------------------------------------------- */

static void syms_line(const char *p, const char *end, struct mfd_pb_syms *s)
{
	static const char *const names[] = {
		"mem_section",		"__start___ksymtab",
		"__stop___ksymtab",	"__start___ksymtab_gpl",
		"__stop___ksymtab_gpl",
	};
	uint64_t addr = 0;
	const char *name;
	size_t n;
	int i;

	while (p < end && *p != ' ') {
		char c = *p++;
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else
			return;
		addr = addr << 4 | d;
	}
	/* " T name" or " t name\t[module]" */
	if (end - p < 4 || p[0] != ' ' || p[2] != ' ')
		return;
	name = p + 3;
	n = 0;
	while (name + n < end && name[n] != '\t' && name[n] != ' ')
		n++;
	for (i = 0; i < 5; i++)
		if (strlen(names[i]) == n && !memcmp(names[i], name, n))
			break;
	if (i == 5 || name + n < end) /* unknown, or a module's */
		return;
	s->listed++;
	if (!addr)
		s->zero++;
	if (i == 0)
		s->mem_section = addr;
	else
		s->ksymtab[(i - 1) / 2][(i - 1) % 2] = addr;
}

void mfd_pb_syms_parse(const char *text, size_t len, struct mfd_pb_syms *s)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;

		syms_line(p, e, s);
		p = e + 1;
	}
}

void mfd_vmcoreinfo_parse(const char *text, size_t len,
			  struct mfd_vmcoreinfo *v)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		char line[160];
		size_t n = (size_t)(e - p);
		unsigned long long x;
		unsigned int u;

		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			if (sscanf(line, "SYMBOL(mem_section)=%llx", &x) == 1)
				v->mem_section = x;
			else if (sscanf(line, "NUMBER(SECTION_SIZE_BITS)=%u",
					&u) == 1)
				v->section_size_bits = u;
			else if (sscanf(line, "SIZE(mem_section)=%u", &u) == 1)
				v->mem_section_size = u;
			else if (sscanf(line, "PAGESIZE=%u", &u) == 1)
				v->page_size = u;
			else if (!strncmp(line, "OSRELEASE=", 10))
				snprintf(v->osrelease, sizeof(v->osrelease),
					 "%.64s", line + 10);
		}
		p = e + 1;
	}
}

/* Is there an ELF note named VMCOREINFO at addr? Its text size then. */
static int note_at(struct mfd_kmem_reader *rd, uint64_t addr, uint32_t *size)
{
	struct {
		uint32_t namesz, descsz, type;
		char name[12];
	} h;

	rd->reads++;
	if (rd->read(rd->ctx, addr, &h, sizeof(h)))
		return 0;
	if (h.namesz != 11 || memcmp(h.name, "VMCOREINFO", 11))
		return 0;
	*size = h.descsz;
	return 1;
}

int mfd_pb_read_vmcoreinfo(struct mfd_kmem_reader *rd, uint64_t near,
			   uint64_t max_phys, uint64_t note_phys,
			   uint64_t align, char *text, size_t cap, size_t *len)
{
	uint64_t base = near & ~(align - 1);
	uint32_t size = 0;
	int err;

	for (uint64_t back = 0; back <= max_phys + align; back += align) {
		uint64_t addr = base - back + note_phys;

		if (base - back > base || !note_at(rd, addr, &size))
			continue;
		if (size >= cap)
			return -E2BIG;
		rd->reads++;
		err = rd->read(rd->ctx, addr + 24, text, size);
		if (err)
			return err;
		text[size] = '\0';
		*len = size;
		return 0;
	}
	return -ENOENT;
}

/* strcmp(name, kernel string at addr), reading only what decides it. */
static int cmp_kstr(struct mfd_kmem_reader *rd, const char *name, uint64_t addr,
		    int *res)
{
	size_t k = strlen(name) + 1;
	char buf[128];
	int err;

	if (k > sizeof(buf))
		return -ENAMETOOLONG;
	rd->reads++;
	err = rd->read(rd->ctx, addr, buf, k);
	if (err)
		return err;
	for (size_t i = 0; i < k; i++) {
		unsigned char a = (unsigned char)name[i];
		unsigned char b = (unsigned char)buf[i];

		if (a != b || !a) {
			*res = (int)a - (int)b;
			return 0;
		}
	}
	*res = 0;
	return 0;
}

int mfd_pb_find_export(struct mfd_kmem_reader *rd, uint64_t start,
		       uint64_t stop, const char *name, uint64_t *addr)
{
	/* struct kernel_symbol { int value_offset, name_offset,
	 * namespace_offset; } under HAVE_ARCH_PREL32_RELOCATIONS, which
	 * x86-64 and arm64 both have; each offset is from its own field. */
	const uint64_t esz = 12;
	uint64_t lo = 0, hi;

	if (stop <= start || (stop - start) % esz)
		return -ENOENT;
	hi = (stop - start) / esz;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2, e = start + mid * esz;
		int32_t off[2];
		int res, err;

		rd->reads++;
		err = rd->read(rd->ctx, e, off, sizeof(off));
		if (err)
			return err;
		err = cmp_kstr(rd, name, e + 4 + (uint64_t)(int64_t)off[1],
			       &res);
		if (err)
			return err;
		if (!res) {
			*addr = e + (uint64_t)(int64_t)off[0];
			return 0;
		}
		if (res < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -ENOENT;
}

/* --- the walk -------------------------------------------------------- */

/* The walk's cache: the current root's slice of sections and the
 * current section's bitmap words. */
struct walk {
	const struct mfd_pb_layout *l;
	struct mfd_kmem_reader *rd;
	uint64_t roots; /* *mem_section: the array of root pointers */
	uint64_t per_root; /* SECTIONS_PER_ROOT */
	uint64_t slice_first, slice_n; /* sections held in slice[] */
	uint8_t slice[4096];
	uint64_t sec_nr; /* section whose words[] are loaded */
	uint64_t sec_map; /* its section_mem_map */
	uint64_t words[64]; /* its pageblock_flags */
	uint64_t subsec; /* its subsection_map (all ones without one) */
	int have_sec;
	/* the first struct page's flags of each block of the section, for
	 * blocks starting at offset page_off into their pageblock */
	uint64_t pflags[64];
	uint64_t pflags_sec, pflags_off;
	int have_pflags;
};

static int kread(struct walk *w, uint64_t addr, void *buf, size_t len)
{
	w->rd->reads++;
	return w->rd->read(w->rd->ctx, addr, buf, len);
}

/* Load section nr's section_mem_map and, when online, its words. */
static int load_section(struct walk *w, uint64_t nr)
{
	const struct mfd_pb_layout *l = w->l;
	uint64_t root = nr / w->per_root, idx = nr % w->per_root, usage = 0;
	size_t nwords;
	int err;

	if (!(w->slice_n && nr >= w->slice_first &&
	      nr < w->slice_first + w->slice_n)) {
		uint64_t rp = 0, n = sizeof(w->slice) / l->ms_size;

		if (n > w->per_root - idx)
			n = w->per_root - idx;
		w->slice_n = 0;
		err = kread(w, w->roots + root * 8, &rp, sizeof(rp));
		if (err)
			return err;
		if (!rp) { /* no root: no section here is present */
			w->sec_nr = nr;
			w->sec_map = 0;
			w->have_sec = 1;
			return 0;
		}
		err = kread(w, rp + idx * l->ms_size, w->slice,
			    (size_t)(n * l->ms_size));
		if (err)
			return err;
		w->slice_first = nr;
		w->slice_n = n;
	}
	memcpy(&w->sec_map,
	       w->slice + (nr - w->slice_first) * l->ms_size + l->ms_map_off,
	       sizeof(w->sec_map));
	memcpy(&usage,
	       w->slice + (nr - w->slice_first) * l->ms_size + l->ms_usage_off,
	       sizeof(usage));
	w->sec_nr = nr;
	w->have_sec = 1;
	w->subsec = ~0ull;
	if (!(w->sec_map >> l->online_bit & 1) || !usage)
		return 0;
	nwords = (((size_t)1 << (l->section_shift - l->pageblock_order)) *
			  l->bits_per_block +
		  63) /
		 64;
	if (l->usage_subsec_off >= 0) {
		err = kread(w, usage + (uint64_t)l->usage_subsec_off,
			    &w->subsec, sizeof(w->subsec));
		if (err)
			return err;
	}
	return kread(w, usage + l->usage_flags_off, w->words, nwords * 8);
}

/* The node and zone_idx of the struct page of pfn (its section is
 * loaded and online): 0 with *node, *zone, or -errno. */
static int page_zone(struct walk *w, uint64_t pfn, uint32_t *node,
		     uint32_t *zone)
{
	const struct mfd_pb_layout *l = w->l;
	uint64_t step = 1ull << l->pageblock_order;
	uint64_t off = pfn & (step - 1), first, map, f;
	int err;

	if (!w->have_pflags || w->pflags_sec != w->sec_nr ||
	    w->pflags_off != off) {
		/* VMEMMAP: section_mem_map holds mem_map minus the
		 * section's first pfn, with flags in its low bits. */
		map = w->sec_map & ~((1ull << l->map_flag_bits) - 1);
		first = (w->sec_nr << l->section_shift) + off;
		w->rd->reads++;
		err = w->rd->gather(
			w->rd->ctx, map + first * l->page_struct_size,
			step * l->page_struct_size,
			1u << (l->section_shift - l->pageblock_order),
			w->pflags);
		if (err)
			return err;
		w->pflags_sec = w->sec_nr;
		w->pflags_off = off;
		w->have_pflags = 1;
	}
	f = w->pflags[(pfn & ((1ull << l->section_shift) - 1)) >>
		      l->pageblock_order];
	*zone = (uint32_t)(f >> (64 - l->nodes_width - l->zones_width) &
			   ((1ull << l->zones_width) - 1));
	*node = l->nodes_width ? (uint32_t)(f >> (64 - l->nodes_width)) : 0;
	return 0;
}

/* The index of pfn's 2 MiB subsection in its section's subsection_map. */
static unsigned int subsection(const struct mfd_pb_layout *l, uint64_t pfn)
{
	return (unsigned int)((pfn & ((1ull << l->section_shift) - 1)) >>
			      l->subsection_shift) &
	       63;
}

/* The migratetype of the block holding pfn, or MFD_PB_OFFLINE. */
static int block_type(struct walk *w, uint64_t pfn, uint8_t *type)
{
	const struct mfd_pb_layout *l = w->l;
	uint64_t nr = pfn >> l->section_shift, bit, v;
	int err;

	if (!w->have_sec || w->sec_nr != nr) {
		err = load_section(w, nr);
		if (err)
			return err;
	}
	if (!(w->sec_map >> l->online_bit & 1) ||
	    !(w->subsec >> subsection(l, pfn) & 1)) {
		*type = MFD_PB_OFFLINE;
		return 0;
	}
	bit = ((pfn & ((1ull << l->section_shift) - 1)) >> l->pageblock_order) *
	      l->bits_per_block;
	v = w->words[bit / 64] >> (bit % 64);
	if (l->isolate_bit >= 0 && (v >> l->isolate_bit & 1))
		*type = (uint8_t)l->isolate_type;
	else
		*type = (uint8_t)(v & PB_TYPE_MASK);
	return 0;
}

static int scan_zone(struct walk *w, const struct mfd_zone *sz,
		     struct mfd_pb_zone *z, char *why, size_t why_len)
{
	uint64_t step = 1ull << w->l->pageblock_order;
	uint64_t nr = (sz->spanned_pages + step - 1) / step;
	bool check = w->rd->gather && w->l->zones_width &&
		     w->l->page_struct_size && sz->zone_idx != UINT32_MAX;
	int err;

	z->node = sz->node;
	snprintf(z->name, sizeof(z->name), "%s", sz->name);
	z->start_pfn = sz->start_pfn;
	if (mfd_pb_zone_resize(z, nr)) {
		snprintf(why, why_len, "out of memory for %" PRIu64 " blocks",
			 nr);
		return -ENOMEM;
	}
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t pfn = sz->start_pfn + i * step;

		err = block_type(w, pfn, &z->type[i]);
		if (err) {
			snprintf(why, why_len,
				 "reading the pageblock bitmap of pfn %#" PRIx64
				 " failed: %s",
				 pfn, strerror(-err));
			return err;
		}
		if (check && z->type[i] != MFD_PB_OFFLINE) {
			uint32_t node, zone;

			err = page_zone(w, pfn, &node, &zone);
			if (err) {
				snprintf(why, why_len,
					 "reading the struct pages of section "
					 "%" PRIu64 " failed: %s",
					 w->sec_nr, strerror(-err));
				return err;
			}
			if (node != sz->node || zone != sz->zone_idx)
				z->type[i] = MFD_PB_OTHER;
		}
		if (i == 0 && !(w->sec_map & 1) && nr) {
			snprintf(why, why_len,
				 "node %u zone %s starts (pfn %#" PRIx64
				 ") in a section the walk finds absent: the "
				 "section layout assumed for this kernel is "
				 "wrong",
				 sz->node, sz->name, pfn);
			return -EPROTO;
		}
	}
	mfd_pb_zone_count(z);
	return 0;
}

int mfd_pb_scan(const struct mfd_pb_layout *l, struct mfd_kmem_reader *rd,
		uint64_t roots, const struct mfd_snapshot *snap,
		struct mfd_pageblock_map *map, char *why, size_t why_len)
{
	struct walk *w;
	uint64_t reads0 = rd->reads;
	uint32_t nz = 0;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(why, why_len, "out of memory");
		return -ENOMEM;
	}
	w->l = l;
	w->rd = rd;
	w->per_root = l->page_size / l->ms_size;
	w->roots = roots;
	if ((1ull << (l->section_shift - l->pageblock_order)) *
			    l->bits_per_block >
		    sizeof(w->words) * 8 ||
	    (1ull << (l->section_shift - l->pageblock_order)) >
		    sizeof(w->pflags) / sizeof(w->pflags[0])) {
		snprintf(why, why_len,
			 "a section holds more pageblock bits "
			 "than mfd reads");
		err = -E2BIG;
		goto out;
	}
	for (uint32_t i = 0; i < snap->nr_zones && i < MFD_SNAP_MAX_ZONES;
	     i++) {
		const struct mfd_zone *sz = &snap->zones[i];

		if (!(sz->have & MFD_HAVE_SPAN))
			continue;
		err = scan_zone(w, sz, &map->zones[nz], why, why_len);
		if (err)
			goto out;
		nz++;
	}
	map->nr_zones = nz;
	map->pageblock_order = (int)l->pageblock_order;
	map->reads = rd->reads - reads0;
	err = 0;
out:
	free(w);
	return err;
}
