// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mfdz.c - the compact recording format (see mfdz.h), on zlib.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "mfdz.h"

#define FLAG_LOGS 1u
#define FLAG_KEY 2u

void mfdz_init(struct mfdz *z)
{
	memset(z, 0, sizeof(*z));
}

void mfdz_reset(struct mfdz *z)
{
	for (int k = 0; k < MFDZ_KINDS; k++) {
		free(z->prev[k]);
		z->prev[k] = NULL;
		z->prev_len[k] = 0;
	}
}

void mfdz_free(struct mfdz *z)
{
	mfdz_reset(z);
}

size_t mfdz_put_varint(uint8_t *buf, uint64_t v)
{
	size_t n = 0;

	do {
		buf[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

static int get_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64 && *p < end; shift += 7) {
		uint8_t b = *(*p)++;

		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -EBADMSG;
}

/* The previous line around chunk offset off: what chunk off is deflated
 * against (at most 32 KiB, deflate's window). */
static void dictionary(const struct mfdz *z, unsigned int kind, size_t off,
		       const uint8_t **dict, unsigned int *dict_len)
{
	size_t from = off > MFDZ_CHUNK ? off - MFDZ_CHUNK : 0;
	size_t to = off + MFDZ_CHUNK;

	*dict = NULL;
	*dict_len = 0;
	if (!z->prev[kind] || from >= z->prev_len[kind])
		return;
	if (to > z->prev_len[kind])
		to = z->prev_len[kind];
	*dict = (const uint8_t *)z->prev[kind] + from;
	*dict_len = (unsigned int)(to - from);
}

/* Deflate in[0..n) with dict into out (room: deflateBound), raw. */
static int deflate_chunk(z_stream *s, const uint8_t *in, size_t n,
			 const uint8_t *dict, unsigned int dict_len,
			 uint8_t *out, size_t room, size_t *out_len)
{
	if (deflateReset(s) != Z_OK ||
	    (dict_len && deflateSetDictionary(s, dict, dict_len) != Z_OK))
		return -EINVAL;
	s->next_in = (Bytef *)in;
	s->avail_in = (uInt)n;
	s->next_out = out;
	s->avail_out = (uInt)room;
	if (deflate(s, Z_FINISH) != Z_STREAM_END)
		return -ENOMEM;
	*out_len = room - s->avail_out;
	return 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int mfdz_encode(const struct mfdz *z, unsigned int kind, const char *line,
		size_t len, uint8_t **out, size_t *out_len)
{
	size_t nchunks = (len + MFDZ_CHUNK - 1) / MFDZ_CHUNK, cap, pos;
	bool key = kind >= MFDZ_KINDS || !z->prev[kind];
	z_stream s = { 0 };
	uint8_t *buf, hdr[24];
	int err = 0;

	*out = NULL;
	if (kind >= MFDZ_KINDS || len > MFDZ_MAX_LINE)
		return -EINVAL;
	if (deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	/* Room for the length prefix (filled last), the head, and each
	 * chunk at its worst. */
	cap = 32 + nchunks * (10 + deflateBound(&s, MFDZ_CHUNK));
	buf = malloc(cap);
	if (!buf) {
		deflateEnd(&s);
		return -ENOMEM;
	}
	pos = 12; /* leave room for the record's length varint */
	buf[pos++] = (uint8_t)((kind ? FLAG_LOGS : 0) | (key ? FLAG_KEY : 0));
	pos += mfdz_put_varint(buf + pos, len);
	put_le32(buf + pos, (uint32_t)crc32(0, (const Bytef *)line, (uInt)len));
	pos += 4;
	for (size_t off = 0; off < len && !err; off += MFDZ_CHUNK) {
		size_t n = len - off < MFDZ_CHUNK ? len - off : MFDZ_CHUNK;
		const uint8_t *dict = NULL;
		unsigned int dict_len = 0;
		uint8_t tmp[10];
		size_t clen, vl;

		if (!key)
			dictionary(z, kind, off, &dict, &dict_len);
		/* Deflate after a 10-byte gap, then put the varint before
		 * it: the varint's length is known only then. */
		err = deflate_chunk(&s, (const uint8_t *)line + off, n, dict,
				    dict_len, buf + pos + 10, cap - pos - 10,
				    &clen);
		if (err)
			break;
		vl = mfdz_put_varint(tmp, clen);
		memcpy(buf + pos, tmp, vl);
		memmove(buf + pos + vl, buf + pos + 10, clen);
		pos += vl + clen;
	}
	deflateEnd(&s);
	if (err) {
		free(buf);
		return err;
	}
	/* The length prefix, right before the body. */
	{
		size_t body = pos - 12, vl = mfdz_put_varint(hdr, body);

		memcpy(buf + 12 - vl, hdr, vl);
		memmove(buf, buf + 12 - vl, vl + body);
		*out_len = vl + body;
	}
	*out = buf;
	return 0;
}

int mfdz_commit(struct mfdz *z, unsigned int kind, const char *line, size_t len)
{
	char *copy;

	if (kind >= MFDZ_KINDS)
		return -EINVAL;
	copy = malloc(len + 1);
	free(z->prev[kind]);
	z->prev[kind] = copy;
	z->prev_len[kind] = copy ? len : 0;
	if (!copy)
		return -ENOMEM;
	memcpy(copy, line, len);
	copy[len] = '\0';
	return 0;
}

/* Inflate one chunk of in[0..n) against dict into out, exactly want
 * bytes. */
static int inflate_chunk(z_stream *s, const uint8_t *in, size_t n,
			 const uint8_t *dict, unsigned int dict_len,
			 uint8_t *out, size_t want)
{
	int rc;

	if (inflateReset(s) != Z_OK ||
	    (dict_len && inflateSetDictionary(s, dict, dict_len) != Z_OK))
		return -EBADMSG;
	s->next_in = (Bytef *)in;
	s->avail_in = (uInt)n;
	s->next_out = out;
	s->avail_out = (uInt)want;
	rc = inflate(s, Z_FINISH);
	if (rc != Z_STREAM_END || s->avail_out || s->avail_in)
		return -EBADMSG;
	return 0;
}

int mfdz_decode(struct mfdz *z, const uint8_t *rec, size_t rec_len, char **line,
		size_t *len)
{
	const uint8_t *p = rec, *end = rec + rec_len;
	z_stream s = { 0 };
	unsigned int kind;
	uint64_t total;
	uint32_t crc;
	char *out;
	bool key;
	int err = 0;

	*line = NULL;
	if (p >= end)
		return -EBADMSG;
	kind = *p & FLAG_LOGS ? 1 : 0;
	key = *p & FLAG_KEY;
	p++;
	if (get_varint(&p, end, &total) || total > MFDZ_MAX_LINE ||
	    end - p < 4 || (!key && !z->prev[kind]))
		return -EBADMSG;
	crc = get_le32(p);
	p += 4;
	out = malloc(total + 1);
	if (!out)
		return -ENOMEM;
	if (inflateInit2(&s, -15) != Z_OK) {
		free(out);
		return -ENOMEM;
	}
	for (size_t off = 0; off < total && !err; off += MFDZ_CHUNK) {
		size_t n = total - off < MFDZ_CHUNK ? total - off : MFDZ_CHUNK;
		const uint8_t *dict = NULL;
		unsigned int dict_len = 0;
		uint64_t clen;

		if (get_varint(&p, end, &clen) || clen > (uint64_t)(end - p)) {
			err = -EBADMSG;
			break;
		}
		if (!key)
			dictionary(z, kind, off, &dict, &dict_len);
		err = inflate_chunk(&s, p, (size_t)clen, dict, dict_len,
				    (uint8_t *)out + off, n);
		p += clen;
	}
	inflateEnd(&s);
	if (!err &&
	    (p != end || crc32(0, (const Bytef *)out, (uInt)total) != crc))
		err = -EBADMSG;
	if (err) {
		free(out);
		/* The writer's next record of this kind is against the one
		 * lost here: refuse deltas until a key, rather than decode
		 * them against the wrong line. */
		free(z->prev[kind]);
		z->prev[kind] = NULL;
		z->prev_len[kind] = 0;
		return err;
	}
	out[total] = '\0';
	/* The decoded line is the next one's dictionary. */
	free(z->prev[kind]);
	z->prev[kind] = out;
	z->prev_len[kind] = total;
	*line = out;
	*len = total;
	return 0;
}
