// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - one thread, one libevent base.
 *
 * A persistent timer takes a zone snapshot every interval and redraws the
 * view; the extfrag ring buffer's epoll fd wakes the loop whenever records
 * are ready, so events are drained between snapshots without polling;
 * SIGINT/SIGTERM end the loop cleanly (BPF links are destroyed, the
 * terminal restored) and SIGWINCH repaints.
 */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <linux/capability.h>

#define LOG_COMPONENT "loop"
#include "cgroup_attr.h"
#include "compaction_probe.h"
#include "exporter.h"
#include "extfrag_probe.h"
#include "forecast.h"
#include "format.h"
#include "log.h"
#include "loop.h"
#include "privs.h"
#include "pressure.h"
#include "replay.h"
#include "stacks.h"
#include "state.h"
#include "tui.h"
#include "view.h"

/* Events kept for /api/v1/events and friends. */
#define MFD_RECENT_EVENTS 256
/* Pod attribution: cgroups cached, and the least time between two walks
 * of the cgroup hierarchy (a walk happens only when an unknown cgroup id
 * shows up). */
#define MFD_CGROUP_CACHE 4096
#define MFD_CGROUP_RESCAN_NS 1000000000ull

struct agent {
	struct mfd_config *cfg; /* replaced in place on SIGHUP */
	const struct mfd_kinfo *kinfo;
	struct mfd_collector *col;
	struct event_base *base;
	struct mfd_state st; /* what views and exporters read */
	struct mfd_snapshot *scratch; /* sample buffer */
	struct mfd_extfrag *xf; /* NULL when events are unavailable */
	char xf_why[256]; /* why events are unavailable */
	struct mfd_compaction *cp; /* stall programs; NULL when unavailable */
	struct mfd_callsites *cs; /* --callsites; NULL when off */
	struct mfd_pressure *sig; /* compaction/reclaim/THP signals */
	struct mfd_forecast *fc; /* time to high-order exhaustion */
	struct mfd_exporter *exporters;
	struct event *tick; /* the snapshot timer */
	struct event *kmsg_ev; /* /dev/kmsg readable */
	struct event *evs[12]; /* signals, ring buffers, timers, stdin */
	size_t nev;
	struct mfd_tui *term;
	struct mfd_screen screen;
	char last_log[200]; /* shown in the live status line */
	bool stopping; /* SIGTERM/SIGINT seen: final flush in progress */
	bool replay_over; /* a replayed recording has no more samples */
	int exit_code;
};

static void log_to_status(enum mfd_log_level level, const char *line, void *arg)
{
	struct agent *a = arg;

	if (level <= MFD_LOG_WARN)
		snprintf(a->last_log, sizeof(a->last_log), "%s", line);
}

static void on_event(const struct mfd_extfrag_event *e, void *arg)
{
	struct agent *a = arg;

	mfd_state_add_event(&a->st, e);
	/* Resolve the pod now, while the cgroup surely exists, so the
	 * first export already carries it (a cache hit after the first). */
	mfd_cgroup_attr_lookup(a->st.cgattr, e->cgroup_id, e->tgid,
			       mfd_now_mono_ns());
	mfd_exporters_on_event(a->exporters, &a->st, e);
}

static void on_stall(const struct mfd_stall_event *e, void *arg)
{
	struct agent *a = arg;

	mfd_pressure_add_stall(a->sig, e);
	log_debug("%s stall: %s[%u] order %d, %.3f ms%s%s",
		  e->type == MFD_REC_COMPACT_STALL ? "compaction" : "reclaim",
		  e->comm, e->tgid, e->order, (double)e->latency_ns / 1e6,
		  e->type == MFD_REC_COMPACT_STALL ? ", " : "",
		  e->type == MFD_REC_COMPACT_STALL ?
			  mfd_compact_status_name((unsigned int)e->status) :
			  "");
}

static void render(struct agent *a)
{
	struct mfd_view_opts vo = {
		.view = (enum mfd_view)a->cfg->view,
		.index = (enum mfd_index_sel)a->cfg->index,
		.bars = a->cfg->bars,
		.node_filter = a->cfg->node,
		.zone_filter = a->cfg->zone,
		.width = mfd_tui_width(a->term),
	};
	struct mfd_view_input in = {
		.snap = a->st.snap,
		.procs = a->st.have_events ? &a->st.procs : NULL,
		.totals = a->st.have_events ? &a->st.totals : NULL,
		.kinfo = a->kinfo,
		.events_why = a->xf_why[0] ? a->xf_why : NULL,
		.pressure = a->sig,
		.forecast = a->fc,
		.callsites = a->cs,
	};
	char status[512];

	if (!a->st.have_snap || !a->term)
		return;
	if (a->cfg->format == MFD_FORMAT_JSON && !mfd_tui_is_live(a->term)) {
		/* Piped with --format json: one JSON object per sample and
		 * line, the --once schema. */
		struct mfd_format_opts fo = {
			.node = a->cfg->node,
			.zone = a->cfg->zone,
			.pressure = a->cfg->view == MFD_VIEW_COMPACTION ?
					    a->sig :
					    NULL,
		};

		if (mfd_format_json(a->st.snap, &fo, stdout) || fflush(stdout))
			log_warn_rl("writing the JSON snapshot failed");
		return;
	}
	mfd_screen_reset(&a->screen);
	a->screen.width = vo.width;
	if (mfd_view_render(&vo, &in, &a->screen)) {
		log_error_rl("rendering the view failed");
		return;
	}
	snprintf(status, sizeof(status),
		 " mfd %s | source %s%s | every %gs | sample %lu | q quit, "
		 "arrows scroll %s%s",
		 MFD_VERSION,
		 a->col->active == MFD_SOURCE_REPLAY ? "replay of " : "",
		 mfd_source_name(a->st.snap->source), a->cfg->interval,
		 (unsigned long)a->st.samples, a->last_log[0] ? "| " : "",
		 a->last_log);
	mfd_tui_paint(a->term, &a->screen, status);
}

/* An event base whose timers fire on time: with epoll's millisecond
 * timeouts the sample timer woke the loop early about one tick in three
 * at 100 samples/s, for nothing. EVENT_BASE_FLAG_PRECISE_TIMER makes the
 * epoll backend wait on a timerfd instead. */
static struct event_base *new_base(void)
{
	struct event_config *c = event_config_new();
	struct event_base *b = NULL;

	if (c && !event_config_set_flag(c, EVENT_BASE_FLAG_PRECISE_TIMER))
		b = event_base_new_with_config(c);
	if (c)
		event_config_free(c);
	return b ? b : event_base_new();
}

static void on_kmsg(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	(void)fd;
	(void)what;
	mfd_pressure_drain_kmsg(a->sig);
	if (a->sig->kmsg_fd < 0) /* read failed: logged, and closed */
		event_del(a->kmsg_ev);
}

static struct timeval to_tv(double seconds);

/* A replay's events and counters for the sample just read. */
static void replay_events(struct agent *a)
{
	const struct mfd_extfrag_totals *t;

	mfd_replay_take_events(a->col->replay, on_event, a);
	t = mfd_replay_totals(a->col->replay);
	if (t) {
		a->st.totals = *t;
		a->st.have_events = true;
		a->st.events_why = NULL;
	}
}

/* The recording is over: stop, or keep showing the last sample. */
static void replay_finished(struct agent *a)
{
	struct mfd_replay *r = a->col->replay;
	bool hold = a->cfg->replay.hold || mfd_tui_is_live(a->term);

	a->replay_over = true;
	if (hold)
		a->st.replay = MFD_REPLAY_HELD;
	event_del(a->tick);
	log_info("replay of %s finished: %llu samples, %llu lines skipped%s",
		 mfd_replay_path(r), (unsigned long long)mfd_replay_samples(r),
		 (unsigned long long)mfd_replay_skipped(r),
		 hold ? "; holding the last sample" : "");
	if (!hold)
		event_base_loopbreak(a->base);
}

/* One sample: drain events first so the table and counters match the
 * snapshot, then hand the new state to every exporter. */
/* Fit the new snapshot into the exhaustion forecast, with direct
 * compaction's record from /proc/vmstat (none in a replay: the recording
 * holds none). */
static void forecast(struct agent *a, bool replay)
{
	const struct mfd_vmstat *v = &a->sig->vm;
	struct mfd_forecast_vm vm = { 0 };

	if (!a->fc || !a->st.have_snap)
		return;
	if (!replay && a->sig->have_vmstat &&
	    mfd_vmstat_has(v, MFD_VM_COMPACT_SUCCESS) &&
	    mfd_vmstat_has(v, MFD_VM_COMPACT_FAIL)) {
		vm.have = true;
		vm.compact_success = v->val[MFD_VM_COMPACT_SUCCESS];
		vm.compact_fail = v->val[MFD_VM_COMPACT_FAIL];
		vm.kcompactd_wake = v->val[MFD_VM_COMPACT_DAEMON_WAKE];
	}
	mfd_forecast_update(a->fc, a->st.snap,
			    replay ? a->st.snap->time_unix_nano :
				     a->st.snap->mono_ns,
			    vm.have ? &vm : NULL);
}

static void sample(struct agent *a)
{
	bool replay = a->col->active == MFD_SOURCE_REPLAY;
	int err;

	if (replay && a->replay_over)
		return;
	if (a->xf) {
		/* The counters are read and staged events sent to the ring,
		 * then the ring is drained: the counters count every record
		 * the table holds. */
		err = mfd_extfrag_collect(a->xf, false);
		if (err)
			log_warn_rl("reading extfrag counters failed: %s",
				    strerror(-err));
		mfd_extfrag_consume(a->xf);
		mfd_extfrag_read_totals(a->xf, &a->st.totals);
	}
	if (a->cp)
		mfd_compaction_consume(a->cp);
	if (a->cs) {
		err = mfd_callsites_refresh(a->cs);
		if (err < 0)
			log_warn_rl("reading the call sites failed: %s",
				    strerror(-err));
	}
	err = mfd_collector_sample(a->col, a->scratch);
	if (replay && err == -ENODATA) {
		replay_finished(a);
		return;
	}
	if (replay)
		replay_events(a);
	if (err == 0) {
		mfd_state_swap_snapshot(&a->st, &a->scratch);
		/* Age out idle processes (read from cfg each time, so a
		 * SIGHUP applies). Not in a replay: its events carry the
		 * recording's times, however long ago that was. */
		a->st.procs.ttl_ns =
			replay ? 0 : (uint64_t)(a->cfg->procs_ttl * 1e9);
		mfd_extfrag_table_expire(&a->st.procs, a->st.snap->mono_ns);
	} else {
		a->st.sample_failures++;
	}
	/* A replay holds no live compaction or vmstat data to mix in. */
	if (!replay)
		mfd_pressure_sample(a->sig, a->cp, a->cfg->proc_dir,
				    a->st.have_snap ? a->st.snap : NULL);
	if (err == 0)
		forecast(a, replay);
	mfd_exporters_on_sample(a->exporters, &a->st);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	(void)fd;
	(void)what;
	/* Counts of suppressed log lines whose window ended. */
	mfd_log_flush_suppressed(0);
	sample(a);
	if (a->col->active == MFD_SOURCE_REPLAY && !a->replay_over) {
		/* A replay keeps the recorded pace, gap by gap. */
		struct timeval tv = to_tv(
			mfd_collector_next_delay(a->col, a->cfg->interval));

		event_add(a->tick, &tv);
	}
	if (!a->cfg->headless && !a->replay_over)
		render(a);
}

static void on_ringbuf(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;
	int n;

	(void)fd;
	(void)what;
	n = mfd_extfrag_consume(a->xf);
	if (n < 0)
		log_warn_rl("draining the extfrag ring buffer failed: %s",
			    strerror(-n));
}

static void on_stall_ringbuf(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;
	int n;

	(void)fd;
	(void)what;
	n = mfd_compaction_consume(a->cp);
	if (n < 0)
		log_warn_rl("draining the stall ring buffer failed: %s",
			    strerror(-n));
}

static struct timeval to_tv(double seconds);

/* Load the compaction/reclaim programs; every signal that is missing has
 * been logged by the loader, and the agent runs on without it. */
static void open_stalls(struct agent *a)
{
	struct mfd_compaction_opts o = {
		.stall_threshold_ns =
			(uint64_t)(a->cfg->stall_threshold_ms * 1e6),
		.alloc_fail_counter = a->cfg->alloc_fail_counter,
		.callsites = a->cfg->callsites,
	};
	char *why = a->sig->bpf_why;
	size_t wl = sizeof(a->sig->bpf_why);

	if (a->cfg->no_events) {
		snprintf(why, wl, "disabled by --no-events");
		return;
	}
	if (mfd_collector_bpf_precheck(a->kinfo, why, wl)) {
		log_warn("compaction/reclaim stalls unavailable: %s", why);
		return;
	}
	if (mfd_compaction_open(&a->cp, &o, on_stall, a, &a->sig->bpf_signals,
				why, wl)) {
		log_warn("compaction/reclaim stalls unavailable: %s", why);
		return;
	}
	why[0] = '\0';
}

/* --callsites: the table over the maps of the programs that loaded,
 * kallsyms read now, while the agent may still read it. */
static void open_callsites(struct agent *a)
{
	struct mfd_callsite_maps m;

	if (!a->cfg->callsites)
		return;
	if (!a->xf && !a->cp) {
		log_warn("call sites unavailable: neither the extfrag nor the "
			 "compaction programs are loaded");
		return;
	}
	a->cs = mfd_callsites_new(NULL);
	if (!a->cs) {
		log_warn("call sites unavailable: out of memory");
		return;
	}
	if (a->xf) {
		mfd_extfrag_callsite_maps(a->xf, &m);
		mfd_callsites_set_maps(a->cs, MFD_CALLSITE_EXTFRAG, &m);
	}
	if (a->cp) {
		mfd_compaction_callsite_maps(a->cp, &m);
		mfd_callsites_set_maps(a->cs, MFD_CALLSITE_COMPACT_STALL, &m);
	}
	a->st.callsites = a->cs;
	/* User frames are named from /proc/PID/maps, which a process with
	 * more capabilities than the agent keeps from it. */
	mfd_privs_also_keep(CAP_SYS_PTRACE,
			    "CAP_SYS_PTRACE (--callsites reads /proc/PID/maps "
			    "to name user frames)");
}

/* The exhaustion forecast, empty: for huge-page blocks by default, the
 * order compaction works for. */
static void forecast_init(struct agent *a, const struct mfd_config *cfg)
{
	mfd_forecast_init(a->fc,
			  cfg->forecast_order ? (uint32_t)cfg->forecast_order :
						a->sig->hpage_order,
			  cfg->forecast_window);
}

/* SIGHUP: read the configuration again. An invalid one keeps the old. */
static void reload(struct agent *a)
{
	struct mfd_config next;
	char why[512];
	double old_interval = a->cfg->interval;
	struct timeval tv;

	if (mfd_config_reload(a->cfg, &next, why, sizeof(why))) {
		log_warn("SIGHUP: keeping the current configuration: %s", why);
		return;
	}
	{
		struct mfd_export_settings set;
		const struct mfd_export_ctx ctx = { .base = a->base,
						    .set = &set,
						    .state = &a->st };

		mfd_config_export_settings(&next, &set);
		mfd_exporters_reload(&a->exporters, &ctx);
		mfd_exporters_publish(a->exporters, &a->st);
	}
	/* The stall threshold is BPF rodata and the alloc-fail counter a
	 * program chosen at load: both need a restart. */
	if (next.stall_threshold_ms != a->cfg->stall_threshold_ms ||
	    next.alloc_fail_counter != a->cfg->alloc_fail_counter ||
	    next.callsites != a->cfg->callsites)
		log_warn("SIGHUP: --stall-threshold-ms, --alloc-fail-counter "
			 "and --callsites take effect at the next start");
	if (mfd_pressure_set_pagetypeinfo(a->sig, next.pagetypeinfo_interval))
		log_warn("SIGHUP: out of memory: migratetype detail off");
	mfd_pressure_set_vmstat_interval(a->sig, next.vmstat_interval);
	if (next.forecast_order != a->cfg->forecast_order ||
	    next.forecast_window != a->cfg->forecast_window) {
		forecast_init(a, &next);
		log_info("SIGHUP: the exhaustion forecast starts over (its "
			 "order or window changed)");
	}
	mfd_config_free(a->cfg);
	*a->cfg = next;
	a->st.interval = a->cfg->interval;
	a->st.export_min_order = (unsigned int)a->cfg->min_order;
	mfd_log_set_level((enum mfd_log_level)a->cfg->log_level);
	mfd_log_set_format((enum mfd_log_format)a->cfg->log_format);
	if (a->cfg->interval != old_interval) {
		tv = to_tv(a->cfg->interval);
		event_add(a->tick, &tv);
	}
	log_info("SIGHUP: configuration reloaded");
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct agent *a = arg;

	(void)what;
	if (sig == SIGWINCH) {
		mfd_tui_resize(a->term);
		render(a);
		return;
	}
	if (sig == SIGHUP) {
		reload(a);
		return;
	}
	log_info("received %s, shutting down", strsignal((int)sig));
	event_base_loopbreak(a->base);
}

static void on_stdin(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	(void)fd;
	(void)what;
	switch (mfd_tui_read_key(a->term)) {
	case MFD_KEY_QUIT:
		event_base_loopbreak(a->base);
		break;
	case MFD_KEY_HANGUP:
		log_info("the terminal went away, shutting down");
		event_base_loopbreak(a->base);
		break;
	case MFD_KEY_REDRAW:
		mfd_tui_repaint(a->term);
		break;
	default:
		break;
	}
}

/* While stopping: end the loop once no exporter has work in flight. */
static void on_drain_poll(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	(void)fd;
	(void)what;
	if (!mfd_exporters_busy(a->exporters))
		event_base_loopbreak(a->base);
}

static void on_shutdown_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	(void)fd;
	(void)what;
	log_warn("shutdown deadline (%gs) reached with exports in flight",
		 a->cfg->shutdown_timeout);
	event_base_loopbreak(a->base);
}

/* The last sample, one final flush, and a bounded wait for it. */
static void shutdown_flush(struct agent *a)
{
	struct event *poll = NULL, *deadline = NULL;
	struct timeval tv;

	/* The final snapshot, also without exporters: --headless --format
	 * json prints the state it leaves. */
	a->stopping = true;
	sample(a);
	if (!a->exporters)
		return;
	mfd_exporters_flush(a->exporters, &a->st);
	if (!mfd_exporters_busy(a->exporters))
		return;
	poll = event_new(a->base, -1, EV_PERSIST, on_drain_poll, a);
	deadline = evtimer_new(a->base, on_shutdown_deadline, a);
	if (!poll || !deadline)
		goto out;
	tv = to_tv(0.02);
	event_add(poll, &tv);
	tv = to_tv(a->cfg->shutdown_timeout);
	evtimer_add(deadline, &tv);
	event_base_dispatch(a->base);
out:
	if (poll)
		event_free(poll);
	if (deadline)
		event_free(deadline);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	(void)fd;
	(void)what;
	log_info("--duration reached, shutting down");
	event_base_loopbreak(a->base);
}

/* The privileged work of one interval (BPF, and the kernel log when read
 * with syslog(2)), run by mfd_privs_drop() to learn which capabilities it
 * still needs. */
static int privs_check(void *arg)
{
	struct agent *a = arg;

	if (a->col->active == MFD_SOURCE_BPF &&
	    mfd_zones_snapshot(a->col->zones, a->scratch))
		return -1;
	if (a->xf && mfd_extfrag_collect(a->xf, true))
		return -1;
	if (a->sig->kmsg_syslog &&
	    mfd_kmsg_syslog_read(&a->sig->kmsg_sl, &a->sig->af))
		return -1;
	return 0;
}

static void drop_privileges(struct agent *a)
{
	char kept[128];
	int err = mfd_privs_drop(privs_check, a, kept, sizeof(kept));

	/* Say "after loading BPF" only when some was loaded: a replay or
	 * the procfs path drops what it holds just the same. */
	bool bpf = a->col->active == MFD_SOURCE_BPF || a->xf || a->cp;

	if (err)
		log_warn("could not drop capabilities: %s", strerror(-err));
	else
		log_info("capabilities dropped%s; kept: %s",
			 bpf ? " after loading BPF" : " (no BPF loaded)", kept);
}

static struct timeval to_tv(double seconds)
{
	struct timeval tv;

	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	if (tv.tv_sec == 0 && tv.tv_usec == 0)
		tv.tv_usec = 1000;
	return tv;
}

/* event_new() + event_add() for fd (a signal number with EV_SIGNAL, or -1
 * for a timer), kept in a->evs for agent_free(). NULL on failure. */
static struct event *watch(struct agent *a, evutil_socket_t fd, short what,
			   event_callback_fn cb, const struct timeval *tv)
{
	struct event *ev;

	if (a->nev >= sizeof(a->evs) / sizeof(a->evs[0]))
		return NULL;
	ev = event_new(a->base, fd, what, cb, a);
	if (!ev)
		return NULL;
	if (event_add(ev, tv)) {
		event_free(ev);
		return NULL;
	}
	a->evs[a->nev++] = ev;
	return ev;
}

/* The loop's memory, its state and the signals it handles. */
static int agent_setup(struct agent *a)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGWINCH, SIGHUP };
	const struct mfd_config *cfg = a->cfg;

	a->base = new_base();
	a->scratch = calloc(1, sizeof(*a->scratch));
	a->sig = calloc(1, sizeof(*a->sig));
	a->fc = calloc(1, sizeof(*a->fc));
	if (!a->base || !a->scratch || !a->sig || !a->fc ||
	    mfd_state_init(&a->st, a->kinfo, (size_t)cfg->max_procs,
			   MFD_RECENT_EVENTS)) {
		log_error("out of memory setting up the event loop");
		return -ENOMEM;
	}
	a->st.interval = cfg->interval;
	a->st.export_min_order = (unsigned int)cfg->min_order;
	a->st.procs.by_executable = cfg->procs_by == MFD_PROCS_BY_EXECUTABLE;
	mfd_screen_init(&a->screen, 80);
	/* Signals first: once a program is attached, a SIGTERM must take
	 * the clean way out (links destroyed, final flush), never the
	 * default action. They are handled when the loop runs. */
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (!watch(a, sigs[i], EV_SIGNAL | EV_PERSIST, on_signal, NULL))
			return -ENOMEM;
	a->st.cgattr = mfd_cgroup_attr_new(cfg->cgroup_root, "/proc",
					   MFD_CGROUP_CACHE,
					   MFD_CGROUP_RESCAN_NS);
	if (!a->st.cgattr)
		log_warn("no memory for pod attribution; continuing without");
	return 0;
}

/* Attach what reads the kernel beside the snapshots: the stall programs,
 * the kernel log and the extfrag tracepoint. Each that cannot be had is
 * logged with the reason, and the agent runs on without it. */
static void open_kernel_sources(struct agent *a)
{
	const struct mfd_config *cfg = a->cfg;
	const struct mfd_kinfo *k = a->kinfo;
	bool replay = a->col->active == MFD_SOURCE_REPLAY;

	/* The stall programs first: the extfrag link is what tests and
	 * operators watch for "the agent is up", so it comes last. */
	mfd_pressure_init(a->sig,
			  mfd_pressure_hpage_order(NULL, k->pageblock_order));
	if (mfd_pressure_set_pagetypeinfo(a->sig, cfg->pagetypeinfo_interval))
		log_warn("out of memory: migratetype detail off");
	if (cfg->pageblock_interval > 0)
		log_warn(
			"--pageblock-interval: the pageblock map is scanned by "
			"--once --format json only; the running agent does "
			"not scan it yet");
	mfd_pressure_set_vmstat_interval(a->sig, cfg->vmstat_interval);
	a->st.pressure = a->sig;
	forecast_init(a, cfg);
	a->st.forecast = a->fc;
	if (!replay) {
		open_stalls(a);
		mfd_pressure_open_kmsg(a->sig, NULL);
	}
	if (replay) {
		snprintf(a->xf_why, sizeof(a->xf_why),
			 "replaying %s, which holds no extfrag events",
			 mfd_replay_path(a->col->replay));
	} else if (cfg->no_events) {
		snprintf(a->xf_why, sizeof(a->xf_why),
			 "disabled by --no-events");
	} else if (mfd_collector_bpf_precheck(k, a->xf_why,
					      sizeof(a->xf_why))) {
		log_warn("extfrag events unavailable: %s", a->xf_why);
	} else if (mfd_extfrag_open(&a->xf, k, (size_t)cfg->ringbuf_kib * 1024,
				    cfg->callsites, on_event, a, a->xf_why,
				    sizeof(a->xf_why))) {
		log_warn("extfrag events unavailable: %s", a->xf_why);
	}
	a->st.have_events = a->xf != NULL;
	a->st.events_why = a->xf_why[0] ? a->xf_why : NULL;
	open_callsites(a);
}

/* Wake the loop when a ring buffer or the kernel log has records, at the
 * --duration deadline, and on a key press in a live view. */
static int watch_inputs(struct agent *a)
{
	const struct mfd_config *cfg = a->cfg;
	struct timeval tv;

	if (a->xf && !watch(a, mfd_extfrag_fd(a->xf), EV_READ | EV_PERSIST,
			    on_ringbuf, NULL))
		return -ENOMEM;
	if (a->cp && !watch(a, mfd_compaction_fd(a->cp), EV_READ | EV_PERSIST,
			    on_stall_ringbuf, NULL))
		return -ENOMEM;
	if (a->sig->kmsg_fd >= 0) {
		/* Drained when the kernel logs, not polled every sample. */
		a->kmsg_ev = watch(a, a->sig->kmsg_fd, EV_READ | EV_PERSIST,
				   on_kmsg, NULL);
		if (!a->kmsg_ev)
			return -ENOMEM;
		a->sig->kmsg_watched = true;
	}
	if (cfg->duration > 0) {
		tv = to_tv(cfg->duration);
		if (!watch(a, -1, 0, on_deadline, &tv))
			return -ENOMEM;
	}
	if (!cfg->headless) {
		a->term = mfd_tui_open(stdout, true, !cfg->no_color);
		if (!a->term)
			return -EIO;
		if (mfd_tui_is_live(a->term)) {
			mfd_log_set_sink(log_to_status, a);
			if (!watch(a, STDIN_FILENO, EV_READ | EV_PERSIST,
				   on_stdin, NULL))
				return -ENOMEM;
		}
	}
	return 0;
}

static void log_started(const struct agent *a)
{
	const struct mfd_config *cfg = a->cfg;
	const struct mfd_collector *col = a->col;

	if (col->active == MFD_SOURCE_REPLAY)
		log_info(
			"replaying %s %s%s", mfd_replay_path(col->replay),
			cfg->replay.speed > 0 ?
				"at the recorded pace (sped up by --replay-speed)" :
				"as fast as possible",
			cfg->headless ? " (headless)" : "");
	else
		log_info("collecting every %gs from %s%s%s%s", cfg->interval,
			 mfd_source_name(col->active),
			 a->xf ? ", extfrag events attached" : "",
			 a->cp ? ", stall programs attached" : "",
			 cfg->headless ? " (headless)" : "");
}

/* Run until SIGTERM/SIGINT, --duration or the end of a replay, then flush
 * the exporters and, headless with --format json, print the state. */
static void run(struct agent *a)
{
	const struct mfd_config *cfg = a->cfg;

	mfd_exporters_on_sample(a->exporters, &a->st);
	if (!cfg->headless)
		render(a);
	if (event_base_dispatch(a->base) < 0) {
		log_error("event loop failed");
		return;
	}
	event_del(a->tick);
	shutdown_flush(a);
	a->exit_code = 0;
	if (cfg->headless && cfg->format == MFD_FORMAT_JSON &&
	    (mfd_format_state_json(&a->st, stdout) || fflush(stdout))) {
		log_error("writing the state as JSON failed");
		a->exit_code = 1;
	}
}

static void agent_free(struct agent *a)
{
	mfd_log_set_sink(NULL, NULL);
	mfd_tui_close(a->term);
	if (a->tick)
		event_free(a->tick);
	for (size_t i = 0; i < a->nev; i++)
		event_free(a->evs[i]);
	mfd_exporters_destroy(a->exporters);
	/* Exporters' exit messages are out; now every pending count. */
	mfd_log_flush_suppressed(1);
	mfd_extfrag_close(a->xf);
	mfd_compaction_close(a->cp);
	mfd_callsites_free(a->cs);
	mfd_cgroup_attr_free(a->st.cgattr);
	mfd_state_free(&a->st);
	if (a->sig)
		mfd_pressure_close(a->sig);
	free(a->sig);
	free(a->fc);
	mfd_screen_free(&a->screen);
	if (a->base)
		event_base_free(a->base);
	free(a->scratch);
}

int mfd_loop_run(struct mfd_config *cfg, const struct mfd_kinfo *k,
		 struct mfd_collector *col, const struct mfd_snapshot *first)
{
	struct agent a = { .cfg = cfg, .kinfo = k, .col = col, .exit_code = 1 };
	struct mfd_export_settings set;
	struct mfd_export_ctx ctx;
	struct timeval tv;

	if (agent_setup(&a))
		goto cleanup;
	open_kernel_sources(&a);

	/* The caller's first sample is the state's first, so start-up does
	 * not sample twice and exporters have data at once. */
	if (col->active == MFD_SOURCE_REPLAY) {
		a.st.replay = MFD_REPLAY_PLAYING;
		replay_events(&a); /* those recorded before the first sample */
	}
	mfd_state_set_snapshot(&a.st, first);
	mfd_pressure_sample(a.sig, a.cp, cfg->proc_dir, a.st.snap);
	forecast(&a, col->active == MFD_SOURCE_REPLAY);

	mfd_config_export_settings(cfg, &set);
	ctx = (struct mfd_export_ctx){ .base = a.base,
				       .set = &set,
				       .state = &a.st };
	if (mfd_exporters_start(&ctx, &a.exporters))
		goto cleanup;
	mfd_exporters_publish(a.exporters, &a.st);
	if (watch_inputs(&a))
		goto cleanup;

	/* Everything that needs a capability is done: programs loaded and
	 * attached, maps created, exporters' sockets bound. */
	drop_privileges(&a);
	/* Loading three CO-RE objects parsed the kernel's BTF (megabytes)
	 * and freed it; give those pages back rather than carry them as
	 * resident heap for the agent's whole life. */
	malloc_trim(0);
	tv = to_tv(mfd_collector_next_delay(col, cfg->interval));
	a.tick = event_new(a.base, -1, EV_PERSIST, on_tick, &a);
	if (!a.tick || event_add(a.tick, &tv))
		goto cleanup;
	log_started(&a);
	run(&a);

cleanup:
	agent_free(&a);
	return a.exit_code;
}
