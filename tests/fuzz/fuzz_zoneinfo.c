// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_zoneinfo.c - mfd_procfs_parse_zoneinfo() on fuzzed bytes.
 *
 * zoneinfo is merged into the zones buddyinfo listed, so the input is
 * "buddyinfo NUL zoneinfo"; without a NUL all of it is zoneinfo and the
 * zones come from a fixed two-node buddyinfo. A snapshot that parses goes
 * through mfd_snapshot_finish().
 */
#include <stdint.h>
#include <string.h>

#include "procfs.h"

static const char default_buddyinfo[] =
	"Node 0, zone      DMA      0      0      0      0      0      0      0      0      1      1      2\n"
	"Node 0, zone    DMA32      7      6      5      4      3      2      1      0      1      1    300\n"
	"Node 0, zone   Normal    100     50     25     12      6      3      1      0      0      0      1\n"
	"Node 1, zone   Normal      1      2      3      4      5      6      7      8      9     10     11\n"
	"Node 1, zone  Movable      0      0      0      0      0      0      0      0      0      0      0\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mfd_snapshot snap;
	struct mfd_parse_error err;
	const uint8_t *nul = memchr(data, '\0', size);
	const char *zi = (const char *)data;
	size_t zi_len = size;

	if (nul) {
		if (mfd_procfs_parse_buddyinfo((const char *)data,
					       (size_t)(nul - data), &snap,
					       &err))
			return 0;
		zi = (const char *)nul + 1;
		zi_len = size - (size_t)(nul - data) - 1;
	} else if (mfd_procfs_parse_buddyinfo(default_buddyinfo,
					      sizeof(default_buddyinfo) - 1,
					      &snap, &err)) {
		__builtin_trap(); /* the fixed input must always parse */
	}
	if (mfd_procfs_parse_zoneinfo(zi, zi_len, &snap, &err) == 0)
		mfd_snapshot_finish(&snap);
	return 0;
}
