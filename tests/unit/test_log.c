// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_log.c - rate-limited logging: identical runs and log_*_rl() sites
 * print a bounded number of lines per window, and every call is either
 * printed or counted in exactly one "(N more suppressed)" summary. The
 * clock is injected, so windows end when the test says, not after a sleep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define LOG_COMPONENT "test"
#include "log.h"

#define MAX_LINES 4096

static char lines[MAX_LINES][256];
static size_t nlines;
static struct timespec fake_now;

static void capture(enum mfd_log_level level, const char *line, void *arg)
{
	(void)level;
	(void)arg;
	assert_true(nlines < MAX_LINES);
	/* Drop the timestamp: "TIME LEVEL COMPONENT: MSG". */
	const char *sp = strchr(line, ' ');

	snprintf(lines[nlines++], sizeof(lines[0]), "%s", sp ? sp + 1 : line);
}

static void fake_clock(struct timespec *ts)
{
	*ts = fake_now;
}

static void advance(time_t s)
{
	fake_now.tv_sec += s;
}

static int setup(void **state)
{
	(void)state;
	nlines = 0;
	fake_now.tv_sec = 1000;
	fake_now.tv_nsec = 0;
	mfd_log_ratelimit_reset();
	mfd_log_set_clock(fake_clock);
	mfd_log_set_level(MFD_LOG_INFO);
	mfd_log_set_sink(capture, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	mfd_log_set_sink(NULL, NULL);
	mfd_log_set_clock(NULL);
	mfd_log_ratelimit_reset();
	return 0;
}

/* How many calls the captured lines whose text starts with prefix stand
 * for: one each, plus the N of a "(N more suppressed)" tail. */
static unsigned long calls_for(const char *prefix)
{
	unsigned long total = 0;
	char want[128];

	snprintf(want, sizeof(want), "info test: %s", prefix);
	for (size_t i = 0; i < nlines; i++) {
		const char *p = strstr(lines[i], want);
		const char *more;

		if (!p) {
			snprintf(want, sizeof(want), "warn test: %s", prefix);
			p = strstr(lines[i], want);
			snprintf(want, sizeof(want), "info test: %s", prefix);
		}
		if (!p)
			continue;
		total++;
		more = strstr(lines[i], " (");
		if (more && strstr(more, " more suppressed)"))
			total += strtoul(more + 2, NULL, 10);
	}
	return total;
}

static size_t lines_with(const char *needle)
{
	size_t n = 0;

	for (size_t i = 0; i < nlines; i++)
		n += strstr(lines[i], needle) != NULL;
	return n;
}

/* 1000 copies of one line in a row: a burst, then one summary when a
 * different line arrives, and the summary comes before that line. */
static void test_identical_run(void **state)
{
	(void)state;
	for (int i = 0; i < 1000; i++)
		log_info("accept failed: Too many open files");
	assert_int_equal(nlines, MFD_LOG_RL_BURST);
	log_info("something else");
	assert_int_equal(nlines, MFD_LOG_RL_BURST + 2);
	assert_string_equal(lines[MFD_LOG_RL_BURST],
			    "info test: accept failed: Too many open files "
			    "(994 more suppressed)");
	assert_string_equal(lines[MFD_LOG_RL_BURST + 1],
			    "info test: something else");
	assert_int_equal(calls_for("accept failed"), 1000);
}

/* Different lines are never merged, however many. */
static void test_distinct_lines_all_print(void **state)
{
	(void)state;
	for (int i = 0; i < 200; i++)
		log_info("zone %d", i);
	assert_int_equal(nlines, 200);
	assert_int_equal(lines_with("suppressed"), 0);
}

/* A run that outlasts the window prints again, with the count, once per
 * window: a flood of an hour costs a few lines per window, not millions. */
static void test_identical_run_across_windows(void **state)
{
	unsigned long calls = 0;

	(void)state;
	for (int w = 0; w < 6; w++) {
		for (int i = 0; i < 5000; i++, calls++)
			log_info("cannot remove spool file: Read-only");
		advance(MFD_LOG_RL_INTERVAL_S);
	}
	assert_true(nlines <= 6 * MFD_LOG_RL_BURST);
	mfd_log_flush_suppressed(1);
	assert_int_equal(calls_for("cannot remove spool file"), calls);
}

static void spool_site(int i)
{
	log_warn_rl("cannot write spool file %d.spool: No space left", i);
}

/* A log_*_rl() site is limited whatever its text and whatever is logged
 * in between; other lines are untouched. */
static void test_site_limit_interleaved(void **state)
{
	(void)state;
	for (int i = 0; i < 1000; i++) {
		spool_site(i);
		log_info("other %d", i);
	}
	assert_int_equal(lines_with("cannot write spool"), MFD_LOG_RL_BURST);
	assert_int_equal(lines_with("other "), 1000);
	/* The window is not over: a flush that is not forced waits. */
	mfd_log_flush_suppressed(0);
	assert_int_equal(lines_with("cannot write spool"), MFD_LOG_RL_BURST);
	advance(MFD_LOG_RL_INTERVAL_S);
	mfd_log_flush_suppressed(0);
	assert_int_equal(lines_with("cannot write spool"),
			 MFD_LOG_RL_BURST + 1);
	/* The summary shows the first dropped call's text. */
	assert_non_null(strstr(lines[nlines - 1],
			       "warn test: cannot write spool file 5.spool: "
			       "No space left (994 more suppressed)"));
	assert_int_equal(calls_for("cannot write spool"), 1000);
}

/* After a window ends, the next call at the site prints at once with the
 * count of the calls dropped before it (any other line would have printed
 * the count first, as a summary of its own). */
static void test_site_count_on_next_line(void **state)
{
	(void)state;
	for (int i = 0; i < 20; i++)
		spool_site(i);
	advance(MFD_LOG_RL_INTERVAL_S + 1);
	nlines = 0;
	/* Not via a flush: a call at this site carries the count. */
	spool_site(99);
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0], "warn test: cannot write spool file "
				      "99.spool: No space left (15 more "
				      "suppressed)");
}

/* Any line after the window ends prints the site's pending count first,
 * so the count is not held back until the site speaks again. */
static void test_pending_count_before_other_line(void **state)
{
	(void)state;
	for (int i = 0; i < 20; i++)
		spool_site(i);
	advance(MFD_LOG_RL_INTERVAL_S);
	nlines = 0;
	log_info("unrelated");
	assert_int_equal(nlines, 2);
	assert_string_equal(lines[0], "warn test: cannot write spool file "
				      "5.spool: No space left (14 more "
				      "suppressed)");
	assert_string_equal(lines[1], "info test: unrelated");
}

/* Calls below the level are neither printed nor counted. */
static void test_site_respects_level(void **state)
{
	(void)state;
	mfd_log_set_level(MFD_LOG_WARN);
	for (int i = 0; i < 100; i++)
		log_info_rl("debuggy %d", i);
	mfd_log_flush_suppressed(1);
	assert_int_equal(nlines, 0);
}

/* A forced flush (the exit path) prints every pending count. */
static void test_forced_flush(void **state)
{
	(void)state;
	for (int i = 0; i < 50; i++) {
		spool_site(i);
		log_info("same");
	}
	mfd_log_flush_suppressed(1);
	assert_int_equal(calls_for("cannot write spool"), 50);
	assert_int_equal(calls_for("same"), 50);
	/* Nothing left to print. */
	size_t before = nlines;

	mfd_log_flush_suppressed(1);
	assert_int_equal(nlines, before);
}

/* A long message keeps its count: the tail is never cut off. */
static void test_long_message_keeps_count(void **state)
{
	char big[2000];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (int i = 0; i < 10; i++)
		log_info("%s", big);
	nlines = 0;
	mfd_log_flush_suppressed(1);
	assert_int_equal(nlines, 1);
	/* The sink's line is cut at 255 here; check the logger's own text by
	 * the stderr path instead. */
	mfd_log_set_sink(NULL, NULL);
	mfd_log_ratelimit_reset();
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	FILE *saved = stderr;

	assert_non_null(mem);
	stderr = mem;
	for (int i = 0; i < 10; i++)
		log_info("%s", big);
	mfd_log_flush_suppressed(1);
	stderr = saved;
	fclose(mem);
	assert_non_null(strstr(buf, "x (4 more suppressed)\n"));
	free(buf);
	mfd_log_set_sink(capture, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identical_run, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_distinct_lines_all_print,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_identical_run_across_windows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_limit_interleaved,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_count_on_next_line,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_pending_count_before_other_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_site_respects_level, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_forced_flush, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_long_message_keeps_count,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
