/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mfdz.h - the compact recording format: the same OTLP/JSON lines as a
 * --record PATH.jsonl, each compressed against the one before it.
 *
 * A sample's line is about 70 KB and differs from the previous sample's
 * mostly in its digits. gzip cannot see that: its window is 32 KiB, less
 * than a line. Here each line is cut into 16 KiB chunks and every chunk is
 * deflated (zlib, raw) with, as its preset dictionary, the previous line
 * of the same kind around the same place (16 KiB either side), so it
 * costs what changed: about a kilobyte per sample instead of 70 (or 5.7
 * with gzip).
 *
 * File: the 6 bytes "MFDZ1\n", then records. A record is a varint of its
 * length, then: a flags byte (bit 0: the line's kind, 0 metrics, 1 logs;
 * bit 1: a key record, compressed without the previous line), a varint of
 * the line's length, the CRC-32 of the line (4 bytes, little-endian), and
 * per chunk a varint of its compressed length and those bytes. The first record of each kind in a file is a key, as is
 * the next one after a failed write, so any file decodes from its start;
 * a torn record at the end is where decoding stops.
 */
#ifndef MFD_MFDZ_H
#define MFD_MFDZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MFDZ_MAGIC "MFDZ1\n"
#define MFDZ_MAGIC_LEN 6
#define MFDZ_CHUNK 16384
#define MFDZ_KINDS 2 /* metrics, logs */
/* Longest line either side handles, as replay's MAX_LINE. */
#define MFDZ_MAX_LINE (64u << 20)

/* The previous line of each kind: the encoder's and the decoder's state. */
struct mfdz {
	char *prev[MFDZ_KINDS];
	size_t prev_len[MFDZ_KINDS];
};

void mfdz_init(struct mfdz *z);
void mfdz_free(struct mfdz *z);
/* Forget the previous lines: the next record of each kind is a key. */
void mfdz_reset(struct mfdz *z);

/* The record for line (len bytes, no newline) of kind: malloc'd into
 * *out. The state is not changed: call mfdz_commit() once the record is
 * on disk. 0, -EINVAL or -ENOMEM. */
int mfdz_encode(const struct mfdz *z, unsigned int kind, const char *line,
		size_t len, uint8_t **out, size_t *out_len);
/* Make line the previous one of its kind. 0 or -ENOMEM (then the next
 * record of that kind is a key). */
int mfdz_commit(struct mfdz *z, unsigned int kind, const char *line,
		size_t len);

/* Decode one record's body (after its length varint): *line (len bytes,
 * NUL-terminated) becomes the previous line of its kind, owned by z and
 * valid until the next record of that kind. 0, -EBADMSG (corrupt, or a
 * delta without its previous line: after a corrupt record its kind's
 * deltas are refused until a key) or -ENOMEM. */
int mfdz_decode(struct mfdz *z, const uint8_t *rec, size_t rec_len, char **line,
		size_t *len);

/* A varint (LEB128, at most 10 bytes) into buf: its length. */
size_t mfdz_put_varint(uint8_t *buf, uint64_t v);

#endif /* MFD_MFDZ_H */
