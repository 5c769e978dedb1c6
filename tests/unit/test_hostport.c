// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_hostport.c - core/hostport.c against the C library: what it
 * accepts as an IP address inet_pton() and getaddrinfo(AI_NUMERICHOST)
 * accept as one, a port getaddrinfo(AI_NUMERICSERV) reads alike, and
 * each refusal says why. Also its three callers (--statsd, --http,
 * --healthcheck).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "healthcheck.h"
#include "hostport.h"
#include "http_api.h"
#include "statsd_encode.h"

static int parse(const char *s, struct mfd_hostport *hp, char *why,
		 size_t why_len)
{
	return mfd_hostport_parse(s, strlen(s), 0, hp, why, why_len);
}

/* getaddrinfo() on host and port as numbers only: the family, or -1. */
static int gai_family(const char *host, uint16_t port, uint16_t *got_port)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM },
			*ai = NULL;
	char serv[8];
	int fam;

	snprintf(serv, sizeof(serv), "%u", (unsigned int)port);
	if (getaddrinfo(host, serv, &hints, &ai))
		return -1;
	fam = ai->ai_family;
	if (fam == AF_INET)
		*got_port =
			ntohs(((struct sockaddr_in *)ai->ai_addr)->sin_port);
	else
		*got_port =
			ntohs(((struct sockaddr_in6 *)ai->ai_addr)->sin6_port);
	freeaddrinfo(ai);
	return fam;
}

static void test_valid(void **state)
{
	static const struct {
		const char *in, *host;
		uint16_t port;
		enum mfd_host_kind kind;
	} ok[] = {
		{ "127.0.0.1:9464", "127.0.0.1", 9464, MFD_HOST_IPV4 },
		{ "0.0.0.0:80", "0.0.0.0", 80, MFD_HOST_IPV4 },
		{ "255.255.255.255:1", "255.255.255.255", 1, MFD_HOST_IPV4 },
		{ "10.0.0.1:65535", "10.0.0.1", 65535, MFD_HOST_IPV4 },
		{ "[::1]:8125", "::1", 8125, MFD_HOST_IPV6 },
		{ "[::]:80", "::", 80, MFD_HOST_IPV6 },
		{ "[2001:db8::7]:443", "2001:db8::7", 443, MFD_HOST_IPV6 },
		{ "[::ffff:192.0.2.1]:5", "::ffff:192.0.2.1", 5,
		  MFD_HOST_IPV6 },
		{ "[1:2:3:4:5:6:7:8]:9", "1:2:3:4:5:6:7:8", 9, MFD_HOST_IPV6 },
		{ "[fe80::1%1]:80", "fe80::1%1", 80, MFD_HOST_IPV6 },
		{ "localhost:8125", "localhost", 8125, MFD_HOST_NAME },
		{ "statsd.monitoring.svc.cluster.local:8125",
		  "statsd.monitoring.svc.cluster.local", 8125, MFD_HOST_NAME },
		{ "my_host-1:00080", "my_host-1", 80, MFD_HOST_NAME },
		{ "1e100.net:1", "1e100.net", 1, MFD_HOST_NAME },
	};
	struct mfd_hostport hp;
	char why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		unsigned char bin[16];
		uint16_t gport = 0;
		int fam;

		if (parse(ok[i].in, &hp, why, sizeof(why)))
			fail_msg("'%s' refused: %s", ok[i].in, why);
		assert_string_equal(hp.host, ok[i].host);
		assert_int_equal(hp.port, ok[i].port);
		assert_int_equal(hp.kind, ok[i].kind);
		/* The C library reads the same host and port. */
		fam = gai_family(hp.host, hp.port, &gport);
		switch (hp.kind) {
		case MFD_HOST_IPV4:
			assert_int_equal(fam, AF_INET);
			assert_int_equal(inet_pton(AF_INET, hp.host, bin), 1);
			assert_int_equal(gport, hp.port);
			break;
		case MFD_HOST_IPV6:
			assert_int_equal(fam, AF_INET6);
			if (!strchr(hp.host, '%'))
				assert_int_equal(
					inet_pton(AF_INET6, hp.host, bin), 1);
			assert_int_equal(gport, hp.port);
			break;
		case MFD_HOST_NAME:
			/* Not an address literal: the resolver's job. */
			assert_int_equal(fam, -1);
			assert_int_equal(inet_pton(AF_INET, hp.host, bin), 0);
			assert_int_equal(inet_pton(AF_INET6, hp.host, bin), 0);
			break;
		}
	}
}

/* Digits and dots are an IPv4 address exactly when inet_pton() says so;
 * text in brackets is accepted exactly when it says it is IPv6. */
static void test_same_as_inet_pton(void **state)
{
	static const char *const v4[] = {
		"1.2.3.4",    "0.0.0.0",   "255.255.255.255", "256.0.0.0",
		"1.2.3",      "1.2.3.4.5", "1..2.3",	      "01.2.3.4",
		"1.2.3.4.",   ".1.2.3.4",  "127.1",	      "4294967295",
		"1.2.3.0400", "999",
	};
	static const char *const v6[] = {
		"::1",
		"::",
		"1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8:9",
		"::ffff:1.2.3.4",
		"gggg::1",
		":::",
		"1::2::3",
		"fe80::",
		"::ffff:1.2.3.256",
		"12345::1",
		"1.2.3.4",
	};
	struct mfd_hostport hp;
	unsigned char bin[16];
	char in[80], why[160];

	(void)state;
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		bool lib = inet_pton(AF_INET, v4[i], bin) == 1;

		/* Refused by inet_pton(), it is left to the resolver as a
		 * name (a bad --http address then fails to bind, exit 1). */
		snprintf(in, sizeof(in), "%s:80", v4[i]);
		assert_int_equal(parse(in, &hp, why, sizeof(why)), 0);
		if ((hp.kind == MFD_HOST_IPV4) != lib)
			fail_msg("'%s': inet_pton says %d", in, lib);
	}
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		bool lib = inet_pton(AF_INET6, v6[i], bin) == 1;

		snprintf(in, sizeof(in), "[%s]:80", v6[i]);
		if ((parse(in, &hp, why, sizeof(why)) == 0) != lib)
			fail_msg("'%s': inet_pton says %d", in, lib);
		if (!lib)
			assert_non_null(strstr(why, "not an IPv6 address"));
	}
}

/* Ports: getaddrinfo() reads 1..65535 as we do; we refuse 0 (nothing
 * listens or answers there) and anything but 1-5 digits. */
static void test_ports(void **state)
{
	static const char *const ok[] = { "1", "80", "65535", "08125" };
	static const char *const bad[] = { "0",	 "65536", "99999", "000001",
					   "-1", "+1",	  "1a",	   " 1",
					   "1 ", "0x10" };
	struct mfd_hostport hp;
	char in[64], why[160];
	uint16_t gport;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(in, sizeof(in), "127.0.0.1:%s", ok[i]);
		assert_int_equal(parse(in, &hp, why, sizeof(why)), 0);
		assert_int_equal(gai_family("127.0.0.1", hp.port, &gport),
				 AF_INET);
		assert_int_equal(gport, (uint16_t)strtoul(ok[i], NULL, 10));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(in, sizeof(in), "127.0.0.1:%s", bad[i]);
		assert_int_equal(parse(in, &hp, why, sizeof(why)), -EINVAL);
		assert_string_equal(
			why, "the port must be a number from 1 to 65535");
	}
}

/* Each refusal, and the words it gives. */
static void test_invalid(void **state)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "", "empty address" },
		{ "host", "missing ':PORT'" },
		{ "host:", "missing port" },
		{ ":8125", "missing host" },
		{ "a:b:8125", "[ADDR]:PORT" },
		{ "::1:9464", "[ADDR]:PORT" },
		{ "[::1]8125", "[ADDR]:PORT" },
		{ "[::1", "no ']'" },
		{ "[::1]:", "missing port" },
		{ "[]:1", "missing host" },
		{ "[host]:1", "not an IPv6 address" },
		{ "[fe80::1%]:1", "not an IPv6 address" },
		{ "[fe80::1%a b]:1", "not an IPv6 address" },
		{ "h st:1", "only letters, digits" },
		{ "ho]st:8125", "only letters, digits" },
		{ "a/b:1", "only letters, digits" },
		{ "host\n:1", "only letters, digits" },
	};
	struct mfd_hostport hp;
	char why[160], longname[300];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (parse(bad[i].in, &hp, why, sizeof(why)) != -EINVAL)
			fail_msg("'%s' accepted", bad[i].in);
		if (!strstr(why, bad[i].why))
			fail_msg("'%s': \"%s\" lacks \"%s\"", bad[i].in, why,
				 bad[i].why);
	}
	memset(longname, 'a', 256);
	memcpy(longname + 256, ":80", 4);
	assert_int_equal(parse(longname, &hp, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "longer than 255"));
	longname[255] = ':'; /* 255 characters: the most */
	memcpy(longname + 256, "80", 3);
	assert_int_equal(parse(longname, &hp, why, sizeof(why)), 0);
	/* A NUL inside the length is a byte like any other. */
	assert_int_equal(mfd_hostport_parse("a\0b:1", 5, 0, &hp, why,
					    sizeof(why)),
			 -EINVAL);
	/* len bounds the read: "host:80" cut before its port. */
	assert_int_equal(mfd_hostport_parse("host:80", 4, 0, &hp, why,
					    sizeof(why)),
			 -EINVAL);
	assert_int_equal(mfd_hostport_parse("host:80", 4, 443, &hp, NULL, 0),
			 0);
	assert_int_equal(hp.port, 443);
}

/* The three callers keep their own words around the parser's. */
static void test_callers(void **state)
{
	struct mfd_http_url u;
	char host[64], why[256];
	uint16_t port;

	(void)state;
	assert_int_equal(mfd_http_parse_listen("", host, sizeof(host), &port,
					       why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "empty address; use ADDR:PORT or off");
	assert_int_equal(mfd_http_parse_listen("127.0.0.1:99999", host,
					       sizeof(host), &port, why,
					       sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "'127.0.0.1:99999': the port must be a "
				 "number from 1 to 65535");
	assert_int_equal(mfd_http_parse_listen("[::1]9464", host, sizeof(host),
					       &port, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "an IPv6 address is written [ADDR]:PORT"));
	/* A host the caller's buffer cannot hold. */
	assert_int_equal(mfd_http_parse_listen("abcdefgh:1", host, 8, &port,
					       why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(statsd_parse_addr("abcdef:1", host, 4, &port),
			 -EINVAL);
	assert_int_equal(
		statsd_parse_addr("[::1]:65535", host, sizeof(host), &port), 0);
	assert_string_equal(host, "::1");

	assert_int_equal(mfd_http_url_parse("http://[::1]/healthz", &u, why,
					    sizeof(why)),
			 0);
	assert_string_equal(u.host, "::1");
	assert_string_equal(u.port, "80");
	assert_string_equal(u.path, "/healthz");
	assert_int_equal(
		mfd_http_url_parse("http://h:0080", &u, why, sizeof(why)), 0);
	assert_string_equal(u.port, "80");
	assert_string_equal(u.path, "/");
	assert_int_equal(mfd_http_url_parse("http://h:99999/", &u, why,
					    sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "the port must be a number from 1 to 65535");
	assert_int_equal(mfd_http_url_parse("ftp://h/", &u, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(mfd_http_url_parse("http://h/a b", &u, why,
					    sizeof(why)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_same_as_inet_pton),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_callers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
