// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_file.c - core/file.c: whole files (procfs and plain), the size
 * bound, and the head of a file into a caller's buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "file.h"

static void test_read_file_proc(void **state)
{
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(mfd_file_read("/proc/buddyinfo", 1 << 20, &buf, &len),
			 0);
	assert_true(len > 0);
	assert_int_equal(strlen(buf), len);
	assert_memory_equal(buf, "Node ", 5);
	assert_int_equal(buf[len - 1], '\n');
	free(buf);

	buf = (char *)1;
	assert_int_equal(mfd_file_read("/proc/no-such-file", 4096, &buf, &len),
			 -ENOENT);
	assert_null(buf);
}

static void test_read_file_limits(void **state)
{
	char path[] = "/tmp/mfd-test-file-XXXXXX";
	size_t big = 300000, len;
	char *data = malloc(big), *buf;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)('a' + i % 26);
	assert_int_equal(write(fd, data, big), (ssize_t)big);
	close(fd);

	/* Bigger than the first buffer: the buffer grows. */
	assert_int_equal(mfd_file_read(path, big, &buf, &len), 0);
	assert_int_equal(len, big);
	assert_memory_equal(buf, data, big);
	assert_int_equal(buf[big], '\0');
	free(buf);
	assert_int_equal(mfd_file_read(path, big - 1, &buf, &len), -EFBIG);
	assert_null(buf);
	assert_int_equal(mfd_file_read(path, 100, &buf, &len), -EFBIG);
	assert_int_equal(mfd_file_read(path, 0, &buf, &len), -EFBIG);

	/* An empty file is fine, even with max_len 0. */
	fd = open(path, O_WRONLY | O_TRUNC);
	close(fd);
	assert_int_equal(mfd_file_read(path, 0, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(buf[0], '\0');
	free(buf);

	/* A directory cannot be read. */
	assert_int_equal(mfd_file_read("/tmp", 4096, &buf, &len), -EISDIR);
	unlink(path);
	free(data);
}

static void test_read_head(void **state)
{
	char buf[16], path[] = "/tmp/mfd-test-file-XXXXXX";
	size_t len = 99;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "Page block order: 9\n", 20), 20);
	close(fd);
	/* The head only, NUL-terminated. */
	assert_int_equal(mfd_file_read_head(path, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(buf) - 1);
	assert_string_equal(buf, "Page block orde");
	/* All of a shorter file. */
	assert_int_equal(mfd_file_read_head("/proc/self/comm", buf, sizeof(buf),
					    &len),
			 0);
	assert_true(len > 0 && buf[len - 1] == '\n');
	assert_int_equal(strlen(buf), len);
	assert_int_equal(mfd_file_read_head(path, buf, 1, NULL), 0);
	assert_string_equal(buf, "");
	unlink(path);
	assert_int_equal(mfd_file_read_head(path, buf, sizeof(buf), &len),
			 -ENOENT);
	assert_string_equal(buf, "");
	assert_int_equal(mfd_file_read_head("/tmp", buf, sizeof(buf), &len),
			 -EISDIR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_file_proc),
		cmocka_unit_test(test_read_file_limits),
		cmocka_unit_test(test_read_head),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
