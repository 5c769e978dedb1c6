// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * curl_api.c - dlopen() libcurl for the OTLP exporter (see curl_api.h).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define LOG_COMPONENT "otlp"
#include "curl_api.h"
#include "log.h"

struct mfd_curl_api mfd_curl;
static bool loaded;

/* dlsym() returns an object pointer; POSIX guarantees it converts to a
 * function pointer, which on every platform glibc runs on has its size. */
_Static_assert(sizeof(void *) == sizeof(void (*)(void)),
	       "function pointers must fit dlsym()'s void *");

#define SYM(member)                                                    \
	{                                                              \
		"curl_" #member, offsetof(struct mfd_curl_api, member) \
	}
static const struct {
	const char *name;
	size_t off;
} syms[] = {
	SYM(global_init),	  SYM(global_cleanup),
	SYM(slist_append),	  SYM(slist_free_all),
	SYM(easy_init),		  SYM(easy_setopt),
	SYM(easy_getinfo),	  SYM(easy_strerror),
	SYM(easy_cleanup),	  SYM(multi_init),
	SYM(multi_setopt),	  SYM(multi_add_handle),
	SYM(multi_remove_handle), SYM(multi_socket_action),
	SYM(multi_assign),	  SYM(multi_info_read),
	SYM(multi_cleanup),	  SYM(version_info),
};
_Static_assert(sizeof(syms) / sizeof(syms[0]) ==
		       sizeof(struct mfd_curl_api) / sizeof(void *),
	       "every member of struct mfd_curl_api needs its row in syms[]");

int mfd_curl_load(char *why, size_t why_len)
{
	const curl_version_info_data *v;
	struct mfd_curl_api api;
	const char *err;
	void *lib, *p;

	if (loaded)
		return 0;
	/* RTLD_LOCAL: curl's symbols serve only this table. */
	lib = dlopen(MFD_CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		err = dlerror();
		snprintf(why, why_len, "%s", err ? err : "dlopen failed");
		return -ELIBACC;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		dlerror();
		p = dlsym(lib, syms[i].name);
		if (!p) {
			err = dlerror();
			snprintf(why, why_len, "%s has no %s%s%s",
				 MFD_CURL_SONAME, syms[i].name, err ? ": " : "",
				 err ? err : "");
			/* No dlclose(): the library may have run constructors
			 * that registered atexit handlers. */
			return -ELIBBAD;
		}
		memcpy((char *)&api + syms[i].off, &p, sizeof(p));
	}
	v = api.version_info(CURLVERSION_NOW);
	if (!v || v->version_num < MFD_CURL_MIN_VERSION_NUM) {
		snprintf(why, why_len,
			 "%s is libcurl %s; mfd needs %s or later",
			 MFD_CURL_SONAME, v && v->version ? v->version : "?",
			 MFD_CURL_MIN_VERSION);
		return -ELIBBAD;
	}
	mfd_curl = api;
	loaded = true;
	log_debug("loaded %s", MFD_CURL_SONAME);
	return 0;
}
