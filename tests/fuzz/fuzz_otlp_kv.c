// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz_otlp_kv.c - OTEL_RESOURCE_ATTRIBUTES / OTEL_EXPORTER_OTLP_HEADERS
 * parser, and the resource built from its result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "otlp_kv.h"
#include "resource.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct otlp_resource_facts f = { 0 };
	struct otlp_resource r;
	struct otlp_kv *kv;
	size_t n, bad;
	bool attrs_bad;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (otlp_parse_kv_list(s, &kv, &n, &bad) == 0) {
		for (size_t i = 0; i < n; i++)
			if (!kv[i].key[0] || strpbrk(kv[i].value, "\r\n"))
				abort();
		otlp_kv_free(kv, n);
	}
	f.resource_attributes = s;
	if (otlp_resource_build(&r, &f, &attrs_bad) == 0)
		otlp_resource_free(&r);
	free(s);
	return 0;
}
