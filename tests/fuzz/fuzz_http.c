// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_http.c - libFuzzer harness for the HTTP server's pure request
 * handling (exporters/http/http_api.c): routing and query validation of the
 * request target, Accept negotiation and request framing. The --http
 * address goes through core/hostport.c, fuzzed by fuzz_hostport.c.
 *
 * Input layout: "METHOD\nTARGET\nACCEPT" (missing parts are empty).
 * evhttp parses the request line and headers before us; these are the bytes it hands on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *method, *uri, *accept, *nl;
	struct mfd_http_req req;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';

	method = buf;
	uri = "";
	accept = "";
	nl = strchr(method, '\n');
	if (nl) {
		*nl = '\0';
		uri = nl + 1;
		nl = strchr(uri, '\n');
		if (nl) {
			*nl = '\0';
			accept = nl + 1;
		}
	}
	mfd_http_route(method, uri, mfd_web_assets, &req);
	/* Invariants: a status always, a reason with every refusal, a
	 * bounded history window. */
	if (req.status != 200 && (req.route != MFD_ROUTE_NONE || !req.why[0]))
		abort();
	if (req.minutes < 0 || req.minutes > MFD_HTTP_MAX_MINUTES)
		abort();
	if (req.route == MFD_ROUTE_ASSET && !req.asset)
		abort();
	(void)mfd_http_wants_openmetrics(accept);
	/* The third part as a header "NAME:VALUE", given twice: a body's
	 * framing header twice is never accepted. */
	nl = strchr(accept, ':');
	if (nl) {
		struct mfd_http_framing f = { 0 };

		*nl = '\0';
		mfd_http_framing_add(&f, accept, nl + 1);
		mfd_http_framing_add(&f, accept, nl + 1);
		if (!mfd_http_framing_verdict(&f) &&
		    (strcasecmp(accept, "Content-Length") == 0 ||
		     strcasecmp(accept, "Transfer-Encoding") == 0))
			abort();
	}
	free(buf);
	return 0;
}
