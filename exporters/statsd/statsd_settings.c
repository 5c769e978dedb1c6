// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * statsd_settings.c - the StatsD exporter's option table and its choices.
 */
#include "statsd_settings.h"

/* Index = enum statsd_tag_style (statsd_encode.h). */
const char *const mfd_statsd_tag_choices[] = { "none", "dogstatsd", "graphite",
					       NULL };
/* Index = the proto field: 0 udp, 1 tcp. */
const char *const mfd_statsd_proto_choices[] = { "udp", "tcp", NULL };
/* Index = the send field: 0 all, 1 changed. */
const char *const mfd_statsd_send_choices[] = { "all", "changed", NULL };

const struct mfd_option mfd_statsd_options[] = {
	MFD_STATSD_OPTION_ROWS(0),
	{ 0 },
};
