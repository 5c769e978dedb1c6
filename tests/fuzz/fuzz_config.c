// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_config.c - libFuzzer harness for the YAML config file parser.
 *
 * Feeds arbitrary bytes to mfd_config_parse_yaml(), the pure core behind
 * --config and SIGHUP. Secret "*_file" keys get a reader that reads
 * nothing from disk, so the harness does no I/O.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

static int fake_read(const char *path, char **out, char *why, size_t len)
{
	(void)path;
	*out = strdup("  fuzz-secret\n");
	if (!*out) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mfd_config cfg;
	char why[512];

	if (mfd_config_defaults(&cfg))
		return 0;
	mfd_config_parse_yaml(&cfg, (const char *)data, size, "fuzz.yaml",
			      fake_read, why, sizeof(why));
	/* An error message is always one terminated line. */
	if (!memchr(why, '\0', sizeof(why)))
		__builtin_trap();
	mfd_config_free(&cfg);
	return 0;
}
