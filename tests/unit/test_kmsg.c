// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_kmsg.c - the /dev/kmsg reader on a fixture of hand-written records
 * (tests/fixtures/kmsg/SOURCE says what each one exercises), and, as root,
 * on the live /dev/kmsg: the reader starts after the last record and reads
 * records user space writes, without counting them as kernel reports.
 * The syslog(2) reader (the path a pod takes) on hand-written READ_ALL
 * text, and live against /dev/kmsg: both interfaces of the kernel's log
 * see the same new records.
 */
#include <errno.h>
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

static void test_syslog_text(void **state)
{
	struct mfd_kmsg_syslog sl = { 0 };
	struct mfd_allocfail_stats st = { 0 };
	static const char first[] =
		"<6>[    1.000000] boot\n"
		"<4>[    2.000000] old: page allocation failure: order:3, "
		"mode:0x40cc0\n";
	static const char second[] =
		"<6>[    1.000000] boot\n"
		"<4>[    2.000000] old: page allocation failure: order:3, "
		"mode:0x40cc0\n"
		"<4>[    3.500000] kworker/0:1: page allocation failure: "
		"order:9, mode:0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)\n"
		"<12>[    3.600000] fake: page allocation failure: order:5\n"
		"garbage\n";
	static const char wrapped[] =
		"<4>[    9.000000] a: page allocation failure: order:2, "
		"mode:0x0\n";
	static const char notime[] = "<6>boot without printk.time\n";

	(void)state;
	/* the baseline is not counted */
	assert_int_equal(mfd_kmsg_syslog_feed(&sl, &st, first, strlen(first)),
			 0);
	assert_true(st.by_order[3] == 0 && st.records == 0);
	/* new lines counted once; user facility (12 = 1 << 3 | 4) not */
	assert_int_equal(mfd_kmsg_syslog_feed(&sl, &st, second, strlen(second)),
			 0);
	assert_true(st.by_order[9] == 1 && st.by_order[3] == 0);
	assert_true(st.by_order[5] == 0);
	assert_true(st.records == 2 && st.malformed == 1 && st.lost == 0);
	assert_int_equal(st.nr_procs, 1);
	assert_string_equal(st.procs[0].comm, "kworker/0:1");
	/* the same buffer again: nothing new */
	assert_int_equal(mfd_kmsg_syslog_feed(&sl, &st, second, strlen(second)),
			 0);
	assert_true(st.by_order[9] == 1 && st.records == 2);
	/* the buffer wrapped: its oldest record is newer than the last
	 * seen, so at least one was lost */
	assert_int_equal(
		mfd_kmsg_syslog_feed(&sl, &st, wrapped, strlen(wrapped)), 0);
	assert_true(st.by_order[2] == 1 && st.lost == 1);
	mfd_kmsg_syslog_free(&sl);
	/* no timestamps: records cannot be told apart */
	assert_int_equal(mfd_kmsg_syslog_feed(&sl, &st, notime, strlen(notime)),
			 -ENOTSUP);
	mfd_kmsg_syslog_free(&sl);
}

static void test_syslog_live(void **state)
{
	static const char marker[] =
		"mfd-test-syslog: page allocation failure: "
		"order:4 (user space, must not count)\n";
	struct mfd_kmsg_syslog sl = { 0 };
	struct mfd_allocfail_stats a = { 0 }, b = { 0 };
	int w, fd;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_int_equal(mfd_kmsg_syslog_read(&sl, &a), 0); /* baseline */
	fd = mfd_kmsg_open(NULL);
	assert_true(fd >= 0);
	w = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	assert_true(w >= 0);
	for (int i = 0; i < 3; i++)
		assert_true(write(w, marker, strlen(marker)) > 0);
	close(w);
	assert_int_equal(mfd_kmsg_syslog_read(&sl, &a), 0);
	assert_int_equal(mfd_kmsg_drain(fd, &b), 0);
	close(fd);
	/* /dev/kmsg read later, so it may hold more, never fewer */
	assert_true(a.records >= 3 && a.records <= b.records);
	assert_true(a.by_order[4] == 0 && b.by_order[4] == 0);
	mfd_kmsg_syslog_free(&sl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_syslog_text),
		cmocka_unit_test(test_syslog_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
