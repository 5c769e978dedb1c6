/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_retry_after.h - how long a collector asks to be left alone. Both
 * transports hand the header over as text: libevent's client (http://)
 * does not parse it, and one parser keeps the two alike where libcurl's
 * CURLINFO_RETRY_AFTER would differ (it reads "12 monkeys" as 12 s and
 * ignores a number too large for it instead of honouring it up to
 * otlp.max_backoff).
 */
#ifndef MFD_OTLP_RETRY_AFTER_H
#define MFD_OTLP_RETRY_AFTER_H

#include <time.h>

/*
 * Parse a Retry-After value (RFC 9110 10.2.3): delay-seconds or an
 * HTTP-date (IMF-fixdate, RFC 850 or asctime form), relative to now.
 * 0 with *secs >= 0 (a date in the past gives 0); -EINVAL otherwise.
 */
int otlp_parse_retry_after(const char *v, time_t now, double *secs);

#endif /* MFD_OTLP_RETRY_AFTER_H */
