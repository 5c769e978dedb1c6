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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#define LOG_COMPONENT "loop"
#include "cgroup_attr.h"
#include "exporter.h"
#include "extfrag_probe.h"
#include "format.h"
#include "log.h"
#include "loop.h"
#include "privs.h"
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
	struct mfd_exporter *exporters;
	struct event *tick; /* the snapshot timer */
	struct mfd_tui *term;
	struct mfd_screen screen;
	char last_log[200]; /* shown in the live status line */
	bool stopping; /* SIGTERM/SIGINT seen: final flush in progress */
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
		.procs = a->xf ? &a->st.procs : NULL,
		.totals = a->xf ? &a->st.totals : NULL,
		.kinfo = a->kinfo,
		.events_why = a->xf_why[0] ? a->xf_why : NULL,
	};
	char status[512];

	if (!a->st.have_snap || !a->term)
		return;
	mfd_screen_reset(&a->screen);
	a->screen.width = vo.width;
	if (mfd_view_render(&vo, &in, &a->screen)) {
		log_error("rendering the view failed");
		return;
	}
	snprintf(status, sizeof(status),
		 " mfd %s | source %s | every %gs | sample %lu | q quit, "
		 "arrows scroll %s%s",
		 MFD_VERSION, mfd_source_name(a->st.snap->source),
		 a->cfg->interval, (unsigned long)a->st.samples,
		 a->last_log[0] ? "| " : "", a->last_log);
	mfd_tui_paint(a->term, &a->screen, status);
}

/* One sample: drain events first so the table and counters match the
 * snapshot, then hand the new state to every exporter. */
static void sample(struct agent *a)
{
	if (a->xf) {
		mfd_extfrag_consume(a->xf);
		if (mfd_extfrag_read_totals(a->xf, &a->st.totals))
			log_warn("reading extfrag counters failed: %s",
				 strerror(errno));
	}
	if (mfd_collector_sample(a->col, a->scratch) == 0)
		mfd_state_set_snapshot(&a->st, a->scratch);
	else
		a->st.sample_failures++;
	mfd_exporters_on_sample(a->exporters, &a->st);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct agent *a = arg;

	(void)fd;
	(void)what;
	sample(a);
	if (!a->cfg->headless)
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
		log_warn("draining the extfrag ring buffer failed: %s",
			 strerror(-n));
}

static struct timeval to_tv(double seconds);

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
	mfd_exporters_reload(a->exporters, &next);
	mfd_config_free(a->cfg);
	*a->cfg = next;
	a->st.interval = a->cfg->interval;
	mfd_log_set_level((enum mfd_log_level)a->cfg->log_level);
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

/* The BPF work of one interval, run by mfd_privs_drop() to learn which
 * capabilities it still needs. */
static int privs_check(void *arg)
{
	struct agent *a = arg;
	struct mfd_extfrag_totals t;

	if (a->col->active == MFD_SOURCE_BPF &&
	    mfd_zones_snapshot(a->col->zones, a->scratch))
		return -1;
	if (a->xf && mfd_extfrag_read_totals(a->xf, &t))
		return -1;
	return 0;
}

static void drop_privileges(struct agent *a)
{
	char kept[128];
	int err = mfd_privs_drop(privs_check, a, kept, sizeof(kept));

	if (err)
		log_warn("could not drop capabilities: %s", strerror(-err));
	else
		log_info("capabilities dropped after loading BPF; kept: %s",
			 kept);
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

int mfd_loop_run(struct mfd_config *cfg, const struct mfd_kinfo *k,
		 struct mfd_collector *col, const struct mfd_snapshot *first)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGWINCH, SIGHUP };
	struct event *evs[8] = { 0 };
	struct agent a = { .cfg = cfg, .kinfo = k, .col = col, .exit_code = 1 };
	struct mfd_export_ctx ctx;
	struct timeval tv;
	size_t nev = 0;
	int err;

	a.base = event_base_new();
	a.scratch = calloc(1, sizeof(*a.scratch));
	if (!a.base || !a.scratch ||
	    mfd_state_init(&a.st, k, (size_t)cfg->max_procs,
			   MFD_RECENT_EVENTS)) {
		log_error("out of memory setting up the event loop");
		goto cleanup;
	}
	a.st.interval = cfg->interval;
	mfd_screen_init(&a.screen, 80);
	a.st.cgattr = mfd_cgroup_attr_new(cfg->cgroup_root, "/proc",
					  MFD_CGROUP_CACHE,
					  MFD_CGROUP_RESCAN_NS);
	if (!a.st.cgattr)
		log_warn("no memory for pod attribution; continuing without");

	if (cfg->no_events) {
		snprintf(a.xf_why, sizeof(a.xf_why), "disabled by --no-events");
	} else if (mfd_collector_bpf_precheck(k, a.xf_why, sizeof(a.xf_why))) {
		log_warn("extfrag events unavailable: %s", a.xf_why);
	} else {
		err = mfd_extfrag_open(&a.xf, k,
				       (size_t)cfg->ringbuf_kib * 1024,
				       on_event, &a, a.xf_why,
				       sizeof(a.xf_why));
		if (err)
			log_warn("extfrag events unavailable: %s", a.xf_why);
	}
	a.st.have_events = a.xf != NULL;
	a.st.events_why = a.xf_why[0] ? a.xf_why : NULL;

	/* The caller's first sample is the state's first, so start-up does
	 * not sample twice and exporters have data at once. */
	mfd_state_set_snapshot(&a.st, first);

	ctx = (struct mfd_export_ctx){ .base = a.base,
				       .cfg = cfg,
				       .state = &a.st };
	if (mfd_exporters_start(&ctx, &a.exporters))
		goto cleanup;
	a.st.exporters = a.exporters;

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		evs[nev] = evsignal_new(a.base, sigs[i], on_signal, &a);
		if (!evs[nev] || event_add(evs[nev], NULL))
			goto cleanup;
		nev++;
	}
	if (a.xf) {
		evs[nev] = event_new(a.base, mfd_extfrag_fd(a.xf),
				     EV_READ | EV_PERSIST, on_ringbuf, &a);
		if (!evs[nev] || event_add(evs[nev], NULL))
			goto cleanup;
		nev++;
	}
	if (cfg->duration > 0) {
		tv = to_tv(cfg->duration);
		evs[nev] = evtimer_new(a.base, on_deadline, &a);
		if (!evs[nev] || evtimer_add(evs[nev], &tv))
			goto cleanup;
		nev++;
	}
	if (!cfg->headless) {
		a.term = mfd_tui_open(stdout, true, !cfg->no_color);
		if (!a.term)
			goto cleanup;
		if (mfd_tui_is_live(a.term)) {
			mfd_log_set_sink(log_to_status, &a);
			evs[nev] = event_new(a.base, STDIN_FILENO,
					     EV_READ | EV_PERSIST, on_stdin,
					     &a);
			if (!evs[nev] || event_add(evs[nev], NULL))
				goto cleanup;
			nev++;
		}
	}
	/* Everything that needs a capability is done: programs loaded and
	 * attached, maps created, exporters' sockets bound. */
	drop_privileges(&a);
	tv = to_tv(cfg->interval);
	a.tick = event_new(a.base, -1, EV_PERSIST, on_tick, &a);
	if (!a.tick || event_add(a.tick, &tv))
		goto cleanup;

	log_info("collecting every %gs from %s%s%s", cfg->interval,
		 mfd_source_name(col->active),
		 a.xf ? ", extfrag events attached" : "",
		 cfg->headless ? " (headless)" : "");
	mfd_exporters_on_sample(a.exporters, &a.st);
	if (!cfg->headless)
		render(&a);
	if (event_base_dispatch(a.base) < 0) {
		log_error("event loop failed");
	} else {
		event_del(a.tick);
		shutdown_flush(&a);
		a.exit_code = 0;
		if (cfg->headless && cfg->format == MFD_FORMAT_JSON &&
		    (mfd_format_state_json(&a.st, stdout) || fflush(stdout))) {
			log_error("writing the state as JSON failed");
			a.exit_code = 1;
		}
	}

cleanup:
	mfd_log_set_sink(NULL, NULL);
	mfd_tui_close(a.term);
	if (a.tick)
		event_free(a.tick);
	/* evs[nev] may hold an event whose event_add() failed. */
	for (size_t i = 0; i < nev + 1 && i < sizeof(evs) / sizeof(evs[0]); i++)
		if (evs[i])
			event_free(evs[i]);
	mfd_exporters_destroy(a.exporters);
	mfd_extfrag_close(a.xf);
	mfd_cgroup_attr_free(a.st.cgattr);
	mfd_state_free(&a.st);
	mfd_screen_free(&a.screen);
	if (a.base)
		event_base_free(a.base);
	free(a.scratch);
	return a.exit_code;
}
