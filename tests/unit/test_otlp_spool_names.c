// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_otlp_spool_names.c - spool file names: every "<digits>.spool" is
 * taken whatever its width; a number that would make the next names grow
 * a digit (9999999999999999.spool), one that overflows 64 bits, or one
 * found twice makes the plan renumber from 1 in order, and renaming in the
 * planned order never targets a name a later file still holds (checked by
 * simulating the renames on a set of names).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "otlp_spool.h"

static void test_parse(void **unused)
{
	uint64_t seq;
	bool ov;

	(void)unused;
	assert_int_equal(
		otlp_spool_parse_name("0000000000000007.spool", &seq, &ov), 1);
	assert_true(seq == 7 && !ov);
	assert_int_equal(otlp_spool_parse_name("7.spool", &seq, &ov), 1);
	assert_true(seq == 7);
	assert_int_equal(
		otlp_spool_parse_name("10000000000000000.spool", &seq, &ov), 1);
	assert_true(seq == 10000000000000000ull && !ov);
	assert_int_equal(otlp_spool_parse_name("18446744073709551615.spool",
					       &seq, &ov),
			 1);
	assert_true(seq == UINT64_MAX && !ov);
	assert_int_equal(otlp_spool_parse_name("18446744073709551616.spool",
					       &seq, &ov),
			 1);
	assert_true(ov);
	assert_int_equal(
		otlp_spool_parse_name("123456789012345678901234567890.spool",
				      &seq, &ov),
		1);
	assert_true(ov);
	for (const char *const *bad =
		     (const char *const[]){ ".spool", "x1.spool", "1.spool.tmp",
					    "1.spoo", "-1.spool", "1 .spool",
					    "1.SPOOL", "", NULL };
	     *bad; bad++)
		assert_int_equal(otlp_spool_parse_name(*bad, &seq, &ov), 0);
}

/* Plan names, then apply the renames in order to a simulated directory:
 * no rename may land on a name that is still there, order is kept, and
 * every final name is canonical and distinct. */
static uint64_t plan_and_apply(const char *const *names, size_t n,
			       char final[][OTLP_SPOOL_NAME_MAX])
{
	struct otlp_spool_file f[16];
	char dir[16][OTLP_SPOOL_NAME_MAX];
	uint64_t next;

	assert_true(n <= 16);
	for (size_t i = 0; i < n; i++) {
		bool ov;
		uint64_t seq;

		assert_int_equal(otlp_spool_parse_name(names[i], &seq, &ov), 1);
		f[i] = (struct otlp_spool_file){ .name = strdup(names[i]),
						 .seq = seq,
						 .overflow = ov };
		snprintf(dir[i], sizeof(dir[i]), "%s", names[i]);
	}
	next = otlp_spool_plan(f, n);
	for (size_t i = 0; i < n; i++) {
		char want[OTLP_SPOOL_NAME_MAX];
		size_t at = n;

		otlp_spool_name(want, f[i].new_seq);
		if (i)
			assert_true(f[i].new_seq > f[i - 1].new_seq);
		for (size_t j = 0; j < n; j++)
			if (!strcmp(dir[j], f[i].name))
				at = j;
		assert_true(at < n);
		if (strcmp(want, f[i].name))
			for (size_t j = 0; j < n; j++)
				assert_string_not_equal(dir[j], want);
		snprintf(dir[at], sizeof(dir[at]), "%s", want);
		snprintf(final[i], OTLP_SPOOL_NAME_MAX, "%s", want);
		assert_int_equal(strlen(want), 16 + 6);
		free(f[i].name);
	}
	return next;
}

static void test_plan_keeps_ordinary_names(void **unused)
{
	const char *const names[] = { "0000000000000003.spool",
				      "0000000000000001.spool",
				      "0000000000000002.spool" };
	char final[3][OTLP_SPOOL_NAME_MAX];

	(void)unused;
	assert_true(plan_and_apply(names, 3, final) == 4);
	assert_string_equal(final[0], "0000000000000001.spool");
	assert_string_equal(final[2], "0000000000000003.spool");
}

/* The case: a file at 10^16 - 1 made the next names 17 digits. */
static void test_plan_renumbers_large(void **unused)
{
	const char *const names[] = { "0000000000000005.spool",
				      "9999999999999999.spool",
				      "0000000000000002.spool" };
	char final[3][OTLP_SPOOL_NAME_MAX];

	(void)unused;
	assert_true(plan_and_apply(names, 3, final) == 4);
	assert_string_equal(final[0], "0000000000000001.spool"); /* was 2 */
	assert_string_equal(final[1], "0000000000000002.spool"); /* was 5 */
	assert_string_equal(final[2],
			    "0000000000000003.spool"); /* was the big one */
}

/* Same number twice, other widths, an overflow: all kept, in order, and
 * the renames never clobber (here 1.spool, 01.spool and the canonical
 * 0000000000000001.spool all claim 1). */
static void test_plan_duplicates_and_overflow(void **unused)
{
	const char *const names[] = { "0000000000000001.spool", "1.spool",
				      "01.spool",
				      "99999999999999999999999.spool",
				      "3.spool" };
	char final[5][OTLP_SPOOL_NAME_MAX];

	(void)unused;
	assert_true(plan_and_apply(names, 5, final) >= 6);
}

/* Renumbering 0.spool to 1 would land on the next file's name: that
 * number is skipped, and the order stays. */
static void test_plan_skips_held_names(void **unused)
{
	const char *const names[] = { "0.spool", "0000000000000001.spool",
				      "9999999999999999.spool" };
	char final[3][OTLP_SPOOL_NAME_MAX];

	(void)unused;
	assert_true(plan_and_apply(names, 3, final) == 5);
	assert_string_equal(final[0], "0000000000000002.spool");
	assert_string_equal(final[1], "0000000000000003.spool");
	assert_string_equal(final[2], "0000000000000004.spool");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_plan_keeps_ordinary_names),
		cmocka_unit_test(test_plan_renumbers_large),
		cmocka_unit_test(test_plan_duplicates_and_overflow),
		cmocka_unit_test(test_plan_skips_held_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
