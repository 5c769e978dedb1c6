/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statsd_encode.h - StatsD lines and packets from metric points, with no I/O.
 *
 * The exporter shell (statsd.c) walks mfd_metrics_walk() into an encoder,
 * then sends the packets it produced. Everything that decides bytes lives
 * here so unit tests and fuzzers can drive it:
 *
 *  - names: prefix + the OTel name without its "mfd." namespace, then the
 *    attributes in one of three styles (none, DogStatsD, Graphite tags);
 *  - values: gauges as "|g", sums as "|c" carrying the increase since the
 *    previous encode of the same series (the encoder keeps the previous
 *    cumulative value per series), histograms as two such counters,
 *    "<name>.count" and "<name>.sum";
 *  - packing: lines joined by '\n' into packets of at most mtu bytes; a
 *    line is never split, and a line longer than the mtu goes alone;
 *  - changed_only (--statsd-send changed): a gauge is sent when its value
 *    differs from the one last sent, a counter when it grew; an encode
 *    with refresh set sends everything (a restarted daemon relearns).
 */
#ifndef MFD_STATSD_ENCODE_H
#define MFD_STATSD_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

enum statsd_tag_style {
	STATSD_TAGS_NONE = 0, /* mfd.zone.order.free_blocks.node0.DMA.order3 */
	STATSD_TAGS_DOGSTATSD, /* name:v|g|#numa.node:0,zone:DMA,order:3 */
	STATSD_TAGS_GRAPHITE, /* name;numa.node=0;zone=DMA;order=3:v|g */
};

/* Longest prefix accepted (bytes, without the terminating NUL). */
#define STATSD_PREFIX_MAX 128
/* Longest rendered line (name, tags, value, type); longer points are
 * dropped and counted in drop_encode. */
#define STATSD_LINE_MAX 1024
/* Most series whose previous value is remembered. */
#define STATSD_MAX_SERIES 65536

/* Previous cumulative value of one counter series, or (changed_only) the
 * value last sent of a gauge. */
struct statsd_series {
	char *key; /* rendered name and tags; NULL: empty slot */
	uint64_t gen; /* encode generation that last saw it */
	bool is_double; /* value in d, else in i */
	int64_t i;
	double d;
};

struct statsd_encoder {
	/* settings (statsd_encoder_configure) */
	enum statsd_tag_style style;
	char prefix[STATSD_PREFIX_MAX + 1];
	size_t mtu; /* largest packet payload, bytes */
	bool changed_only; /* leave out what has not changed */
	bool refresh; /* set per encode: send everything this time */

	/* counter series: open addressing, cap a power of two */
	struct statsd_series *series;
	size_t series_cap;
	size_t series_len;
	uint64_t gen; /* bumped by each statsd_encoder_begin() */

	/* output of the current encode: packets back to back in buf,
	 * packet k is buf[pkt_off[k] .. pkt_off[k + 1]) */
	char *buf;
	size_t buf_len, buf_cap;
	size_t *pkt_off; /* npkts + 1 offsets */
	uint32_t *pkt_lines; /* points (lines) in each packet */
	size_t npkts, pkts_cap;
	size_t cur_lines; /* lines in the open packet */

	/* counts for the current encode */
	uint64_t lines; /* points encoded (a reset+value pair is one) */
	uint64_t oversize; /* lines longer than mtu, sent alone */
	uint64_t drop_encode; /* points dropped: non-finite, too long,
			       * series table full, out of memory */
	uint64_t resets; /* counters that went backwards (sent as reset) */
	uint64_t unchanged; /* lines left out by changed_only */
};

/* 0, or -EINVAL when the prefix has characters StatsD treats specially
 * (only [A-Za-z0-9_.-] are allowed) or is too long, or the mtu is < 16. */
int statsd_encoder_configure(struct statsd_encoder *enc,
			     enum statsd_tag_style style, const char *prefix,
			     size_t mtu);
/* Zero enc and configure it. 0 or -EINVAL. */
int statsd_encoder_init(struct statsd_encoder *enc, enum statsd_tag_style style,
			const char *prefix, size_t mtu);
void statsd_encoder_free(struct statsd_encoder *enc);

/* Start one encode: forget the previous packets, bump the generation. */
void statsd_encoder_begin(struct statsd_encoder *enc);
/* Encode one point. Always 0 (failures are counted in drop_encode) so it
 * can be an mfd_point_fn; arg is the encoder. */
int statsd_encoder_point(const struct mfd_point *p, void *arg);
/* Close the last packet and forget series not seen for a long time. */
void statsd_encoder_end(struct statsd_encoder *enc);

static inline size_t statsd_encoder_npackets(const struct statsd_encoder *enc)
{
	return enc->npkts;
}

/* Packet k's bytes (not NUL-terminated) and length. */
const char *statsd_encoder_packet(const struct statsd_encoder *enc, size_t k,
				  size_t *len, uint32_t *lines);

/* Write src into dst (size dstlen) with every byte outside [A-Za-z0-9_-]
 * replaced by '_' (and '.' too unless keep_dot). Returns the length
 * written, or -1 when it does not fit. */
int statsd_sanitize(char *dst, size_t dstlen, const char *src, bool keep_dot);

/*
 * Split "HOST:PORT" or "[IPV6]:PORT" into host and port, as
 * mfd_hostport_parse() (core/hostport.h) reads them; host must also fit
 * hostlen bytes with its NUL. 0 or -EINVAL.
 */
int statsd_parse_addr(const char *s, char *host, size_t hostlen,
		      uint16_t *port);

#endif /* MFD_STATSD_ENCODE_H */
