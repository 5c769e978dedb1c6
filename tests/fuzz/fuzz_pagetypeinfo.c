// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_pagetypeinfo.c - libFuzzer harness for mfd_pagetypeinfo_parse(). */
#include <stddef.h>
#include <stdint.h>

#include "pagetypeinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mfd_pagetypeinfo pt;
	struct mfd_parse_error err;

	mfd_pagetypeinfo_parse((const char *)data, size, &pt, &err);
	return 0;
}
