// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_otlp_retry_after.c - Retry-After (delay-seconds or HTTP-date). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "otlp_retry_after.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	double secs;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (otlp_parse_retry_after(s, 1700000000, &secs) == 0 && !(secs >= 0))
		abort();
	free(s);
	return 0;
}
