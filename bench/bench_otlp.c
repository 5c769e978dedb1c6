// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_otlp.c - what one OTLP export costs: encoding one full snapshot
 * (every catalogue point) with protobuf-c, gzip of one sample and of a
 * whole export batch, and the bytes on the wire per sample.
 *
 *   bench_otlp [PROC_DIR] [SAMPLES_PER_EXPORT] [ROUNDS]
 *
 * PROC_DIR (empty or absent) defaults to the 3-zone fixture tests/fixtures/procfs/vm-6.18;
 * SAMPLES_PER_EXPORT to 30 (-d 2 with the default 60 s export interval).
 * Not a test: it prints numbers and never fails on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kinfo.h"
#include "otlp_encode.h"
#include "otlp_gzip.h"
#include "procfs.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 && *argv[1] ? argv[1] : MFD_FIXTURE;
	int per_export = argc > 2 ? atoi(argv[2]) : 30;
	int rounds = argc > 3 ? atoi(argv[3]) : 2000;
	struct otlp_resource_facts f = {
		.host_name = "bench-host",
		.host_id = "0123456789abcdef0123456789abcdef",
		.host_arch = "amd64",
	};
	struct mfd_snapshot *snap = calloc(1, sizeof(*snap));
	struct mfd_parse_error perr;
	struct otlp_resource r;
	struct mfd_kinfo k = { 0 };
	struct mfd_state st;
	uint8_t *buf, *gz, *batch;
	size_t len, gzlen, npoints, blen = 0;
	double t0, enc, zip, bzip;
	bool bad;

	if (!snap || per_export < 1 || rounds < 1)
		return 2;
	mfd_kinfo_default_mt_names(&k);
	if (mfd_state_init(&st, &k, 64, 16) ||
	    mfd_procfs_snapshot(dir, snap, &perr)) {
		fprintf(stderr, "bench_otlp: cannot read %s\n", dir);
		return 1;
	}
	st.start_unix_nano = snap->time_unix_nano;
	mfd_state_set_snapshot(&st, snap);
	if (otlp_resource_build(&r, &f, &bad))
		return 1;

	t0 = now_s();
	for (int i = 0; i < rounds; i++) {
		otlp_encode_metrics(&r, &st, &buf, &len, &npoints);
		free(buf);
	}
	enc = (now_s() - t0) / rounds;

	otlp_encode_metrics(&r, &st, &buf, &len, &npoints);
	t0 = now_s();
	for (int i = 0; i < rounds; i++) {
		otlp_gzip(buf, len, &gz, &gzlen);
		free(gz);
	}
	zip = (now_s() - t0) / rounds;
	otlp_gzip(buf, len, &gz, &gzlen);
	free(gz);

	/* One export: per_export samples, each its own fragment. */
	batch = malloc(len * (size_t)per_export * 2);
	for (int i = 0; i < per_export; i++) {
		uint8_t *b;
		size_t l, n;

		snap->time_unix_nano += 2000000000ull; /* a new sample */
		mfd_state_set_snapshot(&st, snap);
		otlp_encode_metrics(&r, &st, &b, &l, &n);
		memcpy(batch + blen, b, l);
		blen += l;
		free(b);
	}
	{
		size_t bgz;
		int n = rounds / per_export + 1;

		t0 = now_s();
		for (int i = 0; i < n; i++) {
			otlp_gzip(batch, blen, &gz, &bgz);
			free(gz);
		}
		bzip = (now_s() - t0) / n;
		otlp_gzip(batch, blen, &gz, &bgz);
		free(gz);
		printf("zones %u, orders %u, points per sample %zu\n",
		       snap->nr_zones, snap->nr_orders, npoints);
		printf("encode one sample:          %8.1f us, %zu bytes\n",
		       enc * 1e6, len);
		printf("gzip one sample:            %8.1f us, %zu bytes\n",
		       zip * 1e6, gzlen);
		printf("export of %d samples:       %8.1f us encode+gzip, "
		       "%zu bytes raw, %zu gzip\n",
		       per_export, (enc * per_export + bzip) * 1e6, blen, bgz);
		printf("bytes on the wire per sample: %.0f (gzip, batched)\n",
		       (double)bgz / per_export);
	}
	free(batch);
	free(buf);
	otlp_resource_free(&r);
	mfd_state_free(&st);
	free(snap);
	return 0;
}
