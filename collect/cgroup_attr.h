/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup_attr.h - which Kubernetes pod and container a cgroup belongs to.
 *
 * An extfrag event carries the cgroup v2 id of the allocating task
 * (bpf_get_current_cgroup_id(), which is the inode number of the cgroup's
 * directory). kubelet names the cgroups of pods and containers after the
 * pod UID, the QoS class and the container id, so the mapping is read from
 * the hierarchy itself, with no API server and no runtime socket:
 *
 *   systemd driver (cgroup v2 or v1, containerd / CRI-O / dockershim):
 *     kubepods.slice/kubepods-burstable.slice/
 *       kubepods-burstable-pod<uid, '-' written '_'>.slice/
 *         cri-containerd-<id>.scope | crio-<id>.scope | docker-<id>.scope
 *     (Guaranteed pods sit directly in kubepods.slice as kubepods-pod<uid>)
 *   cgroupfs driver:
 *     kubepods/burstable/pod<uid>/<id>       (containerd, docker)
 *     kubepods/besteffort/pod<uid>/crio-<id> (CRI-O)
 *     kubepods/pod<uid>/<id>                 (Guaranteed)
 *
 * Anything may come before "kubepods" (kind nodes, a kubelet --cgroup-root,
 * a v1 controller mount point) and after the container (CRI-O's
 * ".../crio-<id>.scope/container"). The parser is a pure function over
 * the path; the cache walks the hierarchy only on a miss, at most once per
 * rate-limit period, and is bounded.
 */
#ifndef MFD_CGROUP_ATTR_H
#define MFD_CGROUP_ATTR_H

#include <stddef.h>
#include <stdint.h>

enum mfd_k8s_qos {
	MFD_QOS_UNKNOWN = 0,
	MFD_QOS_GUARANTEED,
	MFD_QOS_BURSTABLE,
	MFD_QOS_BESTEFFORT,
};

#define MFD_POD_UID_LEN 37 /* 36-char UUID, or 32 hex for static pods */
#define MFD_CONTAINER_ID_LEN 65 /* 64 hex */

struct mfd_k8s_attr {
	char pod_uid[MFD_POD_UID_LEN]; /* with dashes, as the API shows it */
	char container_id[MFD_CONTAINER_ID_LEN]; /* "" for the pod cgroup */
	char container_runtime[16]; /* "containerd", "cri-o", "docker", "" */
	enum mfd_k8s_qos qos; /* from the QoS level of the hierarchy */
};

/* "guaranteed", "burstable", "besteffort" or "" (the k8s.pod.qos value:
 * lower case, as kubelet names the cgroups). */
const char *mfd_k8s_qos_name(enum mfd_k8s_qos q);

/*
 * Parse a cgroup path (absolute, relative, or with a mount point in front;
 * len bytes, need not be NUL-terminated). Returns 0 with *out filled when
 * the path is a pod's or a container's cgroup, -ENOENT when it is not a
 * Kubernetes cgroup, -EINVAL when it looks like one but a UID or container
 * id is malformed. Pure: no I/O.
 */
int mfd_cgroup_parse_path(const char *path, size_t len,
			  struct mfd_k8s_attr *out);

/*
 * The same over the text of /proc/<pid>/cgroup ("hier:controllers:path"
 * lines, v1 and v2): the first line whose path is a pod's wins. 0 or
 * -ENOENT. Pure.
 */
int mfd_cgroup_parse_proc_cgroup(const char *buf, size_t len,
				 struct mfd_k8s_attr *out);

struct mfd_cgroup_attr;

struct mfd_cgroup_attr_stats {
	uint64_t lookups; /* calls to mfd_cgroup_attr_lookup() */
	uint64_t hits; /* answered from the cache (k8s or not) */
	uint64_t scans; /* hierarchy walks */
	uint64_t scan_skipped; /* misses inside the rate limit */
	uint64_t overflow; /* cgroups not cached: the cache was full */
	uint64_t entries; /* cached cgroups now */
};

/*
 * cgroup_root: a cgroup v2 mount ("" or NULL: /sys/fs/cgroup, or its
 * "unified" child on a hybrid v1+v2 host). proc_dir: where
 * <tgid>/cgroup is read on a cgroup-v1-only host ("" or NULL: /proc).
 * cap bounds the cached cgroups; min_rescan_ns is the least time between
 * two walks. Returns NULL with errno set on ENOMEM.
 */
struct mfd_cgroup_attr *mfd_cgroup_attr_new(const char *cgroup_root,
					    const char *proc_dir, size_t cap,
					    uint64_t min_rescan_ns);
void mfd_cgroup_attr_free(struct mfd_cgroup_attr *c);

/*
 * The pod and container of an event's task: by cgroup id (v2), else by
 * <proc_dir>/<tgid>/cgroup (v1 hosts, or cgroup_id 0). now_ns is
 * CLOCK_MONOTONIC, for the rescan rate limit. Returns NULL when the task
 * is not in a pod (or not known yet). The pointer is valid until the next
 * call. This is the function event logs call for k8s.pod.uid,
 * container.id and k8s.pod.qos.
 */
const struct mfd_k8s_attr *mfd_cgroup_attr_lookup(struct mfd_cgroup_attr *c,
						  uint64_t cgroup_id,
						  uint32_t tgid,
						  uint64_t now_ns);

/* The v2 root in use ("" when none: v1 only). */
const char *mfd_cgroup_attr_root(const struct mfd_cgroup_attr *c);
void mfd_cgroup_attr_get_stats(const struct mfd_cgroup_attr *c,
			       struct mfd_cgroup_attr_stats *out);

#endif /* MFD_CGROUP_ATTR_H */
