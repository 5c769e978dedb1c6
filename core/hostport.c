// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hostport.c - HOST:PORT and [IPV6]:PORT (see hostport.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hostport.h"

#define USE_BRACKETS "an IPv6 address is written [ADDR]:PORT"
#define PORT_RANGE "the port must be a number from 1 to 65535"

static int fail(char *why, size_t why_len, const char *msg)
{
	if (why && why_len)
		snprintf(why, why_len, "%s", msg);
	return -EINVAL;
}

static bool name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

/* An interface name or number after '%' (IFNAMSIZ is 16 with the NUL). */
static bool zone_ok(const char *z, size_t n)
{
	if (n == 0 || n > 15)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char((unsigned char)z[i]))
			return false;
	return true;
}

/* h[0..n) is the text between the brackets. */
static bool ipv6_ok(const char *h, size_t n)
{
	char a[INET6_ADDRSTRLEN];
	struct in6_addr bin;
	const char *pct = memchr(h, '%', n);
	size_t al = pct ? (size_t)(pct - h) : n;

	if (al == 0 || al >= sizeof(a))
		return false;
	if (pct && !zone_ok(pct + 1, n - al - 1))
		return false;
	memcpy(a, h, al);
	a[al] = '\0';
	return inet_pton(AF_INET6, a, &bin) == 1;
}

/* A host outside brackets: a name or a dotted quad. */
static int check_unbracketed(const char *h, size_t n, enum mfd_host_kind *kind,
			     char *why, size_t why_len)
{
	bool numeric = true;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)h[i];

		if (!name_char(c))
			return fail(why, why_len,
				    "the host may hold only letters, digits, "
				    "'.', '-' and '_' (an IPv6 address goes "
				    "in brackets)");
		if (c != '.' && (c < '0' || c > '9'))
			numeric = false;
	}
	/* Digits and dots that inet_pton() refuses ("256.1.1.1", "127.1")
	 * stay a name: the resolver decides, as it always has, and a
	 * listener that cannot bind says so at run time. */
	*kind = MFD_HOST_NAME;
	if (numeric && n < INET_ADDRSTRLEN) {
		char a[INET_ADDRSTRLEN];
		struct in_addr bin;

		memcpy(a, h, n);
		a[n] = '\0';
		if (inet_pton(AF_INET, a, &bin) == 1)
			*kind = MFD_HOST_IPV4;
	}
	return 0;
}

/* p[0..n): 1 to 5 digits, value 1..65535. */
static int parse_port(const char *p, size_t n, uint16_t *port, char *why,
		      size_t why_len)
{
	unsigned long v = 0;

	if (n == 0)
		return fail(why, why_len, "missing port after ':'");
	if (n > 5)
		return fail(why, why_len, PORT_RANGE);
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return fail(why, why_len, PORT_RANGE);
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return fail(why, why_len, PORT_RANGE);
	*port = (uint16_t)v;
	return 0;
}

int mfd_hostport_parse(const char *s, size_t len, uint16_t default_port,
		       struct mfd_hostport *out, char *why, size_t why_len)
{
	const char *end, *h, *port = NULL;
	enum mfd_host_kind kind = MFD_HOST_IPV6;
	size_t hl;
	int err;

	if (!s || len == 0)
		return fail(why, why_len, "empty address");
	end = s + len;
	if (s[0] == '[') {
		const char *rb = memchr(s, ']', len);

		if (!rb)
			return fail(why, why_len, USE_BRACKETS " (no ']')");
		h = s + 1;
		hl = (size_t)(rb - h);
		if (rb + 1 < end) {
			if (rb[1] != ':')
				return fail(why, why_len,
					    USE_BRACKETS " (':' after ']')");
			port = rb + 2;
		}
	} else {
		const char *colon = memchr(s, ':', len);

		h = s;
		hl = colon ? (size_t)(colon - s) : len;
		if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
			return fail(why, why_len, USE_BRACKETS);
		if (colon)
			port = colon + 1;
	}
	if (hl == 0)
		return fail(why, why_len, "missing host before ':PORT'");
	if (hl > MFD_HOST_MAX)
		return fail(why, why_len,
			    "the host is longer than 255 characters");
	if (s[0] == '[') {
		if (!ipv6_ok(h, hl))
			return fail(why, why_len,
				    "the address in brackets is not an IPv6 "
				    "address");
	} else {
		err = check_unbracketed(h, hl, &kind, why, why_len);
		if (err)
			return err;
	}
	if (port) {
		err = parse_port(port, (size_t)(end - port), &out->port, why,
				 why_len);
		if (err)
			return err;
	} else if (default_port) {
		out->port = default_port;
	} else {
		return fail(why, why_len,
			    "missing ':PORT' (write HOST:PORT, or [ADDR]:PORT "
			    "for IPv6)");
	}
	memcpy(out->host, h, hl);
	out->host[hl] = '\0';
	out->kind = kind;
	return 0;
}
