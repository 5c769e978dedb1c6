// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fake_oldcurl.c - a "libcurl.so.4" with every function mfd resolves, that
 * says it is libcurl 7.81.0 (older than CURLOPT_PROTOCOLS_STR), for the
 * otlp/dlopen test: the agent's loader (exporters/otlp/curl_api.c) must
 * refuse it, naming the version found and the one needed. Only
 * curl_version_info() is ever called; the rest are there to be found.
 */
#define STUB(name)       \
	void name(void); \
	void name(void)  \
	{                \
	}
STUB(curl_global_init)
STUB(curl_global_cleanup)
STUB(curl_slist_append)
STUB(curl_slist_free_all)
STUB(curl_easy_init)
STUB(curl_easy_setopt)
STUB(curl_easy_getinfo)
STUB(curl_easy_strerror)
STUB(curl_easy_cleanup)
STUB(curl_multi_init)
STUB(curl_multi_setopt)
STUB(curl_multi_add_handle)
STUB(curl_multi_remove_handle)
STUB(curl_multi_socket_action)
STUB(curl_multi_assign)
STUB(curl_multi_info_read)
STUB(curl_multi_cleanup)

/* The first members of curl_version_info_data, in curl.h's order. */
struct version_head {
	int age;
	const char *version;
	unsigned int version_num;
};

const struct version_head *curl_version_info(int stamp);

const struct version_head *curl_version_info(int stamp)
{
	static const struct version_head v = { 0, "7.81.0", 0x075100 };

	(void)stamp;
	return &v;
}
