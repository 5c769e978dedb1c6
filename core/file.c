// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * file.c - whole small files into memory (see file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"

int mfd_file_read_fd(int fd, size_t max_len, char **bufp, size_t *capp,
		     size_t *len)
{
	size_t cap = *capp, used = 0;
	char *p = *bufp, *np;

	if (max_len > SIZE_MAX / 2)
		max_len = SIZE_MAX / 2;
	if (!p) {
		/* One large read() lets seq_file produce the whole of a
		 * small file in one go, as close to atomic as procfs gets. */
		cap = (max_len < 65536 ? max_len : 65536) + 1;
		p = malloc(cap);
		if (!p)
			return -ENOMEM;
		*bufp = p;
		*capp = cap;
	}
	for (;;) {
		/* a buffer kept from a bigger read still stops at max_len */
		size_t lim = cap - 1 < max_len ? cap - 1 : max_len;
		ssize_t n;

		if (used == lim) {
			char probe;

			if (used >= max_len) {
				/* Full: one more byte means too big. */
				n = pread(fd, &probe, 1, (off_t)used);
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0)
					return -errno;
				if (n > 0)
					return -EFBIG;
				break;
			}
			cap = (cap - 1) * 2 < max_len ? (cap - 1) * 2 + 1 :
							max_len + 1;
			np = realloc(p, cap);
			if (!np)
				return -ENOMEM;
			*bufp = p = np;
			*capp = cap;
			continue;
		}
		n = pread(fd, p + used, lim - used, (off_t)used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	p[used] = '\0';
	*len = used;
	return 0;
}

int mfd_file_read(const char *path, size_t max_len, char **buf, size_t *len)
{
	size_t cap = 0;
	char *p = NULL;
	int fd, ret;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = mfd_file_read_fd(fd, max_len, &p, &cap, len);
	close(fd);
	if (ret) {
		free(p);
		*len = 0;
		return ret;
	}
	*buf = p;
	return 0;
}

int mfd_file_read_head(const char *path, char *buf, size_t size, size_t *len)
{
	size_t used = 0;
	int fd, err = 0;

	if (!size)
		return -EINVAL;
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (used < size - 1) {
		ssize_t n = read(fd, buf + used, size - 1 - used);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	if (len)
		*len = used;
	return err;
}
