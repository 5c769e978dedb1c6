// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_vmstat.c - libFuzzer harness for mfd_vmstat_parse(). */
#include <stddef.h>
#include <stdint.h>

#include "vmstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfd_vmstat v;
	struct mfd_parse_error err;
	uint64_t x;

	mfd_vmstat_parse((const char *)data, size, &v, &err);
	mfd_vmstat_parse_u64((const char *)data, size, &x);
	return 0;
}
