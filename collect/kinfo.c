// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kinfo.c - facts about the running kernel, read once at start.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/btf.h>

#define LOG_COMPONENT "kinfo"
#include "file.h"
#include "kinfo.h"
#include "log.h"
#include "procfs.h"

/* Names as mm/vmstat.c's migratetype_names[] prints them. */
static const char *const default_mt[] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

void mfd_kinfo_default_mt_names(struct mfd_kinfo *k)
{
	k->nr_migratetypes = sizeof(default_mt) / sizeof(default_mt[0]);
	for (unsigned int i = 0; i < k->nr_migratetypes; i++)
		snprintf(k->mt_name[i], sizeof(k->mt_name[i]), "%s",
			 default_mt[i]);
}

const char *mfd_kinfo_mt_name(const struct mfd_kinfo *k, int mt, char *buf,
			      unsigned int len)
{
	if (k && mt >= 0 && (unsigned int)mt < k->nr_migratetypes &&
	    (unsigned int)mt < MFD_KINFO_MAX_MT && k->mt_name[mt][0])
		return k->mt_name[mt];
	snprintf(buf, len, "type%d", mt);
	return buf;
}

static void path_join(char *out, size_t len, const char *root, const char *path)
{
	snprintf(out, len, "%s%s", root ? root : "", path);
}

/* "MIGRATE_HIGHATOMIC" -> "HighAtomic", matching migratetype_names[]. */
static void pretty_mt(const char *enum_name, char *out, size_t len)
{
	static const struct {
		const char *from, *to;
	} known[] = {
		{ "MIGRATE_UNMOVABLE", "Unmovable" },
		{ "MIGRATE_MOVABLE", "Movable" },
		{ "MIGRATE_RECLAIMABLE", "Reclaimable" },
		{ "MIGRATE_HIGHATOMIC", "HighAtomic" },
		{ "MIGRATE_CMA", "CMA" },
		{ "MIGRATE_ISOLATE", "Isolate" },
	};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(enum_name, known[i].from) == 0) {
			snprintf(out, len, "%s", known[i].to);
			return;
		}
	/* A type newer than this table: "MIGRATE_FOO_BAR" -> "Foo_bar". */
	if (strncmp(enum_name, "MIGRATE_", 8) == 0)
		enum_name += 8;
	snprintf(out, len, "%s", enum_name);
	for (i = 1; out[i]; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* enum migratetype from the kernel's BTF: exact for this kernel's config
 * (CONFIG_CMA and CONFIG_MEMORY_ISOLATION add or remove members). */
static int mt_names_from_btf(struct mfd_kinfo *k)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	const struct btf_enum *e;
	int id, err = -ENOENT;
	unsigned int nr = 0;

	if (!btf)
		return -errno;
	id = btf__find_by_name_kind(btf, "migratetype", BTF_KIND_ENUM);
	if (id < 0)
		goto cleanup;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++, e++) {
		const char *name = btf__name_by_offset(btf, e->name_off);

		if (!name)
			continue;
		if (strcmp(name, "MIGRATE_TYPES") == 0) {
			nr = (unsigned int)e->val;
			continue;
		}
		/* MIGRATE_PCPTYPES, and since 6.16 __MIGRATE_TYPE_END, alias
		 * MIGRATE_HIGHATOMIC. */
		if (strcmp(name, "MIGRATE_PCPTYPES") == 0 ||
		    strncmp(name, "__", 2) == 0 || e->val < 0 ||
		    e->val >= MFD_KINFO_MAX_MT)
			continue;
		pretty_mt(name, k->mt_name[e->val], sizeof(k->mt_name[0]));
	}
	if (nr > 0) {
		k->nr_migratetypes = nr > MFD_KINFO_MAX_MT ? MFD_KINFO_MAX_MT :
							     nr;
		err = 0;
	}
cleanup:
	btf__free(btf);
	return err;
}

static void load_pageblock_order(struct mfd_kinfo *k, const char *root)
{
	char path[512], buf[256];
	unsigned long long pmd;
	long page = sysconf(_SC_PAGESIZE);
	int order;

	/* The kernel's own statement, first line of pagetypeinfo. Reading it
	 * once at start costs one pass over the zone locks. */
	path_join(path, sizeof(path), root, "/proc/pagetypeinfo");
	if (mfd_file_read_head(path, buf, sizeof(buf), NULL) == 0 &&
	    mfd_procfs_parse_pageblock_order(buf, strlen(buf), &order) == 0 &&
	    order > 0 && order < 32) {
		k->pageblock_order = order;
		k->pageblock_from = "/proc/pagetypeinfo";
		return;
	}
	/* With THP, pageblock_order is HPAGE_PMD_ORDER on common configs
	 * (include/linux/pageblock-flags.h). */
	path_join(path, sizeof(path), root,
		  "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size");
	if (mfd_file_read_head(path, buf, sizeof(buf), NULL) == 0 &&
	    sscanf(buf, "%llu", &pmd) == 1 && page > 0 &&
	    pmd > (unsigned long long)page) {
		order = 0;
		while ((unsigned long long)page << (order + 1) <= pmd)
			order++;
		k->pageblock_order = order;
		k->pageblock_from = "hpage_pmd_size";
		return;
	}
	k->pageblock_order = 9;
	k->pageblock_from = "default";
}

static void load_nr_node_ids(struct mfd_kinfo *k, const char *root)
{
	char path[512], buf[256], *p;
	unsigned long max = 0;

	k->nr_node_ids = 1;
	path_join(path, sizeof(path), root,
		  "/sys/devices/system/node/possible");
	if (mfd_file_read_head(path, buf, sizeof(buf), NULL))
		return;
	/* A cpulist: "0", "0-3", "0,2-5". The highest number wins. */
	for (p = buf; *p;) {
		char *end;
		unsigned long v;

		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || end == p)
			break;
		if (v > max)
			max = v;
		p = end;
	}
	if (max < 4096)
		k->nr_node_ids = (unsigned int)max + 1;
}

void mfd_kinfo_load(struct mfd_kinfo *k, const char *root)
{
	char path[512];

	memset(k, 0, sizeof(*k));
	load_pageblock_order(k, root);
	load_nr_node_ids(k, root);
	path_join(path, sizeof(path), root, "/sys/kernel/btf/vmlinux");
	k->have_btf = access(path, R_OK) == 0;
	if (!(root && *root) && k->have_btf && mt_names_from_btf(k) == 0)
		return;
	mfd_kinfo_default_mt_names(k);
}
