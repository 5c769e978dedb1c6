// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * replay.c - a main() for the libFuzzer harnesses in builds without
 * libFuzzer (gcc, the plain and ASan builds of `dev.sh test`).
 *
 * Runs LLVMFuzzerTestOneInput() once on every file named on the command
 * line or found in a named directory (seeds in corpus/<name>/, crashers
 * kept in regressions/<name>/), so every build replays the inputs that
 * once crashed. Each input is copied into a buffer of exactly its size, as
 * libFuzzer does, so ASan sees a read one byte past the end. A directory
 * that does not exist is skipped: not every harness has regressions.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a harness, as in libFuzzer. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;
	int ret = -1;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "replay: %s: cannot size it\n", path);
		goto cleanup;
	}
	/* malloc(0) may return NULL; libFuzzer passes a valid pointer. */
	buf = malloc(n ? (size_t)n : 1);
	if (!buf || (n && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fprintf(stderr, "replay: %s: cannot read it\n", path);
		goto cleanup;
	}
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	ret = 0;
cleanup:
	free(buf);
	fclose(f);
	return ret;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of one directory in name order, so a failure names the same input
 * on every machine. Returns the number replayed or -1. */
static int replay_dir(const char *dir)
{
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0;
	struct dirent *d;
	int count = 0;
	DIR *dh;

	dh = opendir(dir);
	if (!dh)
		return errno == ENOENT ? 0 : -1;
	while ((d = readdir(dh))) {
		if (d->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn;

			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				count = -1;
				goto cleanup;
			}
			names = nn;
		}
		names[n] = strdup(d->d_name);
		if (!names[n]) {
			count = -1;
			goto cleanup;
		}
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(path)) {
			count = -1;
			goto cleanup;
		}
		count++;
	}
cleanup:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(dh);
	return count;
}

int main(int argc, char **argv)
{
	int total = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		struct stat st;
		int n;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else if (stat(argv[i], &st) && errno == ENOENT)
			n = 0;
		else
			n = replay_file(argv[i]) ? -1 : 1;
		if (n < 0)
			return 1;
		printf("replay: %s: %d input(s)\n", argv[i], n);
		total += n;
	}
	printf("replay: %d input(s), no crash\n", total);
	return 0;
}
