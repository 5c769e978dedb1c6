// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_forecast.c - model/forecast.c against independent references:
 *   - the running weighted fit against weighted least squares solved from
 *     scratch over every stored point (the normal equations, with each
 *     weight computed from the point's age);
 *   - synthetic declines whose answer is known in closed form: a straight
 *     line of slope -r reaches 0 from y after y / r seconds, whatever the
 *     weights, because every point lies on the line.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "forecast.h"
#include "snapshot.h"

#define WINDOW 600.0
#define ORDER 9

static void assert_close(double got, double want, double rel)
{
	double tol = rel * fmax(1.0, fabs(want));

	if (fabs(got - want) > tol)
		fail_msg("got %.9g, want %.9g (tolerance %.3g)", got, want,
			 tol);
}

/* A one-zone snapshot at t seconds: `blocks` free order-9 blocks (the
 * only free memory above order 8) and `headroom` pages above the min
 * watermark. */
static void make_snap(struct mfd_snapshot *s, double t, uint64_t blocks,
		      uint64_t headroom)
{
	struct mfd_zone *z = &s->zones[0];

	memset(s, 0, sizeof(*s));
	s->nr_orders = 11;
	s->nr_zones = 1;
	s->mono_ns = (uint64_t)(t * 1e9) + 1000000000ull;
	z->node = 0;
	strcpy(z->name, "Normal");
	z->zone_idx = 2;
	z->have = MFD_HAVE_WMARK | MFD_HAVE_FREE | MFD_HAVE_MANAGED;
	z->managed_pages = 4u << 20;
	z->watermark_min = 10000;
	z->watermark_low = 12500;
	z->watermark_high = 15000;
	z->order[0].free_blocks = 100;
	z->order[ORDER].free_blocks = blocks;
	z->free_pages = z->watermark_min + headroom;
	assert_int_equal(mfd_snapshot_finish(s), 0);
}

static const struct mfd_forecast_zone *normal(const struct mfd_forecast *f)
{
	const struct mfd_forecast_zone *z = mfd_forecast_zone(f, 0, "Normal");

	assert_non_null(z);
	return z;
}

/* The running sums against the normal equations solved over every point,
 * for irregular gaps and noisy values. */
static void test_ewls_equals_weighted_least_squares(void **state)
{
	enum { N = 400 };
	double t[N], y[N], now = 0;
	struct mfd_ewls e = { 0 };
	unsigned int seed = 7;

	(void)state;
	for (int i = 0; i < N; i++) {
		double dt = i ? 0.2 + (double)(rand_r(&seed) % 5000) / 1000.0 :
				0;

		now += dt;
		t[i] = now;
		y[i] = 5000.0 - 1.5 * now + (double)(rand_r(&seed) % 200) -
		       100.0;
		mfd_ewls_add(&e, dt, WINDOW, y[i]);

		if (i < 10 || i % 37)
			continue;
		double sw = 0, st = 0, sy = 0, stt = 0, sty = 0;
		for (int j = 0; j <= i; j++) {
			double w = exp(-(now - t[j]) / WINDOW);
			double tj = t[j] - now;

			sw += w;
			st += w * tj;
			sy += w * y[j];
			stt += w * tj * tj;
			sty += w * tj * y[j];
		}
		double b = (sw * sty - st * sy) / (sw * stt - st * st);
		double a = (sy - b * st) / sw;
		double slope, fitted;

		assert_true(mfd_ewls_fit(&e, WINDOW, &slope, &fitted));
		assert_close(slope, b, 1e-6);
		assert_close(fitted, a, 1e-6);
	}
}

/* Blocks falling by 2 a second: the slope is -2 and the forecast is the
 * blocks left divided by 2. */
static void test_linear_decline(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	const struct mfd_forecast_zone *z;
	uint64_t blocks = 1000;

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 120; i++, blocks -= 2) {
		make_snap(s, i, blocks, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	z = normal(f);
	assert_int_equal(z->state, MFD_FORECAST_DECLINING);
	assert_close(z->blocks_per_s, -2.0, 1e-6);
	assert_close(z->blocks_now, (double)(blocks + 2), 0);
	assert_close(z->eta_s, (double)(blocks + 2) / 2.0, 1e-6);
	assert_false(z->eta_by_headroom);
	free(s);
	free(f);
}

/* The same decline with order-10 blocks: each counts as two order-9
 * blocks, as fill_contig_page_info() counts suitable blocks. */
static void test_larger_orders_count(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	const struct mfd_forecast_zone *z;

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 100; i++) {
		make_snap(s, i, 0, 1u << 20);
		s->zones[0].order[ORDER + 1].free_blocks = 500 - (uint64_t)i;
		assert_int_equal(mfd_snapshot_finish(s), 0);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	z = normal(f);
	assert_close(z->blocks_now, 2.0 * (500 - 99), 0);
	assert_close(z->blocks_per_s, -2.0, 1e-6);
	assert_close(z->eta_s, 2.0 * (500 - 99) / 2.0, 1e-6);
	free(s);
	free(f);
}

static void test_steady_and_rising(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 100; i++) {
		make_snap(s, i, 300, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	assert_int_equal(normal(f)->state, MFD_FORECAST_STEADY);
	for (int i = 100; i < 200; i++) {
		make_snap(s, i, 300 + (uint64_t)i, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	assert_int_equal(normal(f)->state, MFD_FORECAST_STEADY);
	assert_true(normal(f)->blocks_per_s > 0);
	free(s);
	free(f);
}

/* Too few points, or too short a span, says nothing. */
static void test_learning(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < MFD_FORECAST_MIN_POINTS - 1; i++) {
		make_snap(s, i * 30, 1000 - (uint64_t)i * 100, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
		assert_int_equal(normal(f)->state, MFD_FORECAST_LEARNING);
	}
	/* Ten points a tenth of a second apart span less than window/10. */
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 10; i++) {
		make_snap(s, i * 0.1, 1000 - (uint64_t)i * 10, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	assert_int_equal(normal(f)->state, MFD_FORECAST_LEARNING);
	free(s);
	free(f);
}

static void test_exhausted(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	make_snap(s, 0, 0, 1u << 20);
	mfd_forecast_update(f, s, s->mono_ns, NULL);
	assert_int_equal(normal(f)->state, MFD_FORECAST_EXHAUSTED);
	assert_close(normal(f)->eta_s, 0, 0);
	/* Blocks left, but free memory at the min watermark. */
	make_snap(s, 1, 50, 0);
	mfd_forecast_update(f, s, s->mono_ns, NULL);
	assert_int_equal(normal(f)->state, MFD_FORECAST_EXHAUSTED);
	assert_true(normal(f)->eta_by_headroom);
	free(s);
	free(f);
}

/* Blocks hold, but free memory runs down to the min watermark first: the
 * forecast is the headroom's, 1,000 pages a second. */
static void test_headroom_first(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	const struct mfd_forecast_zone *z;
	uint64_t head = 500000;

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 100; i++, head -= 1000) {
		make_snap(s, i, 400 - (uint64_t)(i / 50), head);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	z = normal(f);
	assert_int_equal(z->state, MFD_FORECAST_DECLINING);
	assert_true(z->eta_by_headroom);
	assert_close(z->headroom_per_s, -1000.0, 1e-6);
	assert_close(z->eta_s, (double)(head + 1000) / 1000.0, 1e-6);
	free(s);
	free(f);
}

/* After a decline, compaction restores the blocks: the old points fade,
 * and within three windows what trend is left (5 % of the old) points
 * past the horizon of ten windows. */
static void test_recovery_forgets(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	int t = 0;

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (; t < 600; t += 2) {
		make_snap(s, t, 2000 - (uint64_t)t, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	assert_int_equal(normal(f)->state, MFD_FORECAST_DECLINING);
	for (; t < 600 + 3 * (int)WINDOW; t += 2) {
		make_snap(s, t, 1400, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	assert_int_equal(normal(f)->state, MFD_FORECAST_STEADY);
	free(s);
	free(f);
}

/* A decline with noise of +-50 blocks still finds about -2 a second. */
static void test_noisy_decline(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	unsigned int seed = 42;

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 900; i++) {
		int noise = (int)(rand_r(&seed) % 101) - 50;

		make_snap(s, i, (uint64_t)(3000 - 2 * i + noise), 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	assert_int_equal(normal(f)->state, MFD_FORECAST_DECLINING);
	assert_close(normal(f)->blocks_per_s, -2.0, 0.1);
	free(s);
	free(f);
}

/* The outcome follows direct compaction's record in the window. */
static void test_outcome(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	struct mfd_forecast_vm vm = { .have = true };

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 10; i++) {
		make_snap(s, i, 100, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, &vm);
	}
	assert_int_equal(f->outcome, MFD_OUTCOME_UNKNOWN);
	for (int i = 10; i < 20; i++) {
		vm.compact_success += 9;
		vm.compact_fail += 1;
		make_snap(s, i, 100, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, &vm);
	}
	assert_int_equal(f->outcome, MFD_OUTCOME_STALLS);
	for (int i = 20; i < 20 + 4 * (int)WINDOW; i += 10) {
		vm.compact_fail += 20;
		make_snap(s, i, 100, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, &vm);
	}
	assert_int_equal(f->outcome, MFD_OUTCOME_FAILURES);
	/* Counters that go back (a reboot under a recording) start over. */
	vm.compact_fail = 0;
	vm.compact_success = 0;
	make_snap(s, 5000, 100, 1u << 20);
	mfd_forecast_update(f, s, s->mono_ns, &vm);
	assert_true(f->compact_fail >= 0 && f->compact_success >= 0);
	free(s);
	free(f);
}

/* Old or repeated snapshots change nothing; a zone gone is not reported. */
static void test_order_and_zones(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	struct mfd_forecast_zone before;

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 20; i++) {
		make_snap(s, i, 1000 - (uint64_t)i, 1u << 20);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	before = *normal(f);
	make_snap(s, 5, 1, 1u << 20);
	mfd_forecast_update(f, s, s->mono_ns, NULL);
	assert_memory_equal(&before, normal(f), sizeof(before));
	make_snap(s, 30, 900, 1u << 20);
	strcpy(s->zones[0].name, "Movable");
	assert_int_equal(mfd_snapshot_finish(s), 0);
	mfd_forecast_update(f, s, s->mono_ns, NULL);
	assert_null(mfd_forecast_zone(f, 0, "Normal"));
	assert_non_null(mfd_forecast_zone(f, 0, "Movable"));
	assert_int_equal(f->nr_zones, 3); /* Normal, Movable and node 0 */
	/* An order past the kernel's last forecasts the last one. */
	mfd_forecast_init(f, 40, WINDOW);
	make_snap(s, 0, 10, 1u << 20);
	mfd_forecast_update(f, s, s->mono_ns, NULL);
	assert_non_null(normal(f));
	free(s);
	free(f);
}

/* A node runs out when its zones together do: Normal falling by 2 a
 * second beside a DMA32 that holds 500 blocks gives the node 500 more
 * blocks at the same rate. */
static void test_node_sum(void **state)
{
	struct mfd_snapshot *s = calloc(1, sizeof(*s));
	struct mfd_forecast *f = calloc(1, sizeof(*f));
	const struct mfd_forecast_zone *n;
	double normal_now = 0;

	(void)state;
	mfd_forecast_init(f, ORDER, WINDOW);
	for (int i = 0; i < 100; i++) {
		make_snap(s, i, 1000 - 2 * (uint64_t)i, 1u << 20);
		normal_now = 1000 - 2.0 * i;
		s->nr_zones = 2;
		s->zones[1] = s->zones[0];
		strcpy(s->zones[1].name, "DMA32");
		s->zones[1].zone_idx = 1;
		memset(s->zones[1].order, 0, sizeof(s->zones[1].order));
		s->zones[1].order[0].free_blocks = 100;
		s->zones[1].order[ORDER].free_blocks = 500;
		assert_int_equal(mfd_snapshot_finish(s), 0);
		mfd_forecast_update(f, s, s->mono_ns, NULL);
	}
	n = mfd_forecast_node(f, 0);
	assert_non_null(n);
	assert_true(n->is_node);
	assert_int_equal(n->state, MFD_FORECAST_DECLINING);
	assert_close(n->blocks_now, normal_now + 500, 0);
	assert_close(n->blocks_per_s, -2.0, 1e-6);
	assert_close(n->eta_s, (normal_now + 500) / 2.0, 1e-6);
	assert_int_equal(mfd_forecast_zone(f, 0, "DMA32")->state,
			 MFD_FORECAST_STEADY);
	assert_null(mfd_forecast_node(f, 1));
	free(s);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ewls_equals_weighted_least_squares),
		cmocka_unit_test(test_linear_decline),
		cmocka_unit_test(test_larger_orders_count),
		cmocka_unit_test(test_steady_and_rising),
		cmocka_unit_test(test_learning),
		cmocka_unit_test(test_exhausted),
		cmocka_unit_test(test_headroom_first),
		cmocka_unit_test(test_recovery_forgets),
		cmocka_unit_test(test_noisy_decline),
		cmocka_unit_test(test_outcome),
		cmocka_unit_test(test_order_and_zones),
		cmocka_unit_test(test_node_sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
