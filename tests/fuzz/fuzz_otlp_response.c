// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_otlp_response.c - Export{Metrics,Logs}ServiceResponse bodies
 * (partial_success) as a collector may send them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "otlp_encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[128];
	int64_t rejected;

	for (int sig = 0; sig < OTLP_SIGNALS; sig++)
		if (otlp_decode_response(sig, data, size, &rejected, msg,
					 sizeof(msg)) == 0 &&
		    strlen(msg) >= sizeof(msg))
			abort();
	return 0;
}
