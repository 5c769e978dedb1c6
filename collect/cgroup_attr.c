// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup_attr.c - cgroup path -> Kubernetes pod/container, and a bounded
 * cache from cgroup id to that answer (see cgroup_attr.h).
 *
 * The names parsed here are kubelet's: pkg/kubelet/cm/cgroup_manager_linux.go
 * (ConvertCgroupNameToSystemd: "kubepods-burstable-pod<uid>.slice", with
 * '-' in the UID escaped as '_'), pkg/kubelet/cm/qos_container_manager_linux.go
 * (Guaranteed pods directly under kubepods, the other two classes under
 * their own level) and the runtimes' scope names (containerd's
 * "cri-containerd-<id>.scope", CRI-O's "crio-<id>.scope" and
 * "crio-conmon-<id>.scope", docker's "docker-<id>.scope").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_COMPONENT "cgroup"
#include "cgroup_attr.h"
#include "file.h"
#include "log.h"

/* The walk never goes deeper than this below the root, and never visits
 * more directories than this in one scan (a runaway hierarchy cannot stall
 * the loop). */
#define WALK_MAX_DEPTH 12
#define WALK_MAX_DIRS 100000
/* Below this depth a directory whose path has no "kubepods" is not
 * descended into (kind nests kubelet 4 levels down). */
#define WALK_PRUNE_DEPTH 4

const char *mfd_k8s_qos_name(enum mfd_k8s_qos q)
{
	switch (q) {
	case MFD_QOS_GUARANTEED:
		return "guaranteed";
	case MFD_QOS_BURSTABLE:
		return "burstable";
	case MFD_QOS_BESTEFFORT:
		return "besteffort";
	default:
		return "";
	}
}

/* --- the pure parser ------------------------------------------------------ */

struct comp {
	const char *s;
	size_t n;
};

static bool comp_is(struct comp c, const char *lit)
{
	size_t n = strlen(lit);

	return c.n == n && memcmp(c.s, lit, n) == 0;
}

static bool has_prefix(struct comp c, const char *lit)
{
	size_t n = strlen(lit);

	return c.n >= n && memcmp(c.s, lit, n) == 0;
}

static bool has_suffix(struct comp c, const char *lit)
{
	size_t n = strlen(lit);

	return c.n >= n && memcmp(c.s + c.n - n, lit, n) == 0;
}

static struct comp drop(struct comp c, size_t front, size_t back)
{
	return (struct comp){ c.s + front, c.n - front - back };
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

/* A pod UID as kubelet writes it: an 8-4-4-4-12 UUID (with '_' for '-'
 * under the systemd driver), or 32 hex digits (static pods' hash). */
static int copy_uid(struct comp u, char out[MFD_POD_UID_LEN])
{
	static const size_t dash[] = { 8, 13, 18, 23 };

	if (u.n == 32) {
		for (size_t i = 0; i < 32; i++)
			if (!is_hex(u.s[i]))
				return -EINVAL;
	} else if (u.n == 36) {
		size_t d = 0;

		for (size_t i = 0; i < 36; i++) {
			if (d < 4 && i == dash[d]) {
				if (u.s[i] != '-' && u.s[i] != '_')
					return -EINVAL;
				d++;
			} else if (!is_hex(u.s[i])) {
				return -EINVAL;
			}
		}
	} else {
		return -EINVAL;
	}
	for (size_t i = 0; i < u.n; i++)
		out[i] = u.s[i] == '_' ? '-' : u.s[i];
	out[u.n] = '\0';
	return 0;
}

/* Container ids are 64 hex digits for every CRI runtime; accept the short
 * 12+ forms some tools write. */
static int copy_cid(struct comp c, char out[MFD_CONTAINER_ID_LEN])
{
	if (c.n < 12 || c.n > 64)
		return -EINVAL;
	for (size_t i = 0; i < c.n; i++)
		if (!is_hex(c.s[i]))
			return -EINVAL;
	memcpy(out, c.s, c.n);
	out[c.n] = '\0';
	return 0;
}

static void set_runtime(struct mfd_k8s_attr *a, const char *rt)
{
	snprintf(a->container_runtime, sizeof(a->container_runtime), "%s", rt);
}

/* The component under the pod's cgroup: a container, CRI-O's conmon
 * (pod-level: it is not the workload), or something else kubelet does not
 * name, which we leave at pod level. */
static int parse_container(struct comp c, bool systemd, struct mfd_k8s_attr *a)
{
	static const struct {
		const char *prefix;
		const char *runtime;
		bool pod_level;
	} scopes[] = {
		{ "cri-containerd-", "containerd", false },
		{ "crio-conmon-", "cri-o", true },
		{ "crio-", "cri-o", false },
		{ "docker-", "docker", false },
	};

	if (systemd) {
		if (!has_suffix(c, ".scope"))
			return 0;
		c = drop(c, 0, strlen(".scope"));
	}
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		size_t n = strlen(scopes[i].prefix);

		if (!has_prefix(c, scopes[i].prefix))
			continue;
		set_runtime(a, scopes[i].runtime);
		if (scopes[i].pod_level)
			return copy_cid(drop(c, n, 0), (char[65]){ 0 });
		return copy_cid(drop(c, n, 0), a->container_id);
	}
	if (systemd)
		return 0; /* some other unit: pod level */
	/* cgroupfs driver: containerd and docker use the bare id. */
	return copy_cid(c, a->container_id);
}

/* systemd driver, from the component after "<P>.slice". */
static int parse_systemd(const struct comp *v, size_t n, struct comp prefix,
			 struct mfd_k8s_attr *a)
{
	struct comp c;
	size_t i = 0;
	int err;

	/* Each level is "<parent's name>-<more>.slice". */
	if (i >= n || !has_suffix(v[i], ".slice"))
		return -ENOENT;
	c = drop(v[i], 0, strlen(".slice"));
	if (c.n <= prefix.n + 1 || memcmp(c.s, prefix.s, prefix.n) != 0 ||
	    c.s[prefix.n] != '-')
		return -ENOENT;
	c = drop(c, prefix.n + 1, 0);
	if (comp_is(c, "burstable") || comp_is(c, "besteffort")) {
		struct comp q = c;

		a->qos = comp_is(q, "burstable") ? MFD_QOS_BURSTABLE :
						   MFD_QOS_BESTEFFORT;
		i++;
		if (i >= n || !has_suffix(v[i], ".slice"))
			return -ENOENT; /* the QoS slice itself */
		c = drop(v[i], 0, strlen(".slice"));
		/* "<prefix>-<qos>-pod<uid>" */
		if (c.n <= prefix.n + 1 + q.n + 1 ||
		    memcmp(c.s, prefix.s, prefix.n) != 0 ||
		    c.s[prefix.n] != '-' ||
		    memcmp(c.s + prefix.n + 1, q.s, q.n) != 0 ||
		    c.s[prefix.n + 1 + q.n] != '-')
			return -ENOENT;
		c = drop(c, prefix.n + 1 + q.n + 1, 0);
	} else {
		a->qos = MFD_QOS_GUARANTEED;
	}
	if (!has_prefix(c, "pod"))
		return -ENOENT;
	err = copy_uid(drop(c, 3, 0), a->pod_uid);
	if (err)
		return err;
	i++;
	return i < n ? parse_container(v[i], true, a) : 0;
}

/* cgroupfs driver, from the component after "kubepods". */
static int parse_cgroupfs(const struct comp *v, size_t n,
			  struct mfd_k8s_attr *a)
{
	size_t i = 0;
	int err;

	if (i >= n)
		return -ENOENT;
	if (comp_is(v[i], "burstable") || comp_is(v[i], "besteffort")) {
		a->qos = comp_is(v[i], "burstable") ? MFD_QOS_BURSTABLE :
						      MFD_QOS_BESTEFFORT;
		i++;
	} else {
		a->qos = MFD_QOS_GUARANTEED;
	}
	if (i >= n || !has_prefix(v[i], "pod"))
		return -ENOENT;
	err = copy_uid(drop(v[i], 3, 0), a->pod_uid);
	if (err)
		return err;
	i++;
	return i < n ? parse_container(v[i], false, a) : 0;
}

#define MAX_COMPS 64

int mfd_cgroup_parse_path(const char *path, size_t len,
			  struct mfd_k8s_attr *out)
{
	struct comp v[MAX_COMPS];
	size_t n = 0, i = 0;
	int err = -ENOENT;

	memset(out, 0, sizeof(*out));
	if (!path)
		return -ENOENT;
	while (i < len && path[i]) {
		size_t s;

		while (i < len && path[i] == '/')
			i++;
		s = i;
		while (i < len && path[i] && path[i] != '/')
			i++;
		if (i > s) {
			if (n == MAX_COMPS)
				return -ENOENT; /* deeper than kubelet goes */
			v[n++] = (struct comp){ path + s, i - s };
		}
	}
	for (i = 0; i < n; i++) {
		struct comp c = v[i];

		if (comp_is(c, "kubepods")) {
			err = parse_cgroupfs(v + i + 1, n - i - 1, out);
			break;
		}
		/* "kubepods.slice", or a prefixed root such as kubelet's
		 * --cgroup-root=/kubelet: "kubelet-kubepods.slice". */
		if (has_suffix(c, ".slice")) {
			struct comp name = drop(c, 0, strlen(".slice"));

			if (comp_is(name, "kubepods") ||
			    (name.n > 9 && memcmp(name.s + name.n - 9,
						  "-kubepods", 9) == 0)) {
				err = parse_systemd(v + i + 1, n - i - 1, name,
						    out);
				break;
			}
		}
	}
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

int mfd_cgroup_parse_proc_cgroup(const char *buf, size_t len,
				 struct mfd_k8s_attr *out)
{
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	while (i < len && buf[i]) {
		size_t s = i, colons = 0, path = 0;

		while (i < len && buf[i] && buf[i] != '\n') {
			if (buf[i] == ':' && colons < 2 && ++colons == 2)
				path = i + 1;
			i++;
		}
		if (colons == 2 &&
		    mfd_cgroup_parse_path(buf + path, i - path, out) == 0)
			return 0;
		(void)s;
		if (i < len && buf[i] == '\n')
			i++;
	}
	memset(out, 0, sizeof(*out));
	return -ENOENT;
}

/* --- the cache -------------------------------------------------------------- */

struct slot {
	uint64_t id; /* cgroup id (inode); 0: empty */
	int32_t attr; /* index into attrs[], or -1: not a pod's cgroup */
};

struct mfd_cgroup_attr {
	char root[PATH_MAX]; /* cgroup v2 mount in use, "" if none */
	char proc_dir[PATH_MAX];
	struct slot *slots; /* open addressing, nslots a power of two */
	size_t nslots;
	size_t used; /* occupied slots (<= cap) */
	size_t cap; /* bound on cached cgroups */
	struct mfd_k8s_attr *attrs; /* the pods' and containers' cgroups */
	size_t nattrs, attrs_alloc;
	uint64_t min_rescan_ns, last_scan_ns;
	bool scanned;
	size_t walked; /* directories visited in the current scan */
	struct mfd_k8s_attr scratch; /* v1 answers */
	struct mfd_cgroup_attr_stats stats;
};

static bool is_v2_root(const char *dir)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/cgroup.controllers", dir);
	return access(p, F_OK) == 0;
}

struct mfd_cgroup_attr *mfd_cgroup_attr_new(const char *cgroup_root,
					    const char *proc_dir, size_t cap,
					    uint64_t min_rescan_ns)
{
	struct mfd_cgroup_attr *c = calloc(1, sizeof(*c));
	const char *r = cgroup_root && *cgroup_root ? cgroup_root :
						      "/sys/fs/cgroup";
	char uni[PATH_MAX];

	if (!c)
		return NULL;
	if (cap < 16)
		cap = 16;
	c->cap = cap;
	c->nslots = 16;
	while (c->nslots < cap + cap / 3 + 1)
		c->nslots <<= 1;
	c->min_rescan_ns = min_rescan_ns;
	snprintf(c->proc_dir, sizeof(c->proc_dir), "%s",
		 proc_dir && *proc_dir ? proc_dir : "/proc");
	snprintf(uni, sizeof(uni), "%s/unified", r);
	if (is_v2_root(r))
		snprintf(c->root, sizeof(c->root), "%s", r);
	else if (is_v2_root(uni)) /* hybrid: systemd's v2 mirror */
		snprintf(c->root, sizeof(c->root), "%s", uni);
	/* Slots are allocated on the first scan, so an agent on a host
	 * without pods that never sees an event pays nothing. */
	return c;
}

void mfd_cgroup_attr_free(struct mfd_cgroup_attr *c)
{
	if (!c)
		return;
	free(c->slots);
	free(c->attrs);
	free(c);
}

static size_t hash_id(uint64_t id, size_t n)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	return (size_t)(id & (n - 1));
}

static struct slot *find(struct mfd_cgroup_attr *c, uint64_t id)
{
	size_t i;

	if (!c->slots || !id)
		return NULL;
	i = hash_id(id, c->nslots);
	for (size_t k = 0; k < c->nslots; k++, i = (i + 1) & (c->nslots - 1)) {
		if (c->slots[i].id == id)
			return &c->slots[i];
		if (!c->slots[i].id)
			return NULL;
	}
	return NULL;
}

static void insert(struct mfd_cgroup_attr *c, uint64_t id,
		   const struct mfd_k8s_attr *a)
{
	struct slot *s;
	size_t i;

	if (!id || find(c, id))
		return;
	if (c->used >= c->cap) {
		c->stats.overflow++;
		return;
	}
	if (a && c->nattrs == c->attrs_alloc) {
		size_t n = c->attrs_alloc ? c->attrs_alloc * 2 : 64;
		struct mfd_k8s_attr *p;

		if (n > c->cap)
			n = c->cap;
		p = realloc(c->attrs, n * sizeof(*p));
		if (!p) {
			c->stats.overflow++;
			return;
		}
		c->attrs = p;
		c->attrs_alloc = n;
	}
	i = hash_id(id, c->nslots);
	while (c->slots[i].id)
		i = (i + 1) & (c->nslots - 1);
	s = &c->slots[i];
	s->id = id;
	s->attr = -1;
	if (a) {
		c->attrs[c->nattrs] = *a;
		s->attr = (int32_t)c->nattrs++;
	}
	c->used++;
}

/* rel holds the path below the root (len bytes, no leading '/'). */
static void walk(struct mfd_cgroup_attr *c, int dfd, char *rel, size_t len,
		 int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d) {
		close(dfd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		struct mfd_k8s_attr a;
		struct stat stbuf;
		size_t n = strlen(e->d_name);
		int sub;

		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		if (c->walked >= WALK_MAX_DIRS || len + n + 2 >= PATH_MAX)
			continue;
		if (fstatat(dirfd(d), e->d_name, &stbuf, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(stbuf.st_mode))
			continue;
		c->walked++;
		if (len)
			rel[len] = '/';
		memcpy(rel + len + (len ? 1 : 0), e->d_name, n + 1);
		insert(c, (uint64_t)stbuf.st_ino,
		       mfd_cgroup_parse_path(rel, strlen(rel), &a) == 0 ? &a :
									  NULL);
		if (depth + 1 < WALK_MAX_DEPTH &&
		    (depth + 1 < WALK_PRUNE_DEPTH || strstr(rel, "kubepods"))) {
			sub = openat(dirfd(d), e->d_name,
				     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (sub >= 0)
				walk(c, sub, rel, strlen(rel), depth + 1);
		}
		rel[len] = '\0';
	}
	closedir(d);
}

static void rescan(struct mfd_cgroup_attr *c, uint64_t now_ns)
{
	char rel[PATH_MAX] = "";
	struct stat st;
	int fd;

	c->stats.scans++;
	c->scanned = true;
	c->last_scan_ns = now_ns;
	if (!c->slots) {
		c->slots = calloc(c->nslots, sizeof(*c->slots));
		if (!c->slots) {
			log_warn_rl("no memory for the cgroup cache");
			return;
		}
	}
	memset(c->slots, 0, c->nslots * sizeof(*c->slots));
	c->used = 0;
	c->nattrs = 0;
	c->walked = 0;
	fd = open(c->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		log_debug("cannot open cgroup root %s: %s", c->root,
			  strerror(errno));
		return;
	}
	if (fstat(fd, &st) == 0)
		insert(c, (uint64_t)st.st_ino, NULL);
	walk(c, fd, rel, 0, 0);
	log_debug("cgroup scan of %s: %zu cgroups, %zu in pods", c->root,
		  c->used, c->nattrs);
}

static const struct mfd_k8s_attr *lookup_v1(struct mfd_cgroup_attr *c,
					    uint32_t tgid)
{
	char path[PATH_MAX + 32], buf[8192];
	size_t n;

	if (!tgid)
		return NULL;
	snprintf(path, sizeof(path), "%s/%u/cgroup", c->proc_dir, tgid);
	if (mfd_file_read_head(path, buf, sizeof(buf), &n) || n == 0)
		return NULL;
	return mfd_cgroup_parse_proc_cgroup(buf, n, &c->scratch) ? NULL :
								   &c->scratch;
}

const struct mfd_k8s_attr *mfd_cgroup_attr_lookup(struct mfd_cgroup_attr *c,
						  uint64_t cgroup_id,
						  uint32_t tgid,
						  uint64_t now_ns)
{
	struct slot *s;

	if (!c)
		return NULL;
	c->stats.lookups++;
	if (!c->root[0] || !cgroup_id)
		return lookup_v1(c, tgid);
	s = find(c, cgroup_id);
	if (!s) {
		/* A cgroup made since the last walk (ids are never reused,
		 * so a cached answer never goes stale; a miss is the only
		 * news). Walk again, but not more often than the limit. */
		if (c->scanned && now_ns - c->last_scan_ns < c->min_rescan_ns) {
			c->stats.scan_skipped++;
			return NULL;
		}
		rescan(c, now_ns);
		s = find(c, cgroup_id);
		if (!s) {
			/* Not in a walk that just happened: a cgroup outside
			 * every kubepods subtree (pruned) or already gone.
			 * Remember that, so its next events do not walk
			 * again. */
			insert(c, cgroup_id, NULL);
			return NULL;
		}
	} else {
		c->stats.hits++;
	}
	return s->attr >= 0 ? &c->attrs[s->attr] : NULL;
}

const char *mfd_cgroup_attr_root(const struct mfd_cgroup_attr *c)
{
	return c ? c->root : "";
}

void mfd_cgroup_attr_get_stats(const struct mfd_cgroup_attr *c,
			       struct mfd_cgroup_attr_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!c)
		return;
	*out = c->stats;
	out->entries = c->used;
}
