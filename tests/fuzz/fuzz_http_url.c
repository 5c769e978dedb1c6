// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_http_url.c - libFuzzer harness for --healthcheck's URL parser
 * (daemon/healthcheck.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "healthcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfd_http_url u;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (mfd_http_url_parse(s, &u) == 0 &&
	    (!u.host[0] || !u.port[0] || u.path[0] != '/'))
		__builtin_trap();
	free(s);
	return 0;
}
