// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_otlp_secrets.c - configured secrets never reach a log line: header
 * values (and the token of "Bearer TOKEN"), URL passwords raw and
 * percent-decoded, and the Basic credential curl builds from a URL's
 * userinfo (RFC 7617's own example, "Aladdin:open sesame", checks the
 * base64) are starred out of text a collector echoes; logged URLs carry
 * "***" for the password. Also the export interval default that --help
 * states against the OpenTelemetry specification's.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "otlp_resolve.h"

static const char *const *fake_env;

static const char *env_get(const char *name)
{
	for (const char *const *e = fake_env; e && *e; e += 2)
		if (!strcmp(e[0], name))
			return e[1];
	return NULL;
}

static int resolve(const struct mfd_config *cfg, struct otlp_resolved *s,
		   char *why, size_t why_len)
{
	const struct otlp_sources src = { .cfg = &cfg->otlp, .env = env_get };

	return otlp_resolve(&src, s, why, why_len);
}

static void test_redact_url(void **unused)
{
	static const char *const cases[][2] = {
		{ "http://u:pw@h:4318/v1/metrics",
		  "http://u:***@h:4318/v1/metrics" },
		{ "https://u@h/x", "https://u@h/x" }, /* no password */
		{ "http://h:4318/a@b", "http://h:4318/a@b" }, /* '@' in path */
		{ "http://a:b@c@h/", "http://a:***@h/" }, /* last '@' ends it */
		{ "http://h/", "http://h/" },
		{ "ftp://u:secret@h/", "ftp://u:***@h/" },
	};

	(void)unused;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *r = otlp_redact_url(cases[i][0]);

		assert_non_null(r);
		assert_string_equal(r, cases[i][1]);
		free(r);
	}
}

static void test_scrub(void **unused)
{
	struct mfd_config cfg;
	struct otlp_resolved s;
	char why[256];
	char text[1024];

	(void)unused;
	assert_int_equal(mfd_config_defaults(&cfg), 0);
	fake_env = (const char *const[]){
		"OTEL_EXPORTER_OTLP_ENDPOINT",
		"http://Aladdin:open%20sesame@127.0.0.1:4318",
		"OTEL_EXPORTER_OTLP_HEADERS",
		"Authorization=Bearer%20tok-123456,x-api-key=k3y-abcdef", NULL
	};
	assert_int_equal(resolve(&cfg, &s, why, sizeof(why)), 0);
	assert_int_equal(otlp_resolved_add_headers(&s, "x-file=from-file-999",
						   "file", why, sizeof(why)),
			 0);
	/* What a collector that echoes the request might answer. */
	snprintf(text, sizeof(text),
		 "bad request; headers: Authorization: Bearer tok-123456 | "
		 "x-api-key: k3y-abcdef | x-file: from-file-999 | "
		 "Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ== | "
		 "token again tok-123456 | url pass open%%20sesame / "
		 "open sesame | keep this");
	otlp_scrub_secrets(&s, text);
	for (const char *const *leak =
		     (const char *const[]){
			     "tok-123456", "k3y-abcdef", "from-file-999",
			     "QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "open%20sesame",
			     "open sesame", "sesame", NULL };
	     *leak; leak++)
		assert_null(strstr(text, *leak));
	assert_non_null(strstr(text, "keep this"));
	assert_non_null(strstr(text, "x-api-key: "));
	/* The log's URL hides the password, the request's keeps it. */
	assert_string_equal(s.url_log[OTLP_METRICS],
			    "http://Aladdin:***@127.0.0.1:4318/v1/metrics");
	assert_non_null(strstr(s.url[OTLP_METRICS], "open%20sesame"));
	otlp_resolved_free(&s);
	mfd_config_free(&cfg);
}

/* A URL that is refused names the URL without its password. */
static void test_refused_url_redacted(void **unused)
{
	struct mfd_config cfg;
	struct otlp_resolved s;
	char why[256];

	(void)unused;
	assert_int_equal(mfd_config_defaults(&cfg), 0);
	fake_env = (const char *const[]){ "OTEL_EXPORTER_OTLP_ENDPOINT",
					  "ftp://me:hunter2@h/", NULL };
	assert_int_equal(resolve(&cfg, &s, why, sizeof(why)), -EINVAL);
	assert_null(strstr(why, "hunter2"));
	assert_non_null(strstr(why, "ftp://me:***@h/"));
	mfd_config_free(&cfg);
}

/* With nothing set, the export interval is the OpenTelemetry SDK's
 * OTEL_METRIC_EXPORT_INTERVAL default, 60000 ms (specification,
 * sdk-environment-variables), and --help says the same number. */
static void test_export_interval_default(void **unused)
{
	const struct mfd_option *o =
		mfd_config_find_key("otlp.export_interval");
	struct mfd_config cfg;
	struct otlp_resolved s;
	char why[256];

	(void)unused;
	assert_int_equal(mfd_config_defaults(&cfg), 0);
	fake_env = (const char *const[]){ "OTEL_EXPORTER_OTLP_ENDPOINT",
					  "http://h:4318", NULL };
	assert_int_equal(resolve(&cfg, &s, why, sizeof(why)), 0);
	assert_true(s.export_interval * 1000 == 60000);
	otlp_resolved_free(&s);
	assert_non_null(o);
	assert_non_null(strstr(o->help, "OTEL_METRIC_EXPORT_INTERVAL or 60 s"));
	mfd_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact_url),
		cmocka_unit_test(test_scrub),
		cmocka_unit_test(test_refused_url_redacted),
		cmocka_unit_test(test_export_interval_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
