// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_record.c - the record exporter's accounting: lines written are
 * counted as sent; a failed write (/dev/full) drops exactly the points of
 * the sample (send_error) and the exporter keeps going; events over
 * record.max_events are dropped as log_cap, the rest written.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kinfo.h"
#include "config.h"
#include "exporter.h"
#include "metrics.h"
#include "procfs.h"
#include "record.h"
#include "state.h"

#define FIXTURE MFD_SOURCE_DIR "/tests/fixtures/procfs/vm-6.18"

struct fixture {
	struct mfd_kinfo k;
	struct mfd_state st;
	struct mfd_config cfg;
	struct mfd_export_settings set; /* points into cfg */
	struct mfd_exporter *e;
};

static struct fixture *make(const char *path, int max_events)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_parse_error perr = { 0 };
	struct mfd_export_ctx ctx;

	assert_non_null(f);
	assert_non_null(snap);
	mfd_kinfo_default_mt_names(&f->k);
	assert_int_equal(mfd_procfs_snapshot(FIXTURE, snap, &perr), 0);
	assert_int_equal(mfd_state_init(&f->st, &f->k, 64, 16), 0);
	mfd_state_set_snapshot(&f->st, snap);
	free(snap);
	assert_int_equal(mfd_config_defaults(&f->cfg), 0);
	f->cfg.record.path = strdup(path);
	f->cfg.record.max_events = max_events;
	mfd_config_export_settings(&f->cfg, &f->set);
	ctx = (struct mfd_export_ctx){ .set = &f->set, .state = &f->st };
	assert_true(mfd_record_enabled(&f->cfg.record));
	assert_int_equal(mfd_record_create(&ctx, &f->e), 0);
	mfd_exporters_publish(f->e, &f->st);
	return f;
}

static void destroy(struct fixture *f)
{
	mfd_exporters_destroy(f->e);
	mfd_state_free(&f->st);
	mfd_config_free(&f->cfg);
	free(f);
}

static int count(const struct mfd_point *p, void *arg)
{
	(void)p;
	(*(uint64_t *)arg)++;
	return 0;
}

static void test_write_error_is_counted(void **state)
{
	struct fixture *f = make("/dev/full", 10);
	uint64_t points = 0;

	(void)state;
	mfd_metrics_walk(&f->st, count, &points);
	assert_true(points > 100);
	f->e->ops->on_sample(f->e, &f->st);
	assert_int_equal(f->e->stats.requests_failed, 1);
	assert_int_equal(f->e->stats.requests_sent, 0);
	assert_int_equal(f->e->stats.dropped[MFD_DROP_SEND], points);
	/* It keeps trying: the next sample fails and counts again. */
	points = 0;
	mfd_metrics_walk(&f->st, count, &points);
	f->e->ops->on_sample(f->e, &f->st);
	assert_int_equal(f->e->stats.requests_failed, 2);
	assert_true(f->e->stats.dropped[MFD_DROP_SEND] > points);
	destroy(f);
}

static void test_lines_and_event_cap(void **state)
{
	char path[] = "/tmp/mfd-test-record.XXXXXX", *line = NULL;
	int fd = mkstemp(path);
	struct fixture *f;
	struct mfd_extfrag_event ev = { .type = MFD_REC_EXTFRAG, .tgid = 1 };
	size_t cap = 0;
	int lines = 0, logs = 0;
	FILE *in;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	f = make(path, 2);
	for (int i = 0; i < 5; i++)
		f->e->ops->on_event(f->e, &f->st, &ev);
	assert_int_equal(f->e->stats.dropped[MFD_DROP_LOG_CAP], 3);
	f->e->ops->on_sample(f->e, &f->st);
	f->e->ops->on_sample(f->e, &f->st);
	assert_int_equal(f->e->stats.requests_sent, 3); /* logs + 2 samples */
	assert_int_equal(f->e->stats.requests_failed, 0);
	destroy(f);

	in = fopen(path, "r");
	assert_non_null(in);
	while (getline(&line, &cap, in) > 0) {
		lines++;
		if (strstr(line, "\"resourceLogs\"")) {
			logs++;
			/* two records: the cap */
			assert_non_null(strstr(line, "mfd.extfrag.fallback"));
			assert_non_null(
				strstr(strstr(line, "mfd.extfrag.fallback") + 1,
				       "mfd.extfrag.fallback"));
		}
	}
	free(line);
	fclose(in);
	unlink(path);
	assert_int_equal(lines, 3);
	assert_int_equal(logs, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_error_is_counted),
		cmocka_unit_test(test_lines_and_event_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
