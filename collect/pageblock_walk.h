/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pageblock_walk.h - reading the kernel's pageblock bitmap: where it is, how
 * its bits are laid out on the running kernel, and the walk that turns it
 * into a model/pageblock_map.h map.
 *
 * On SPARSEMEM kernels (x86-64, arm64) each memory section's
 * mem_section_usage ends in pageblock_flags[], NR_PAGEBLOCK_BITS bits per
 * pageblock (mm/page_alloc.c get_pfnblock_bitmap_bitidx()). The layout
 * comes from the kernel's BTF: the structs' offsets and sizes, enum
 * pageblock_bits (3 migratetype bits, the compaction-skip bit, and since
 * 6.16 an isolation bit that makes a block MIGRATE_ISOLATE) and enum
 * migratetype. Where mem_section[] is comes from the note the kernel
 * keeps for crash-dump tools (vmcoreinfo: its physical address is in
 * /sys/kernel/vmcoreinfo, and the direct map gives its virtual one), or
 * from /proc/kallsyms on kernels that list data symbols, or from the
 * table of symbols exported to modules. Everything here reads kernel
 * memory only through a reader callback, so the walk is tested on a
 * synthetic memory image.
 */
#ifndef MFD_PAGEBLOCK_WALK_H
#define MFD_PAGEBLOCK_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "pageblock_map.h"
#include "snapshot.h"

struct btf;

/* Copy len bytes of kernel memory at addr into buf: 0 or -errno. gather
 * (may be NULL) reads count 8-byte words, one every stride bytes from
 * addr, a word it cannot read as all ones. */
struct mfd_kmem_reader {
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	int (*gather)(void *ctx, uint64_t addr, uint64_t stride, uint32_t count,
		      uint64_t *words);
	void *ctx;
	uint64_t reads; /* calls made, for the scan's cost */
};

struct mfd_pb_layout {
	unsigned int page_size; /* bytes */
	unsigned int section_shift; /* PFN_SECTION_SHIFT: pfns per section
				     * are 1 << section_shift */
	unsigned int pageblock_order;
	unsigned int bits_per_block; /* NR_PAGEBLOCK_BITS */
	int isolate_bit; /* PB_migrate_isolate, or -1 when the type bits
			  * carry MIGRATE_ISOLATE themselves */
	unsigned int isolate_type; /* MIGRATE_ISOLATE */
	unsigned int nr_types; /* MIGRATE_TYPES */
	unsigned int ms_size; /* sizeof(struct mem_section) */
	unsigned int ms_map_off; /* offsetof(mem_section, section_mem_map) */
	unsigned int ms_usage_off; /* offsetof(mem_section, usage) */
	unsigned int usage_flags_off; /* offsetof(mem_section_usage,
				       * pageblock_flags) */
	unsigned int subsection_shift; /* PFN_SUBSECTION_SHIFT: 2 MiB
					* (SUBSECTION_SHIFT 21) in pages */
	int usage_subsec_off; /* offsetof(mem_section_usage,
			       * subsection_map), -1 without VMEMMAP:
			       * pfn_to_online_page() wants the 2 MiB
			       * subsection's bit set */
	unsigned int online_bit; /* SECTION_IS_ONLINE in section_mem_map */
	unsigned int map_flag_bits; /* SECTION_MAP_LAST_BIT: the flags
				     * under the encoded mem_map pointer */
	/* page_zone(): the zone and node of a struct page are the top
	 * NODES_WIDTH + ZONES_WIDTH bits of its flags (SPARSEMEM_VMEMMAP
	 * keeps no section number there; include/linux/
	 * page-flags-layout.h) */
	unsigned int page_struct_size; /* sizeof(struct page) */
	unsigned int zones_width; /* ZONES_SHIFT, from MAX_NR_ZONES */
	unsigned int nodes_width; /* NODES_SHIFT, from MAX_NUMNODES */
};

/* What the crash-dump note says (kernel/vmcore_info.c); 0: not said. */
struct mfd_vmcoreinfo {
	uint64_t mem_section; /* SYMBOL(mem_section): under
			       * SPARSEMEM_EXTREME the value of the pointer,
			       * i.e. the array of section roots */
	unsigned int section_size_bits; /* NUMBER(SECTION_SIZE_BITS) */
	unsigned int mem_section_size; /* SIZE(mem_section) */
	unsigned int page_size; /* PAGESIZE */
	char osrelease[65]; /* OSRELEASE */
};

/* Parse the note's text ("KEY=VALUE" lines). Pure. */
void mfd_vmcoreinfo_parse(const char *text, size_t len,
			  struct mfd_vmcoreinfo *v);

/*
 * Read the vmcoreinfo note at physical address note_phys through the
 * direct map, whose base is not known (KASLR randomises it): try each
 * base at an align-byte boundary from near (an address known to be in the
 * direct map) down over max_phys bytes, and take the one where an ELF
 * note named VMCOREINFO sits. Its text goes to text[] (NUL-terminated,
 * *len bytes). 0, -ENOENT (no base matched) or -E2BIG.
 */
int mfd_pb_read_vmcoreinfo(struct mfd_kmem_reader *rd, uint64_t near,
			   uint64_t max_phys, uint64_t note_phys,
			   uint64_t align, char *text, size_t cap, size_t *len);

/* Symbols the lookup needs from /proc/kallsyms. */
struct mfd_pb_syms {
	uint64_t mem_section; /* 0: not listed (no CONFIG_KALLSYMS_ALL) */
	uint64_t ksymtab[2][2]; /* [plain, gpl][start, stop] */
	unsigned int listed; /* symbols seen */
	unsigned int zero; /* ... whose address read 0 (kptr_restrict) */
};

/*
 * Fill l from the kernel's BTF: 0, or -ENOENT with why[] naming the type
 * or member this kernel lacks. section_bits is SECTION_SIZE_BITS and
 * page_size the kernel's (mfd_pb_section_bits()).
 */
int mfd_pb_layout_from_btf(const struct btf *btf, unsigned int page_size,
			   unsigned int section_bits,
			   unsigned int pageblock_order,
			   struct mfd_pb_layout *l, char *why, size_t why_len);

/* SECTION_SIZE_BITS of a kernel of this machine type (uname -m), release
 * and page size, or 0 when unknown. Pure. */
unsigned int mfd_pb_section_bits(const char *machine, const char *release,
				 unsigned int page_size);

/* Collect the symbols from /proc/kallsyms text (one line or many). Pure;
 * call again on further text. */
void mfd_pb_syms_parse(const char *text, size_t len, struct mfd_pb_syms *s);

/*
 * Find the exported symbol name in the kernel's export table [start,
 * stop) (struct kernel_symbol with 32-bit place-relative offsets, sorted
 * by name): 0 with *addr, -ENOENT, or the reader's -errno.
 */
int mfd_pb_find_export(struct mfd_kmem_reader *rd, uint64_t start,
		       uint64_t stop, const char *name, uint64_t *addr);

/*
 * Walk the pageblocks of every zone of snap (each needs MFD_HAVE_SPAN),
 * with roots the array of section roots (the value of mem_section, a
 * SPARSEMEM_EXTREME kernel's struct mem_section **), and fill map's zones: 0, or -errno with why[] saying what failed. A
 * zone whose first block lies in a section that is not present is taken
 * as a layout this code does not understand (-EPROTO), never guessed at.
 */
int mfd_pb_scan(const struct mfd_pb_layout *l, struct mfd_kmem_reader *rd,
		uint64_t roots, const struct mfd_snapshot *snap,
		struct mfd_pageblock_map *map, char *why, size_t why_len);

#endif /* MFD_PAGEBLOCK_WALK_H */
