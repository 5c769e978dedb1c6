// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_extfrag.c - ring-buffer records into mfd_extfrag_decode(), and the
 * ones it accepts into the bounded per-process table (the -s view).
 *
 * The input is a sequence of records, each one length byte followed by
 * that many bytes, so the fuzzer can reach the valid sizes (batches of
 * one to three events fit a length byte) as well as every wrong one. The
 * table is small (16 slots) so eviction and re-seating of probe clusters
 * run constantly; an odd input length keys it by executable and cgroup
 * (--procs-by executable) instead of tgid. Afterwards its invariants are
 * checked: no more entries
 * than slots, every event counted once, and the sorted listing complete
 * and in order.
 */
#include <stdint.h>
#include <string.h>

#include "extfrag_probe.h"
#include "extfrag_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct mfd_proc_stat *sorted[16];
	struct mfd_extfrag_table t;
	struct mfd_extfrag_event ev[MFD_EXTFRAG_STAGE];
	uint64_t decoded = 0, sum = 0;
	size_t pos = 0, n;

	if (mfd_extfrag_table_init(&t, 16))
		return 0;
	t.by_executable = size & 1;
	while (pos < size) {
		size_t len = data[pos++];

		if (len > size - pos)
			len = size - pos;
		int n = mfd_extfrag_decode(data + pos, len, ev,
					   MFD_EXTFRAG_STAGE);

		if (n == 0 || n > MFD_EXTFRAG_STAGE ||
		    (n > 0 && (size_t)n * sizeof(ev[0]) != len))
			__builtin_trap();
		for (int i = 0; i < n; i++) {
			if (ev[i].comm[sizeof(ev[i].comm) - 1] != '\0')
				__builtin_trap();
			mfd_extfrag_table_add(&t, &ev[i]);
			decoded++;
		}
		pos += len;
	}
	if (t.used > t.cap || t.events != decoded)
		__builtin_trap();
	n = mfd_extfrag_table_sorted(&t, sorted, 16);
	if (n != (t.used < 16 ? t.used : 16))
		__builtin_trap();
	for (size_t i = 0; i < n; i++) {
		sum += sorted[i]->count;
		if (i && sorted[i - 1]->count < sorted[i]->count)
			__builtin_trap();
	}
	if (sum > decoded)
		__builtin_trap();
	mfd_extfrag_table_free(&t);
	return 0;
}
