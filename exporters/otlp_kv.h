/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_kv.h - "key1=value1,key2=value2" lists, the syntax of
 * OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES. Pure.
 */
#ifndef MFD_OTLP_KV_H
#define MFD_OTLP_KV_H

#include <stddef.h>

/* One string key/value pair (resource attribute or HTTP header). */
struct otlp_kv {
	char *key;
	char *value;
};

/*
 * Parse "key1=value1,key2=value2" as OTEL_RESOURCE_ATTRIBUTES and
 * OTEL_EXPORTER_OTLP_HEADERS define it (W3C Baggage without properties):
 * whitespace around members, keys and values is trimmed, values are
 * percent-decoded, empty members are skipped. Keys must be non-empty tokens;
 * a bad escape, a missing '=', or a decoded NUL/CR/LF make the WHOLE value
 * malformed: -EINVAL, nothing returned, and *bad_at (if not NULL) set to
 * the offset of the offending member. 0 with *out (malloc'ed, free with
 * otlp_kv_free) and *n on success; -ENOMEM.
 */
int otlp_parse_kv_list(const char *s, struct otlp_kv **out, size_t *n,
		       size_t *bad_at);
void otlp_kv_free(struct otlp_kv *kv, size_t n);

#endif /* MFD_OTLP_KV_H */
