// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_otlp_spool.c - the spool record reader over arbitrary file bytes:
 * every record it returns lies inside the buffer and passed its checksum. */
#include <stdint.h>
#include <stdlib.h>

#include "otlp_spool.h"

static int check(const struct otlp_rec_view *v, void *arg)
{
	const uint8_t *const *bounds = arg;

	if (v->payload < bounds[0] || v->payload + v->len > bounds[1] ||
	    v->signal >= 2)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *bounds[2] = { data, data + size };
	struct otlp_scan_stats st;

	otlp_spool_scan(data, size, 2, check, bounds, &st);
	return 0;
}
