/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * otlp_gzip.h - gzip a request body for Content-Encoding: gzip. Pure.
 */
#ifndef MFD_OTLP_GZIP_H
#define MFD_OTLP_GZIP_H

#include <stddef.h>
#include <stdint.h>

/* gzip (RFC 1952) in into a malloc'ed *out. 0 or -ENOMEM/-EIO. */
int otlp_gzip(const uint8_t *in, size_t len, uint8_t **out, size_t *out_len);

#endif /* MFD_OTLP_GZIP_H */
