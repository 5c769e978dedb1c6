// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * collector.c - source selection (auto | bpf | procfs) and sampling.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cap-ng.h>
#include <linux/capability.h>

#define LOG_COMPONENT "collector"
#include "collector.h"
#include "log.h"
#include "procfs.h"

const char *mfd_collector_bpf_precheck(const struct mfd_kinfo *k, char *buf,
				       size_t len)
{
	bool bpf, perfmon, sys_admin;

	if (!k->have_btf) {
		snprintf(buf, len,
			 "the kernel exposes no BTF (/sys/kernel/btf/vmlinux "
			 "missing: CONFIG_DEBUG_INFO_BTF is off), so CO-RE "
			 "programs cannot be relocated");
		return buf;
	}
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process() != 0) {
		snprintf(buf, len, "cannot read this process' capabilities");
		return buf;
	}
	bpf = capng_have_capability(CAPNG_EFFECTIVE, CAP_BPF);
	perfmon = capng_have_capability(CAPNG_EFFECTIVE, CAP_PERFMON);
	sys_admin = capng_have_capability(CAPNG_EFFECTIVE, CAP_SYS_ADMIN);
	if (sys_admin || (bpf && perfmon))
		return NULL;
	snprintf(buf, len,
		 "missing capability %s (BPF needs CAP_BPF and CAP_PERFMON, "
		 "or CAP_SYS_ADMIN on kernels before 5.8); run as root or "
		 "grant them, e.g. setcap cap_bpf,cap_perfmon+ep mfd-agent",
		 !bpf ? "CAP_BPF" : "CAP_PERFMON");
	return buf;
}

int mfd_collector_open(struct mfd_collector *c, enum mfd_source_mode mode,
		       const struct mfd_kinfo *k, const char *proc_dir)
{
	char why[sizeof(c->fallback_reason)];
	int err;

	memset(c, 0, sizeof(*c));
	c->mode = mode;
	c->proc_dir = proc_dir ? proc_dir : "/proc";

	if (mode != MFD_SOURCE_MODE_PROCFS) {
		if (mfd_collector_bpf_precheck(k, why, sizeof(why))) {
			err = -EPERM;
		} else {
			err = mfd_zones_open(&c->zones, k, why, sizeof(why));
		}
		if (!err) {
			c->active = MFD_SOURCE_BPF;
			return 0;
		}
		snprintf(c->fallback_reason, sizeof(c->fallback_reason), "%s",
			 why);
		if (mode == MFD_SOURCE_MODE_BPF)
			return err;
		log_warn("BPF zone snapshots unavailable, using procfs "
			 "(/proc/buddyinfo + /proc/zoneinfo): %s",
			 c->fallback_reason);
	}
	c->active = MFD_SOURCE_PROCFS;
	return 0;
}

void mfd_collector_open_source(struct mfd_collector *c,
			       const struct mfd_source_ops *ops,
			       struct mfd_replay *r)
{
	memset(c, 0, sizeof(*c));
	c->active = MFD_SOURCE_REPLAY;
	c->replay = r;
	c->replay_ops = ops;
}

double mfd_collector_next_delay(const struct mfd_collector *c, double interval)
{
	if (c->active == MFD_SOURCE_REPLAY)
		return c->replay_ops->delay(c->replay);
	return interval;
}

int mfd_collector_sample(struct mfd_collector *c, struct mfd_snapshot *snap)
{
	struct mfd_parse_error perr = { 0 };
	int err;

	if (c->active == MFD_SOURCE_REPLAY)
		return c->replay_ops->next(c->replay, snap);
	if (c->active == MFD_SOURCE_BPF) {
		err = mfd_zones_snapshot(c->zones, snap);
	} else {
		err = mfd_procfs_snapshot(c->proc_dir, snap, &perr);
		if (err)
			log_warn_rl("procfs snapshot failed: %s (%s)",
				    perr.msg[0] ? perr.msg : strerror(-err),
				    c->proc_dir);
	}
	if (err)
		c->failures++;
	return err;
}

void mfd_collector_close(struct mfd_collector *c)
{
	mfd_zones_close(c->zones);
	c->zones = NULL;
	if (c->replay)
		c->replay_ops->close(c->replay);
	c->replay = NULL;
}
