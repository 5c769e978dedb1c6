/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * healthcheck.h - `mfd-agent --healthcheck URL`: the container image's
 * HEALTHCHECK probe. The runtime image has no shell and no curl, so the
 * agent binary itself GETs its own /healthz and exits 0 on a 2xx answer.
 */
#ifndef MFD_HEALTHCHECK_H
#define MFD_HEALTHCHECK_H

#include <stddef.h>

#include "hostport.h" /* MFD_HOST_MAX */

struct mfd_http_url {
	char host[MFD_HOST_MAX + 1]; /* name, IPv4, or IPv6 without brackets */
	char port[8]; /* "80" when absent */
	char path[512]; /* "/" when absent */
};

/* Parse "http://host[:port][/path]" (IPv6 as "[::1]"; the host and port
 * as mfd_hostport_parse() reads them). Pure. 0, or -EINVAL with why[]
 * saying what is wrong. */
int mfd_http_url_parse(const char *url, struct mfd_http_url *out, char *why,
		       size_t why_len);

/* GET url with an overall timeout. Returns the HTTP status (100..599), or
 * -errno with why[] saying what failed. */
int mfd_healthcheck(const char *url, double timeout_s, char *why,
		    size_t why_len);

#endif /* MFD_HEALTHCHECK_H */
