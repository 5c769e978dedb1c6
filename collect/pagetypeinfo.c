// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pagetypeinfo.c - /proc/pagetypeinfo parser (see pagetypeinfo.h). The
 * layout follows mm/vmstat.c: pagetypeinfo_showfree_print() and
 * pagetypeinfo_showblockcount_print().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "pagetypeinfo.h"

static int fail(struct mfd_parse_error *err, unsigned int line,
		const char *what, const char *p, size_t n, int rc)
{
	if (err) {
		err->line = line;
		snprintf(err->msg, sizeof(err->msg), "%s: \"%.*s\"", what,
			 (int)(n > 60 ? 60 : n), p);
	}
	return rc;
}

/* Does the line [p, eol) start with lit? (The text is not NUL-ended.) */
static bool starts(const char *p, const char *eol, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(eol - p) >= n && !memcmp(p, lit, n);
}

static const char *skip_sp(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Next whitespace-delimited word of [*p, end). Length, 0 at the end. */
static size_t word(const char **p, const char *end, const char **w)
{
	const char *s = skip_sp(*p, end), *e = s;

	while (e < end && *e != ' ' && *e != '\t')
		e++;
	*w = s;
	*p = e;
	return (size_t)(e - s);
}

/* A count, or ">N" when capped. 0 or -EINVAL. */
static int count(const char *w, size_t n, uint64_t *v, bool *capped)
{
	uint64_t x = 0;

	*capped = n > 0 && *w == '>';
	if (*capped) {
		w++;
		n--;
	}
	if (!n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9' || x > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		x = x * 10 + (uint64_t)(w[i] - '0');
	}
	*v = x;
	return 0;
}

static int type_index(struct mfd_pagetypeinfo *pt, const char *w, size_t n)
{
	for (unsigned int t = 0; t < pt->nr_types; t++)
		if (strlen(pt->type_name[t]) == n &&
		    !memcmp(pt->type_name[t], w, n))
			return (int)t;
	if (pt->nr_types == MFD_PT_MAX_TYPES || n >= MFD_PT_TYPE_LEN)
		return -E2BIG;
	memcpy(pt->type_name[pt->nr_types], w, n);
	pt->type_name[pt->nr_types][n] = '\0';
	return (int)pt->nr_types++;
}

static struct mfd_pt_zone *zone_of(struct mfd_pagetypeinfo *pt,
				   unsigned long node, const char *name,
				   size_t n)
{
	struct mfd_pt_zone *z;

	if (n >= sizeof(z->zone))
		return NULL;
	for (unsigned int i = 0; i < pt->nr_zones; i++) {
		z = &pt->zones[i];
		if (z->node == node && strlen(z->zone) == n &&
		    !memcmp(z->zone, name, n))
			return z;
	}
	if (pt->nr_zones == MFD_PT_MAX_ZONES)
		return NULL;
	z = &pt->zones[pt->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = (uint32_t)node;
	memcpy(z->zone, name, n);
	z->zone[n] = '\0';
	return z;
}

/* "Node N, zone NAME" prefix (both tables). Advances *p. */
static int node_zone(const char **p, const char *end, unsigned long *node,
		     const char **name, size_t *n)
{
	const char *w;
	size_t wl = word(p, end, &w);
	char *e;

	if (wl != 4 || memcmp(w, "Node", 4))
		return -EINVAL;
	wl = word(p, end, &w);
	if (!wl || w[wl - 1] != ',')
		return -EINVAL;
	*node = strtoul(w, &e, 10);
	if (e != w + wl - 1 || *node > 65535)
		return -EINVAL;
	wl = word(p, end, &w);
	if (wl != 4 || memcmp(w, "zone", 4))
		return -EINVAL;
	*n = word(p, end, name);
	if (*n && (*name)[*n - 1] == ',')
		(*n)--;
	return *n ? 0 : -EINVAL;
}

int mfd_pagetypeinfo_parse(const char *text, size_t len,
			   struct mfd_pagetypeinfo *pt,
			   struct mfd_parse_error *err)
{
	enum { NONE, FREE, BLOCKS, OTHER } sect = NONE;
	const char *p = text, *end = text + len;
	int block_type[MFD_PT_MAX_TYPES];
	unsigned int nblock_types = 0, line = 0;

	memset(pt, 0, sizeof(*pt));
	pt->pageblock_order = -1;
	if (mfd_procfs_parse_pageblock_order(text, len, &pt->pageblock_order))
		pt->pageblock_order = -1;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q, *w;
		size_t wl, n;
		unsigned long node;
		struct mfd_pt_zone *z;
		const char *name;

		if (!eol)
			eol = end;
		line++;
		q = p;
		if (starts(p, eol, "Free pages count per migrate type")) {
			sect = FREE;
			/* columns: the order numbers after "order" */
			pt->nr_orders = 0;
			while ((wl = word(&q, eol, &w)))
				if (w[0] >= '0' && w[0] <= '9')
					pt->nr_orders++;
			if (!pt->nr_orders || pt->nr_orders > MFD_PT_MAX_ORDERS)
				return fail(err, line, "bad order columns", p,
					    (size_t)(eol - p), -E2BIG);
		} else if (starts(p, eol, "Number of blocks type")) {
			sect = BLOCKS;
			q = p + 21;
			while ((wl = word(&q, eol, &w))) {
				int t = type_index(pt, w, wl);

				if (t < 0 || nblock_types == MFD_PT_MAX_TYPES)
					return fail(err, line,
						    "too many migratetypes", p,
						    (size_t)(eol - p), -E2BIG);
				block_type[nblock_types++] = t;
			}
		} else if (starts(p, eol, "Number of ")) {
			sect = OTHER; /* mixed blocks (page_owner) */
		} else if (starts(p, eol, "Node") && sect == FREE) {
			if (node_zone(&q, eol, &node, &name, &n))
				return fail(err, line, "bad zone header", p,
					    (size_t)(eol - p), -EINVAL);
			z = zone_of(pt, node, name, n);
			wl = word(&q, eol, &w);
			if (!z || wl != 4 || memcmp(w, "type", 4))
				return fail(err, line, "bad free-list line", p,
					    (size_t)(eol - p),
					    z ? -EINVAL : -E2BIG);
			wl = word(&q, eol, &w);
			{
				int t = wl ? type_index(pt, w, wl) : -EINVAL;

				if (t < 0)
					return fail(err, line,
						    "bad migratetype", p,
						    (size_t)(eol - p), t);
				for (unsigned int o = 0; o < pt->nr_orders;
				     o++) {
					bool cap;

					wl = word(&q, eol, &w);
					if (count(w, wl, &z->free[t][o], &cap))
						return fail(err, line,
							    "bad free count", p,
							    (size_t)(eol - p),
							    -EINVAL);
					if (cap)
						z->capped[t] |=
							(uint16_t)(1u << o);
				}
				if (word(&q, eol, &w))
					return fail(err, line, "extra columns",
						    p, (size_t)(eol - p),
						    -EINVAL);
				z->have_free |= 1u << t;
			}
		} else if (starts(p, eol, "Node") && sect == BLOCKS) {
			if (node_zone(&q, eol, &node, &name, &n))
				return fail(err, line, "bad zone header", p,
					    (size_t)(eol - p), -EINVAL);
			z = zone_of(pt, node, name, n);
			if (!z)
				return fail(err, line, "too many zones", p,
					    (size_t)(eol - p), -E2BIG);
			for (unsigned int i = 0; i < nblock_types; i++) {
				bool cap;

				wl = word(&q, eol, &w);
				if (count(w, wl, &z->blocks[block_type[i]],
					  &cap) ||
				    cap)
					return fail(err, line,
						    "bad block count", p,
						    (size_t)(eol - p), -EINVAL);
			}
			if (word(&q, eol, &w))
				return fail(err, line, "extra columns", p,
					    (size_t)(eol - p), -EINVAL);
			z->have_blocks = true;
		}
		p = eol < end ? eol + 1 : end;
	}
	if (!pt->nr_zones)
		return fail(err, 0, "no zone in pagetypeinfo", text,
			    len > 40 ? 40 : len, -EINVAL);
	return 0;
}

int mfd_pagetypeinfo_read(const char *proc_dir, struct mfd_pagetypeinfo *pt,
			  struct mfd_parse_error *err)
{
	char path[512], *buf = NULL;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/pagetypeinfo", proc_dir);
	rc = mfd_file_read(path, 4 << 20, &buf, &len);
	if (rc) {
		if (err) {
			err->line = 0;
			snprintf(err->msg, sizeof(err->msg), "pagetypeinfo: %s",
				 strerror(-rc));
		}
		return rc;
	}
	rc = mfd_pagetypeinfo_parse(buf, len, pt, err);
	free(buf);
	return rc;
}
