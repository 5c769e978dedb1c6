// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_http.c - which client carries a POST (see otlp_http.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "otlp_curl.h"
#include "otlp_evhttp.h"
#include "otlp_http.h"

struct otlp_http {
	struct event_base *base;
	struct otlp_evhttp *plain; /* made on first use */
	struct otlp_curl *curl; /* made on first use */
};

static unsigned int curl_users; /* successful otlp_http_load_curl()s */

bool otlp_http_needs_curl(const char *url,
			  const char *(*getenv_fn)(const char *name))
{
	/* The variables libcurl reads for an http:// URL (it ignores
	 * HTTP_PROXY, which a CGI request could set). */
	static const char *const proxy_vars[] = { "http_proxy", "all_proxy",
						  "ALL_PROXY" };

	if (strncasecmp(url, "http://", 7) != 0)
		return true; /* https://: TLS */
	for (size_t i = 0; i < sizeof(proxy_vars) / sizeof(proxy_vars[0]);
	     i++) {
		const char *v = getenv_fn(proxy_vars[i]);

		if (v && *v)
			return true;
	}
	return false;
}

int otlp_http_load_curl(char *why, size_t why_len)
{
	char err_text[256];
	int err;

	if (curl_users) {
		curl_users++;
		return 0;
	}
	err = mfd_curl_load(err_text, sizeof(err_text));
	if (err) {
		snprintf(why, why_len, "%s cannot be used: %s", MFD_CURL_SONAME,
			 err_text);
		return err;
	}
	if (mfd_curl.global_init(CURL_GLOBAL_DEFAULT)) {
		snprintf(why, why_len, "curl_global_init() failed");
		return -EIO;
	}
	curl_users = 1;
	return 0;
}

void otlp_http_unload_curl(void)
{
	if (curl_users && !--curl_users)
		mfd_curl.global_cleanup();
}

static const char *env_get(const char *name)
{
	return getenv(name);
}

struct otlp_http *otlp_http_new(struct event_base *base)
{
	struct otlp_http *h = calloc(1, sizeof(*h));

	if (h)
		h->base = base;
	return h;
}

int otlp_http_post(struct otlp_http *h, const char *url,
		   const char *const *headers, const uint8_t *body, size_t len,
		   long timeout_ms, const struct otlp_tls *tls,
		   otlp_http_done_fn done, void *arg)
{
	if (otlp_http_busy(h))
		return -EBUSY;
	if (otlp_http_needs_curl(url, env_get)) {
		if (!curl_users)
			return -ELIBACC;
		if (!h->curl && !(h->curl = otlp_curl_new(h->base)))
			return -ENOMEM;
		return otlp_curl_post(h->curl, url, headers, body, len,
				      timeout_ms, tls, done, arg);
	}
	if (!h->plain && !(h->plain = otlp_evhttp_new(h->base)))
		return -ENOMEM;
	return otlp_evhttp_post(h->plain, url, headers, body, len, timeout_ms,
				done, arg);
}

bool otlp_http_busy(const struct otlp_http *h)
{
	return (h->plain && otlp_evhttp_busy(h->plain)) ||
	       (h->curl && otlp_curl_busy(h->curl));
}

void otlp_http_free(struct otlp_http *h)
{
	if (!h)
		return;
	otlp_evhttp_free(h->plain);
	otlp_curl_free(h->curl);
	free(h);
}
