// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_cgroup_attr.c - kubelet's cgroup layouts -> pod UID, container id
 * and QoS class: the pure parser on every naming scheme, then the cache
 * on synthetic hierarchies built in a temporary directory, looked up by
 * the directories' real inode numbers (what a cgroup id is).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup_attr.h"

#define UID "4c0a9d8e-1b2c-4d5e-8f90-a1b2c3d4e5f6"
#define UID_ "4c0a9d8e_1b2c_4d5e_8f90_a1b2c3d4e5f6"
#define STATIC_UID "6d1e4c0d5d2b4f1e9a8b7c6d5e4f3a2b"
#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct layout {
	const char *name;
	const char *path;
	int rc;
	const char *uid;
	const char *cid;
	const char *runtime;
	enum mfd_k8s_qos qos;
};

static const struct layout layouts[] = {
	/* systemd driver (cgroup v2 or v1), containerd */
	{ "systemd containerd burstable",
	  "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" UID_
	  ".slice/cri-containerd-" CID ".scope",
	  0, UID, CID, "containerd", MFD_QOS_BURSTABLE },
	{ "systemd containerd besteffort",
	  "/kubepods.slice/kubepods-besteffort.slice/"
	  "kubepods-besteffort-pod" UID_ ".slice/cri-containerd-" CID ".scope",
	  0, UID, CID, "containerd", MFD_QOS_BESTEFFORT },
	{ "systemd containerd guaranteed",
	  "/kubepods.slice/kubepods-pod" UID_ ".slice/cri-containerd-" CID
	  ".scope",
	  0, UID, CID, "containerd", MFD_QOS_GUARANTEED },
	/* systemd driver, CRI-O, with its "container" child */
	{ "systemd cri-o",
	  "kubepods.slice/kubepods-burstable.slice/"
	  "kubepods-burstable-pod" UID_ ".slice/crio-" CID ".scope",
	  0, UID, CID, "cri-o", MFD_QOS_BURSTABLE },
	{ "systemd cri-o container child",
	  "/kubepods.slice/kubepods-pod" UID_ ".slice/crio-" CID
	  ".scope/container",
	  0, UID, CID, "cri-o", MFD_QOS_GUARANTEED },
	{ "systemd cri-o conmon is pod level",
	  "/kubepods.slice/kubepods-besteffort.slice/"
	  "kubepods-besteffort-pod" UID_ ".slice/crio-conmon-" CID ".scope",
	  0, UID, "", "cri-o", MFD_QOS_BESTEFFORT },
	{ "systemd docker",
	  "/kubepods.slice/kubepods-pod" UID_ ".slice/docker-" CID ".scope", 0,
	  UID, CID, "docker", MFD_QOS_GUARANTEED },
	/* cgroup v1 as /proc/PID/cgroup or a mount point shows it */
	{ "v1 systemd under a controller mount",
	  "/sys/fs/cgroup/memory/kubepods.slice/kubepods-burstable.slice/"
	  "kubepods-burstable-pod" UID_ ".slice/cri-containerd-" CID ".scope",
	  0, UID, CID, "containerd", MFD_QOS_BURSTABLE },
	/* cgroupfs driver */
	{ "cgroupfs containerd burstable",
	  "/kubepods/burstable/pod" UID "/" CID, 0, UID, CID, "",
	  MFD_QOS_BURSTABLE },
	{ "cgroupfs containerd besteffort",
	  "/kubepods/besteffort/pod" UID "/" CID, 0, UID, CID, "",
	  MFD_QOS_BESTEFFORT },
	{ "cgroupfs guaranteed", "/kubepods/pod" UID "/" CID, 0, UID, CID, "",
	  MFD_QOS_GUARANTEED },
	{ "cgroupfs cri-o", "/kubepods/burstable/pod" UID "/crio-" CID, 0, UID,
	  CID, "cri-o", MFD_QOS_BURSTABLE },
	{ "cgroupfs v1 mount",
	  "/sys/fs/cgroup/cpu,cpuacct/kubepods/pod" UID "/" CID, 0, UID, CID,
	  "", MFD_QOS_GUARANTEED },
	/* nested kubelets and --cgroup-root */
	{ "kind node",
	  "/system.slice/docker-" CID
	  ".scope/kubelet.slice/kubelet-kubepods.slice/"
	  "kubelet-kubepods-besteffort.slice/"
	  "kubelet-kubepods-besteffort-pod" UID_ ".slice/cri-containerd-" CID
	  ".scope",
	  0, UID, CID, "containerd", MFD_QOS_BESTEFFORT },
	{ "static pod uid", "/kubepods/burstable/pod" STATIC_UID "/" CID, 0,
	  STATIC_UID, CID, "", MFD_QOS_BURSTABLE },
	/* pod level */
	{ "pod slice",
	  "/kubepods.slice/kubepods-burstable.slice/"
	  "kubepods-burstable-pod" UID_ ".slice",
	  0, UID, "", "", MFD_QOS_BURSTABLE },
	{ "cgroupfs pod", "/kubepods/besteffort/pod" UID, 0, UID, "", "",
	  MFD_QOS_BESTEFFORT },
	/* not a pod */
	{ "root", "/", -ENOENT },
	{ "system service", "/system.slice/containerd.service", -ENOENT },
	{ "kubepods root", "/kubepods.slice", -ENOENT },
	{ "qos level", "/kubepods.slice/kubepods-burstable.slice", -ENOENT },
	{ "cgroupfs qos level", "/kubepods/besteffort", -ENOENT },
	{ "look-alike", "/notkubepods.slice/x", -ENOENT },
	{ "foreign slice under kubepods",
	  "/kubepods.slice/other-pod" UID_ ".slice", -ENOENT },
	/* malformed */
	{ "short uid", "/kubepods/pod1234/" CID, -EINVAL },
	{ "uid bad dash",
	  "/kubepods/pod4c0a9d8e11b2c-4d5e-8f90-a1b2c3d4e5f6/" CID, -EINVAL },
	{ "uid non-hex",
	  "/kubepods.slice/kubepods-podzc0a9d8e_1b2c_4d5e_8f90_"
	  "a1b2c3d4e5f6.slice",
	  -EINVAL },
	{ "container id not hex", "/kubepods/pod" UID "/not-a-container",
	  -EINVAL },
	{ "container id too long", "/kubepods/pod" UID "/" CID "0", -EINVAL },
};

static void test_parser_layouts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const struct layout *l = &layouts[i];
		struct mfd_k8s_attr a;
		int rc = mfd_cgroup_parse_path(l->path, strlen(l->path), &a);

		if (rc != l->rc)
			fail_msg("%s: rc %d, want %d", l->name, rc, l->rc);
		if (rc) {
			assert_string_equal(a.pod_uid, "");
			continue;
		}
		assert_string_equal(a.pod_uid, l->uid);
		assert_string_equal(a.container_id, l->cid);
		assert_string_equal(a.container_runtime, l->runtime);
		if (a.qos != l->qos)
			fail_msg("%s: qos %s", l->name,
				 mfd_k8s_qos_name(a.qos));
	}
}

/* The length argument bounds the read: a path cut short is parsed as the
 * shorter path, with no read past len. */
static void test_parser_len(void **state)
{
	const char *p = "/kubepods/burstable/pod" UID "/" CID;
	struct mfd_k8s_attr a;
	char *copy;
	size_t cut = strlen(p) - strlen(CID) - 1;

	(void)state;
	copy = malloc(cut); /* no terminator: ASan catches an overread */
	assert_non_null(copy);
	memcpy(copy, p, cut);
	assert_int_equal(mfd_cgroup_parse_path(copy, cut, &a), 0);
	assert_string_equal(a.pod_uid, UID);
	assert_string_equal(a.container_id, "");
	free(copy);
	assert_int_equal(mfd_cgroup_parse_path(NULL, 0, &a), -ENOENT);
	assert_int_equal(mfd_cgroup_parse_path("", 0, &a), -ENOENT);
}

static void test_proc_cgroup(void **state)
{
	static const char v1[] =
		"12:memory:/kubepods/burstable/pod" UID "/" CID "\n"
		"11:cpu,cpuacct:/kubepods/burstable/pod" UID "/" CID "\n"
		"1:name=systemd:/system.slice\n";
	static const char v2[] = "0::/kubepods.slice/kubepods-pod" UID_
				 ".slice/cri-containerd-" CID ".scope\n";
	static const char none[] = "0::/user.slice/user-0.slice/session-1.scope"
				   "\n";
	struct mfd_k8s_attr a;

	(void)state;
	assert_int_equal(mfd_cgroup_parse_proc_cgroup(v1, sizeof(v1) - 1, &a),
			 0);
	assert_string_equal(a.pod_uid, UID);
	assert_int_equal(a.qos, MFD_QOS_BURSTABLE);
	assert_int_equal(mfd_cgroup_parse_proc_cgroup(v2, sizeof(v2) - 1, &a),
			 0);
	assert_string_equal(a.container_id, CID);
	assert_int_equal(a.qos, MFD_QOS_GUARANTEED);
	assert_int_equal(mfd_cgroup_parse_proc_cgroup(none, sizeof(none) - 1,
						      &a),
			 -ENOENT);
	assert_int_equal(mfd_cgroup_parse_proc_cgroup("0:", 2, &a), -ENOENT);
}

/* --- the cache on real directories ---------------------------------------- */

static char tmpl[64];

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void mkpath(const char *root, const char *rel)
{
	char p[4096], *s;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	if (mkdir(p, 0755) && errno != EEXIST)
		fail_msg("mkdir %s: %s", p, strerror(errno));
}

static uint64_t ino(const char *root, const char *rel)
{
	char p[4096];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (stat(p, &st))
		fail_msg("stat %s: %s", p, strerror(errno));
	return (uint64_t)st.st_ino;
}

static const char *make_root(void)
{
	char p[128];
	FILE *f;

	snprintf(tmpl, sizeof(tmpl), "/tmp/mfd-cgroup-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
	/* What makes a directory a cgroup v2 root for the cache. */
	snprintf(p, sizeof(p), "%s/cgroup.controllers", tmpl);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("cpu memory\n", f);
	fclose(f);
	return tmpl;
}

static int cleanup_root(void **state)
{
	(void)state;
	if (tmpl[0])
		nftw(tmpl, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	tmpl[0] = '\0';
	return 0;
}

/* Every layout that names a pod, built as directories; each looked up by
 * its inode gives what the parser gives for its path. */
static void test_cache_layouts(void **state)
{
	const char *root = make_root();
	struct mfd_cgroup_attr *c;
	struct mfd_cgroup_attr_stats st;
	size_t k8s = 0;

	(void)state;
	/* (Paths with a v1 mount point in front are parser-only: a v2
	 * hierarchy never holds them.) */
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if ((layouts[i].rc == 0 || layouts[i].rc == -ENOENT) &&
		    strncmp(layouts[i].path, "/sys/", 5) != 0)
			mkpath(root, layouts[i].path[0] == '/' ?
					     layouts[i].path + 1 :
					     layouts[i].path);
	c = mfd_cgroup_attr_new(root, NULL, 4096, 1000000000ull);
	assert_non_null(c);
	assert_string_equal(mfd_cgroup_attr_root(c), root);
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
		const struct layout *l = &layouts[i];
		const struct mfd_k8s_attr *a;

		if ((l->rc != 0 && l->rc != -ENOENT) ||
		    strncmp(l->path, "/sys/", 5) == 0)
			continue;
		a = mfd_cgroup_attr_lookup(c, ino(root, l->path), 0, 1);
		if (l->rc) {
			if (a)
				fail_msg("%s: attributed to %s", l->name,
					 a->pod_uid);
			continue;
		}
		k8s++;
		if (!a)
			fail_msg("%s: not found", l->name);
		assert_string_equal(a->pod_uid, l->uid);
		assert_string_equal(a->container_id, l->cid);
		assert_int_equal(a->qos, l->qos);
	}
	mfd_cgroup_attr_get_stats(c, &st);
	/* One walk answered every lookup. */
	assert_int_equal(st.scans, 1);
	assert_true(k8s > 10);
	assert_int_equal(st.overflow, 0);
	mfd_cgroup_attr_free(c);
}

/* A container started after the walk is found after the rate limit, not
 * before; one that went away is forgotten by the next walk. */
static void test_cache_invalidation(void **state)
{
	const char *root = make_root();
	const char *pod = "kubepods/burstable/pod" UID;
	const char *ctr = "kubepods/burstable/pod" UID "/" CID;
	const uint64_t limit = 5000000000ull; /* 5 s */
	struct mfd_cgroup_attr_stats st;
	struct mfd_cgroup_attr *c;
	char p[4096];
	uint64_t id;

	(void)state;
	mkpath(root, pod);
	c = mfd_cgroup_attr_new(root, NULL, 64, limit);
	assert_non_null(c);
	assert_non_null(mfd_cgroup_attr_lookup(c, ino(root, pod), 0, 100));
	mkpath(root, ctr);
	id = ino(root, ctr);
	/* inside the rate limit: a miss, and no walk */
	assert_null(mfd_cgroup_attr_lookup(c, id, 0, 100 + limit - 1));
	mfd_cgroup_attr_get_stats(c, &st);
	assert_int_equal(st.scans, 1);
	assert_int_equal(st.scan_skipped, 1);
	/* after it: found */
	assert_non_null(mfd_cgroup_attr_lookup(c, id, 0, 100 + limit));
	mfd_cgroup_attr_get_stats(c, &st);
	assert_int_equal(st.scans, 2);
	assert_int_equal(st.entries, 5); /* root, kubepods, qos, pod, ctr */
	/* the container goes; an unknown id triggers the next walk */
	snprintf(p, sizeof(p), "%s/%s", root, ctr);
	assert_int_equal(rmdir(p), 0);
	assert_null(
		mfd_cgroup_attr_lookup(c, UINT64_MAX - 1, 0, 100 + 2 * limit));
	mfd_cgroup_attr_get_stats(c, &st);
	assert_int_equal(st.scans, 3);
	/* root, kubepods, qos, pod, and the unknown id remembered as "not
	 * a pod": the container is gone */
	assert_int_equal(st.entries, 5);
	assert_null(mfd_cgroup_attr_lookup(c, id, 0, 100 + 2 * limit));
	mfd_cgroup_attr_free(c);
}

/* Events from a cgroup the walk never enters (a deep systemd user unit)
 * cost one walk, not one per rate-limit period. */
static void test_cache_negative(void **state)
{
	const char *root = make_root();
	const char *deep = "user.slice/user-1000.slice/user@1000.service/"
			   "app.slice/app-foo.scope";
	const uint64_t limit = 1000;
	struct mfd_cgroup_attr_stats st;
	struct mfd_cgroup_attr *c;
	uint64_t id;

	(void)state;
	mkpath(root, deep);
	id = ino(root, deep);
	c = mfd_cgroup_attr_new(root, NULL, 64, limit);
	assert_non_null(c);
	for (uint64_t t = 1; t < 10 * limit; t += limit)
		assert_null(mfd_cgroup_attr_lookup(c, id, 0, t));
	mfd_cgroup_attr_get_stats(c, &st);
	assert_int_equal(st.scans, 1);
	assert_int_equal(st.hits, 9);
	mfd_cgroup_attr_free(c);
}

/* More cgroups than the bound: the cache stops at it and counts. */
static void test_cache_bounded(void **state)
{
	const char *root = make_root();
	struct mfd_cgroup_attr_stats st;
	struct mfd_cgroup_attr *c;
	char rel[256];

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(rel, sizeof(rel),
			 "kubepods/besteffort/pod%08x-1b2c-4d5e-8f90-"
			 "a1b2c3d4e5f6",
			 i);
		mkpath(root, rel);
	}
	c = mfd_cgroup_attr_new(root, NULL, 16, 0);
	assert_non_null(c);
	mfd_cgroup_attr_lookup(c, 12345, 0, 1);
	mfd_cgroup_attr_get_stats(c, &st);
	assert_int_equal(st.entries, 16);
	/* 40 pods + root, kubepods, besteffort, and the looked-up id */
	assert_int_equal(st.overflow, 40 + 3 + 1 - 16);
	mfd_cgroup_attr_free(c);
}

/* A cgroup-v1-only host: no v2 root, so the task's /proc/<tgid>/cgroup
 * is read (here a synthetic proc directory). */
static void test_v1_by_tgid(void **state)
{
	char proc[128], p[192];
	struct mfd_cgroup_attr *c;
	const struct mfd_k8s_attr *a;
	FILE *f;

	(void)state;
	snprintf(tmpl, sizeof(tmpl), "/tmp/mfd-cgroup-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
	snprintf(proc, sizeof(proc), "%s/proc", tmpl);
	snprintf(p, sizeof(p), "%s/proc/4242", tmpl);
	mkpath(tmpl, "proc/4242");
	snprintf(p, sizeof(p), "%s/proc/4242/cgroup", tmpl);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("4:memory:/kubepods/besteffort/pod" UID "/crio-" CID "\n"
	      "1:name=systemd:/kubepods/besteffort/pod" UID "/crio-" CID "\n",
	      f);
	fclose(f);
	c = mfd_cgroup_attr_new(tmpl, proc, 64, 0); /* no cgroup.controllers */
	assert_non_null(c);
	assert_string_equal(mfd_cgroup_attr_root(c), "");
	a = mfd_cgroup_attr_lookup(c, 0, 4242, 1);
	assert_non_null(a);
	assert_string_equal(a->pod_uid, UID);
	assert_string_equal(a->container_runtime, "cri-o");
	assert_int_equal(a->qos, MFD_QOS_BESTEFFORT);
	assert_null(mfd_cgroup_attr_lookup(c, 0, 4243, 1));
	assert_null(mfd_cgroup_attr_lookup(NULL, 1, 1, 1));
	mfd_cgroup_attr_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_layouts),
		cmocka_unit_test(test_parser_len),
		cmocka_unit_test(test_proc_cgroup),
		cmocka_unit_test_teardown(test_cache_layouts, cleanup_root),
		cmocka_unit_test_teardown(test_cache_invalidation,
					  cleanup_root),
		cmocka_unit_test_teardown(test_cache_negative, cleanup_root),
		cmocka_unit_test_teardown(test_cache_bounded, cleanup_root),
		cmocka_unit_test_teardown(test_v1_by_tgid, cleanup_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
