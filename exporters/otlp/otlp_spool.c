// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_spool.c - record framing and the pure spool reader (otlp_spool.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "otlp_spool.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint32_t rec_crc(const uint8_t *hdr, const uint8_t *payload,
			uint32_t len)
{
	uLong c = crc32(0L, Z_NULL, 0);

	c = crc32(c, hdr + 4, 12);
	if (len)
		c = crc32(c, payload, len);
	return (uint32_t)c;
}

void otlp_rec_header(uint8_t hdr[OTLP_REC_HDR], unsigned int signal,
		     uint32_t points, const uint8_t *payload, uint32_t len)
{
	put32(hdr, OTLP_REC_MAGIC);
	hdr[4] = (uint8_t)signal;
	hdr[5] = OTLP_REC_VERSION;
	hdr[6] = 0;
	hdr[7] = 0;
	put32(hdr + 8, points);
	put32(hdr + 12, len);
	put32(hdr + 16, rec_crc(hdr, payload, len));
}

/* Offset of the next magic at or after pos, or len. */
static size_t resync(const uint8_t *buf, size_t len, size_t pos)
{
	for (; pos + 4 <= len; pos++)
		if (get32(buf + pos) == OTLP_REC_MAGIC)
			return pos;
	return len;
}

int otlp_spool_scan(const uint8_t *buf, size_t len, unsigned int nsignals,
		    otlp_rec_fn fn, void *arg, struct otlp_scan_stats *st)
{
	size_t pos = 0;

	memset(st, 0, sizeof(*st));
	while (pos < len) {
		const uint8_t *h = buf + pos;
		uint32_t rlen;
		size_t next;

		if (len - pos < OTLP_REC_HDR) {
			/* A tail too short for a header: a torn write. */
			if (len - pos < 4 || get32(h) == OTLP_REC_MAGIC)
				st->truncated = true;
			goto bad;
		}
		if (get32(h) != OTLP_REC_MAGIC || h[4] >= nsignals ||
		    h[5] != OTLP_REC_VERSION || h[6] || h[7])
			goto bad;
		rlen = get32(h + 12);
		if (rlen > OTLP_REC_MAX_LEN)
			goto bad;
		if (rlen > len - pos - OTLP_REC_HDR) {
			st->truncated = true;
			goto bad;
		}
		if (rec_crc(h, h + OTLP_REC_HDR, rlen) != get32(h + 16))
			goto bad;
		{
			struct otlp_rec_view v = {
				.signal = h[4],
				.points = get32(h + 8),
				.payload = h + OTLP_REC_HDR,
				.len = rlen,
				.offset = pos,
			};
			int rc;

			st->good++;
			rc = fn(&v, arg);
			if (rc)
				return rc;
		}
		pos += OTLP_REC_HDR + rlen;
		continue;
bad:
		next = resync(buf, len, pos + 1);
		st->bad++;
		st->skipped_bytes += next - pos;
		pos = next;
	}
	return 0;
}

int otlp_spool_parse_name(const char *name, uint64_t *seq, bool *overflow)
{
	size_t digits = strspn(name, "0123456789");
	uint64_t v = 0;

	*overflow = false;
	if (!digits || strcmp(name + digits, ".spool"))
		return 0;
	for (size_t i = 0; i < digits; i++) {
		unsigned int d = (unsigned int)(name[i] - '0');

		if (v > (UINT64_MAX - d) / 10) {
			*overflow = true;
			v = UINT64_MAX;
			break;
		}
		v = v * 10 + d;
	}
	*seq = v;
	return 1;
}

static int file_cmp(const void *a, const void *b)
{
	const struct otlp_spool_file *x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return strcmp(x->name, y->name);
}

void otlp_spool_name(char out[OTLP_SPOOL_NAME_MAX], uint64_t seq)
{
	snprintf(out, OTLP_SPOOL_NAME_MAX, "%0*" PRIu64 ".spool",
		 OTLP_SPOOL_NAME_DIGITS, seq);
}

/* Is name held by one of f[from..n)? */
static bool held_later(const struct otlp_spool_file *f, size_t from, size_t n,
		       const char *name)
{
	for (size_t j = from; j < n; j++)
		if (!strcmp(f[j].name, name))
			return true;
	return false;
}

uint64_t otlp_spool_plan(struct otlp_spool_file *f, size_t n)
{
	bool renumber = false;
	uint64_t c = 0;

	if (!n)
		return 1;
	qsort(f, n, sizeof(*f), file_cmp);
	for (size_t i = 0; i < n; i++)
		if (f[i].overflow || f[i].seq >= OTLP_SPOOL_SEQ_RENUMBER ||
		    (i && f[i].seq == f[i - 1].seq))
			renumber = true;
	if (!renumber) {
		/* Distinct numbers: the canonical name of one can only be
		 * held by a file with the same number, so none is taken. */
		for (size_t i = 0; i < n; i++)
			f[i].new_seq = f[i].seq;
		return f[n - 1].seq + 1;
	}
	/* Renamed in this order, file i's old name is free once it moved;
	 * skip numbers whose canonical name a later file still holds. */
	for (size_t i = 0; i < n; i++) {
		char name[OTLP_SPOOL_NAME_MAX];

		for (c++;; c++) {
			otlp_spool_name(name, c);
			if (!strcmp(name, f[i].name) ||
			    !held_later(f, i + 1, n, name))
				break;
		}
		f[i].new_seq = c;
	}
	return c + 1;
}
