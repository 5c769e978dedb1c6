// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_pageblock_order.c - the "Page block order:" line of /proc/pagetypeinfo
 * (mfd_procfs_parse_pageblock_order()), which sets what "fragmenting"
 * means for every extfrag event. A parsed order must be one 1 << order can
 * hold.
 */
#include <stdint.h>

#include "procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int order = -1;

	if (mfd_procfs_parse_pageblock_order((const char *)data, size,
					     &order) == 0 &&
	    (order < 0 || order > 63))
		__builtin_trap();
	return 0;
}
