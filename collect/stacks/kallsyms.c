// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kallsyms.c - /proc/kallsyms into a sorted table (kallsyms.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "kallsyms.h"

/* /proc/kallsyms is about 10 MiB with every module's symbols. */
#define MFD_KALLSYMS_MAX (256u << 20)

static int cmp_addr(const void *a, const void *b)
{
	const struct mfd_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static bool is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

/* One line, [p, end): append its symbol when it is text. 1 kept, 0 not,
 * -1 unparsable, -ENOMEM. */
static int parse_line(struct mfd_ksyms *ks, size_t *cap, size_t *pcap,
		      const char *p, const char *end)
{
	const char *name, *name_end, *mod = NULL, *mod_end = NULL;
	uint64_t addr = 0;
	size_t need;
	int digits = 0;

	for (; p < end && *p != ' '; p++, digits++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 :
						 -1;
		if (d < 0 || digits >= 16)
			return -1;
		addr = addr << 4 | (uint64_t)d;
	}
	if (!digits || end - p < 4 || p[2] != ' ')
		return -1;
	if (addr)
		ks->zeroed = false;
	if (!is_text(p[1]))
		return 0;
	name = p + 3;
	for (name_end = name;
	     name_end < end && *name_end != '\t' && *name_end != ' ';
	     name_end++)
		;
	if (name_end == name)
		return -1;
	if (name_end < end && *name_end == '\t') {
		mod = name_end + 1; /* "[module]" */
		mod_end = end;
	}
	if (!addr)
		return 0;
	need = (size_t)(name_end - name) + 1 +
	       (mod ? (size_t)(mod_end - mod) + 1 : 0);
	if (ks->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 4096;
		struct mfd_ksym *s = realloc(ks->syms, nc * sizeof(*s));

		if (!s)
			return -ENOMEM;
		ks->syms = s;
		*cap = nc;
	}
	if (ks->pool_len + need > *pcap) {
		size_t nc = *pcap ? *pcap * 2 : 65536;
		char *np;

		while (nc < ks->pool_len + need)
			nc *= 2;
		np = realloc(ks->pool, nc);
		if (!np)
			return -ENOMEM;
		ks->pool = np;
		*pcap = nc;
	}
	ks->syms[ks->n].addr = addr;
	ks->syms[ks->n].name = (uint32_t)ks->pool_len;
	ks->n++;
	memcpy(ks->pool + ks->pool_len, name, (size_t)(name_end - name));
	ks->pool_len += (size_t)(name_end - name);
	if (mod) {
		ks->pool[ks->pool_len++] = ' ';
		memcpy(ks->pool + ks->pool_len, mod, (size_t)(mod_end - mod));
		ks->pool_len += (size_t)(mod_end - mod);
	}
	ks->pool[ks->pool_len++] = '\0';
	return 1;
}

int mfd_ksyms_parse(struct mfd_ksyms *ks, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t cap = 0, pcap = 0, lines = 0;

	memset(ks, 0, sizeof(*ks));
	ks->zeroed = true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		int r = parse_line(ks, &cap, &pcap, p, le);

		if (r == -ENOMEM) {
			mfd_ksyms_free(ks);
			return -ENOMEM;
		}
		if (r >= 0)
			lines++;
		p = le + 1;
	}
	if (!lines) {
		mfd_ksyms_free(ks);
		return -EINVAL;
	}
	if (ks->zeroed) /* nothing to look up */
		ks->n = 0;
	if (ks->n)
		qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_addr);
	return 0;
}

int mfd_ksyms_load(struct mfd_ksyms *ks, const char *path)
{
	char *buf;
	size_t len;
	int err;

	memset(ks, 0, sizeof(*ks));
	err = mfd_file_read(path ? path : "/proc/kallsyms", MFD_KALLSYMS_MAX,
			    &buf, &len);
	if (err)
		return err;
	err = mfd_ksyms_parse(ks, buf, len);
	free(buf);
	return err;
}

const char *mfd_ksyms_lookup(const struct mfd_ksyms *ks, uint64_t addr,
			     uint64_t *off)
{
	size_t lo = 0, hi = ks->n;

	/* The last symbol whose address is <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (off)
		*off = addr - ks->syms[lo - 1].addr;
	return ks->pool + ks->syms[lo - 1].name;
}

void mfd_ksyms_free(struct mfd_ksyms *ks)
{
	free(ks->syms);
	free(ks->pool);
	memset(ks, 0, sizeof(*ks));
}
