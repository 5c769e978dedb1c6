// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * healthcheck.c - one HTTP/1.0 GET over a plain socket (see healthcheck.h).
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "healthcheck.h"
#include "hostport.h"

int mfd_http_url_parse(const char *url, struct mfd_http_url *out, char *why,
		       size_t why_len)
{
	struct mfd_hostport hp;
	const char *p, *path, *pend;

	memset(out, 0, sizeof(*out));
	if (!url || strncmp(url, "http://", 7) != 0) {
		snprintf(why, why_len, "it does not begin with http://");
		return -EINVAL;
	}
	p = url + 7;
	path = strchr(p, '/');
	pend = path ? path : p + strlen(p);
	if (mfd_hostport_parse(p, (size_t)(pend - p), 80, &hp, why, why_len))
		return -EINVAL;
	if (!path)
		path = "/";
	for (const char *c = path; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f) {
			/* no header injection */
			snprintf(why, why_len,
				 "the path has a space or a control character");
			return -EINVAL;
		}
	if (strlen(path) >= sizeof(out->path)) {
		snprintf(why, why_len, "the path is longer than %zu bytes",
			 sizeof(out->path) - 1);
		return -EINVAL;
	}
	memcpy(out->host, hp.host, sizeof(out->host));
	snprintf(out->port, sizeof(out->port), "%u", (unsigned int)hp.port);
	memcpy(out->path, path, strlen(path) + 1);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until the deadline: 0, or -ETIMEDOUT / -errno. */
static int wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (n > 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return -errno;
	}
}

/*
 * One deadline for the whole exchange: connect, send and every read count
 * against timeout_s together. A server that trickles one byte at a time
 * (or accepts and never answers) cannot stretch the probe past it; a
 * per-read timeout could, by a byte at a time.
 */
int mfd_healthcheck(const char *url, double timeout_s, char *why,
		    size_t why_len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	int64_t deadline = now_ms() + (int64_t)(timeout_s * 1000.0);
	struct mfd_http_url u;
	char req[1024], resp[64], reason[160];
	size_t got = 0, sent = 0, len;
	int fd = -1, rc, status;
	socklen_t elen = sizeof(status);

	if (mfd_http_url_parse(url, &u, reason, sizeof(reason))) {
		snprintf(why, why_len,
			 "'%s' is not an http://host:port/path URL: %s", url,
			 reason);
		return -EINVAL;
	}
	rc = getaddrinfo(u.host, u.port, &hints, &ai);
	if (rc) {
		snprintf(why, why_len, "%s: %s", u.host, gai_strerror(rc));
		return -EHOSTUNREACH;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, why_len, "socket: %s", strerror(errno));
		goto cleanup;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) && errno != EINPROGRESS) {
		rc = -errno;
	} else {
		rc = wait_fd(fd, POLLOUT, deadline);
		if (!rc && getsockopt(fd, SOL_SOCKET, SO_ERROR, &status, &elen))
			rc = -errno;
		else if (!rc && status)
			rc = -status;
	}
	if (rc) {
		snprintf(why, why_len, "connecting to %s:%s: %s", u.host,
			 u.port,
			 rc == -ETIMEDOUT ? "no connection within the timeout" :
					    strerror(-rc));
		goto cleanup;
	}
	snprintf(req, sizeof(req),
		 "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: mfd-agent "
		 "healthcheck\r\nConnection: close\r\n\r\n",
		 u.path, u.host);
	len = strlen(req);
	while (sent < len) {
		ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			rc = -EIO;
			snprintf(why, why_len, "sending the request failed: %s",
				 strerror(errno));
			goto cleanup;
		}
		rc = wait_fd(fd, POLLOUT, deadline);
		if (rc)
			goto timed_out;
	}
	while (got < sizeof(resp) - 1) {
		ssize_t n;

		rc = wait_fd(fd, POLLIN, deadline);
		if (rc)
			goto timed_out;
		n = recv(fd, resp + got, sizeof(resp) - 1 - got, 0);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(resp, '\n', got))
			break;
	}
	resp[got] = '\0';
	if (sscanf(resp, "HTTP/1.%*d %d", &status) != 1 || status < 100 ||
	    status > 599) {
		rc = -EPROTO;
		snprintf(why, why_len, "no HTTP status line from %s:%s", u.host,
			 u.port);
		goto cleanup;
	}
	rc = status;
	snprintf(why, why_len, "HTTP %d", status);
	goto cleanup;
timed_out:
	snprintf(why, why_len,
		 "%s:%s gave no complete status line within %gs in total",
		 u.host, u.port, timeout_s);
cleanup:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return rc;
}
