// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_kv.c - "key=value,..." lists as OTEL_EXPORTER_OTLP_HEADERS and
 * OTEL_RESOURCE_ATTRIBUTES define them (see otlp_kv.h). Pure.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "otlp_kv.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 7230 tchar: what a header name or baggage key may contain. */
static bool is_tchar(char c)
{
	return isalnum((unsigned char)c) || strchr("!#$%&'*+-.^_`|~", c);
}

/* Copy [b, e) trimmed; percent-decode when decode. NULL on a bad escape,
 * a decoded NUL, CR or LF, or out of memory (*nomem says which). */
static char *dup_range(const char *b, const char *e, bool decode, bool *nomem)
{
	char *out, *o;

	while (b < e && is_ows(*b))
		b++;
	while (e > b && is_ows(e[-1]))
		e--;
	out = malloc((size_t)(e - b) + 1);
	if (!out) {
		*nomem = true;
		return NULL;
	}
	for (o = out; b < e; b++) {
		char c = *b;

		if (decode && c == '%') {
			int h, l;

			if (e - b < 3 || (h = hexval(b[1])) < 0 ||
			    (l = hexval(b[2])) < 0)
				goto bad;
			c = (char)(h * 16 + l);
			b += 2;
		}
		if (c == '\0' || c == '\r' || c == '\n')
			goto bad;
		*o++ = c;
	}
	*o = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

void otlp_kv_free(struct otlp_kv *kv, size_t n)
{
	if (!kv)
		return;
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

int otlp_parse_kv_list(const char *s, struct otlp_kv **out, size_t *n,
		       size_t *bad_at)
{
	struct otlp_kv *kv = NULL;
	size_t cap = 0, cnt = 0;
	const char *p = s;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (bad_at)
		*bad_at = 0;
	if (!s)
		return 0;
	while (*p) {
		const char *end = strchr(p, ',');
		const char *eq, *k;
		bool nomem = false;
		char *key, *val;

		if (!end)
			end = p + strlen(p);
		k = p;
		while (k < end && is_ows(*k))
			k++;
		if (k == end) /* empty member */
			goto next;
		eq = memchr(k, '=', (size_t)(end - k));
		if (!eq) {
			err = -EINVAL;
			goto fail_at;
		}
		key = dup_range(k, eq, false, &nomem);
		val = key ? dup_range(eq + 1, end, true, &nomem) : NULL;
		if (!key || !val || !*key) {
			free(key);
			free(val);
			err = nomem ? -ENOMEM : -EINVAL;
			goto fail_at;
		}
		for (const char *c = key; *c; c++)
			if (!is_tchar(*c)) {
				free(key);
				free(val);
				err = -EINVAL;
				goto fail_at;
			}
		if (cnt == cap) {
			size_t nc = cap ? cap * 2 : 8;
			struct otlp_kv *nk = realloc(kv, nc * sizeof(*kv));

			if (!nk) {
				free(key);
				free(val);
				err = -ENOMEM;
				goto fail;
			}
			kv = nk;
			cap = nc;
		}
		kv[cnt].key = key;
		kv[cnt].value = val;
		cnt++;
next:
		p = *end ? end + 1 : end;
	}
	*out = kv;
	*n = cnt;
	return 0;
fail_at:
	if (bad_at)
		*bad_at = (size_t)(p - s);
fail:
	otlp_kv_free(kv, cnt);
	return err;
}
