// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_vmstat.c - /proc/vmstat parser against recorded files, each value
 * checked against this file's own sscanf reading of the same text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vmstat.h"

#define FIX MFD_SOURCE_DIR "/tests/fixtures/vmstat/"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = calloc(1, 1 << 20);

	assert_non_null(f);
	assert_non_null(buf);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	fclose(f);
	return buf;
}

/* The reference: scan the text line by line for "name value". */
static int ref_lookup(const char *text, const char *name, uint64_t *v)
{
	char n[128];
	unsigned long long x;
	const char *p = text;
	int off;

	while (sscanf(p, "%127s %llu%n", n, &x, &off) == 2) {
		if (!strcmp(n, name)) {
			*v = x;
			return 1;
		}
		p += off;
	}
	return 0;
}

static void check_file(const char *path)
{
	struct mfd_vmstat v;
	struct mfd_parse_error err;
	size_t len;
	char *text = slurp(path, &len);
	uint64_t ref;

	memset(&v, 0, sizeof(v));
	assert_int_equal(mfd_vmstat_parse(text, len, &v, &err), 0);
	for (int i = 0; i < MFD_VM_ITEMS; i++) {
		int present = ref_lookup(text, mfd_vmstat_names[i], &ref);

		/* absent in the file -> absent, never zero */
		assert_int_equal(mfd_vmstat_has(&v, i), present);
		if (present)
			assert_true(v.val[i] == ref);
	}
	for (unsigned int k = 0; k < v.nr_allocstall; k++) {
		char n[64];

		snprintf(n, sizeof(n), "allocstall_%s", v.allocstall[k].zone);
		assert_true(ref_lookup(text, n, &ref));
		assert_true(v.allocstall[k].val == ref);
	}
	assert_true(v.nr_allocstall > 0);
	free(text);
}

static void test_recorded(void **state)
{
	(void)state;
	check_file(FIX "vm-6.18");
	check_file(FIX "old-kernel");
}

static void test_old_kernel_absent(void **state)
{
	struct mfd_vmstat v;
	size_t len;
	char *text = slurp(FIX "old-kernel", &len);

	(void)state;
	assert_int_equal(mfd_vmstat_parse(text, len, &v, NULL), 0);
	assert_false(mfd_vmstat_has(&v, MFD_VM_THP_FAULT_FALLBACK_CHARGE));
	assert_true(mfd_vmstat_has(&v, MFD_VM_THP_FAULT_FALLBACK));
	free(text);
}

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"compact_stall\n",
		"compact_stall x1\n",
		"compact_stall 18446744073709551616\n",
		" 12\n",
		"compact_stall -1\n",
	};
	struct mfd_vmstat v;
	struct mfd_parse_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(mfd_vmstat_parse(bad[i], strlen(bad[i]), &v,
						  &err),
				 -22);
		assert_int_equal(err.line, 1);
		assert_true(err.msg[0] != '\0');
	}
	/* no trailing newline, max u64, blank lines */
	{
		const char *t = "\ncompact_stall 18446744073709551615";

		assert_int_equal(mfd_vmstat_parse(t, strlen(t), &v, &err), 0);
	}
	assert_true(v.val[MFD_VM_COMPACT_STALL] == UINT64_MAX);
}

static void test_u64(void **state)
{
	uint64_t x;

	(void)state;
	assert_int_equal(mfd_vmstat_parse_u64("42\n", 3, &x), 0);
	assert_true(x == 42);
	assert_int_not_equal(mfd_vmstat_parse_u64("\n", 1, &x), 0);
	assert_int_not_equal(mfd_vmstat_parse_u64("4x\n", 3, &x), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded),
		cmocka_unit_test(test_old_kernel_absent),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_u64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
