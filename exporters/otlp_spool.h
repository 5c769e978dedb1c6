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

#endif /* MFD_OTLP_SPOOL_H */
