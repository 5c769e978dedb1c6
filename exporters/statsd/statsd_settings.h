/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statsd_settings.h - what the StatsD exporter reads from the
 * configuration, and the option rows that fill it. The exporter owns both:
 * the daemon places MFD_STATSD_OPTION_ROWS() in the agent's table at the
 * offset where it keeps a struct mfd_statsd_settings, so flags, keys,
 * variables and --help come from these rows without the exporter seeing
 * the daemon's config.
 */
#ifndef MFD_STATSD_SETTINGS_H
#define MFD_STATSD_SETTINGS_H

#include <stddef.h>

#include "options.h"

struct mfd_statsd_settings {
	char *addr; /* --statsd HOST:PORT, or NULL: off */
	int tags; /* enum statsd_tag_style */
	char *prefix; /* prepended to every StatsD name */
	int mtu; /* largest StatsD packet payload, bytes */
	int proto; /* 0 udp, 1 tcp */
	double write_timeout; /* TCP: seconds without a byte written */
	int send; /* 0 all, 1 changed (statsd_encoder.changed_only) */
};

/* Index = enum statsd_tag_style (statsd_encode.h). */
extern const char *const mfd_statsd_tag_choices[];
extern const char *const mfd_statsd_proto_choices[];
extern const char *const mfd_statsd_send_choices[];

/* The rows alone, relative to base, the offset of a struct
 * mfd_statsd_settings in whatever the table fills. A macro rather than a
 * table so the daemon keeps one contiguous table in the order --help and
 * config/mfd.yaml have always had. */
#define MFD_STATSD_OFF_(base, f) \
	((base) + offsetof(struct mfd_statsd_settings, f))
#define MFD_STATSD_OPTION_ROWS(base)                                                  \
	{ .name = "statsd",                                                           \
	  .key = "statsd.address",                                                    \
	  .type = MFD_OPT_STRING,                                                     \
	  .offset = MFD_STATSD_OFF_(base, addr),                                      \
	  .def = "",                                                                  \
	  .arg = "HOST:PORT",                                                         \
	  .help = "send gauges and counters to this StatsD" },                        \
		{ .name = "statsd-tags",                                              \
		  .key = "statsd.tags",                                               \
		  .type = MFD_OPT_ENUM,                                               \
		  .offset = MFD_STATSD_OFF_(base, tags),                              \
		  .def = "none",                                                      \
		  .choices = mfd_statsd_tag_choices,                                  \
		  .arg = "STYLE",                                                     \
		  .help = "StatsD attributes: none (in the name), dogstatsd or "      \
			  "graphite tags" },                                          \
		{ .name = "statsd-prefix",                                            \
		  .key = "statsd.prefix",                                             \
		  .type = MFD_OPT_STRING,                                             \
		  .offset = MFD_STATSD_OFF_(base, prefix),                            \
		  .def = "mfd.",                                                      \
		  .arg = "PREFIX",                                                    \
		  .help = "prepended to every StatsD name ([A-Za-z0-9_.-])" },        \
		{ .name = "statsd-mtu",                                               \
		  .key = "statsd.mtu",                                                \
		  .type = MFD_OPT_INT,                                                \
		  .offset = MFD_STATSD_OFF_(base, mtu),                               \
		  .def = "1432",                                                      \
		  .min = 64,                                                          \
		  .max = 65507,                                                       \
		  .arg = "BYTES",                                                     \
		  .help = "largest StatsD packet payload" },                          \
		{ .name = "statsd-proto",                                             \
		  .key = "statsd.proto",                                              \
		  .type = MFD_OPT_ENUM,                                               \
		  .offset = MFD_STATSD_OFF_(base, proto),                             \
		  .def = "udp",                                                       \
		  .choices = mfd_statsd_proto_choices,                                \
		  .arg = "PROTO",                                                     \
		  .help = "StatsD transport: udp or tcp" },                           \
		{ .name = "statsd-write-timeout",                                     \
		  .key = "statsd.write_timeout",                                      \
		  .type = MFD_OPT_DOUBLE,                                             \
		  .offset = MFD_STATSD_OFF_(base, write_timeout),                     \
		  .def = "10",                                                        \
		  .min = 0.1,                                                         \
		  .max = 3600,                                                        \
		  .arg = "SECONDS",                                                   \
		  .help = "TCP: a StatsD that takes no byte for this long loses the " \
			  "connection (its queue counted as dropped), then it is "    \
			  "reopened" },                                               \
	{                                                                             \
		.name = "statsd-send", .key = "statsd.send",                          \
		.type = MFD_OPT_ENUM, .offset = MFD_STATSD_OFF_(base, send),          \
		.def = "all", .choices = mfd_statsd_send_choices,                     \
		.arg = "WHAT",                                                        \
		.help = "all: every gauge and counter each sample; changed: "         \
			"only gauges whose value changed and counters that grew, "    \
			"and everything once a minute"                                \
	}

/* The exporter's own table: the rows above over a bare struct
 * mfd_statsd_settings, NULL-terminated. */
extern const struct mfd_option mfd_statsd_options[];

#endif /* MFD_STATSD_SETTINGS_H */
