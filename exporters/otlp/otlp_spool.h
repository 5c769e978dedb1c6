/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_spool.h - framing of the OTLP exporter's batches, in memory and in
 * spool files.
 *
 * A spool file holds one export batch: a sequence of records, each
 *
 *   u32 magic "MFDR" | u8 signal | u8 version | u16 zero |
 *   u32 points | u32 length | u32 crc32(header[4..16) + payload) | payload
 *
 * (little-endian). The payload is one encoded request fragment. The reader
 * is pure: it checks every record and, after a bad or truncated one,
 * resynchronises on the next magic, so one torn write never costs the good
 * records after it.
 */
#ifndef MFD_OTLP_SPOOL_H
#define MFD_OTLP_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OTLP_REC_MAGIC 0x5244464du /* "MFDR" little-endian */
#define OTLP_REC_VERSION 1
#define OTLP_REC_HDR 20
#define OTLP_REC_MAX_LEN (64u << 20) /* larger lengths are corruption */

/* Write the header for a payload into hdr[OTLP_REC_HDR]. */
void otlp_rec_header(uint8_t hdr[OTLP_REC_HDR], unsigned int signal,
		     uint32_t points, const uint8_t *payload, uint32_t len);

/* One good record found by the scanner; payload points into the buffer. */
struct otlp_rec_view {
	unsigned int signal;
	uint32_t points;
	const uint8_t *payload;
	uint32_t len;
	size_t offset; /* of the header in the buffer */
};

struct otlp_scan_stats {
	size_t good; /* records passed to fn */
	size_t bad; /* corrupt spans skipped */
	size_t skipped_bytes; /* bytes in those spans */
	bool truncated; /* the buffer ended inside a record */
};

/* Return non-zero to stop the scan (returned by otlp_spool_scan). */
typedef int (*otlp_rec_fn)(const struct otlp_rec_view *r, void *arg);

/* Pure. Calls fn for every good record of buf, in order. nsignals bounds
 * the signal byte. Returns 0 or fn's non-zero value. */
int otlp_spool_scan(const uint8_t *buf, size_t len, unsigned int nsignals,
		    otlp_rec_fn fn, void *arg, struct otlp_scan_stats *st);

/*
 * Spool file names. The exporter names its files "%016llu.spool" after a
 * sequence number; the reader takes any "<digits>.spool" (another width,
 * or a name someone made by hand), so no file there is ignored: each is
 * sent, evicted, or counted against --spool-max-mib.
 */
#define OTLP_SPOOL_NAME_DIGITS 16
#define OTLP_SPOOL_NAME_MAX 32 /* 20 digits, ".spool", NUL */
/* Past this the next names would grow a digit: renumber from 1 instead. */
#define OTLP_SPOOL_SEQ_RENUMBER 1000000000000000ull /* 10^15 */

struct otlp_spool_file {
	char *name; /* as found in the directory */
	uint64_t seq; /* parsed from it (UINT64_MAX if it overflowed) */
	bool overflow; /* more digits than a uint64_t holds */
	uint64_t new_seq; /* set by otlp_spool_plan() */
};

/* Pure. 1 if name is "<1..N digits>.spool" (*seq set, *overflow when it
 * does not fit 64 bits), else 0. */
int otlp_spool_parse_name(const char *name, uint64_t *seq, bool *overflow);

/* The name the exporter gives sequence number seq. */
void otlp_spool_name(char out[OTLP_SPOOL_NAME_MAX], uint64_t seq);

/* Pure. Sort f[] oldest first (by number, then name) and give each the
 * sequence number it keeps or gets: its own, unless a number is past
 * OTLP_SPOOL_SEQ_RENUMBER, overflowed or appears twice ("7.spool" and
 * "0007.spool"); then all are renumbered from 1, in order, skipping any
 * number whose name a later file still holds, so renaming them in this
 * order never overwrites one.
 * Returns the next free sequence number. */
uint64_t otlp_spool_plan(struct otlp_spool_file *f, size_t n);

#endif /* MFD_OTLP_SPOOL_H */
