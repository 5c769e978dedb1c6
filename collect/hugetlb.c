// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hugetlb.c - HugeTLB pools, CMA areas and the gigantic-page model (see
 * hugetlb.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "hugetlb.h"
#include "vmstat.h" /* mfd_vmstat_parse_u64() */

const char *const mfd_htlb_state_names[MFD_HTLB_ITEMS] = {
	[MFD_HTLB_TOTAL] = "total",
	[MFD_HTLB_FREE] = "free",
	[MFD_HTLB_RESERVED] = "reserved",
	[MFD_HTLB_SURPLUS] = "surplus",
};

static const char *const file_names[MFD_HTLB_ITEMS] = {
	[MFD_HTLB_TOTAL] = "nr_hugepages",
	[MFD_HTLB_FREE] = "free_hugepages",
	[MFD_HTLB_RESERVED] = "resv_hugepages",
	[MFD_HTLB_SURPLUS] = "surplus_hugepages",
};

int mfd_cma_parse_zoneinfo(const char *text, size_t len, struct mfd_hugetlb *h,
			   struct mfd_parse_error *err)
{
	const char *p = text, *end = text + len;
	struct mfd_cma_zone *z = NULL;
	unsigned int line = 0;

	h->nr_cma = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *tok, *tend, *val;
		size_t tlen;
		uint64_t v;

		if (!eol)
			eol = end;
		line++;
		if ((size_t)(eol - p) > 5 && !memcmp(p, "Node ", 5)) {
			/* zoneinfo_show_print(): "Node %d, zone %8s" */
			unsigned int node;
			char name[MFD_SNAP_ZONE_NAME_LEN + 1] = "";
			char hdr[96];
			size_t n = (size_t)(eol - p);

			z = NULL;
			if (n >= sizeof(hdr))
				n = sizeof(hdr) - 1;
			memcpy(hdr, p, n);
			hdr[n] = '\0';
			if (sscanf(hdr, "Node %u, zone %16s", &node, name) ==
				    2 &&
			    strlen(name) < MFD_SNAP_ZONE_NAME_LEN &&
			    h->nr_cma < MFD_SNAP_MAX_ZONES) {
				z = &h->cma[h->nr_cma++];
				memset(z, 0, sizeof(*z));
				z->node = node;
				strcpy(z->zone, name);
			}
			p = eol + 1;
			continue;
		}
		tok = p;
		while (tok < eol && *tok == ' ')
			tok++;
		tend = tok;
		while (tend < eol && *tend != ' ')
			tend++;
		tlen = (size_t)(tend - tok);
		val = tend;
		while (val < eol && *val == ' ')
			val++;
		if (z && ((tlen == 3 && !memcmp(tok, "cma", 3)) ||
			  (tlen == 11 && !memcmp(tok, "nr_free_cma", 11)))) {
			if (mfd_vmstat_parse_u64(val, (size_t)(eol - val),
						 &v)) {
				mfd_parse_error_set(
					err, line,
					"zoneinfo: value is not a decimal "
					"u64: \"%.*s\"",
					mfd_parse_quote_len(p, eol), p);
				return -EINVAL;
			}
			if (tlen == 3) {
				z->total_pages = v;
				z->have |= MFD_CMA_HAVE_TOTAL;
			} else {
				z->free_pages = v;
				z->have |= MFD_CMA_HAVE_FREE;
			}
		}
		p = eol + 1;
	}
	return 0;
}

/* Read dir/<file> for each item in mask into pool. */
static void read_pool(const char *dir, uint32_t mask,
		      struct mfd_htlb_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	for (int i = 0; i < MFD_HTLB_ITEMS; i++) {
		char path[1024], *buf = NULL;
		size_t len;

		if (!((mask >> i) & 1))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, file_names[i]);
		if (mfd_file_read(path, 64, &buf, &len))
			continue; /* absent, not zero */
		if (!mfd_vmstat_parse_u64(buf, len, &pool->val[i]))
			pool->have |= 1u << i;
		free(buf);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The page sizes: the hugepages-<N>kB directory names under dir. */
static void read_sizes(const char *dir, struct mfd_hugetlb *h)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	h->nr_sizes = 0;
	if (!d)
		return;
	while ((de = readdir(d)) && h->nr_sizes < MFD_HTLB_MAX_SIZES) {
		unsigned long long kib;
		char tail[8];

		if (sscanf(de->d_name, "hugepages-%llukB%7s", &kib, tail) == 1)
			h->size_kib[h->nr_sizes++] = kib;
	}
	closedir(d);
	qsort(h->size_kib, h->nr_sizes, sizeof(h->size_kib[0]), cmp_u64);
}

static void read_nodes(const char *sys_dir, struct mfd_hugetlb *h)
{
	char dir[512];
	struct dirent *de;
	DIR *d;

	h->nr_nodes = 0;
	snprintf(dir, sizeof(dir), "%s/devices/system/node", sys_dir);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d)) && h->nr_nodes < MFD_SNAP_MAX_NODES) {
		struct mfd_htlb_node *n = &h->nodes[h->nr_nodes];
		unsigned int id;
		char tail[8];
		bool any = false;

		if (sscanf(de->d_name, "node%u%7s", &id, tail) != 1)
			continue;
		memset(n, 0, sizeof(*n));
		n->node = id;
		for (unsigned int k = 0; k < h->nr_sizes; k++) {
			char pd[1024];

			snprintf(pd, sizeof(pd),
				 "%s/%s/hugepages/hugepages-%llukB", dir,
				 de->d_name,
				 (unsigned long long)h->size_kib[k]);
			/* no per-node resv_hugepages: the kernel has none */
			read_pool(pd,
				  (1u << MFD_HTLB_TOTAL) |
					  (1u << MFD_HTLB_FREE) |
					  (1u << MFD_HTLB_SURPLUS),
				  &n->pool[k]);
			any |= n->pool[k].have != 0;
		}
		if (any)
			h->nr_nodes++;
	}
	closedir(d);
	/* node order, like the snapshot's */
	for (unsigned int i = 1; i < h->nr_nodes; i++)
		for (unsigned int j = i;
		     j > 0 && h->nodes[j - 1].node > h->nodes[j].node; j--) {
			struct mfd_htlb_node t = h->nodes[j];

			h->nodes[j] = h->nodes[j - 1];
			h->nodes[j - 1] = t;
		}
}

int mfd_hugetlb_read(const char *sys_dir, const char *proc_dir,
		     struct mfd_hugetlb *h, struct mfd_parse_error *err)
{
	char dir[512], path[512], *text = NULL;
	size_t len;
	int rc;

	snprintf(dir, sizeof(dir), "%s/kernel/mm/hugepages", sys_dir);
	read_sizes(dir, h);
	for (unsigned int k = 0; k < h->nr_sizes; k++) {
		char pd[1024];

		snprintf(pd, sizeof(pd), "%s/hugepages-%llukB", dir,
			 (unsigned long long)h->size_kib[k]);
		read_pool(pd, (1u << MFD_HTLB_ITEMS) - 1, &h->global[k]);
	}
	read_nodes(sys_dir, h);

	snprintf(path, sizeof(path), "%s/zoneinfo", proc_dir);
	rc = mfd_file_read(path, 64u << 20, &text, &len);
	if (rc) {
		h->nr_cma = 0;
		if (err) {
			err->line = 0;
			snprintf(err->msg, sizeof(err->msg), "zoneinfo: %s",
				 strerror(-rc));
		}
		return rc;
	}
	rc = mfd_cma_parse_zoneinfo(text, len, h, err);
	if (rc)
		h->nr_cma = 0;
	free(text);
	return rc;
}

const struct mfd_htlb_pool *mfd_hugetlb_node_pool(const struct mfd_hugetlb *h,
						  uint32_t node, unsigned int k)
{
	if (k >= h->nr_sizes)
		return NULL;
	for (unsigned int i = 0; i < h->nr_nodes; i++)
		if (h->nodes[i].node == node)
			return &h->nodes[i].pool[k];
	return NULL;
}

const struct mfd_cma_zone *mfd_hugetlb_cma(const struct mfd_hugetlb *h,
					   uint32_t node, const char *name)
{
	for (unsigned int i = 0; i < h->nr_cma; i++)
		if (h->cma[i].node == node && !strcmp(h->cma[i].zone, name))
			return &h->cma[i];
	return NULL;
}

bool mfd_gigantic_candidates(const struct mfd_zone *z, uint32_t nr_orders,
			     uint64_t size_kib, uint64_t page_kib,
			     uint64_t *out)
{
	uint32_t max;
	uint64_t pages;

	if (!nr_orders || nr_orders > MFD_SNAP_MAX_ORDERS || !page_kib ||
	    size_kib % page_kib)
		return false;
	max = nr_orders - 1;
	pages = size_kib / page_kib;
	if (pages <= (1ull << max))
		return false; /* fits a buddy block: not gigantic */
	*out = (z->order[max].free_blocks << max) / pages;
	return true;
}
