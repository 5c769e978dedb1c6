/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * curl_api.h - libcurl, loaded at run time, only when OTLP export is on.
 *
 * Linking libcurl maps it and everything it needs (OpenSSL, GnuTLS,
 * Kerberos, LDAP, SSH, nghttp2, ...) into every agent, although only the
 * OTLP exporter uses it: with OTLP off that costs 2.8 MiB of PSS and
 * 5.5 MiB of RSS (docs/otlp.md has the measurement).
 * Instead, mfd_curl_load() dlopen()s libcurl.so.4 when the exporter is
 * created and fills mfd_curl, a table of the functions mfd calls; the
 * exporter calls them as mfd_curl.easy_init(), mfd_curl.easy_setopt(h,
 * CURLOPT_URL, url) and so on. curl's types and constants still come from
 * its header, so the build needs the headers (libcurl4-openssl-dev) and
 * the machine that exports needs the library (libcurl4).
 */
#ifndef MFD_CURL_API_H
#define MFD_CURL_API_H

#include <stddef.h>

/*
 * Under GCC and clang, curl.h (typecheck-gcc.h) turns curl_easy_setopt,
 * curl_easy_getinfo and curl_multi_setopt into macros that check each
 * option's argument type and then call the linked function. Calls through
 * this table never go through those macros, so the checks could not help
 * them; with the macros off, the three names are plain prototypes whose
 * types the table below takes with __typeof__. The call sites keep what
 * the checks enforced by hand: longs as 1L, curl_off_t cast, pointers and
 * callbacks of curl's documented types.
 */
#define CURL_DISABLE_TYPECHECK
#ifdef curl_easy_setopt
#error "include curl_api.h, not <curl/curl.h>, and before it"
#endif
#include <curl/curl.h>

/* The soname the loader asks for: libcurl's ABI since 7.16. */
#define MFD_CURL_SONAME "libcurl.so.4"
/* The oldest libcurl mfd runs with: CURLOPT_PROTOCOLS_STR came in 7.85
 * (CURLINFO_RETRY_AFTER in 7.66). An older library would ignore the
 * option and follow any protocol. The build asks for the same
 * (pkg_check_modules in the top CMakeLists.txt). */
#define MFD_CURL_MIN_VERSION "7.85.0"
#define MFD_CURL_MIN_VERSION_NUM 0x075500

/* Exactly the libcurl functions mfd calls; each member has the type of
 * curl.h's prototype, so a mismatch is a compile error. Filled all at
 * once by mfd_curl_load(); all NULL before it succeeds. */
struct mfd_curl_api {
	__typeof__(curl_global_init) *global_init;
	__typeof__(curl_global_cleanup) *global_cleanup;
	__typeof__(curl_slist_append) *slist_append;
	__typeof__(curl_slist_free_all) *slist_free_all;
	__typeof__(curl_easy_init) *easy_init;
	__typeof__(curl_easy_setopt) *easy_setopt;
	__typeof__(curl_easy_getinfo) *easy_getinfo;
	__typeof__(curl_easy_strerror) *easy_strerror;
	__typeof__(curl_easy_cleanup) *easy_cleanup;
	__typeof__(curl_multi_init) *multi_init;
	__typeof__(curl_multi_setopt) *multi_setopt;
	__typeof__(curl_multi_add_handle) *multi_add_handle;
	__typeof__(curl_multi_remove_handle) *multi_remove_handle;
	__typeof__(curl_multi_socket_action) *multi_socket_action;
	__typeof__(curl_multi_assign) *multi_assign;
	__typeof__(curl_multi_info_read) *multi_info_read;
	__typeof__(curl_multi_cleanup) *multi_cleanup;
	__typeof__(curl_version_info) *version_info;
};

extern struct mfd_curl_api mfd_curl;

/*
 * Load libcurl.so.4 and resolve every member of mfd_curl. Idempotent: once
 * it succeeded it returns 0 at once; after a failure the next call tries
 * again (the package may have been installed since). Never unloads: libcurl
 * and its TLS libraries register atexit handlers. Not thread-safe (the
 * agent calls it from its one thread). Returns 0, or -ELIBACC when the
 * library cannot be loaded, -ELIBBAD when a function is missing from it
 * or it is older than MFD_CURL_MIN_VERSION, with the reason (dlerror's
 * text, the symbol, the version found) in why.
 */
int mfd_curl_load(char *why, size_t why_len);

/* Direct calls would bring back the link-time dependency: use mfd_curl.
 * (Without the type checks, curl.h still defines these three as macros
 * that pass their three arguments through.) */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_multi_setopt
#pragma GCC poison curl_global_init curl_global_cleanup curl_slist_append
#pragma GCC poison curl_slist_free_all curl_easy_init curl_easy_setopt
#pragma GCC poison curl_easy_getinfo curl_easy_strerror curl_easy_cleanup
#pragma GCC poison curl_multi_init curl_multi_setopt curl_multi_add_handle
#pragma GCC poison curl_multi_remove_handle curl_multi_socket_action
#pragma GCC poison curl_multi_assign curl_multi_info_read curl_multi_cleanup
#pragma GCC poison curl_version_info

#endif /* MFD_CURL_API_H */
