// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_hostport.c - libFuzzer harness for mfd_hostport_parse()
 * (core/hostport.c), the one parser of the addresses a user gives:
 * --statsd, --http and --healthcheck's URL. Each of those callers is fed
 * the same input too, so their own bits (the URL's scheme and path, the
 * caller's buffer) stay covered.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "healthcheck.h"
#include "hostport.h"
#include "http_api.h"
#include "statsd_encode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What any accepted address must be. */
static void check(const struct mfd_hostport *hp)
{
	size_t n = strlen(hp->host);
	unsigned char bin[16];

	if (n == 0 || n > MFD_HOST_MAX || hp->port == 0)
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)hp->host[i];

		if (c <= ' ' || c >= 0x7f || c == '[' || c == ']' || c == '/')
			abort();
	}
	if (hp->kind == MFD_HOST_IPV4 && inet_pton(AF_INET, hp->host, bin) != 1)
		abort();
	if (hp->kind == MFD_HOST_IPV6 && !strchr(hp->host, ':'))
		abort();
	if (hp->kind == MFD_HOST_NAME && strchr(hp->host, ':'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly size bytes, no NUL: a read past the end is caught. */
	char *raw = malloc(size ? size : 1), *s = malloc(size + 1);
	char *url = malloc(size + 8), why[160], host[8];
	struct mfd_hostport hp;
	struct mfd_http_url u;
	uint16_t port;

	if (!raw || !s || !url)
		goto out;
	memcpy(raw, data, size);
	memcpy(s, data, size);
	s[size] = '\0';
	memcpy(url, "http://", 7);
	memcpy(url + 7, data, size);
	url[size + 7] = '\0';

	for (int dflt = 0; dflt <= 1; dflt++) {
		why[0] = '\0';
		if (mfd_hostport_parse(raw, size, dflt ? 80 : 0, &hp, why,
				       sizeof(why)) == 0)
			check(&hp);
		else if (!why[0])
			abort(); /* a refusal always says why */
	}
	/* The callers, with a short host buffer that must not overrun. */
	statsd_parse_addr(s, host, sizeof(host), &port);
	mfd_http_parse_listen(s, host, sizeof(host), &port, why, sizeof(why));
	if (mfd_http_url_parse(url, &u, why, sizeof(why)) == 0 &&
	    (!u.host[0] || !u.port[0] || u.path[0] != '/'))
		abort();
out:
	free(raw);
	free(s);
	free(url);
	return 0;
}
