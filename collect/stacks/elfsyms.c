// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * elfsyms.c - ELF function symbols, /proc/PID/maps lines, and the cache
 * of files (elfsyms.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gelf.h>
#include <libelf.h>

#include "elfsyms.h"

struct sym {
	uint64_t addr, size;
	char *name;
	int bind; /* STB_* */
};

struct seg {
	uint64_t offset, vaddr, filesz; /* a PT_LOAD */
};

struct mfd_elfsyms {
	struct sym *syms; /* sorted by addr */
	size_t n;
	struct seg *segs;
	size_t nsegs;
};

static size_t underscores(const char *s)
{
	size_t n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/*
 * Of two symbols at one address (aliases, such as glibc's weak munmap
 * of __munmap), > 0 when x is the better name, as perf chooses
 * (tools/perf/util/symbol.c choose_best_symbol()): not weak, then
 * global, then fewer leading underscores, then the longer name.
 */
static int better(const struct sym *x, const struct sym *y)
{
	size_t ux, uy, lx, ly;

	if ((x->bind == STB_WEAK) != (y->bind == STB_WEAK))
		return x->bind == STB_WEAK ? -1 : 1;
	if ((x->bind == STB_GLOBAL) != (y->bind == STB_GLOBAL))
		return x->bind == STB_GLOBAL ? 1 : -1;
	ux = underscores(x->name);
	uy = underscores(y->name);
	if (ux != uy)
		return ux < uy ? 1 : -1;
	lx = strlen(x->name);
	ly = strlen(y->name);
	if (lx != ly)
		return lx > ly ? 1 : -1;
	return strcmp(y->name, x->name);
}

/* By address; among aliases the best name last, where lookups land. */
static int cmp_sym(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return better(x, y);
}

static int read_segs(Elf *elf, struct mfd_elfsyms *e)
{
	size_t n;

	if (elf_getphdrnum(elf, &n))
		return -EINVAL;
	e->segs = calloc(n ? n : 1, sizeof(*e->segs));
	if (!e->segs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		e->segs[e->nsegs++] =
			(struct seg){ ph.p_offset, ph.p_vaddr, ph.p_filesz };
	}
	return 0;
}

/* The function symbols of the first section of type type: count kept,
 * or -ENOMEM. */
static int read_syms(Elf *elf, Elf64_Word type, struct mfd_elfsyms *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		Elf_Data *d;
		size_t cnt;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != type ||
		    !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			return 0;
		cnt = sh.sh_size / sh.sh_entsize;
		e->syms = calloc(cnt ? cnt : 1, sizeof(*e->syms));
		if (!e->syms)
			return -ENOMEM;
		for (size_t i = 0; i < cnt; i++) {
			GElf_Sym s;
			const char *name;
			int t;

			if (!gelf_getsym(d, (int)i, &s))
				continue;
			t = GELF_ST_TYPE(s.st_info);
			if ((t != STT_FUNC && t != STT_GNU_IFUNC) ||
			    s.st_shndx == SHN_UNDEF || !s.st_value)
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || !*name)
				continue;
			e->syms[e->n].name = strdup(name);
			if (!e->syms[e->n].name)
				return -ENOMEM;
			e->syms[e->n].addr = s.st_value;
			e->syms[e->n].size = s.st_size;
			e->syms[e->n].bind = GELF_ST_BIND(s.st_info);
			e->n++;
		}
		return (int)e->n;
	}
	return 0;
}

struct mfd_elfsyms *mfd_elfsyms_open(const char *path)
{
	struct mfd_elfsyms *e = NULL;
	Elf *elf = NULL;
	int fd, err = 0;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ENOTSUP;
		return NULL;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = -ENOEXEC;
		goto cleanup;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = read_segs(elf, e);
	if (err)
		goto cleanup;
	err = read_syms(elf, SHT_SYMTAB, e);
	if (err == 0) { /* stripped: what the dynamic linker sees */
		free(e->syms);
		e->syms = NULL;
		err = read_syms(elf, SHT_DYNSYM, e);
	}
	if (err < 0)
		goto cleanup;
	err = 0;
	if (e->n)
		qsort(e->syms, e->n, sizeof(*e->syms), cmp_sym);
cleanup:
	if (elf)
		elf_end(elf);
	close(fd);
	if (err) {
		mfd_elfsyms_free(e);
		errno = -err;
		return NULL;
	}
	return e;
}

void mfd_elfsyms_free(struct mfd_elfsyms *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < e->n; i++)
		free(e->syms[i].name);
	free(e->syms);
	free(e->segs);
	free(e);
}

size_t mfd_elfsyms_count(const struct mfd_elfsyms *e)
{
	return e ? e->n : 0;
}

const char *mfd_elfsyms_lookup_vaddr(const struct mfd_elfsyms *e,
				     uint64_t vaddr, uint64_t *off)
{
	size_t lo = 0, hi = e->n;
	const struct sym *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	s = &e->syms[lo - 1];
	/* Past the end of a sized symbol: a gap (PLT, padding). Aliases
	 * share an address; a larger one may cover what this does not. */
	if (s->size && vaddr - s->addr >= s->size) {
		size_t i = lo - 1;

		while (i > 0 && e->syms[i - 1].addr == s->addr) {
			i--;
			if (vaddr - e->syms[i].addr < e->syms[i].size) {
				s = &e->syms[i];
				break;
			}
		}
		if (vaddr - s->addr >= s->size)
			return NULL;
	}
	if (off)
		*off = vaddr - s->addr;
	return s->name;
}

const char *mfd_elfsyms_lookup(const struct mfd_elfsyms *e, uint64_t file_off,
			       uint64_t *off)
{
	for (size_t i = 0; e && i < e->nsegs; i++) {
		const struct seg *g = &e->segs[i];

		if (file_off >= g->offset && file_off - g->offset < g->filesz)
			return mfd_elfsyms_lookup_vaddr(
				e, file_off - g->offset + g->vaddr, off);
	}
	return NULL;
}

/* "7f12a000-7f12b000 r-xp 00001000 fd:01 1234   /usr/lib/x.so" */
static bool parse_map_line(const char *p, const char *end,
			   struct mfd_map_line *m)
{
	char head[160];
	size_t n = (size_t)(end - p) < sizeof(head) - 1 ? (size_t)(end - p) :
							  sizeof(head) - 1;
	unsigned long long s, e, off, ino;
	int used = 0;

	memcpy(head, p, n);
	head[n] = '\0';
	if (sscanf(head, "%llx-%llx %*s %llx %*s %llu %n", &s, &e, &off, &ino,
		   &used) != 4 ||
	    !used)
		return false;
	m->start = s;
	m->end = e;
	m->offset = off;
	m->inode = ino;
	m->path = p + used;
	m->path_len = (size_t)(end - m->path);
	if (m->path > end)
		m->path_len = 0;
	return true;
}

int mfd_maps_find(const char *text, size_t len, uint64_t addr,
		  struct mfd_map_line *out)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		struct mfd_map_line m;

		if (parse_map_line(p, le, &m) && addr >= m.start &&
		    addr < m.end) {
			*out = m;
			return 0;
		}
		p = le + 1;
	}
	return -ENOENT;
}

/* Files kept open as symbol tables; the oldest entry goes when full. */
#define MFD_ELFCACHE_FILES 64

struct centry {
	char *path;
	uint64_t inode;
	struct mfd_elfsyms *syms; /* NULL: unreadable */
};

struct mfd_elfcache {
	struct centry e[MFD_ELFCACHE_FILES];
	size_t next; /* slot to reuse next, round robin */
};

struct mfd_elfcache *mfd_elfcache_new(void)
{
	return calloc(1, sizeof(struct mfd_elfcache));
}

void mfd_elfcache_free(struct mfd_elfcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < MFD_ELFCACHE_FILES; i++) {
		free(c->e[i].path);
		mfd_elfsyms_free(c->e[i].syms);
	}
	free(c);
}

const struct mfd_elfsyms *mfd_elfcache_get(struct mfd_elfcache *c, uint32_t pid,
					   const char *path, uint64_t inode)
{
	struct centry *ce;
	char root[4200];

	for (size_t i = 0; i < MFD_ELFCACHE_FILES; i++)
		if (c->e[i].path && c->e[i].inode == inode &&
		    !strcmp(c->e[i].path, path))
			return c->e[i].syms;
	ce = &c->e[c->next];
	c->next = (c->next + 1) % MFD_ELFCACHE_FILES;
	free(ce->path);
	mfd_elfsyms_free(ce->syms);
	ce->syms = NULL;
	ce->inode = inode;
	ce->path = strdup(path);
	if (!ce->path)
		return NULL;
	/* The process's own view of the path (a container's root), then
	 * ours. */
	snprintf(root, sizeof(root), "/proc/%u/root%s", pid, path);
	ce->syms = mfd_elfsyms_open(root);
	if (!ce->syms)
		ce->syms = mfd_elfsyms_open(path);
	return ce->syms;
}
