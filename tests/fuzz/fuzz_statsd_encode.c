// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_statsd_encode.c - libFuzzer harness for the StatsD encoder: the
 * input chooses the style, prefix, MTU and a run of points whose string
 * attributes (process names come from outside) and values are arbitrary.
 * It checks what the encoder promises: every packet fits the MTU unless it
 * holds one line, no packet starts or ends with '\n', lines only use
 * characters StatsD does not treat specially, and no counter is negative.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "statsd_encode.h"

static int no_emit(const struct mfd_metric_desc *d, const struct mfd_state *st,
		   mfd_point_fn fn, void *arg)
{
	(void)d;
	(void)st;
	(void)fn;
	(void)arg;
	return 0;
}

static const struct mfd_metric_desc descs[] = {
	{ .name = "mfd.zone.order.free_blocks",
	  .kind = MFD_METRIC_GAUGE,
	  .emit = no_emit },
	{ .name = "mfd.zone.order.extfrag_index",
	  .kind = MFD_METRIC_GAUGE,
	  .is_double = true,
	  .emit = no_emit },
	{ .name = "mfd.process.extfrag.fragmenting_events",
	  .kind = MFD_METRIC_SUM,
	  .emit = no_emit },
	{ .name = "mfd.agent.collection.duration",
	  .kind = MFD_METRIC_HISTOGRAM,
	  .is_double = true,
	  .emit = no_emit },
};

static bool allowed(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("_.-+:|#,;=\n", c);
}

static void check(const struct statsd_encoder *enc)
{
	for (size_t k = 0; k < statsd_encoder_npackets(enc); k++) {
		uint32_t lines = 0;
		size_t len = 0;
		const char *p = statsd_encoder_packet(enc, k, &len, &lines);

		if (!p || !len || !lines || p[0] == '\n' || p[len - 1] == '\n')
			abort();
		if (len > enc->mtu && lines != 1)
			abort();
		for (size_t i = 0; i < len; i++)
			if (!allowed(p[i]))
				abort();
		for (const char *ls = p, *end = p + len; ls < end;) {
			const char *le = memchr(ls, '\n', (size_t)(end - ls));
			const char *bar, *colon = NULL;

			if (!le)
				le = end;
			bar = memchr(ls, '|', (size_t)(le - ls));
			if (!bar)
				abort(); /* every line has a type */
			for (const char *c = ls; c < bar; c++)
				if (*c == ':')
					colon = c;
			if (!colon || colon + 1 == bar)
				abort(); /* and a value */
			if (bar[1] == 'c' && colon[1] == '-')
				abort(); /* a negative counter */
			ls = le + 1;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct statsd_encoder enc;
	struct mfd_histogram h = { 0 };
	char strs[4][64];
	size_t off = 3;

	if (size < 3)
		return 0;
	if (statsd_encoder_init(&enc, (enum statsd_tag_style)(data[0] % 3),
				data[1] & 1 ? "mfd." : "", 16 + data[2] * 4))
		return 0;
	for (int round = 0; round < 3; round++) {
		statsd_encoder_begin(&enc);
		for (size_t i = 0; off + 10 <= size && i < 64; i++) {
			const uint8_t *q = data + off;
			struct mfd_point p = { .desc = &descs[q[0] % 4] };
			size_t sl = q[1] % 64;
			char *s = strs[i % 4];
			int64_t v;

			off += 10;
			if (off + sl > size)
				sl = size - off;
			memcpy(s, data + off, sl);
			s[sl] = '\0';
			off += sl;
			memcpy(&v, q + 2, sizeof(v));
			p.is_double = p.desc->is_double;
			p.i = v;
			p.d = (double)v / 1000.0;
			if (q[0] & 0x80)
				p.d = q[0] & 0x40 ? NAN : -INFINITY;
			p.attrs[0] = (struct mfd_attr){ .key = "numa.node",
							.type = MFD_ATTR_INT,
							.i = q[1] };
			p.attrs[1] = (struct mfd_attr){ .key = "process.name",
							.type = MFD_ATTR_STR,
							.s = s };
			p.attrs[2] = (struct mfd_attr){ .key = "fragmenting",
							.type = MFD_ATTR_BOOL,
							.i = q[0] & 1 };
			p.nattrs = 3;
			if (p.desc->kind == MFD_METRIC_HISTOGRAM) {
				h.count += q[2] & 1; /* what observe() does */
				h.sum += (double)q[2] / 7;
				p.hist = &h;
			}
			statsd_encoder_point(&p, &enc);
		}
		statsd_encoder_end(&enc);
		check(&enc);
		off = 3 + (size - 3) / 2 * (size_t)(round & 1);
	}
	statsd_encoder_free(&enc);
	return 0;
}
