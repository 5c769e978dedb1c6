// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_kmsg.c - the /dev/kmsg reader on a fixture of hand-written records
 * (tests/fixtures/kmsg/SOURCE says what each one exercises), and, as root,
 * on the live /dev/kmsg: the reader starts after the last record and reads
 * records user space writes, without counting them as kernel reports.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kmsg.h"

static void test_fixture(void **state)
{
	struct mfd_allocfail_stats st = { 0 };
	char text[8192];
	FILE *f = fopen(MFD_SOURCE_DIR "/tests/fixtures/kmsg/failures", "re");
	size_t n;
	bool saw_colon = false;

	(void)state;
	assert_non_null(f);
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	mfd_kmsg_feed_text(&st, text, n);
	assert_true(st.records == 8);
	assert_true(st.malformed == 1); /* "4,1209,5022121": no ';' */
	/* 1206, 1207, and 1209 whose header did not parse */
	assert_true(st.lost == 3);
	assert_true(st.last_seq == 1211);
	assert_true(st.by_order[9] == 1);
	assert_true(st.by_order[3] == 2); /* continuation not counted */
	assert_true(st.by_order[2] == 1);
	assert_true(st.by_order[7] == 0); /* user-space record */
	assert_int_equal(st.nr_procs, 3);
	for (unsigned int i = 0; i < st.nr_procs; i++) {
		if (st.procs[i].order == 3) {
			assert_string_equal(st.procs[i].comm, "kworker/u4:2");
			assert_true(st.procs[i].count == 2);
		}
		if (st.procs[i].order == 2) {
			assert_string_equal(st.procs[i].comm,
					    "a comm: with co");
			saw_colon = true;
		}
	}
	assert_true(saw_colon);
}

static void test_records(void **state)
{
	struct mfd_kmsg_record r;
	unsigned int order;
	char comm[MFD_KMSG_COMM_LEN];
	const char *rec = "4,77,123,-,caller=T1;x: y\n K=V\n";

	(void)state;
	assert_int_equal(mfd_kmsg_parse(rec, strlen(rec), &r), 0);
	assert_true(r.seq == 77 && r.ts_usec == 123 && !r.cont);
	assert_int_equal(r.msg_len, 4);
	assert_int_not_equal(mfd_kmsg_parse("4,77,123;x", 10, &r), 0);
	assert_int_not_equal(mfd_kmsg_parse("x,1,2,-;m", 9, &r), 0);
	assert_int_not_equal(mfd_kmsg_parse("", 0, &r), 0);
	assert_false(mfd_kmsg_alloc_failure("page allocation failure: order:3",
					    32, &order, comm) &&
		     comm[0]);
	assert_true(mfd_kmsg_alloc_failure(
		"z: page allocation failure: order:40, mode", 42, &order,
		comm));
	assert_int_equal(order, MFD_KMSG_MAX_ORDERS - 1);
}

static void test_live(void **state)
{
	static const char marker_a[] = "mfd-test-kmsg-before\n";
	static const char marker_b[] =
		"mfd-test-kmsg: page allocation failure: "
		"order:4 (user space, must not count)\n";
	struct mfd_allocfail_stats st = { 0 };
	char buf[8193];
	bool saw_b = false, saw_a = false;
	int w, fd;

	(void)state;
	if (geteuid() != 0)
		skip();
	w = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	assert_true(w >= 0);
	assert_true(write(w, marker_a, strlen(marker_a)) > 0);
	fd = mfd_kmsg_open(NULL);
	assert_true(fd >= 0);
	assert_true(write(w, marker_b, strlen(marker_b)) > 0);
	close(w);
	/* our own drain, looking at each record, then the real one */
	for (;;) {
		struct mfd_kmsg_record r;
		ssize_t n = read(fd, buf, sizeof(buf) - 1);

		if (n <= 0)
			break;
		mfd_kmsg_feed(&st, buf, (size_t)n);
		assert_int_equal(mfd_kmsg_parse(buf, (size_t)n, &r), 0);
		saw_a |= r.msg_len >= strlen(marker_a) - 1 &&
			 !memcmp(r.msg, marker_a, strlen(marker_a) - 1);
		saw_b |= r.msg_len >= strlen(marker_b) - 1 &&
			 !memcmp(r.msg, marker_b, strlen(marker_b) - 1);
	}
	assert_false(saw_a); /* written before open: skipped */
	assert_true(saw_b);
	assert_true(st.by_order[4] == 0); /* facility user */
	assert_int_equal(mfd_kmsg_drain(fd, &st), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
