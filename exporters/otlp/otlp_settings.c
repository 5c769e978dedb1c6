// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_settings.c - the OTLP exporter's option table and its choices.
 */
#include "otlp_settings.h"

const char *const mfd_otlp_compression_choices[] = { "auto", "gzip", "none",
						     NULL };
const char *const mfd_otlp_protocol_choices[] = { "auto", "http/protobuf",
						  "http/json", "grpc", NULL };
const char *const mfd_otlp_spool_fsync_choices[] = { "batch", "always", "never",
						     NULL };

const struct mfd_option mfd_otlp_options[] = {
	MFD_OTLP_OPTION_ROWS(0),
	{ 0 },
};
