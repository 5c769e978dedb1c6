// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_floor.c - keep the empty extfrag handler attached for N seconds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "floor.skel.h"

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 10;
	struct floor_bpf *skel;
	int err;

	if (seconds < 1) {
		fprintf(stderr, "usage: %s [SECONDS]\n", argv[0]);
		return 2;
	}
	skel = floor_bpf__open_and_load();
	if (!skel) {
		perror("loading the floor program");
		return 1;
	}
	err = floor_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "attaching the floor program failed: %d\n",
			err);
		floor_bpf__destroy(skel);
		return 1;
	}
	sleep((unsigned int)seconds);
	floor_bpf__destroy(skel);
	return 0;
}
