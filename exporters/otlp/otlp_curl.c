// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_curl.c - POSTs through libcurl's multi interface on the agent's
 * libevent loop (see otlp_curl.h). The pattern is curl's own hiperfifo
 * example: curl tells us which sockets to watch and when to call it back;
 * libevent tells curl when a socket is ready.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOG_COMPONENT "otlp"
#include "log.h"
#include "otlp_curl.h"

#define BODY_CAP 4096 /* response bytes kept: partial_success or an error */

struct otlp_curl {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;
	CURL *easy; /* the one request in flight, or NULL */
	struct curl_slist *headers; /* easy's, freed with it */
	struct event *done_ev; /* delivers results outside curl callbacks */
	otlp_http_done_fn done;
	void *done_arg;
	uint8_t body[BODY_CAP];
	size_t body_len;
	char retry_after[128];
	bool have_retry_after;
	char error[CURL_ERROR_SIZE];
	CURLcode code;
	long status;
};

struct sock_ctx {
	struct event *ev;
};

static void end_easy(struct otlp_curl *h)
{
	mfd_curl.multi_remove_handle(h->multi, h->easy);
	mfd_curl.easy_cleanup(h->easy);
	h->easy = NULL;
	mfd_curl.slist_free_all(h->headers);
	h->headers = NULL;
}

static void check_done(struct otlp_curl *h)
{
	CURLMsg *msg;
	int left;

	while ((msg = mfd_curl.multi_info_read(h->multi, &left))) {
		if (msg->msg != CURLMSG_DONE || msg->easy_handle != h->easy)
			continue;
		h->code = msg->data.result;
		mfd_curl.easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE,
				      &h->status);
		end_easy(h);
		event_active(h->done_ev, EV_TIMEOUT, 0);
	}
}

static void on_done_ev(evutil_socket_t fd, short what, void *arg)
{
	struct otlp_curl *h = arg;
	struct otlp_http_result r = {
		.failed = h->code != CURLE_OK,
		.status = h->code == CURLE_OK ? h->status : 0,
		.body = h->body,
		.body_len = h->body_len,
		.retry_after = h->have_retry_after ? h->retry_after : NULL,
		.error = h->code == CURLE_OK ? NULL :
			 h->error[0]	     ? h->error :
					       mfd_curl.easy_strerror(h->code),
	};
	otlp_http_done_fn done = h->done;

	(void)fd;
	(void)what;
	h->done = NULL;
	if (done)
		done(h->done_arg, &r);
}

static void on_socket_ev(evutil_socket_t fd, short what, void *arg)
{
	struct otlp_curl *h = arg;
	int action = (what & EV_READ ? CURL_CSELECT_IN : 0) |
		     (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
	int running;

	mfd_curl.multi_socket_action(h->multi, fd, action, &running);
	check_done(h);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct otlp_curl *h = arg;
	int running;

	(void)fd;
	(void)what;
	mfd_curl.multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0,
				     &running);
	check_done(h);
}

static int socket_cb(CURL *e, curl_socket_t s, int what, void *userp,
		     void *socketp)
{
	struct otlp_curl *h = userp;
	struct sock_ctx *sc = socketp;
	short kind;

	(void)e;
	if (what == CURL_POLL_REMOVE) {
		if (sc) {
			event_free(sc->ev);
			free(sc);
			mfd_curl.multi_assign(h->multi, s, NULL);
		}
		return 0;
	}
	kind = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
	       (what & CURL_POLL_OUT ? EV_WRITE : 0);
	if (!sc) {
		sc = calloc(1, sizeof(*sc));
		if (!sc)
			return -1;
		mfd_curl.multi_assign(h->multi, s, sc);
	} else {
		event_free(sc->ev);
	}
	sc->ev = event_new(h->base, s, kind, on_socket_ev, h);
	if (!sc->ev)
		return -1;
	event_add(sc->ev, NULL);
	return 0;
}

static int timer_cb(CURLM *m, long timeout_ms, void *userp)
{
	struct otlp_curl *h = userp;
	struct timeval tv;

	(void)m;
	if (timeout_ms < 0) {
		evtimer_del(h->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(h->timer, &tv);
	return 0;
}

static size_t write_cb(char *ptr, size_t size, size_t nmemb, void *userp)
{
	struct otlp_curl *h = userp;
	size_t n = size * nmemb, room = BODY_CAP - h->body_len;

	memcpy(h->body + h->body_len, ptr, n < room ? n : room);
	h->body_len += n < room ? n : room;
	return n; /* the rest is read and dropped */
}

static size_t header_cb(char *buf, size_t size, size_t nitems, void *userp)
{
	struct otlp_curl *h = userp;
	size_t n = size * nitems;
	static const char name[] = "retry-after:";

	if (n > sizeof(name) - 1 && !strncasecmp(buf, name, sizeof(name) - 1)) {
		size_t vlen = n - (sizeof(name) - 1);
		const char *v = buf + sizeof(name) - 1;

		while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
			vlen--;
		if (vlen >= sizeof(h->retry_after))
			vlen = sizeof(h->retry_after) - 1;
		memcpy(h->retry_after, v, vlen);
		h->retry_after[vlen] = '\0';
		h->have_retry_after = true;
	}
	return n;
}

struct otlp_curl *otlp_curl_new(struct event_base *base)
{
	struct otlp_curl *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->base = base;
	h->multi = mfd_curl.multi_init();
	h->timer = evtimer_new(base, on_timer, h);
	h->done_ev = event_new(base, -1, 0, on_done_ev, h);
	if (!h->multi || !h->timer || !h->done_ev) {
		otlp_curl_free(h);
		errno = ENOMEM;
		return NULL;
	}
	mfd_curl.multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
	mfd_curl.multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h);
	mfd_curl.multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
	mfd_curl.multi_setopt(h->multi, CURLMOPT_TIMERDATA, h);
	mfd_curl.multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, 2L);
	return h;
}

/* headers as libcurl's list, copied. NULL when out of memory. */
static struct curl_slist *header_list(const char *const *headers)
{
	struct curl_slist *l = NULL, *n;

	/* No "Expect: 100-continue" round trip before the body. */
	if (!(l = mfd_curl.slist_append(NULL, "Expect:")))
		return NULL;
	for (; headers && *headers; headers++) {
		if (!(n = mfd_curl.slist_append(l, *headers))) {
			mfd_curl.slist_free_all(l);
			return NULL;
		}
		l = n;
	}
	return l;
}

int otlp_curl_post(struct otlp_curl *h, const char *url,
		   const char *const *headers, const uint8_t *body, size_t len,
		   long timeout_ms, const struct otlp_tls *tls,
		   otlp_http_done_fn done, void *arg)
{
	CURL *e;

	if (h->easy || h->done)
		return -EBUSY;
	e = mfd_curl.easy_init();
	if (!e)
		return -ENOMEM;
	h->headers = header_list(headers);
	if (!h->headers) {
		mfd_curl.easy_cleanup(e);
		return -ENOMEM;
	}
	h->body_len = 0;
	h->have_retry_after = false;
	h->error[0] = '\0';
	h->status = 0;
	mfd_curl.easy_setopt(e, CURLOPT_URL, url);
	mfd_curl.easy_setopt(e, CURLOPT_POST, 1L);
	mfd_curl.easy_setopt(e, CURLOPT_POSTFIELDS, body);
	mfd_curl.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	mfd_curl.easy_setopt(e, CURLOPT_HTTPHEADER, h->headers);
	mfd_curl.easy_setopt(e, CURLOPT_USERAGENT, "mfd-agent/" MFD_VERSION);
	mfd_curl.easy_setopt(e, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
	mfd_curl.easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	mfd_curl.easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
	mfd_curl.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	mfd_curl.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	mfd_curl.easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	mfd_curl.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	mfd_curl.easy_setopt(e, CURLOPT_WRITEFUNCTION, write_cb);
	mfd_curl.easy_setopt(e, CURLOPT_WRITEDATA, h);
	mfd_curl.easy_setopt(e, CURLOPT_HEADERFUNCTION, header_cb);
	mfd_curl.easy_setopt(e, CURLOPT_HEADERDATA, h);
	mfd_curl.easy_setopt(e, CURLOPT_ERRORBUFFER, h->error);
	if (tls) {
		if (tls->ca_file)
			mfd_curl.easy_setopt(e, CURLOPT_CAINFO, tls->ca_file);
		if (tls->client_cert)
			mfd_curl.easy_setopt(e, CURLOPT_SSLCERT,
					     tls->client_cert);
		if (tls->client_key)
			mfd_curl.easy_setopt(e, CURLOPT_SSLKEY,
					     tls->client_key);
		mfd_curl.easy_setopt(e, CURLOPT_SSL_VERIFYPEER,
				     tls->insecure ? 0L : 1L);
		mfd_curl.easy_setopt(e, CURLOPT_SSL_VERIFYHOST,
				     tls->insecure ? 0L : 2L);
	}
	h->easy = e;
	h->done = done;
	h->done_arg = arg;
	if (mfd_curl.multi_add_handle(h->multi, e) != CURLM_OK) {
		h->easy = NULL;
		h->done = NULL;
		mfd_curl.easy_cleanup(e);
		mfd_curl.slist_free_all(h->headers);
		h->headers = NULL;
		return -EIO;
	}
	return 0;
}

bool otlp_curl_busy(const struct otlp_curl *h)
{
	return h->easy || h->done;
}

void otlp_curl_free(struct otlp_curl *h)
{
	if (!h)
		return;
	if (h->easy)
		end_easy(h);
	if (h->multi)
		mfd_curl.multi_cleanup(h->multi);
	if (h->timer)
		event_free(h->timer);
	if (h->done_ev)
		event_free(h->done_ev);
	free(h);
}
