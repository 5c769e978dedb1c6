// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake_libcurl.c - a "libcurl.so.4" with only curl_global_init(), for the
 * otlp/dlopen test: put first on LD_LIBRARY_PATH, it makes the agent's
 * loader (exporters/otlp/curl_api.c) find a library that lacks the functions
 * mfd needs, and the test checks the error names the first one missing.
 */
int curl_global_init(long flags);

int curl_global_init(long flags)
{
	(void)flags;
	return 0;
}
