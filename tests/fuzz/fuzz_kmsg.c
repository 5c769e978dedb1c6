// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_kmsg.c - libFuzzer harness for the /dev/kmsg record parser. */
#include <stddef.h>
#include <stdint.h>

#include "kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mfd_allocfail_stats st;

	mfd_kmsg_feed(&st, (const char *)data, size);
	mfd_kmsg_feed_text(&st, (const char *)data, size);
	return 0;
}
