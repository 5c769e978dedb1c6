#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Host-side checks on the console log of the stall guest (guest-stall.sh).

The guest made real direct compaction and direct reclaim stalls while the
agent ran. The reference is the guest kernel's own /proc/vmstat, read after
the agent had attached and again after the last stall:

* compact_stall counts each __alloc_pages_direct_compact() call whose
  try_to_compact_pages() did not return COMPACT_SKIPPED (mm/page_alloc.c):
  exactly the stalls the agent's histogram counts (compaction.bpf.c counts a
  stall at its first zone result, compact_zone()'s mm_compaction_end or a
  deferred zone; a call whose every zone was skipped has neither).
* allocstall_<zone> counts each global do_try_to_free_pages() (mm/vmscan.c),
  the call that try_to_free_pages() brackets with
  mm_vmscan_direct_reclaim_begin/_end: exactly the agent's reclaim stalls.

So the deltas must equal the agent's histogram counts, to the stall. With
--stall-threshold-ms 0 every stall is also a ring-buffer record, logged as
one debug line, so the records must equal the histogram counts too (unless
the agent counted records it had no room for). The compaction stalls by
compact_result must add up to the histogram's count.

Exit status 0 when every check passed, 1 otherwise.
"""

import re
import sys

from check import FAILS, check, guest_agent_ran  # shared with the CO-RE test


def parse_vmstat(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    return out


SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)")


def parse_metrics(text):
    """({family: type}, [(name, labels, value)]) from Prometheus text."""
    types, samples = {}, []
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(None, 3)
            types[name] = typ.strip()
        elif line and not line.startswith("#"):
            m = SAMPLE.match(line)
            if m:
                samples.append((m.group(1), m.group(2) or "", float(m.group(3))))
    return types, samples


def family(types, kind, *words):
    """The one family of this type whose name holds every word."""
    hits = [n for n, t in types.items() if t == kind and all(w in n for w in words)]
    return hits[0] if len(hits) == 1 else None


def total(samples, name):
    return sum(v for n, _, v in samples if n == name)


def main():
    sec = guest_agent_ran()
    check(sec.get("thp.rc", "").strip() == "0", "the THP workload ran", sec.get("thp.err", "")[-300:])
    if FAILS:
        print(sec.get("agent.err", "")[-2000:])
        return 1

    before = parse_vmstat(sec["vmstat.before"])
    after = parse_vmstat(sec["vmstat.after"])
    d_compact = after["compact_stall"] - before["compact_stall"]
    stall_keys = [k for k in after if k.startswith("allocstall_")]
    d_reclaim = sum(after[k] - before.get(k, 0) for k in stall_keys)
    print(f"# kernel: compact_stall +{d_compact}, allocstall_* +{d_reclaim} "
          f"(thp_fault_fallback +{after.get('thp_fault_fallback', 0) - before.get('thp_fault_fallback', 0)})")
    check(d_compact > 0, "the workload made real direct compaction stalls (compact_stall moved)")

    types, samples = parse_metrics(sec["metrics"])
    c_hist = family(types, "histogram", "compaction", "stall")
    r_hist = family(types, "histogram", "reclaim", "stall")
    c_status = family(types, "counter", "compaction_stalls")
    drops = family(types, "counter", "stall", "drops")
    check(c_hist and r_hist and c_status and drops, "the stall families are declared",
          f"histograms {c_hist}, {r_hist}; counters {c_status}, {drops}")
    if FAILS:
        return 1
    c_count = total(samples, c_hist + "_count")
    r_count = total(samples, r_hist + "_count")
    by_status = total(samples, c_status)
    dropped = total(samples, drops)
    log = sec.get("agent.err", "")
    c_records = len(re.findall(r"compaction stall: ", log))
    r_records = len(re.findall(r"reclaim stall: ", log))
    print(f"# agent: compaction {c_count:.0f} (by status {by_status:.0f}, records {c_records}), "
          f"reclaim {r_count:.0f} (records {r_records}), tracking drops {dropped:.0f}")

    check(c_count == d_compact, "compaction stalls: the agent's histogram count equals compact_stall's delta",
          f"{c_count:.0f} vs {d_compact}")
    check(r_count == d_reclaim, "reclaim stalls: the agent's histogram count equals the allocstall_* delta",
          f"{r_count:.0f} vs {d_reclaim}")
    check(by_status == c_count, "compaction stalls by compact_result add up to the histogram count",
          f"{by_status:.0f} vs {c_count:.0f}")
    check(dropped == 0, "no stall was dropped from tracking", f"{dropped:.0f}")
    check(c_records == c_count, "one stall record per compaction stall", f"{c_records} vs {c_count:.0f}")
    check(r_records == r_count, "one stall record per reclaim stall", f"{r_records} vs {r_count:.0f}")
    if FAILS:
        print(f"{len(FAILS)} check(s) failed")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
