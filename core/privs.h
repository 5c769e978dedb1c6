/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privs.h - give up capabilities once the BPF programs are loaded.
 *
 * Loading a program, creating its maps and attaching the tracepoint need
 * CAP_BPF and CAP_PERFMON (or CAP_SYS_ADMIN). What the agent does after
 * that - BPF_PROG_TEST_RUN of the zones program each interval, lookups in
 * the per-CPU counter map, reading the mmap()ed ring buffer - needs no
 * capability on kernels since 6.5 ("bpf: Move unprivileged checks into
 * map_create() and bpf_prog_load()"); on older kernels every bpf() command
 * is refused without CAP_BPF when kernel.unprivileged_bpf_disabled is set,
 * so there CAP_BPF alone is kept. Rather than guess from the version, the
 * agent measures: it clears its effective set, runs the work one interval
 * does, and keeps CAP_BPF only if that failed.
 */
#ifndef MFD_PRIVS_H
#define MFD_PRIVS_H

#include <stddef.h>

/* The work one interval does; 0 when it succeeded. */
typedef int (*mfd_privs_check_fn)(void *arg);

/*
 * Drop every capability that check() does not need, and set
 * no_new_privs. kept[] gets a short description of what was kept (for
 * the log and --probe). Returns 0, or -errno when capabilities could not
 * be changed (the process keeps what it had; the caller logs it).
 */
int mfd_privs_drop(mfd_privs_check_fn check, void *arg, char *kept,
		   size_t kept_len);

/*
 * Keep capability cap (when the process has it) through
 * mfd_privs_drop(), for what a measured interval does not show: the call
 * sites' symbolization reads /proc/PID/maps of any process
 * (CAP_SYS_PTRACE). why is appended to kept[]. Call before the drop.
 */
void mfd_privs_also_keep(int cap, const char *why);

#endif /* MFD_PRIVS_H */
