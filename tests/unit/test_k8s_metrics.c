// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_k8s_metrics.c - pod attribution reaches the per-process metric and
 * the --headless --format json state: events from a task in a synthetic
 * pod cgroup (a real directory, looked up by its inode) carry
 * k8s.pod.uid, container.id and k8s.pod.qos; a task outside pods carries
 * none of them. The JSON is read back with jansson.
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
#include <jansson.h>

#include "kinfo.h"
#include "cgroup_attr.h"
#include "format.h"
#include "metrics.h"
#include "state.h"

#define UID "9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
#define CID "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define POD_DIR                                                       \
	"kubepods.slice/kubepods-besteffort.slice/"                   \
	"kubepods-besteffort-pod9a0b1c2d_3e4f_4a5b_8c6d_7e8f9a0b1c2d" \
	".slice/cri-containerd-" CID ".scope"

static char root[64];

static int rm_one(const char *p, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static uint64_t make_tree(void)
{
	char p[512], *s;
	struct stat st;
	FILE *f;

	snprintf(root, sizeof(root), "/tmp/mfd-k8sm-XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/cgroup.controllers", root);
	f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/%s", root, POD_DIR);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(stat(p, &st), 0);
	return (uint64_t)st.st_ino;
}

static int teardown(void **state)
{
	(void)state;
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	root[0] = '\0';
	return 0;
}

static void add(struct mfd_state *st, uint32_t tgid, uint64_t cgid,
		const char *comm, int n)
{
	for (int i = 0; i < n; i++) {
		struct mfd_extfrag_event e = { .type = MFD_REC_EXTFRAG,
					       .pid = tgid,
					       .tgid = tgid,
					       .fragmenting = 1,
					       .cgroup_id = cgid,
					       .ts_ns = 1 + (uint64_t)i };

		snprintf(e.comm, sizeof(e.comm), "%s", comm);
		mfd_state_add_event(st, &e);
	}
}

struct seen {
	int in_pod, outside;
};

static const char *attr(const struct mfd_point *p, const char *key)
{
	for (unsigned int i = 0; i < p->nattrs; i++)
		if (!strcmp(p->attrs[i].key, key))
			return p->attrs[i].s;
	return NULL;
}

static int on_point(const struct mfd_point *p, void *arg)
{
	struct seen *s = arg;
	const char *exe;

	if (strcmp(p->desc->name, "mfd.process.extfrag.fragmenting_events"))
		return 0;
	exe = attr(p, "process.executable.name");
	assert_non_null(exe);
	if (!strcmp(exe, "in-pod")) {
		s->in_pod++;
		assert_string_equal(attr(p, "k8s.pod.uid"), UID);
		assert_string_equal(attr(p, "container.id"), CID);
		assert_string_equal(attr(p, "k8s.pod.qos"), "besteffort");
		assert_int_equal(p->i, 3);
	} else {
		s->outside++;
		assert_null(attr(p, "k8s.pod.uid"));
		assert_null(attr(p, "container.id"));
		assert_null(attr(p, "k8s.pod.qos"));
	}
	return 0;
}

static void test_metric_and_json(void **state)
{
	uint64_t pod_id = make_tree();
	struct mfd_kinfo k = { .pageblock_order = 9 };
	struct mfd_state st;
	struct seen seen = { 0 };
	char *buf = NULL;
	size_t len = 0;
	json_error_t jerr;
	json_t *j, *procs;
	FILE *f;

	(void)state;
	assert_int_equal(mfd_state_init(&st, &k, 64, 16), 0);
	st.have_events = true;
	st.cgattr = mfd_cgroup_attr_new(root, NULL, 64, 1000000000ull);
	assert_non_null(st.cgattr);
	add(&st, 100, pod_id, "in-pod", 3);
	add(&st, 200, 1, "on-host", 2); /* the root cgroup's id is not ours */

	assert_int_equal(mfd_metrics_walk(&st, on_point, &seen), 0);
	assert_int_equal(seen.in_pod, 1);
	assert_int_equal(seen.outside, 1);

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(mfd_format_state_json(&st, f), 0);
	fclose(f);
	j = json_loads(buf, 0, &jerr);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "samples")), 0);
	procs = json_object_get(j, "procs");
	assert_int_equal(json_array_size(procs), 2);
	/* most events first */
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(procs, 0), "k8s.pod.uid")),
			    UID);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(procs, 0), "container.id")),
			    CID);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(procs, 0), "cgroup_id")),
			 (json_int_t)pod_id);
	assert_null(json_object_get(json_array_get(procs, 1), "k8s.pod.uid"));
	json_decref(j);
	free(buf);
	mfd_cgroup_attr_free(st.cgattr);
	mfd_state_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_metric_and_json, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
