// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * otlp_gzip.c - gzip a request body (Content-Encoding: gzip), with zlib.
 */
#include <errno.h>
#include <stdlib.h>

#include <zlib.h>

#include "otlp_gzip.h"

int otlp_gzip(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len)
{
	z_stream zs = { 0 };
	uint8_t *buf;
	size_t cap;
	int rc;

	*out = NULL;
	*out_len = 0;
	/* windowBits 15 + 16: a gzip header and trailer, not zlib's. */
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return -ENOMEM;
	cap = deflateBound(&zs, len) + 32;
	buf = malloc(cap);
	if (!buf) {
		deflateEnd(&zs);
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	rc = deflate(&zs, Z_FINISH);
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -EIO;
	}
	*out = buf;
	*out_len = cap - zs.avail_out;
	return 0;
}
