// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_mfdz.c - the compact recording format: every record decodes to the
 * line it was made from, in sequence; a key needs nothing before it; a
 * delta without its previous line, a flipped byte, a cut record and
 * random bytes are refused, never decoded into another line.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mfdz.h"

/* A line like a sample's: the same keys, numbers that move with i. Long
 * enough (about 80 KB) to span several chunks. */
static char *sample_line(unsigned int i, size_t *len)
{
	size_t cap = 100000, n = 0;
	char *s = malloc(cap);

	assert_non_null(s);
	n += (size_t)snprintf(s + n, cap - n, "{\"resourceMetrics\":[");
	for (unsigned int p = 0; p < 600 && n + 200 < cap; p++)
		n += (size_t)snprintf(
			s + n, cap - n,
			"%s{\"attributes\":[{\"key\":\"order\",\"value\":"
			"{\"intValue\":\"%u\"}}],\"timeUnixNano\":\"17964598"
			"%011u\",\"asInt\":\"%u\"}",
			p ? "," : "", p % 11, i * 1000003u, (p * 7 + i) % 97);
	n += (size_t)snprintf(s + n, cap - n, "]}");
	*len = n;
	return s;
}

/* The body of a record (after its length varint), and that length. */
static const uint8_t *body(const uint8_t *rec, size_t rec_len, size_t *len)
{
	size_t i = 0;
	uint64_t n = 0;

	for (int shift = 0;; shift += 7) {
		n |= (uint64_t)(rec[i] & 0x7f) << shift;
		if (!(rec[i++] & 0x80))
			break;
	}
	assert_int_equal(n, rec_len - i);
	*len = (size_t)n;
	return rec + i;
}

static void test_round_trip(void **state)
{
	struct mfdz enc, dec;
	size_t raw = 0, packed = 0;

	(void)state;
	mfdz_init(&enc);
	mfdz_init(&dec);
	for (unsigned int i = 0; i < 20; i++) {
		unsigned int kind = i % 5 == 4; /* now and then a logs line */
		size_t len, rec_len, blen, dlen;
		char *line = sample_line(i, &len), *out;
		uint8_t *rec;
		const uint8_t *b;

		assert_int_equal(
			mfdz_encode(&enc, kind, line, len, &rec, &rec_len), 0);
		assert_int_equal(mfdz_commit(&enc, kind, line, len), 0);
		b = body(rec, rec_len, &blen);
		assert_int_equal(mfdz_decode(&dec, b, blen, &out, &dlen), 0);
		assert_int_equal(dlen, len);
		assert_memory_equal(out, line, len);
		raw += len;
		packed += rec_len;
		free(rec);
		free(line);
	}
	/* Against the previous line, a sample costs a small part of itself
	 * (the bound is loose: what matters is that deltas work at all). */
	assert_true(packed * 10 < raw);
	mfdz_free(&enc);
	mfdz_free(&dec);
}

static void test_refusals(void **state)
{
	struct mfdz enc, dec;
	size_t len0, len1, r0len, r1len, blen, dlen;
	char *l0 = sample_line(0, &len0), *l1 = sample_line(1, &len1), *out;
	uint8_t *r0, *r1, *junk;
	const uint8_t *b;

	(void)state;
	mfdz_init(&enc);
	mfdz_init(&dec);
	assert_int_equal(mfdz_encode(&enc, 0, l0, len0, &r0, &r0len), 0);
	assert_int_equal(mfdz_commit(&enc, 0, l0, len0), 0);
	assert_int_equal(mfdz_encode(&enc, 0, l1, len1, &r1, &r1len), 0);

	/* A delta without its previous line. */
	b = body(r1, r1len, &blen);
	assert_int_equal(mfdz_decode(&dec, b, blen, &out, &dlen), -EBADMSG);

	/* A flipped byte anywhere in a key record, then a cut one: refused,
	 * or (a bit deflate never reads) the very same line. */
	b = body(r0, r0len, &blen);
	for (size_t i = 0; i < blen; i += blen / 16 + 1) {
		uint8_t *c = malloc(blen);

		memcpy(c, b, blen);
		c[i] ^= 0x20;
		if (mfdz_decode(&dec, c, blen, &out, &dlen) == 0)
			assert_true(dlen == len0 && !memcmp(out, l0, len0));
		if (mfdz_decode(&dec, b, blen - 1 - i / 2, &out, &dlen) == 0)
			assert_true(dlen == len0 && !memcmp(out, l0, len0));
		free(c);
	}
	/* Intact, the key decodes, and then the delta does. */
	assert_int_equal(mfdz_decode(&dec, b, blen, &out, &dlen), 0);
	b = body(r1, r1len, &blen);
	assert_int_equal(mfdz_decode(&dec, b, blen, &out, &dlen), 0);
	assert_memory_equal(out, l1, len1);

	/* A corrupt record makes its kind refuse deltas until a key. */
	{
		uint8_t *c = malloc(blen);

		memcpy(c, b, blen);
		c[blen / 2] ^= 1;
		assert_int_not_equal(mfdz_decode(&dec, c, blen, &out, &dlen),
				     0);
		assert_int_equal(mfdz_decode(&dec, b, blen, &out, &dlen),
				 -EBADMSG);
		free(c);
	}

	/* Random bytes: refused, whatever they are. */
	junk = malloc(4096);
	srand(7);
	for (int t = 0; t < 2000; t++) {
		size_t n = (size_t)(rand() % 4096) + 1;

		for (size_t i = 0; i < n; i++)
			junk[i] = (uint8_t)rand();
		assert_int_not_equal(mfdz_decode(&dec, junk, n, &out, &dlen),
				     0);
	}
	free(junk);
	free(r0);
	free(r1);
	free(l0);
	free(l1);
	mfdz_free(&enc);
	mfdz_free(&dec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
