// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_replay.c - exporters/recording/otlp_json.c written, exporters/recording/replay.c read back.
 *
 * The reference is the procfs parser's snapshot of every fixture under
 * tests/fixtures/procfs/ (itself checked against the raw text by
 * test_procfs): encoded as an OTLP/JSON line and decoded again, it must
 * give the same --once JSON, field for field, with indices recomputed
 * that equal the recorded ones. Events and extfrag counters go through the
 * same trip. Malformed lines (every truncation of a real one, wrong types,
 * missing orders, tampered indices) are refused or flagged, never crash.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "format.h"
#include "kinfo.h"
#include "otlp_json.h"
#include "resource.h"
#include "procfs.h"
#include "replay.h"
#include "state.h"

#define FIXTURES MFD_SOURCE_DIR "/tests/fixtures/procfs"

static struct mfd_kinfo kinfo;
static struct otlp_resource res;

static int setup(void **state)
{
	(void)state;
	memset(&kinfo, 0, sizeof(kinfo));
	mfd_kinfo_default_mt_names(&kinfo);
	kinfo.pageblock_order = 9;
	assert_int_equal(mfd_resource_detect(&res), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	otlp_resource_free(&res);
	return 0;
}

/* Fixture directories with both buddyinfo and zoneinfo. */
static int fixture_dirs(char dirs[][512], int max)
{
	DIR *d = opendir(FIXTURES);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) && n < max) {
		char p[600];
		struct stat st;

		snprintf(p, sizeof(p), "%s/%s/zoneinfo", FIXTURES, de->d_name);
		if (de->d_name[0] == '.' || stat(p, &st))
			continue;
		snprintf(dirs[n++], 512, "%s/%s", FIXTURES, de->d_name);
	}
	closedir(d);
	return n;
}

static char *encode_metrics(const struct mfd_state *st)
{
	json_t *req = mfd_otlp_json_metrics(st, &res);
	char *line;

	assert_non_null(req);
	line = mfd_otlp_json_dumps(req);
	json_decref(req);
	assert_non_null(line);
	return line;
}

static struct mfd_replay_rec *new_rec(void)
{
	struct mfd_replay_rec *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->events_cap = 64;
	r->events = calloc(r->events_cap, sizeof(*r->events));
	assert_non_null(r->events);
	return r;
}

static void free_rec(struct mfd_replay_rec *r)
{
	free(r->events);
	free(r);
}

/* The --once JSON of a snapshot, for comparing two of them whole. */
static json_t *as_json(const struct mfd_snapshot *s)
{
	json_t *j = mfd_snapshot_to_json(s);

	assert_non_null(j);
	return j;
}

static void assert_same_snapshot(const struct mfd_snapshot *want,
				 const struct mfd_snapshot *got)
{
	json_t *a = as_json(want), *b = as_json(got);

	if (!json_equal(a, b)) {
		char *sa = json_dumps(a, JSON_COMPACT),
		     *sb = json_dumps(b, JSON_COMPACT);

		fprintf(stderr, "want %.2000s\ngot  %.2000s\n", sa, sb);
		free(sa);
		free(sb);
		fail();
	}
	json_decref(a);
	json_decref(b);
}

/* Encode st's sample, decode it, and compare with st's snapshot. */
static void round_trip(struct mfd_state *st)
{
	struct mfd_replay_rec *r = new_rec();
	char *line = encode_metrics(st), why[256] = "";
	int err;

	err = mfd_replay_decode(line, strlen(line), &kinfo, r, why,
				sizeof(why));
	if (err)
		fprintf(stderr, "decode: %s\n", why);
	assert_int_equal(err, 0);
	assert_int_equal(r->kind, MFD_REPLAY_METRICS);
	assert_int_equal(r->index_mismatches, 0);
	assert_true(r->have_hist);
	assert_int_equal(r->hist_count, st->collect_hist.count);
	/* Doubles travel bit for bit; the first sample's duration is the
	 * whole sum. */
	assert_true(r->hist_sum == st->collect_hist.sum);
	if (r->hist_count == 1)
		assert_int_equal((uint64_t)llround(r->hist_sum * 1e9),
				 st->snap->duration_ns);
	r->snap.duration_ns = st->snap->duration_ns;
	assert_same_snapshot(st->snap, &r->snap);
	free(line);
	free_rec(r);
}

static void test_fixtures_round_trip(void **state)
{
	char dirs[32][512];
	int n = fixture_dirs(dirs, 32);
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));

	(void)state;
	assert_non_null(snap);
	assert_true(n >= 4);
	for (int i = 0; i < n; i++) {
		struct mfd_parse_error perr = { 0 };
		struct mfd_state st;

		assert_int_equal(mfd_procfs_snapshot(dirs[i], snap, &perr), 0);
		snap->duration_ns = 12345 + (uint64_t)i;
		assert_int_equal(mfd_state_init(&st, &kinfo, 64, 16), 0);
		mfd_state_set_snapshot(&st, snap);
		round_trip(&st);

		/* The BPF path's shape: pglist_data facts for each node, a
		 * highatomic reserve and boost. */
		for (uint32_t z = 0; z < snap->nr_zones; z++) {
			snap->zones[z].have |= MFD_HAVE_HIGHATOMIC |
					       MFD_HAVE_BOOST;
			snap->zones[z].reserved_highatomic = 512 + z;
			snap->zones[z].watermark_boost = 7 * z;
		}
		for (uint32_t nd = 0; nd < snap->nr_nodes; nd++)
			assert_int_equal(
				mfd_snapshot_set_node(
					snap, snap->nodes[nd].node,
					snap->nodes[nd].start_pfn + 1,
					snap->nodes[nd].present_pages + 2,
					snap->nodes[nd].spanned_pages + 3),
				0);
		assert_int_equal(mfd_snapshot_finish(snap), 0);
		snap->source = MFD_SOURCE_BPF;
		snap->duration_ns = 4321;
		mfd_state_set_snapshot(&st, snap);
		round_trip(&st);
		mfd_state_free(&st);
	}
	free(snap);
}

static struct mfd_extfrag_event ev(uint32_t tgid, const char *comm, int ao,
				   int fo, int amt, int fmt, bool frag)
{
	struct mfd_extfrag_event e = {
		.type = MFD_REC_EXTFRAG,
		.pid = tgid + 1,
		.tgid = tgid,
		.alloc_order = ao,
		.fallback_order = fo,
		.alloc_migratetype = amt,
		.fallback_migratetype = fmt,
		.fragmenting = frag,
		.change_ownership = !frag,
		.ts_ns = 1000000000ull * tgid,
		.cgroup_id = 42ull << 33,
		.pfn = 0x260c00ull + tgid,
	};

	snprintf(e.comm, sizeof(e.comm), "%s", comm);
	return e;
}

static void test_events_and_counters_round_trip(void **state)
{
	struct mfd_extfrag_event in[] = {
		ev(100, "mfd-fragment", 0, 9, 0, 1, false),
		ev(7, "kworker/u4:1", 3, 2, 0, 2, true),
		ev(4000000, "a-full-15-chars", 1, 10, 2, 1, false),
	};
	struct mfd_replay_rec *r = new_rec();
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_parse_error perr = { 0 };
	struct mfd_state st;
	char why[256] = "", *line;
	json_t *req;

	(void)state;
	assert_int_equal(mfd_procfs_snapshot(FIXTURES "/vm-6.18", snap, &perr),
			 0);
	assert_int_equal(mfd_state_init(&st, &kinfo, 64, 16), 0);
	mfd_state_set_snapshot(&st, snap);

	req = mfd_otlp_json_logs(&st, &res, in, 3, 99);
	assert_non_null(req);
	line = mfd_otlp_json_dumps(req);
	json_decref(req);
	assert_int_equal(mfd_replay_decode(line, strlen(line), &kinfo, r, why,
					   sizeof(why)),
			 0);
	free(line);
	assert_int_equal(r->kind, MFD_REPLAY_LOGS);
	assert_int_equal(r->nevents, 3);
	for (int i = 0; i < 3; i++) {
		const struct mfd_extfrag_event *g = &r->events[i], *w = &in[i];

		assert_int_equal(g->tgid, w->tgid);
		assert_int_equal(g->pid, w->pid);
		assert_string_equal(g->comm, w->comm);
		assert_int_equal(g->alloc_order, w->alloc_order);
		assert_int_equal(g->fallback_order, w->fallback_order);
		assert_int_equal(g->alloc_migratetype, w->alloc_migratetype);
		assert_int_equal(g->fallback_migratetype,
				 w->fallback_migratetype);
		assert_int_equal(g->fragmenting, w->fragmenting);
		assert_int_equal(g->change_ownership, w->change_ownership);
		assert_int_equal(g->pfn, w->pfn);
		assert_int_equal(g->cgroup_id, w->cgroup_id);
		/* Recorded in unix time. */
		assert_int_equal(g->ts_ns, mfd_state_unix_ns(&st, w->ts_ns));
	}

	/* Counters: only kinds that happened are published. */
	st.have_events = true;
	st.totals.slot[mfd_extfrag_slot(0, 1, 0)] = 276;
	st.totals.slot[mfd_extfrag_slot(0, 2, 1)] = 5;
	st.totals.slot[mfd_extfrag_slot(2, 1, 0)] = 1ull << 40;
	st.totals.drops = 3;
	line = encode_metrics(&st);
	assert_int_equal(mfd_replay_decode(line, strlen(line), &kinfo, r, why,
					   sizeof(why)),
			 0);
	free(line);
	assert_true(r->have_events);
	assert_memory_equal(r->totals.slot, st.totals.slot,
			    sizeof(st.totals.slot));
	assert_int_equal(r->totals.drops, 3);
	assert_int_equal(r->totals.events, 276 + 5 + (1ull << 40));
	assert_int_equal(r->totals.fragmenting, 5);

	mfd_state_free(&st);
	free(snap);
	free_rec(r);
}

/* Every prefix of a real line is refused with a reason, and nothing
 * crashes (ASan watches). */
static void test_truncated_lines_are_refused(void **state)
{
	struct mfd_replay_rec *r = new_rec();
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_parse_error perr = { 0 };
	struct mfd_state st;
	char why[256], *line;
	size_t len, step;

	(void)state;
	assert_int_equal(mfd_procfs_snapshot(FIXTURES "/vm-6.18", snap, &perr),
			 0);
	assert_int_equal(mfd_state_init(&st, &kinfo, 64, 16), 0);
	mfd_state_set_snapshot(&st, snap);
	line = encode_metrics(&st);
	len = strlen(line);
	step = len / 997 + 1;
	for (size_t cut = 0; cut < len; cut += step) {
		why[0] = '\0';
		assert_int_equal(mfd_replay_decode(line, cut, &kinfo, r, why,
						   sizeof(why)),
				 -EINVAL);
		assert_true(why[0] != '\0');
	}
	assert_int_equal(
		mfd_replay_decode(line, len, &kinfo, r, why, sizeof(why)), 0);
	free(line);
	mfd_state_free(&st);
	free(snap);
	free_rec(r);
}

static int decode_str(const char *s, struct mfd_replay_rec *r, char *why)
{
	return mfd_replay_decode(s, strlen(s), &kinfo, r, why, 256);
}

#define DP(order, v)                                                             \
	"{\"attributes\":[{\"key\":\"numa.node\",\"value\":{\"intValue\":\"0\"}" \
	"},{\"key\":\"zone\",\"value\":{\"stringValue\":\"Normal\"}},{\"key\":"  \
	"\"order\",\"value\":{\"intValue\":\"" #order "\"}}],"                   \
	"\"timeUnixNano\":\"5\",\"asInt\":" v "}"
#define LINE(points)                                                        \
	"{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":" \
	"\"mfd.zone.order.free_blocks\",\"gauge\":{\"dataPoints\":[" points \
	"]}}]}]}]}"

static void test_malformed_lines(void **state)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{}",
		"{\"resourceMetrics\":{}}",
		"{\"resourceMetrics\":[]}",
		"{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{}]}]}]}",
		/* order 1 missing */
		LINE(DP(0, "\"1\"") "," DP(2, "\"1\"")),
		/* not a count */
		LINE(DP(0, "\"-1\"")),
		LINE(DP(0, "\"1x\"")),
		LINE(DP(0, "1.5")),
		LINE(DP(0, "\"99999999999999999999999\"")),
		/* order out of range */
		LINE(DP(16, "\"1\"")),
		/* duplicate keys */
		"{\"resourceLogs\":[],\"resourceLogs\":[]}",
		"{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{"
		"\"attributes\":[{\"key\":\"event.name\",\"value\":{"
		"\"stringValue\":\"mfd.extfrag.fallback\"}}]}]}]}]}",
	};
	struct mfd_replay_rec *r = new_rec();
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (decode_str(bad[i], r, why) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
		assert_true(why[0] != '\0');
	}
	/* The same shape, whole, is a one-zone snapshot; int64 as a JSON
	 * number is accepted too. */
	assert_int_equal(
		decode_str(LINE(DP(0, "\"3\"") "," DP(1, "2")), r, why), 0);
	assert_int_equal(r->snap.nr_zones, 1);
	assert_int_equal(r->snap.nr_orders, 2);
	assert_int_equal(r->snap.zones[0].order[0].free_blocks, 3);
	assert_int_equal(r->snap.zones[0].order[1].free_blocks, 2);
	assert_int_equal(r->snap.time_unix_nano, 5);
	free_rec(r);
}

/* A recorded index that disagrees with the recorded free blocks is
 * flagged: the check is live. */
static void test_tampered_index_is_flagged(void **state)
{
	struct mfd_replay_rec *r = new_rec();
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_parse_error perr = { 0 };
	struct mfd_state st;
	char why[256];
	json_t *req, *metrics, *m;
	size_t i;
	char *line;

	(void)state;
	assert_int_equal(mfd_procfs_snapshot(FIXTURES "/vm-6.18", snap, &perr),
			 0);
	assert_int_equal(mfd_state_init(&st, &kinfo, 64, 16), 0);
	mfd_state_set_snapshot(&st, snap);
	req = mfd_otlp_json_metrics(&st, &res);
	metrics = json_object_get(
		json_array_get(
			json_object_get(
				json_array_get(
					json_object_get(req, "resourceMetrics"),
					0),
				"scopeMetrics"),
			0),
		"metrics");
	json_array_foreach(metrics, i, m)
	{
		if (strcmp(json_string_value(json_object_get(m, "name")),
			   "mfd.zone.order.unusable_index") == 0) {
			json_t *dp = json_array_get(
				json_object_get(json_object_get(m, "gauge"),
						"dataPoints"),
				3);
			double x = json_real_value(
				json_object_get(dp, "asDouble"));

			json_object_set_new(dp, "asDouble",
					    json_real(x > 0.5 ? x - 0.25 :
								x + 0.25));
		}
	}
	line = mfd_otlp_json_dumps(req);
	json_decref(req);
	assert_int_equal(mfd_replay_decode(line, strlen(line), &kinfo, r, why,
					   sizeof(why)),
			 0);
	assert_int_equal(r->index_mismatches, 1);
	free(line);
	mfd_state_free(&st);
	free(snap);
	free_rec(r);
}

static void count_event(const struct mfd_extfrag_event *e, void *arg)
{
	assert_int_equal(e->tgid, 100);
	(*(int *)arg)++;
}

/* The file reader: samples and events in order, a cut-off last line and
 * a garbage line skipped and counted, pacing from the recorded gaps. */
static void test_reader(void **state)
{
	char path[] = "/tmp/mfd-test-replay.XXXXXX", why[256];
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap)),
			    *got = calloc(1, sizeof(*got));
	struct mfd_parse_error perr = { 0 };
	struct mfd_extfrag_event e1 = ev(100, "x", 0, 9, 0, 1, false);
	struct mfd_state st;
	struct mfd_replay *rp;
	int fd = mkstemp(path), events = 0;
	FILE *f;
	char *l1, *l2, *logs;
	json_t *req;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_int_equal(mfd_procfs_snapshot(FIXTURES "/vm-6.18", snap, &perr),
			 0);
	assert_int_equal(mfd_state_init(&st, &kinfo, 64, 16), 0);
	snap->time_unix_nano = 1000000000000ull;
	mfd_state_set_snapshot(&st, snap);
	l1 = encode_metrics(&st);
	req = mfd_otlp_json_logs(&st, &res, &e1, 1, 1);
	logs = mfd_otlp_json_dumps(req);
	json_decref(req);
	snap->time_unix_nano += 2500000000ull; /* 2.5 s later */
	snap->zones[0].order[0].free_blocks += 1;
	mfd_snapshot_finish(snap);
	mfd_state_set_snapshot(&st, snap);
	l2 = encode_metrics(&st);
	fprintf(f, "%s\nnot json\n%s\n%s\n\n%s\n%.*s", l1, logs, l2, l1,
		(int)(strlen(l2) / 2), l2);
	fclose(f);

	assert_int_equal(mfd_replay_open(&rp, path, &kinfo, 2.0, 0, why,
					 sizeof(why)),
			 0);
	assert_int_equal(mfd_replay_next(rp, got), 0);
	assert_int_equal(got->time_unix_nano, 1000000000000ull);
	/* 2.5 s recorded, at speed 2 */
	assert_true(fabs(mfd_replay_delay(rp) - 1.25) < 1e-9);
	assert_int_equal(mfd_replay_next(rp, got), 0);
	assert_int_equal(got->zones[0].order[0].free_blocks,
			 snap->zones[0].order[0].free_blocks);
	/* The logs line came before the second sample: its events go
	 * with it, once. */
	assert_int_equal(mfd_replay_take_events(rp, count_event, &events), 1);
	assert_int_equal(mfd_replay_take_events(rp, count_event, &events), 0);
	assert_int_equal(events, 1);
	assert_int_equal(mfd_replay_next(rp, got), 0); /* l1 again */
	assert_int_equal(mfd_replay_next(rp, got), -ENODATA);
	assert_int_equal(mfd_replay_samples(rp), 3);
	assert_int_equal(mfd_replay_skipped(rp), 2); /* garbage, cut off */
	mfd_replay_close(rp);

	/* --replay-at: the first sample at or after the time; its duration
	 * still comes from the histogram's growth over the skipped one. */
	assert_int_equal(mfd_replay_open(&rp, path, &kinfo, 0,
					 1000000000000ull + 1, why,
					 sizeof(why)),
			 0);
	assert_int_equal(mfd_replay_next(rp, got), 0);
	assert_int_equal(got->time_unix_nano, 1000000000000ull + 2500000000ull);
	assert_int_equal(got->duration_ns, snap->duration_ns);
	mfd_replay_close(rp);
	assert_int_equal(mfd_replay_open(&rp, path, &kinfo, 0,
					 1000000000000ull + 2500000001ull, why,
					 sizeof(why)),
			 -ENODATA);
	assert_non_null(strstr(why, "--replay-at"));

	unlink(path);
	free(l1);
	free(l2);
	free(logs);
	mfd_state_free(&st);
	free(snap);
	free(got);
}

static void test_parse_time(void **state)
{
	uint64_t ns;

	(void)state;
	/* 10^9 seconds after the epoch was 2001-09-09T01:46:40Z. */
	assert_int_equal(mfd_replay_parse_time("2001-09-09T01:46:40Z", &ns), 0);
	assert_int_equal(ns, 1000000000ull * 1000000000ull);
	assert_int_equal(mfd_replay_parse_time("2001-09-09T01:46:40.25Z", &ns),
			 0);
	assert_int_equal(ns, 1000000000ull * 1000000000ull + 250000000ull);
	assert_int_equal(mfd_replay_parse_time("1000000000.5", &ns), 0);
	assert_int_equal(ns, 1000000000ull * 1000000000ull + 500000000ull);
	assert_int_equal(mfd_replay_parse_time("1970-01-01T00:00:00Z", &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(mfd_replay_parse_time("", &ns), -EINVAL);
	assert_int_equal(mfd_replay_parse_time("soon", &ns), -EINVAL);
	assert_int_equal(mfd_replay_parse_time("-5", &ns), -EINVAL);
	assert_int_equal(mfd_replay_parse_time("2001-09-09T01:46:40", &ns),
			 -EINVAL); /* no zone: refused, not guessed */
	assert_int_equal(mfd_replay_parse_time("2001-09-09T01:46:40+02:00",
					       &ns),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_round_trip),
		cmocka_unit_test(test_events_and_counters_round_trip),
		cmocka_unit_test(test_truncated_lines_are_refused),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_tampered_index_is_flagged),
		cmocka_unit_test(test_reader),
		cmocka_unit_test(test_parse_time),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
