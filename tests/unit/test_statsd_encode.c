// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_statsd_encode.c - the pure StatsD encoder (exporters/statsd/statsd_encode.c):
 * names in each tag style, escaping of what StatsD treats specially,
 * counter deltas (first sight, increase, reset), negative gauges, packing
 * under the MTU, and the address parser.
 *
 * The reference daemon's view of the same bytes is tested in
 * tests/statsd/; here the expected strings follow docs/statsd.md's naming
 * rules.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

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

static const struct mfd_metric_desc g_free = {
	.name = "mfd.zone.order.free_blocks",
	.kind = MFD_METRIC_GAUGE,
	.emit = no_emit,
};
static const struct mfd_metric_desc g_index = {
	.name = "mfd.zone.order.extfrag_index",
	.kind = MFD_METRIC_GAUGE,
	.is_double = true,
	.emit = no_emit,
};
static const struct mfd_metric_desc c_events = {
	.name = "mfd.extfrag.events",
	.kind = MFD_METRIC_SUM,
	.emit = no_emit,
};
static const struct mfd_metric_desc h_dur = {
	.name = "mfd.agent.collection.duration",
	.kind = MFD_METRIC_HISTOGRAM,
	.is_double = true,
	.emit = no_emit,
};

static struct mfd_point order_point(const struct mfd_metric_desc *d, int node,
				    const char *zone, int order)
{
	struct mfd_point p = { .desc = d, .is_double = d->is_double };

	p.attrs[0] = (struct mfd_attr){ .key = "numa.node",
					.type = MFD_ATTR_INT,
					.i = node };
	p.attrs[1] = (struct mfd_attr){ .key = "zone",
					.type = MFD_ATTR_STR,
					.s = zone };
	p.attrs[2] = (struct mfd_attr){ .key = "order",
					.type = MFD_ATTR_INT,
					.i = order };
	p.nattrs = 3;
	return p;
}

/* All packets of the last encode, joined by '|' between packets. */
static void packets(const struct statsd_encoder *enc, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t k = 0; k < statsd_encoder_npackets(enc); k++) {
		size_t n;
		const char *p = statsd_encoder_packet(enc, k, &n, NULL);

		off += (size_t)snprintf(out + off, len - off, "%s%.*s",
					k ? "||" : "", (int)n, p);
	}
}

static void encode1(struct statsd_encoder *enc, const struct mfd_point *p,
		    char *out, size_t len)
{
	statsd_encoder_begin(enc);
	statsd_encoder_point(p, enc);
	statsd_encoder_end(enc);
	packets(enc, out, len);
}

static void test_styles(void **state)
{
	struct statsd_encoder enc;
	struct mfd_point p = order_point(&g_free, 0, "Normal", 3);
	char out[4096];

	(void)state;
	p.i = 42;
	assert_int_equal(
		statsd_encoder_init(&enc, STATSD_TAGS_NONE, "mfd.", 1432), 0);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(
		out, "mfd.zone.order.free_blocks.node0.Normal.order3:42|g");
	statsd_encoder_configure(&enc, STATSD_TAGS_DOGSTATSD, "mfd.", 1432);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out, "mfd.zone.order.free_blocks:42|g|"
				 "#numa.node:0,zone:Normal,order:3");
	statsd_encoder_configure(&enc, STATSD_TAGS_GRAPHITE, "", 1432);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out, "zone.order.free_blocks;numa.node=0;zone="
				 "Normal;order=3:42|g");
	statsd_encoder_free(&enc);
}

/* Characters StatsD splits on or strips never reach the wire. */
static void test_escaping(void **state)
{
	struct statsd_encoder enc;
	struct mfd_point p = order_point(&g_free, 1, "a:b|c#d,e;f=g h\n.i@", 0);
	char out[4096];

	(void)state;
	p.i = 1;
	statsd_encoder_init(&enc, STATSD_TAGS_NONE, "x.", 1432);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out, "x.zone.order.free_blocks.node1."
				 "a_b_c_d_e_f_g_h__i_.order0:1|g");
	statsd_encoder_configure(&enc, STATSD_TAGS_DOGSTATSD, "x.", 1432);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out, "x.zone.order.free_blocks:1|g|#numa.node:1,"
				 "zone:a_b_c_d_e_f_g_h_.i_,order:0");
	statsd_encoder_configure(&enc, STATSD_TAGS_GRAPHITE, "x.", 1432);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out, "x.zone.order.free_blocks;numa.node=1;"
				 "zone=a_b_c_d_e_f_g_h_.i_;order=0:1|g");

	/* A prefix StatsD would mangle is refused, the old one kept. */
	assert_int_equal(statsd_encoder_configure(&enc, STATSD_TAGS_NONE, "a:b",
						  1432),
			 -EINVAL);
	assert_int_equal(statsd_encoder_configure(&enc, STATSD_TAGS_NONE, "a b",
						  1432),
			 -EINVAL);
	assert_string_equal(enc.prefix, "x.");
	statsd_encoder_free(&enc);
}

/* A negative gauge is preceded by a 0 in the same packet: statsd adds a
 * signed value to a held non-zero gauge instead of setting it. */
static void test_negative_gauge(void **state)
{
	struct statsd_encoder enc;
	struct mfd_point p = order_point(&g_index, 0, "DMA", 1);
	char out[4096];

	(void)state;
	p.d = -1;
	statsd_encoder_init(&enc, STATSD_TAGS_NONE, "", 1432);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out,
			    "zone.order.extfrag_index.node0.DMA.order1:0|g\n"
			    "zone.order.extfrag_index.node0.DMA.order1:-1|g");
	assert_int_equal(enc.lines, 1);
	p.d = 0.125;
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(
		out, "zone.order.extfrag_index.node0.DMA.order1:0.125|g");
	/* Not finite: dropped and counted, nothing sent. */
	p.d = 0.0 / 0.0;
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(enc.drop_encode, 1);
	statsd_encoder_free(&enc);
}

static struct mfd_point event_point(int64_t v, const char *comm)
{
	struct mfd_point p = { .desc = &c_events };

	p.attrs[0] = (struct mfd_attr){ .key = "process.executable.name",
					.type = MFD_ATTR_STR,
					.s = comm };
	p.attrs[1] = (struct mfd_attr){ .key = "fragmenting",
					.type = MFD_ATTR_BOOL,
					.i = 0 };
	p.nattrs = 2;
	p.i = v;
	return p;
}

static void test_counter_deltas(void **state)
{
	struct statsd_encoder enc;
	struct mfd_point a = event_point(10, "cc1"), b;
	char out[4096];

	(void)state;
	statsd_encoder_init(&enc, STATSD_TAGS_NONE, "", 1432);
	/* First sight: the whole value (sums count from the agent start). */
	encode1(&enc, &a, out, sizeof(out));
	assert_string_equal(out, "extfrag.events.cc1.not_fragmenting:10|c");
	a.i = 25;
	encode1(&enc, &a, out, sizeof(out));
	assert_string_equal(out, "extfrag.events.cc1.not_fragmenting:15|c");
	encode1(&enc, &a, out, sizeof(out));
	assert_string_equal(out, "extfrag.events.cc1.not_fragmenting:0|c");
	/* Reset: the new value, never a negative. */
	a.i = 4;
	encode1(&enc, &a, out, sizeof(out));
	assert_string_equal(out, "extfrag.events.cc1.not_fragmenting:4|c");
	assert_int_equal(enc.resets, 1);
	/* Another series is separate; the tagged form is another series. */
	b = event_point(7, "ld");
	b.attrs[1].i = 1;
	encode1(&enc, &b, out, sizeof(out));
	assert_string_equal(out, "extfrag.events.ld.fragmenting:7|c");
	statsd_encoder_configure(&enc, STATSD_TAGS_DOGSTATSD, "", 1432);
	a.i = 5;
	encode1(&enc, &a, out, sizeof(out));
	assert_string_equal(out, "extfrag.events:5|c|#process.executable.name:"
				 "cc1,fragmenting:false");
	statsd_encoder_free(&enc);
}

/* --statsd-send changed: a line only for a gauge whose value moved or a
 * counter that grew; a refresh encode sends all; negatives keep their
 * "0" reset pair. */
static void test_changed_only(void **state)
{
	struct statsd_encoder enc;
	struct mfd_point g = order_point(&g_free, 0, "Normal", 3);
	struct mfd_point c = event_point(10, "cc1");
	char out[4096];

	(void)state;
	statsd_encoder_init(&enc, STATSD_TAGS_NONE, "", 1432);
	enc.changed_only = true;
	g.i = 42;
	/* First sight of each: sent. */
	encode1(&enc, &g, out, sizeof(out));
	assert_string_equal(out,
			    "zone.order.free_blocks.node0.Normal.order3:42|g");
	encode1(&enc, &c, out, sizeof(out));
	assert_string_equal(out, "extfrag.events.cc1.not_fragmenting:10|c");
	/* Unchanged: nothing, and counted. */
	encode1(&enc, &g, out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(enc.unchanged, 1);
	encode1(&enc, &c, out, sizeof(out));
	assert_string_equal(out, "");
	assert_int_equal(enc.unchanged, 1);
	/* Changed: sent; the counter carries the increase since it was last
	 * sent, none of which was lost while it stood still. */
	g.i = 40;
	encode1(&enc, &g, out, sizeof(out));
	assert_string_equal(out,
			    "zone.order.free_blocks.node0.Normal.order3:40|g");
	c.i = 13;
	encode1(&enc, &c, out, sizeof(out));
	assert_string_equal(out, "extfrag.events.cc1.not_fragmenting:3|c");
	/* A refresh sends both though neither changed. */
	statsd_encoder_begin(&enc);
	enc.refresh = true;
	statsd_encoder_point(&g, &enc);
	statsd_encoder_point(&c, &enc);
	statsd_encoder_end(&enc);
	enc.refresh = false;
	packets(&enc, out, sizeof(out));
	assert_string_equal(out,
			    "zone.order.free_blocks.node0.Normal.order3:40|g\n"
			    "extfrag.events.cc1.not_fragmenting:0|c");
	/* A double gauge that moves to a negative value: the reset pair. */
	{
		struct mfd_point d = order_point(&g_index, 0, "DMA", 1);

		d.d = 0.5;
		encode1(&enc, &d, out, sizeof(out));
		d.d = -1;
		encode1(&enc, &d, out, sizeof(out));
		assert_string_equal(
			out, "zone.order.extfrag_index.node0.DMA.order1:0|g\n"
			     "zone.order.extfrag_index.node0.DMA.order1:-1|g");
		encode1(&enc, &d, out, sizeof(out));
		assert_string_equal(out, "");
	}
	/* Off again: every line, every time. */
	enc.changed_only = false;
	encode1(&enc, &g, out, sizeof(out));
	assert_string_equal(out,
			    "zone.order.free_blocks.node0.Normal.order3:40|g");
	statsd_encoder_free(&enc);
}

static void test_histogram(void **state)
{
	static const double bounds[] = { 0.001, 0.01 };
	struct statsd_encoder enc;
	struct mfd_histogram h;
	struct mfd_point p = { .desc = &h_dur, .is_double = true, .hist = &h };
	char out[4096];

	(void)state;
	mfd_histogram_init(&h, bounds, 2);
	mfd_histogram_observe(&h, 0.5);
	mfd_histogram_observe(&h, 0.25);
	statsd_encoder_init(&enc, STATSD_TAGS_GRAPHITE, "m.", 1432);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out, "m.agent.collection.duration.count:2|c\n"
				 "m.agent.collection.duration.sum:0.75|c");
	mfd_histogram_observe(&h, 0.125);
	encode1(&enc, &p, out, sizeof(out));
	assert_string_equal(out, "m.agent.collection.duration.count:1|c\n"
				 "m.agent.collection.duration.sum:0.125|c");
	statsd_encoder_free(&enc);
}

/* q points at ":-" in a line of packet p: the line before is the same
 * series set to 0 ("name:0|g" + the same tags). */
static bool preceded_by_zero(const char *p, const char *end, const char *q)
{
	const char *ls = q, *pls, *bar = memchr(q, '|', (size_t)(end - q));
	size_t name = 0, tail_len;
	const char *tail;

	while (ls > p && ls[-1] != '\n')
		ls--;
	if (ls == p || !bar)
		return false;
	name = (size_t)(q - ls);
	tail = bar;
	tail_len = 0;
	while (tail + tail_len < end && tail[tail_len] != '\n')
		tail_len++;
	pls = ls - 1;
	while (pls > p && pls[-1] != '\n')
		pls--;
	return (size_t)(ls - 1 - pls) == name + 2 + tail_len &&
	       memcmp(pls, ls, name) == 0 && memcmp(pls + name, ":0", 2) == 0 &&
	       memcmp(pls + name + 2, tail, tail_len) == 0;
}

/* Lines are packed in order, never split, each packet <= mtu unless it is
 * one line longer than the mtu, which goes alone and is counted. */
static void test_packing(void **state)
{
	struct statsd_encoder enc;
	char all[65536], joined[65536];
	size_t alen = 0, jlen = 0;
	const size_t mtu = 160;

	(void)state;
	statsd_encoder_init(&enc, STATSD_TAGS_DOGSTATSD, "mfd.", mtu);
	statsd_encoder_begin(&enc);
	for (int i = 0; i < 40; i++) {
		struct mfd_point p =
			order_point(&g_index, i % 3,
				    i == 17 ? "A_very_long_zone_"
					      "name_that_makes_"
					      "this_line_longer_"
					      "than_the_mtu_of_160_bytes_"
					      "so_it_must_go_alone_in_its_"
					      "own_packet" :
					      "Normal",
				    i);

		p.d = i % 4 == 0 ? -1 : i / 8.0;
		statsd_encoder_point(&p, &enc);
	}
	statsd_encoder_end(&enc);
	assert_int_equal(enc.lines, 40);
	assert_int_equal(enc.oversize, 1);
	assert_true(statsd_encoder_npackets(&enc) > 10);

	/* Re-encode line by line with mtu large enough for everything, to
	 * get the reference sequence of lines. */
	for (size_t k = 0; k < statsd_encoder_npackets(&enc); k++) {
		size_t n;
		uint32_t lines;
		const char *p = statsd_encoder_packet(&enc, k, &n, &lines);

		assert_true(n > 0);
		assert_true(lines > 0);
		if (n > mtu)
			assert_int_equal(lines, 1);
		/* no packet starts or ends with a separator */
		assert_true(p[0] != '\n' && p[n - 1] != '\n');
		/* a negative value is always preceded by its 0 */
		for (const char *q = p;
		     (q = memmem(q, (size_t)(p + n - q), ":-", 2)); q++)
			assert_true(preceded_by_zero(p, p + n, q));
		memcpy(joined + jlen, p, n);
		jlen += n;
		joined[jlen++] = '\n';
	}
	statsd_encoder_configure(&enc, STATSD_TAGS_DOGSTATSD, "mfd.", 65000);
	statsd_encoder_begin(&enc);
	for (int i = 0; i < 40; i++) {
		struct mfd_point p =
			order_point(&g_index, i % 3,
				    i == 17 ? "A_very_long_zone_"
					      "name_that_makes_"
					      "this_line_longer_"
					      "than_the_mtu_of_160_bytes_"
					      "so_it_must_go_alone_in_its_"
					      "own_packet" :
					      "Normal",
				    i);

		p.d = i % 4 == 0 ? -1 : i / 8.0;
		statsd_encoder_point(&p, &enc);
	}
	statsd_encoder_end(&enc);
	assert_int_equal(statsd_encoder_npackets(&enc), 1);
	{
		size_t n;
		const char *p = statsd_encoder_packet(&enc, 0, &n, NULL);

		memcpy(all, p, n);
		alen = n;
		all[alen++] = '\n';
	}
	assert_int_equal(alen, jlen);
	assert_memory_equal(all, joined, alen);
	statsd_encoder_free(&enc);
}

static void test_parse_addr(void **state)
{
	static const char *const bad[] = {
		"",	      "host",	 "host:",	"host:0",
		"host:65536", ":8125",	 "a:b:8125",	"[::1]8125",
		"[::1]:",     "[]:1",	 "h st:1",	"host:12a",
		"host:-1",    "host:+1", "host:000001", "[::1:8125",
		"ho]st:8125",
	};
	char host[256];
	uint16_t port = 0;

	(void)state;
	assert_int_equal(statsd_parse_addr("localhost:8125", host, sizeof(host),
					   &port),
			 0);
	assert_string_equal(host, "localhost");
	assert_int_equal(port, 8125);
	assert_int_equal(
		statsd_parse_addr("[::1]:65535", host, sizeof(host), &port), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 65535);
	assert_int_equal(
		statsd_parse_addr("10.0.0.1:1", host, sizeof(host), &port), 0);
	assert_string_equal(host, "10.0.0.1");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (statsd_parse_addr(bad[i], host, sizeof(host), &port) !=
		    -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	/* The host must fit the caller's buffer. */
	assert_int_equal(statsd_parse_addr("abcdef:1", host, 4, &port),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_negative_gauge),
		cmocka_unit_test(test_counter_deltas),
		cmocka_unit_test(test_changed_only),
		cmocka_unit_test(test_histogram),
		cmocka_unit_test(test_packing),
		cmocka_unit_test(test_parse_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
