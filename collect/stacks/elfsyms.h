/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * elfsyms.h - user addresses to function names: the function symbols of
 * an ELF file (.symtab, else .dynsym) read with libelf, the line of
 * /proc/PID/maps an address falls in, and a bounded cache of files.
 */
#ifndef MFD_ELFSYMS_H
#define MFD_ELFSYMS_H

#include <stddef.h>
#include <stdint.h>

struct mfd_elfsyms;

/*
 * The function symbols and loadable segments of the ELF file at path:
 * NULL with errno when it cannot be read or is not ELF. A stripped file
 * gives an empty table (every lookup NULL), not an error.
 */
struct mfd_elfsyms *mfd_elfsyms_open(const char *path);
void mfd_elfsyms_free(struct mfd_elfsyms *e);
/* Function symbols kept. */
size_t mfd_elfsyms_count(const struct mfd_elfsyms *e);

/*
 * The function holding the byte at file offset file_off (what a mapping
 * of the file puts at an address: addr - start + offset), through the
 * PT_LOAD segment holding it, with *off from the function's start. NULL
 * when no segment or no function holds it.
 */
const char *mfd_elfsyms_lookup(const struct mfd_elfsyms *e, uint64_t file_off,
			       uint64_t *off);
/* The same by the address the file's own symbols use (st_value). */
const char *mfd_elfsyms_lookup_vaddr(const struct mfd_elfsyms *e,
				     uint64_t vaddr, uint64_t *off);

/* One line of /proc/PID/maps. */
struct mfd_map_line {
	uint64_t start, end; /* [start, end) */
	uint64_t offset; /* file offset mapped at start */
	uint64_t inode; /* 0: anonymous */
	const char *path; /* into the text; not NUL-terminated */
	size_t path_len; /* 0: no file */
};

/*
 * Find the line of the /proc/PID/maps text holding addr. Pure. 0, or
 * -ENOENT when no line holds it.
 */
int mfd_maps_find(const char *text, size_t len, uint64_t addr,
		  struct mfd_map_line *out);

/* A bounded cache of opened files, keyed by path and inode. */
struct mfd_elfcache;
struct mfd_elfcache *mfd_elfcache_new(void);
void mfd_elfcache_free(struct mfd_elfcache *c);
/*
 * The symbols of the file a process maps (path as in its maps, opened
 * through /proc/PID/root so a container's file is its own), or NULL when
 * it cannot be read (that answer is cached too).
 */
const struct mfd_elfsyms *mfd_elfcache_get(struct mfd_elfcache *c, uint32_t pid,
					   const char *path, uint64_t inode);

#endif /* MFD_ELFSYMS_H */
