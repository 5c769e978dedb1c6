// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_statsd_addr.c - libFuzzer harness for statsd_parse_addr(), which
 * parses the user's --statsd / statsd.address value.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "statsd_encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char host[256];
	uint16_t port = 0;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (statsd_parse_addr(s, host, sizeof(host), &port) == 0) {
		/* What it accepts is a non-empty host and a real port. */
		if (!host[0] || port == 0 || strlen(host) > 255)
			abort();
	}
	/* A short host buffer must never be overrun. */
	statsd_parse_addr(s, host, 8, &port);
	free(s);
	return 0;
}
