// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - mfd-agent: parse options, pick a source, then run one of
 * --once, --probe or the live loop.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LOG_COMPONENT "main"
#include "collector.h"
#include "config.h"
#include "escape.h"
#include "exporter.h"
#include "extfrag_probe.h"
#include "format.h"
#include "healthcheck.h"
#include "kinfo.h"
#include "log.h"
#include "loop.h"
#include "pageblocks_probe.h"
#include "pressure.h"
#include "replay.h"
#include "tui.h"
#include "view.h"

/* -c NAME must name a zone this machine has; say which ones it has. */
static int check_zone_filter(const struct mfd_config *cfg,
			     const struct mfd_snapshot *snap)
{
	char safe[256];

	if (!cfg->zone || !*cfg->zone)
		return 0;
	for (uint32_t i = 0; i < snap->nr_zones; i++)
		if (strcasecmp(snap->zones[i].name, cfg->zone) == 0)
			return 0;
	/* Names from a recording may hold anything: escaped. */
	mfd_escape_ctrl(safe, sizeof(safe), cfg->zone, NULL);
	fprintf(stderr,
		"mfd-agent: -c %s: no such zone here; zones present:", safe);
	for (uint32_t i = 0; i < snap->nr_zones; i++) {
		bool seen = false;

		for (uint32_t j = 0; j < i; j++)
			if (strcmp(snap->zones[j].name, snap->zones[i].name) ==
			    0)
				seen = true;
		mfd_escape_ctrl(safe, sizeof(safe), snap->zones[i].name, NULL);
		if (!seen)
			fprintf(stderr, " %s", safe);
	}
	fputc('\n', stderr);
	return -EINVAL;
}

static int check_node_filter(const struct mfd_config *cfg,
			     const struct mfd_snapshot *snap)
{
	if (cfg->node < 0)
		return 0;
	for (uint32_t i = 0; i < snap->nr_nodes; i++)
		if ((int)snap->nodes[i].node == cfg->node)
			return 0;
	fprintf(stderr,
		"mfd-agent: -i %d: no such node with memory here; "
		"nodes present:",
		cfg->node);
	for (uint32_t i = 0; i < snap->nr_nodes; i++)
		fprintf(stderr, " %u", snap->nodes[i].node);
	fputc('\n', stderr);
	return -EINVAL;
}

static void once_add_event(const struct mfd_extfrag_event *e, void *arg)
{
	mfd_extfrag_table_add(arg, e);
}

/* --once with --pageblock-interval: one scan of the live kernel's
 * pageblocks into map. 0, or -errno after saying why on stderr. */
static int once_pageblocks(const struct mfd_kinfo *k,
			   const struct mfd_collector *col,
			   const struct mfd_snapshot *snap,
			   struct mfd_pageblock_map *map)
{
	struct mfd_pageblocks *pb = NULL;
	char why[384];
	int err;

	if (col->active == MFD_SOURCE_REPLAY) {
		fprintf(stderr, "mfd-agent: --pageblock-interval reads the "
				"live kernel; a recording holds no pageblock "
				"map\n");
		return -EINVAL;
	}
	err = mfd_pageblocks_open(&pb, k, snap, why, sizeof(why));
	if (!err)
		err = mfd_pageblocks_scan(pb, snap, map, why, sizeof(why));
	if (err)
		fprintf(stderr, "mfd-agent: pageblock map: %s\n", why);
	mfd_pageblocks_close(pb);
	return err;
}

static int run_once(const struct mfd_config *cfg, const struct mfd_kinfo *k,
		    const struct mfd_collector *col,
		    const struct mfd_snapshot *snap)
{
	struct mfd_pageblock_map *pbmap = NULL;
	struct mfd_view_opts vo = {
		.view = (enum mfd_view)cfg->view,
		.index = (enum mfd_index_sel)cfg->index,
		.bars = cfg->bars,
		.node_filter = cfg->node,
		.zone_filter = cfg->zone,
		.width = 80,
	};
	struct mfd_view_input in = {
		.snap = snap,
		.kinfo = k,
		.events_why = "--once collects no events; run without --once",
	};
	struct mfd_format_opts fo = {
		.node = cfg->node,
		.zone = cfg->zone,
	};
	struct mfd_pressure *sig = NULL;
	struct mfd_extfrag_table procs = { 0 };
	struct mfd_screen s;
	int err;

	/* A replay shows the events recorded up to the sample it shows:
	 * the per-process table from the event records before it, the
	 * totals from its own cumulative counters. */
	if (col->active == MFD_SOURCE_REPLAY && cfg->view == MFD_VIEW_PROCS) {
		const struct mfd_extfrag_totals *t;

		if (mfd_extfrag_table_init(&procs, (size_t)cfg->max_procs)) {
			fprintf(stderr, "mfd-agent: out of memory\n");
			return 1;
		}
		procs.by_executable = cfg->procs_by == MFD_PROCS_BY_EXECUTABLE;
		mfd_replay_take_events(col->replay, once_add_event, &procs);
		t = mfd_replay_totals(col->replay);
		if (t) {
			in.procs = &procs;
			in.totals = t;
			in.events_why = NULL;
		} else {
			in.events_why = "the recording holds no extfrag events "
					"(it was made with events off)";
		}
	}
	/* -m (any format) and -z with --pagetypeinfo-interval: what one
	 * look at /proc can tell (no stall programs in --once). */
	if (cfg->view == MFD_VIEW_COMPACTION ||
	    (cfg->format == MFD_FORMAT_TABLE &&
	     cfg->pagetypeinfo_interval > 0)) {
		sig = calloc(1, sizeof(*sig));
		if (!sig) {
			fprintf(stderr, "mfd-agent: out of memory\n");
			return 1;
		}
		mfd_pressure_init(sig, mfd_pressure_hpage_order(
					       NULL, k->pageblock_order));
		snprintf(sig->bpf_why, sizeof(sig->bpf_why),
			 "--once loads no stall programs; run without --once");
		if (cfg->pagetypeinfo_interval > 0)
			mfd_pressure_set_pagetypeinfo(
				sig, cfg->pagetypeinfo_interval);
		mfd_pressure_sample(sig, NULL, cfg->proc_dir, snap);
		in.pressure = sig;
		if (cfg->view == MFD_VIEW_COMPACTION)
			fo.pressure = sig;
	}
	if (cfg->pageblock_interval > 0) {
		pbmap = calloc(1, sizeof(*pbmap));
		if (!pbmap || once_pageblocks(k, col, snap, pbmap)) {
			if (!pbmap)
				fprintf(stderr, "mfd-agent: out of memory\n");
			err = 1;
			goto out;
		}
		fo.pageblocks = pbmap;
	}
	switch (cfg->format) {
	case MFD_FORMAT_JSON:
		err = mfd_format_json(snap, &fo, stdout);
		break;
	case MFD_FORMAT_CSV:
		err = mfd_format_csv(snap, &fo, stdout);
		break;
	default:
		mfd_screen_init(&s, 80);
		err = mfd_view_render(&vo, &in, &s);
		if (!err)
			err = mfd_tui_print_plain(stdout, &s, !cfg->no_color);
		mfd_screen_free(&s);
		break;
	}
	if (!err && fflush(stdout))
		err = -errno;
	if (err)
		fprintf(stderr, "mfd-agent: writing the snapshot failed: %s\n",
			strerror(-err));
out:
	if (sig)
		mfd_pressure_close(sig);
	free(sig);
	if (pbmap)
		mfd_pb_map_free(pbmap);
	free(pbmap);
	mfd_extfrag_table_free(&procs);
	return err ? 1 : 0;
}

/* --probe: say what works on this machine, one line per check. */
static int run_probe(const struct mfd_kinfo *k)
{
	struct mfd_collector col;
	struct mfd_extfrag *xf = NULL;
	char why[384];
	const char *pre;
	int ok = 1, err;

	/* One line per check, in order, also when stdout is a pipe and
	 * libbpf writes to stderr between them. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("kernel btf: %s\n", k->have_btf ? "yes" : "no");
	printf("pageblock_order: %d (from %s)\n", k->pageblock_order,
	       k->pageblock_from);
	printf("migratetypes: %u\n", k->nr_migratetypes);
	pre = mfd_collector_bpf_precheck(k, why, sizeof(why));
	printf("privileges: %s\n", pre ? pre : "ok");

	err = mfd_collector_open(&col, MFD_SOURCE_MODE_BPF, k, NULL);
	if (err) {
		printf("zones_bpf: FAILED: %s\n", col.fallback_reason);
		ok = 0;
	} else {
		struct mfd_snapshot *snap = calloc(1, sizeof(*snap));

		if (snap && mfd_collector_sample(&col, snap) == 0)
			printf("zones_bpf: ok (%u nodes, %u zones, %u orders)\n",
			       snap->nr_nodes, snap->nr_zones, snap->nr_orders);
		else {
			printf("zones_bpf: FAILED: sampling failed\n");
			ok = 0;
		}
		free(snap);
		mfd_collector_close(&col);
	}

	/* Without the capabilities libbpf's load attempt would only add its
	 * own warnings (RLIMIT_MEMLOCK, "Couldn't load trivial BPF
	 * program") after the real cause, already printed above. */
	if (pre) {
		printf("extfrag_bpf: FAILED: %s\n", pre);
		return 1;
	}
	err = mfd_extfrag_open(&xf, k, 64 * 1024, false, NULL, NULL, why,
			       sizeof(why));
	if (err) {
		printf("extfrag_bpf: FAILED: %s\n", why);
		ok = 0;
	} else {
		printf("extfrag_bpf: ok (attached to "
		       "kmem:mm_page_alloc_extfrag)\n");
		mfd_extfrag_close(xf);
	}
	return ok ? 0 : 1;
}

/* The commands that answer and exit without sampling: --help, --version,
 * --dump-man, --dump-config, --check-config and --healthcheck. Returns
 * the exit code, or -1 when none of them was asked for. The exporters'
 * settings are checked here for a start too, so a start and
 * --check-config refuse the same settings with exit 2. */
static int run_command(const struct mfd_config *cfg, const char *argv0)
{
	struct mfd_export_settings set;
	char why[600];
	int st;

	if (cfg->help) {
		mfd_config_usage(stdout, argv0);
		return 0;
	}
	if (cfg->version) {
		printf("mfd-agent %s\n", MFD_VERSION);
		return 0;
	}
	if (cfg->dump_man || cfg->dump_config) {
		if (cfg->dump_man)
			mfd_config_man(stdout);
		else
			mfd_config_dump(stdout);
		return fflush(stdout) ? 1 : 0;
	}
	mfd_config_export_settings(cfg, &set);
	if ((cfg->check_config || !cfg->once) && !cfg->healthcheck &&
	    !cfg->probe && mfd_exporters_check(&set, why, sizeof(why))) {
		/* An endpoint that is not http, a port out of range, a bad
		 * header list. */
		fprintf(stderr, "mfd-agent: %s\n", why);
		return 2;
	}
	if (cfg->check_config) {
		/* Everything was validated while loading; errors exit 2. */
		mfd_config_print(stdout, cfg);
		return fflush(stdout) ? 1 : 0;
	}
	if (!cfg->healthcheck || !*cfg->healthcheck)
		return -1;
	st = mfd_healthcheck(cfg->healthcheck, 3.0, why, sizeof(why));
	if (st < 0)
		fprintf(stderr, "mfd-agent: healthcheck: %s\n", why);
	else if (st < 200 || st > 299)
		fprintf(stderr, "mfd-agent: healthcheck: %s: %s\n",
			cfg->healthcheck, why);
	return st >= 200 && st <= 299 ? 0 : 1;
}

/* Open the snapshot source: a recording (--replay) or the kernel. 0, or
 * -1 after saying why. *proc_dir receives the copy the collector keeps. */
static int open_source(const struct mfd_config *cfg, const struct mfd_kinfo *k,
		       struct mfd_collector *col, char **proc_dir)
{
	uint64_t at = 0;

	if (cfg->replay.at && !cfg->replay.path)
		fprintf(stderr, "mfd-agent: warning: --replay-at without "
				"--replay is ignored\n");
	if (cfg->replay.path) {
		/* A recording stands in for the kernel: no BPF, no root. */
		if (cfg->replay.at)
			mfd_replay_parse_time(cfg->replay.at,
					      &at); /* checked */
		if (!mfd_collector_open_replay(col, cfg->replay.path, k,
					       cfg->replay.speed, at))
			return 0;
		fprintf(stderr, "mfd-agent: --replay: %s\n",
			col->fallback_reason);
		return -1;
	}
	/* The collector keeps this pointer; SIGHUP replaces cfg, so it gets
	 * a copy that lives until exit (proc_dir needs a restart anyway). */
	if (cfg->proc_dir && !(*proc_dir = strdup(cfg->proc_dir))) {
		fprintf(stderr, "mfd-agent: out of memory\n");
		return -1;
	}
	if (!mfd_collector_open(col, (enum mfd_source_mode)cfg->source, k,
				*proc_dir))
		return 0;
	fprintf(stderr, "mfd-agent: --source bpf: %s\n", col->fallback_reason);
	fprintf(stderr, "mfd-agent: use --source auto to fall back to "
			"procfs, or --source procfs\n");
	return -1;
}

/*
 * A long-running agent's heap should shrink back after its peaks. glibc
 * serves a block over 128 KiB with mmap(), but raises that threshold to
 * the size of each such block freed, so the zlib state of a gzip'ed
 * export (about 270 KiB, every export interval) and a request body soon
 * stay in the heap for good; with a fixed threshold they go back to the
 * kernel when freed. Measured side by side (OTLP on, /metrics scraped,
 * 1 s interval): 7.0 MiB RSS with the default, 6.1 MiB with this.
 */
static void tune_malloc(void)
{
#ifdef M_MMAP_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#endif
}

int main(int argc, char **argv)
{
	struct mfd_snapshot *snap = NULL;
	struct mfd_collector col = { 0 };
	struct mfd_config cfg;
	struct mfd_kinfo k;
	char *proc_dir = NULL;
	int rc = 1, err;

	tune_malloc();
	if (mfd_config_parse_args(&cfg, argc, argv, stderr)) {
		fprintf(stderr, "Try '%s --help' for more information.\n",
			argv[0]);
		mfd_config_free(&cfg);
		return 2;
	}
	rc = run_command(&cfg, argv[0]);
	if (rc >= 0)
		goto out;
	rc = 1;
	mfd_log_set_level((enum mfd_log_level)cfg.log_level);
	mfd_log_set_format((enum mfd_log_format)cfg.log_format);
	mfd_log_route_libbpf();
	mfd_kinfo_load(&k, "");

	if (cfg.probe) {
		rc = run_probe(&k);
		goto out;
	}
	if (open_source(&cfg, &k, &col, &proc_dir))
		goto out;

	/* The first sample validates -c/-i against what this machine really
	 * has, then serves --once or the loop's first frame. */
	snap = calloc(1, sizeof(*snap));
	if (!snap) {
		fprintf(stderr, "mfd-agent: out of memory\n");
		goto out;
	}
	err = mfd_collector_sample(&col, snap);
	if (err) {
		fprintf(stderr, "mfd-agent: taking a snapshot failed: %s\n",
			strerror(-err));
		goto out;
	}
	if (check_zone_filter(&cfg, snap) || check_node_filter(&cfg, snap)) {
		rc = 2;
		goto out;
	}

	if (cfg.once)
		rc = run_once(&cfg, &k, &col, snap);
	else
		rc = mfd_loop_run(&cfg, &k, &col, snap);

out:
	free(snap);
	mfd_collector_close(&col);
	mfd_config_free(&cfg);
	free(proc_dir);
	return rc;
}
