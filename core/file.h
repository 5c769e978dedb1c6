/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * file.h - whole small files into memory: /proc and /sys text, which
 * reports st_size 0 and is generated afresh when read from offset 0.
 */
#ifndef MFD_FILE_H
#define MFD_FILE_H

#include <stddef.h>

/*
 * Read a whole file into a malloc'd, NUL-terminated buffer (*len excludes
 * the NUL). procfs files report st_size 0, so this reads until EOF. Files
 * longer than max_len bytes fail with -EFBIG. Returns 0 or -errno; on
 * error *buf is NULL.
 */
int mfd_file_read(const char *path, size_t max_len, char **buf, size_t *len);

/*
 * Read fd from offset 0 to EOF into *bufp (grown with realloc, *capp bytes
 * including room for the NUL; *bufp NULL and *capp 0 the first time) with
 * pread(), so a descriptor kept open reads its file afresh: seq_file and
 * sysctl handlers regenerate the text when asked for offset 0. Beyond
 * max_len bytes: -EFBIG. 0 or -errno.
 */
int mfd_file_read_fd(int fd, size_t max_len, char **bufp, size_t *capp,
		     size_t *len);

/*
 * The first size - 1 bytes of a file (all of it when shorter) into buf,
 * NUL-terminated, for a file read once whose head is all that matters
 * (the first line of /proc/pagetypeinfo, a /proc/PID/cgroup). *len (may
 * be NULL) gets the length. 0 or -errno.
 */
int mfd_file_read_head(const char *path, char *buf, size_t size, size_t *len);

#endif /* MFD_FILE_H */
