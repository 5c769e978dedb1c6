/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hostport.h - the one parser of "HOST:PORT" for every address a user
 * gives the agent: --statsd, --http and --healthcheck's URL.
 *
 * Accepted: a name ("localhost", "statsd.monitoring.svc"), an IPv4
 * address in dotted quad ("127.0.0.1"), or an IPv6 address in brackets
 * ("[::1]", "[fe80::1%eth0]"), then ':' and a decimal port from 1 to
 * 65535. Pure: no I/O, no name resolution; what getaddrinfo() would do
 * with a name is for the caller to find out.
 */
#ifndef MFD_HOSTPORT_H
#define MFD_HOSTPORT_H

#include <stddef.h>
#include <stdint.h>

#define MFD_HOST_MAX 255 /* a DNS name's longest text form, and more */

enum mfd_host_kind {
	MFD_HOST_NAME, /* letters, digits, '.', '-', '_'; for the resolver
			* (so is "256.1.1.1", which inet_pton() refuses) */
	MFD_HOST_IPV4, /* inet_pton(AF_INET) accepts it */
	MFD_HOST_IPV6, /* was in brackets; inet_pton(AF_INET6) accepts it
			* (a "%zone" suffix left aside) */
};

struct mfd_hostport {
	char host[MFD_HOST_MAX + 1]; /* NUL-terminated, without brackets */
	uint16_t port; /* 1..65535 */
	enum mfd_host_kind kind;
};

/*
 * Parse the len bytes at s (no NUL needed) as HOST:PORT or [IPV6]:PORT.
 * default_port 0: the port is required; otherwise it is used when s has
 * no ":PORT" at all (a URL's "http://host/"). Returns 0, or -EINVAL with
 * why[] saying what is wrong in words a user can act on (the input
 * itself is not repeated: the caller names it).
 */
int mfd_hostport_parse(const char *s, size_t len, uint16_t default_port,
		       struct mfd_hostport *out, char *why, size_t why_len);

#endif /* MFD_HOSTPORT_H */
