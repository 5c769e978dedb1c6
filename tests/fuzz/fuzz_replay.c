// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_replay.c - libFuzzer harness for mfd_replay_decode() (exporters/recording/replay_decode.c),
 * the parser of --replay recordings: any bytes must give 0 or -EINVAL with
 * a reason, a snapshot within bounds, and never a crash or a leak.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mfd_replay_rec *rec;
	static struct mfd_extfrag_event events[64];
	char why[256];
	int err;

	if (!rec) {
		rec = calloc(1, sizeof(*rec));
		if (!rec)
			return 0;
	}
	rec->events = events;
	rec->events_cap = sizeof(events) / sizeof(events[0]);
	err = mfd_replay_decode((const char *)data, size, NULL, rec, why,
				sizeof(why));
	if (err && (err != -EINVAL && err != -ENOMEM))
		abort();
	if (!err && rec->kind == MFD_REPLAY_METRICS &&
	    (rec->snap.nr_zones == 0 ||
	     rec->snap.nr_zones > MFD_SNAP_MAX_ZONES ||
	     rec->snap.nr_orders == 0 ||
	     rec->snap.nr_orders > MFD_SNAP_MAX_ORDERS))
		abort();
	if (!err && rec->nevents > rec->events_cap)
		abort();
	return 0;
}
