// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_buddyinfo.c - /proc/buddyinfo bytes into mfd_procfs_parse_buddyinfo(),
 * then, when they parse, through mfd_snapshot_finish(): sorting, the node
 * table and the kernel's index arithmetic on counts nobody checked.
 */
#include <stdint.h>
#include <stdlib.h>

#include "procfs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mfd_snapshot snap; /* 150 KiB: not on the stack */
	struct mfd_parse_error err;

	if (mfd_procfs_parse_buddyinfo((const char *)data, size, &snap, &err) ==
	    0)
		mfd_snapshot_finish(&snap);
	return 0;
}
