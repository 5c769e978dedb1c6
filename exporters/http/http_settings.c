// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * http_settings.c - the HTTP server's option table.
 */
#include "http_settings.h"

const struct mfd_option mfd_http_options[] = {
	MFD_HTTP_OPTION_ROWS(0),
	{ 0 },
};
