/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http_settings.h - what the HTTP server reads from the configuration,
 * and the option rows that fill it. The exporter owns both: the daemon
 * places MFD_HTTP_OPTION_ROWS() in the agent's table at the offset where
 * it keeps a struct mfd_http_settings, so flags, keys, variables and
 * --help come from these rows without the exporter seeing the daemon's
 * config.
 */
#ifndef MFD_HTTP_SETTINGS_H
#define MFD_HTTP_SETTINGS_H

#include <stddef.h>

#include "options.h"

struct mfd_http_settings {
	char *listen; /* --http ADDR:PORT, or "off" */
	int history; /* samples kept for /api/v1/history */
	int max_conns; /* open connections; more get 503 */
	int max_input_kib; /* read-ahead per connection */
	int max_output_kib; /* largest reply held per connection */
	double header_timeout; /* first byte to whole request, s */
	double idle_timeout; /* no request under way, s */
	double write_timeout; /* request to reply fully sent, s */
	/* Where listen and max_conns came from, kept by whoever fills the
	 * rows (the daemon's set_origin): a default may give way (a taken
	 * port, a small RLIMIT_NOFILE), a value the user chose may not. */
	enum mfd_origin listen_origin;
	enum mfd_origin max_conns_origin;
};

/* The rows alone, relative to base, the offset of a struct
 * mfd_http_settings in whatever the table fills. A macro rather than a
 * table so the daemon keeps one contiguous table in the order --help and
 * config/mfd.yaml have always had.
 *
 * The bounds on the server (http_conn.c, docs/http.md): with the defaults,
 * what clients can make it hold (64 x 16 KiB of read-ahead, shared
 * replies pinned until the write deadline) stays far inside the
 * DaemonSet's 96 MiB next to the agent's own ~15. */
#define MFD_HTTP_OFF_(base, f) ((base) + offsetof(struct mfd_http_settings, f))
#define MFD_HTTP_OPTION_ROWS(base)                                                   \
	{ .name = "http",                                                            \
	  .key = "http.listen",                                                      \
	  .type = MFD_OPT_STRING,                                                    \
	  .offset = MFD_HTTP_OFF_(base, listen),                                     \
	  .def = "127.0.0.1:9464",                                                   \
	  .arg = "ADDR:PORT",                                                        \
	  .help = "serve /metrics, /healthz, /api/v1/* and the dashboard "           \
		  "here; \"off\" disables it" },                                     \
		{ .name = "http-history",                                            \
		  .key = "http.history_samples",                                     \
		  .type = MFD_OPT_INT,                                               \
		  .offset = MFD_HTTP_OFF_(base, history),                            \
		  .def = "1800",                                                     \
		  .min = 2,                                                          \
		  .max = 1000000,                                                    \
		  .arg = "N",                                                        \
		  .help = "samples kept in memory for /api/v1/history and the "      \
			  "dashboard" },                                             \
		{ .name = "http-max-connections",                                    \
		  .key = "http.max_connections",                                     \
		  .type = MFD_OPT_INT,                                               \
		  .offset = MFD_HTTP_OFF_(base, max_conns),                          \
		  .def = "64",                                                       \
		  .min = 1,                                                          \
		  .max = 65536,                                                      \
		  .arg = "N",                                                        \
		  .help = "open HTTP connections; a new one past it closes the one " \
			  "idle longest, or gets 503" },                             \
		{ .name = "http-max-input-kib",                                      \
		  .key = "http.max_input_kib",                                       \
		  .type = MFD_OPT_INT,                                               \
		  .offset = MFD_HTTP_OFF_(base, max_input_kib),                      \
		  .def = "16",                                                       \
		  .min = 2,                                                          \
		  .max = 1024,                                                       \
		  .arg = "KIB",                                                      \
		  .help = "request bytes read ahead per connection (pipelined "      \
			  "requests wait in the kernel); headers may use half" },    \
		{ .name = "http-max-output-kib",                                     \
		  .key = "http.max_output_kib",                                      \
		  .type = MFD_OPT_INT,                                               \
		  .offset = MFD_HTTP_OFF_(base, max_output_kib),                     \
		  .def = "1024",                                                     \
		  .min = 64,                                                         \
		  .max = 1048576,                                                    \
		  .arg = "KIB",                                                      \
		  .help = "largest /api/v1/history reply; longer histories come in " \
			  "pages (?since=)" },                                       \
		{ .name = "http-header-timeout",                                     \
		  .key = "http.header_timeout",                                      \
		  .type = MFD_OPT_DOUBLE,                                            \
		  .offset = MFD_HTTP_OFF_(base, header_timeout),                     \
		  .def = "5",                                                        \
		  .min = 0,                                                          \
		  .max = 3600,                                                       \
		  .min_exclusive = true,                                             \
		  .arg = "SECONDS",                                                  \
		  .help = "a request must arrive whole this long after its first "   \
			  "byte" },                                                  \
		{ .name = "http-idle-timeout",                                       \
		  .key = "http.idle_timeout",                                        \
		  .type = MFD_OPT_DOUBLE,                                            \
		  .offset = MFD_HTTP_OFF_(base, idle_timeout),                       \
		  .def = "30",                                                       \
		  .min = 0,                                                          \
		  .max = 86400,                                                      \
		  .min_exclusive = true,                                             \
		  .arg = "SECONDS",                                                  \
		  .help = "a connection with no request under way is closed after "  \
			  "this" },                                                  \
	{                                                                            \
		.name = "http-write-timeout", .key = "http.write_timeout",           \
		.type = MFD_OPT_DOUBLE,                                              \
		.offset = MFD_HTTP_OFF_(base, write_timeout), .def = "10",           \
		.min = 0, .max = 3600, .min_exclusive = true,                        \
		.arg = "SECONDS",                                                    \
		.help = "a client must have taken its whole reply this long after "  \
			"asking"                                                     \
	}

/* The exporter's own table: the rows above over a bare struct
 * mfd_http_settings, NULL-terminated. */
extern const struct mfd_option mfd_http_options[];

#endif /* MFD_HTTP_SETTINGS_H */
