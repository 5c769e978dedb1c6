// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_parse.c - core/parse.c: decimals with a bound, and errors with a
 * line number.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

static int u64(const char *s, uint64_t max, uint64_t *v)
{
	return mfd_parse_u64(s, strlen(s), max, v);
}

static void test_u64(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(u64("0", UINT64_MAX, &v), 0);
	assert_true(v == 0);
	assert_int_equal(u64("18446744073709551615", UINT64_MAX, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(u64("18446744073709551616", UINT64_MAX, &v), -ERANGE);
	assert_int_equal(u64("99999999999999999999", UINT64_MAX, &v), -ERANGE);
	assert_int_equal(u64("63", 63, &v), 0);
	assert_true(v == 63);
	assert_int_equal(u64("64", 63, &v), -ERANGE);
	/* A bound below one digit: max - d must not wrap. */
	assert_int_equal(u64("5", 5, &v), 0);
	assert_int_equal(u64("7", 5, &v), -ERANGE);
	assert_int_equal(u64("1", 0, &v), -ERANGE);
	v = 42;
	assert_int_equal(u64("", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(u64("-1", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(u64("+1", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(u64(" 1", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(u64("1\n", UINT64_MAX, &v), -EINVAL);
	assert_true(v == 42); /* untouched on failure */
	/* len bounds the read. */
	assert_int_equal(mfd_parse_u64("123x", 3, UINT64_MAX, &v), 0);
	assert_true(v == 123);
}

static void test_error(void **state)
{
	struct mfd_parse_error err = { 0 };
	char line[100];

	(void)state;
	mfd_parse_error_set(NULL, 3, "ignored %d", 1);
	mfd_parse_error_set(&err, 3, "bad %s", "thing");
	assert_int_equal(err.line, 3);
	assert_string_equal(err.msg, "bad thing");
	memset(line, 'x', sizeof(line));
	mfd_parse_error_set(&err, 4, "\"%.*s\"",
			    mfd_parse_quote_len(line, line + sizeof(line)),
			    line);
	assert_int_equal(strlen(err.msg), MFD_PARSE_QUOTE_MAX + 2);
	assert_int_equal(mfd_parse_quote_len(line, line + 3), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
