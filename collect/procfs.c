// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * procfs.c - the procfs source: /proc/buddyinfo and /proc/zoneinfo.
 *
 * The parsers mirror the printers in mm/vmstat.c: frag_show_print() writes
 * buddyinfo as "Node %d, zone %8s " then "%6lu " per order, for populated
 * zones only; zoneinfo_show_print() writes "Node %d, zone %8s" for every
 * zone of node_zones[] (populated or not), then "pages free", the
 * watermarks, spanned/present/managed, and for populated zones the vmstat
 * items, the per-cpu pagesets and "start_pfn:". They work on (text, len)
 * without needing a NUL, never allocate, and reject rather than guess, so
 * they can be fuzzed as they are.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"

/* How much of the offending text an error message quotes. */
#define QUOTE_MAX 56

/* Largest files read: buddyinfo is one short line per populated zone;
 * zoneinfo grows with CPUs (seven pageset lines per CPU and zone). */
#define BUDDYINFO_MAX (1u << 20)
#define ZONEINFO_MAX (64u << 20)

/* A [s, e) slice of the input, never NUL-terminated. */
struct span {
	const char *s;
	const char *e;
};

struct cursor {
	const char *p;
	const char *end;
	unsigned int line; /* number of the line last returned, 1-based */
};

static bool next_line(struct cursor *c, struct span *l)
{
	const char *nl;

	if (c->p >= c->end)
		return false;
	nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	l->s = c->p;
	l->e = nl ? nl : c->end;
	c->p = nl ? nl + 1 : c->end;
	c->line++;
	return true;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* Next whitespace-separated token of *l, consumed; false at end of line. */
static bool next_token(struct span *l, struct span *tok)
{
	while (l->s < l->e && is_space(*l->s))
		l->s++;
	if (l->s >= l->e)
		return false;
	tok->s = l->s;
	while (l->s < l->e && !is_space(*l->s))
		l->s++;
	tok->e = l->s;
	return true;
}

static bool tok_eq(const struct span *tok, const char *word)
{
	size_t n = strlen(word);

	return (size_t)(tok->e - tok->s) == n && memcmp(tok->s, word, n) == 0;
}

/* A token as an unsigned decimal (mfd_parse_u64()). */
static int parse_u64(const struct span *tok, uint64_t max, uint64_t *val)
{
	return mfd_parse_u64(tok->s, (size_t)(tok->e - tok->s), max, val);
}

/* Copy up to QUOTE_MAX bytes of a slice into out, printable ASCII only,
 * so a message never carries control bytes from a hostile input. */
static void quote(const struct span *t, char *out, size_t outlen)
{
	size_t n = 0;
	const char *p;

	for (p = t->s; p < t->e && n < QUOTE_MAX && n + 4 < outlen; p++)
		out[n++] = (*p >= 0x20 && *p < 0x7f) ? *p : '?';
	if (p < t->e && n + 4 <= outlen) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

static bool blank(const struct span *l)
{
	for (const char *p = l->s; p < l->e; p++)
		if (!is_space(*p))
			return false;
	return true;
}

/*
 * "Node %d, zone %8s" (both files). On success *l is left after the name.
 * Node ids are ints in the kernel, so larger numbers are rejected.
 */
static int parse_zone_header(struct span *l, unsigned int line, uint32_t *node,
			     char name[MFD_SNAP_ZONE_NAME_LEN],
			     struct mfd_parse_error *err)
{
	struct span whole = *l, tok, num;
	char q[QUOTE_MAX + 4];
	uint64_t v;
	int ret;

	quote(&whole, q, sizeof(q));
	if (!next_token(l, &tok) || !tok_eq(&tok, "Node")) {
		mfd_parse_error_set(
			err, line, "expected \"Node N, zone NAME\": \"%s\"", q);
		return -EINVAL;
	}
	if (!next_token(l, &tok) || tok.e - tok.s < 2 || tok.e[-1] != ',') {
		mfd_parse_error_set(
			err, line, "expected \"N,\" after \"Node\": \"%s\"", q);
		return -EINVAL;
	}
	num.s = tok.s;
	num.e = tok.e - 1;
	ret = parse_u64(&num, INT_MAX, &v);
	if (ret) {
		quote(&num, q, sizeof(q));
		mfd_parse_error_set(
			err, line, "node id %s: \"%s\"",
			ret == -ERANGE ? "out of range" : "not a number", q);
		return -EINVAL;
	}
	*node = (uint32_t)v;
	if (!next_token(l, &tok) || !tok_eq(&tok, "zone")) {
		mfd_parse_error_set(err, line,
				    "expected \"zone\" after the node: \"%s\"",
				    q);
		return -EINVAL;
	}
	if (!next_token(l, &tok)) {
		mfd_parse_error_set(err, line, "zone name missing: \"%s\"", q);
		return -EINVAL;
	}
	if (tok.e - tok.s >= MFD_SNAP_ZONE_NAME_LEN) {
		quote(&tok, q, sizeof(q));
		mfd_parse_error_set(err, line,
				    "zone name longer than %d bytes: \"%s\"",
				    MFD_SNAP_ZONE_NAME_LEN - 1, q);
		return -EINVAL;
	}
	memcpy(name, tok.s, (size_t)(tok.e - tok.s));
	name[tok.e - tok.s] = '\0';
	return 0;
}

static int buddyinfo_line(struct mfd_snapshot *snap, struct span l,
			  unsigned int line, struct mfd_parse_error *err)
{
	uint64_t counts[MFD_SNAP_MAX_ORDERS];
	char name[MFD_SNAP_ZONE_NAME_LEN];
	struct span whole = l, tok;
	char q[QUOTE_MAX + 4];
	struct mfd_zone *z;
	uint32_t node, n = 0;
	int ret;

	ret = parse_zone_header(&l, line, &node, name, err);
	if (ret)
		return ret;
	while (next_token(&l, &tok)) {
		if (n == MFD_SNAP_MAX_ORDERS) {
			quote(&whole, q, sizeof(q));
			mfd_parse_error_set(err, line,
					    "more than %d free counts: \"%s\"",
					    MFD_SNAP_MAX_ORDERS, q);
			return -EINVAL;
		}
		ret = parse_u64(&tok, UINT64_MAX, &counts[n]);
		if (ret) {
			quote(&tok, q, sizeof(q));
			mfd_parse_error_set(
				err, line, "order %u count %s: \"%s\"", n,
				ret == -ERANGE ? "overflows" : "not a number",
				q);
			return -EINVAL;
		}
		n++;
	}
	if (n == 0) {
		quote(&whole, q, sizeof(q));
		mfd_parse_error_set(err, line, "no free counts: \"%s\"", q);
		return -EINVAL;
	}
	/* NR_PAGE_ORDERS is one per kernel, so every zone prints as many. */
	if (snap->nr_zones && n != snap->nr_orders) {
		quote(&whole, q, sizeof(q));
		mfd_parse_error_set(
			err, line,
			"%u free counts, earlier lines had %u: \"%s\"", n,
			snap->nr_orders, q);
		return -EINVAL;
	}
	if (mfd_snapshot_find_zone(snap, node, name) >= 0) {
		mfd_parse_error_set(err, line,
				    "zone %s of node %u listed twice", name,
				    node);
		return -EINVAL;
	}
	if (snap->nr_zones >= MFD_SNAP_MAX_ZONES) {
		mfd_parse_error_set(err, line, "more than %d zones",
				    MFD_SNAP_MAX_ZONES);
		return -E2BIG;
	}
	z = &snap->zones[snap->nr_zones++];
	memset(z, 0, sizeof(*z));
	z->node = node;
	z->zone_idx = UINT32_MAX;
	memcpy(z->name, name, sizeof(z->name));
	for (uint32_t o = 0; o < n; o++)
		z->order[o].free_blocks = counts[o];
	snap->nr_orders = n;
	return 0;
}

int mfd_procfs_parse_buddyinfo(const char *text, size_t len,
			       struct mfd_snapshot *snap,
			       struct mfd_parse_error *err)
{
	struct cursor c = { .p = text, .end = text ? text + len : text };
	struct span l;
	int ret;

	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	memset(snap->zones, 0, sizeof(snap->zones));
	snap->nr_zones = 0;
	snap->nr_orders = 0;

	while (next_line(&c, &l)) {
		if (blank(&l))
			continue;
		ret = buddyinfo_line(snap, l, c.line, err);
		if (ret) {
			snap->nr_zones = 0;
			snap->nr_orders = 0;
			return ret;
		}
	}
	if (!snap->nr_zones) {
		mfd_parse_error_set(err, 0,
				    "no \"Node N, zone NAME counts...\" line");
		return -EINVAL;
	}
	return 0;
}

/* Which zoneinfo fields a zone section has shown so far. */
enum {
	SEEN_MIN = 1u << 0,
	SEEN_LOW = 1u << 1,
	SEEN_HIGH = 1u << 2,
	SEEN_SPANNED = 1u << 3,
	SEEN_PRESENT = 1u << 4,
	SEEN_START = 1u << 5,
};

#define SEEN_WMARK (SEEN_MIN | SEEN_LOW | SEEN_HIGH)
#define SEEN_SPAN (SEEN_SPANNED | SEEN_PRESENT | SEEN_START)
#define PROCFS_HAVE                                                        \
	(MFD_HAVE_FREE | MFD_HAVE_BOOST | MFD_HAVE_WMARK | MFD_HAVE_SPAN | \
	 MFD_HAVE_MANAGED)

static void zone_section_end(struct mfd_zone *z, unsigned int seen)
{
	if (!z)
		return;
	if ((seen & SEEN_WMARK) == SEEN_WMARK)
		z->have |= MFD_HAVE_WMARK;
	if ((seen & SEEN_SPAN) == SEEN_SPAN)
		z->have |= MFD_HAVE_SPAN;
}

/*
 * A "key value" line of a zone section. Keys are whole tokens, so the
 * per-cpu "high:" of the pagesets and the "nr_free_pages" vmstat item do
 * not match "high" or "pages free". Returns 1 if the line was used, 0 if
 * it is not one we want, -EINVAL if a wanted key has a bad value.
 */
static int zoneinfo_field(struct mfd_zone *z, unsigned int *seen, struct span l,
			  unsigned int line, struct mfd_parse_error *err)
{
	static const struct {
		const char *key;
		size_t off;
		unsigned int have; /* MFD_HAVE_* set directly */
		unsigned int seen; /* SEEN_* for fields that come in sets */
	} keys[] = {
		{ "boost", offsetof(struct mfd_zone, watermark_boost),
		  MFD_HAVE_BOOST, 0 },
		{ "min", offsetof(struct mfd_zone, watermark_min), 0,
		  SEEN_MIN },
		{ "low", offsetof(struct mfd_zone, watermark_low), 0,
		  SEEN_LOW },
		{ "high", offsetof(struct mfd_zone, watermark_high), 0,
		  SEEN_HIGH },
		{ "spanned", offsetof(struct mfd_zone, spanned_pages), 0,
		  SEEN_SPANNED },
		{ "present", offsetof(struct mfd_zone, present_pages), 0,
		  SEEN_PRESENT },
		{ "managed", offsetof(struct mfd_zone, managed_pages),
		  MFD_HAVE_MANAGED, 0 },
		{ "start_pfn:", offsetof(struct mfd_zone, start_pfn), 0,
		  SEEN_START },
	};
	struct span whole = l, tok, val, extra;
	char q[QUOTE_MAX + 4];
	size_t off, k;
	unsigned int have, bit;
	uint64_t v;

	if (!next_token(&l, &tok))
		return 0;
	if (tok_eq(&tok, "pages")) {
		/* "  pages free     %lu": NR_FREE_PAGES */
		if (!next_token(&l, &tok) || !tok_eq(&tok, "free"))
			return 0;
		off = offsetof(struct mfd_zone, free_pages);
		have = MFD_HAVE_FREE;
		bit = 0;
	} else {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (tok_eq(&tok, keys[k].key))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			return 0;
		off = keys[k].off;
		have = keys[k].have;
		bit = keys[k].seen;
	}
	if (!next_token(&l, &val) || next_token(&l, &extra) ||
	    parse_u64(&val, UINT64_MAX, &v)) {
		quote(&whole, q, sizeof(q));
		mfd_parse_error_set(err, line, "expected one number: \"%s\"",
				    q);
		return -EINVAL;
	}
	memcpy((char *)z + off, &v, sizeof(v));
	z->have |= have;
	*seen |= bit;
	return 1;
}

int mfd_procfs_parse_zoneinfo(const char *text, size_t len,
			      struct mfd_snapshot *snap,
			      struct mfd_parse_error *err)
{
	struct cursor c = { .p = text, .end = text ? text + len : text };
	struct mfd_zone *z = NULL;
	unsigned int seen = 0;
	uint32_t node = 0, ordinal = 0;
	bool any_header = false;
	struct span l, tok;
	int ret;

	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	while (next_line(&c, &l)) {
		struct span rest = l;

		if (!next_token(&rest, &tok))
			continue;
		if (tok_eq(&tok, "Node")) {
			char name[MFD_SNAP_ZONE_NAME_LEN];
			uint32_t n;
			int i;

			rest = l;
			ret = parse_zone_header(&rest, c.line, &n, name, err);
			if (ret)
				return ret;
			if (next_token(&rest, &tok)) {
				char q[QUOTE_MAX + 4];

				quote(&l, q, sizeof(q));
				mfd_parse_error_set(
					err, c.line,
					"text after the zone name: \"%s\"", q);
				return -EINVAL;
			}
			zone_section_end(z, seen);
			/* for_each_online_pgdat() walks nodes in ascending
			 * order, each node's zones in node_zones[] order; the
			 * ordinal is the zone index only if that holds. */
			if (any_header && n == node) {
				ordinal++;
			} else if (any_header && n < node) {
				mfd_parse_error_set(
					err, c.line,
					"node %u listed after node %u", n,
					node);
				return -EINVAL;
			} else {
				ordinal = 0;
			}
			node = n;
			any_header = true;
			seen = 0;
			i = mfd_snapshot_find_zone(snap, n, name);
			z = i >= 0 ? &snap->zones[i] : NULL;
			if (z) {
				z->zone_idx = ordinal;
				z->have &= ~(uint32_t)PROCFS_HAVE;
			}
			continue;
		}
		/* Lines of unpopulated zones, per-node stats and so on. */
		if (!z)
			continue;
		ret = zoneinfo_field(z, &seen, l, c.line, err);
		if (ret < 0)
			return ret;
	}
	zone_section_end(z, seen);
	return 0;
}

int mfd_procfs_parse_pageblock_order(const char *text, size_t len, int *order)
{
	static const char key[] = "Page block order:";
	struct cursor c = { .p = text, .end = text ? text + len : text };
	struct span l, tok;
	uint64_t v;

	/* pagetypeinfo_showfree_print() is preceded by
	 * seq_printf(m, "Page block order: %d\n", pageblock_order). */
	while (next_line(&c, &l)) {
		if ((size_t)(l.e - l.s) < sizeof(key) - 1 ||
		    memcmp(l.s, key, sizeof(key) - 1) != 0)
			continue;
		l.s += sizeof(key) - 1;
		/* 1 << order must be a page count: 63 is far above any
		 * MAX_PAGE_ORDER. */
		if (!next_token(&l, &tok) || next_token(&l, &tok) ||
		    parse_u64(&tok, 63, &v))
			return -EINVAL;
		*order = (int)v;
		return 0;
	}
	return -ENOENT;
}

void mfd_procfile_close(struct mfd_procfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->path);
	f->path = NULL;
	free(f->buf);
	f->buf = NULL;
	f->cap = 0;
}

int mfd_procfile_read(struct mfd_procfile *f, const char *path, size_t max_len,
		      const char **text, size_t *len)
{
	struct statfs sfs;
	int ret;

	*text = NULL;
	*len = 0;
	if (f->fd >= 0 && (!f->path || strcmp(f->path, path))) {
		close(f->fd);
		f->fd = -1;
	}
	if (f->fd < 0) {
		f->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (f->fd < 0)
			return -errno;
		if (!f->path || strcmp(f->path, path)) {
			free(f->path);
			f->path = strdup(path);
		}
		/* Only procfs regenerates a file on every read; anything
		 * else (a fixture) is opened afresh next time, so a replaced
		 * file is seen. */
		f->keep = f->path && !fstatfs(f->fd, &sfs) &&
			  sfs.f_type == PROC_SUPER_MAGIC;
	}
	ret = mfd_file_read_fd(f->fd, max_len, &f->buf, &f->cap, len);
	if (ret || !f->keep) {
		close(f->fd);
		f->fd = -1;
	}
	if (ret) {
		*len = 0;
		return ret;
	}
	*text = f->buf;
	return 0;
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The end of a long path, which names the file, fits the message. */
static const char *path_tail(const char *path)
{
	size_t n = strlen(path);

	return n > 64 ? path + n - 64 : path;
}

/* Put the file name in front of a parser's message, cutting the end of
 * the message if both do not fit. */
static void err_prefix(struct mfd_parse_error *err, const char *path)
{
	char tmp[sizeof(err->msg)];
	size_t n;

	if (!err)
		return;
	n = (size_t)snprintf(tmp, sizeof(tmp), "%s: ", path_tail(path));
	if (n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	snprintf(tmp + n, sizeof(tmp) - n, "%.*s", (int)(sizeof(tmp) - n - 1),
		 err->msg);
	memcpy(err->msg, tmp, sizeof(err->msg));
}

int mfd_procfs_snapshot(const char *proc_dir, struct mfd_snapshot *snap,
			struct mfd_parse_error *err)
{
	char buddy_path[PATH_MAX], zone_path[PATH_MAX];
	char *buddy = NULL, *zone = NULL;
	size_t buddy_len, zone_len;
	uint64_t start;
	int ret;

	memset(snap, 0, sizeof(*snap));
	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	if ((size_t)snprintf(buddy_path, sizeof(buddy_path), "%s/buddyinfo",
			     proc_dir) >= sizeof(buddy_path) ||
	    (size_t)snprintf(zone_path, sizeof(zone_path), "%s/zoneinfo",
			     proc_dir) >= sizeof(zone_path))
		return -ENAMETOOLONG;

	snap->time_unix_nano = now_ns(CLOCK_REALTIME);
	start = now_ns(CLOCK_MONOTONIC);
	/* buddyinfo first: its counts feed the indices, and zoneinfo's
	 * fields (watermarks, spans) change far more slowly. */
	ret = mfd_file_read(buddy_path, BUDDYINFO_MAX, &buddy, &buddy_len);
	if (ret) {
		mfd_parse_error_set(err, 0, "%s: %s", path_tail(buddy_path),
				    strerror(-ret));
		goto cleanup;
	}
	ret = mfd_file_read(zone_path, ZONEINFO_MAX, &zone, &zone_len);
	if (ret) {
		mfd_parse_error_set(err, 0, "%s: %s", path_tail(zone_path),
				    strerror(-ret));
		goto cleanup;
	}
	snap->mono_ns = start;
	snap->duration_ns = now_ns(CLOCK_MONOTONIC) - start;

	ret = mfd_procfs_parse_buddyinfo(buddy, buddy_len, snap, err);
	if (ret) {
		err_prefix(err, buddy_path);
		goto cleanup;
	}
	ret = mfd_procfs_parse_zoneinfo(zone, zone_len, snap, err);
	if (ret) {
		err_prefix(err, zone_path);
		goto cleanup;
	}
	snap->source = MFD_SOURCE_PROCFS;
	ret = mfd_snapshot_finish(snap);
cleanup:
	free(buddy);
	free(zone);
	return ret;
}
