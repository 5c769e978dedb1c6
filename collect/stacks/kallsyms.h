/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kallsyms.h - kernel addresses to function names, from /proc/kallsyms:
 * a table sorted by address, searched by bisection.
 */
#ifndef MFD_KALLSYMS_H
#define MFD_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mfd_ksym {
	uint64_t addr; /* start of the symbol */
	uint32_t name; /* offset of its NUL-terminated name in the pool */
};

struct mfd_ksyms {
	struct mfd_ksym *syms; /* sorted by addr */
	size_t n;
	char *pool; /* the names ("func" or "func [module]") */
	size_t pool_len;
	/* Every address read as 0: kptr_restrict, or a reader without
	 * CAP_SYSLOG. The table is then empty. */
	bool zeroed;
};

/*
 * Parse the text of /proc/kallsyms ("ADDR TYPE NAME[\t[MODULE]]" lines)
 * into ks, keeping the text symbols (types t, T, w, W). Pure: the text is
 * not modified nor kept. 0, -ENOMEM, or -EINVAL when no line parses.
 */
int mfd_ksyms_parse(struct mfd_ksyms *ks, const char *text, size_t len);

/* mfd_ksyms_parse() of a file (path NULL: /proc/kallsyms). 0 or -errno. */
int mfd_ksyms_load(struct mfd_ksyms *ks, const char *path);

/*
 * The name of the function holding addr (the symbol with the greatest
 * address <= addr), with *off = addr - its start; NULL when addr is below
 * every symbol or the table is empty.
 */
const char *mfd_ksyms_lookup(const struct mfd_ksyms *ks, uint64_t addr,
			     uint64_t *off);

void mfd_ksyms_free(struct mfd_ksyms *ks);

#endif /* MFD_KALLSYMS_H */
