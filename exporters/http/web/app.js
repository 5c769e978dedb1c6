// SPDX-License-Identifier: GPL-2.0-or-later
// The mfd dashboard: polls the agent's JSON API and draws, per node and
// zone, a heatmap of the unusable index (time x order), the free blocks
// per order, the exhaustion forecast, HugeTLB pools and CMA, and the
// extfrag event rate with the per-process table.
// No libraries and no external URLs: it is served from the agent binary.
'use strict';

const PAGE_KIB = 4;
const state = { history: [], capacity: 0, interval: 2, lastT: 0 };

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
  if (text !== undefined) e.textContent = text;
  return e;
}

function size(order) {
  const kib = PAGE_KIB << order;
  if (kib >= 1048576) return (kib / 1048576) + ' GiB';
  if (kib >= 1024) return (kib / 1024) + ' MiB';
  return kib + ' KiB';
}

function fmtIndex(v) { return v < 0 ? '-' : v.toFixed(3); }

// 0 green, 0.5 yellow, 1 red (the legend's gradient).
function color(v) {
  const stops = [[0, [26, 152, 80]], [0.5, [254, 224, 139]], [1, [215, 48, 39]]];
  v = Math.max(0, Math.min(1, v));
  for (let i = 1; i < stops.length; i++) {
    if (v <= stops[i][0]) {
      const [a, ca] = stops[i - 1], [b, cb] = stops[i], t = (v - a) / (b - a);
      return 'rgb(' + ca.map((c, j) => Math.round(c + (cb[j] - c) * t)).join(',') + ')';
    }
  }
  return 'rgb(215,48,39)';
}

function key(node, zone) { return node + '/' + zone; }

function zoneCard(node, zone) {
  const id = 'zone-' + node + '-' + zone;
  let card = document.getElementById(id);
  if (card) return card;
  card = el('article', { id: id, class: 'zone', 'data-node': node, 'data-zone': zone });
  const h = el('h2', {}, 'node ' + node + ' \u00b7 ' + zone);
  h.appendChild(el('span', { class: 'meta' }));
  card.appendChild(h);
  card.appendChild(el('div', { class: 'verdict' }));
  const wrap = el('div', { class: 'heat-wrap' });
  const box = el('div', { class: 'heat-box' });
  box.appendChild(el('div', { class: 'axis' }, 'unusable index by order (rows, order 0 at the bottom) over time'));
  box.appendChild(el('canvas', { class: 'heat', width: 600, height: 190 }));
  const ax = el('div', { class: 'axis time' });
  ax.appendChild(el('span', { class: 't0' }, ''));
  ax.appendChild(el('span', { class: 't1' }, 'now'));
  box.appendChild(ax);
  wrap.appendChild(box);
  const leg = el('div', { class: 'legend' });
  leg.appendChild(el('div', { class: 'bar' }));
  const lbl = el('div', { class: 'lbl' });
  lbl.appendChild(el('span', {}, '1.0 none usable'));
  lbl.appendChild(el('span', {}, '0.5'));
  lbl.appendChild(el('span', {}, '0.0 all usable'));
  leg.appendChild(lbl);
  wrap.appendChild(leg);
  card.appendChild(wrap);
  const t = el('table', { class: 'orders' });
  t.innerHTML = '<thead><tr><th>order</th><th>block</th><th>free blocks</th>' +
    '<th>free memory</th><th>unusable</th><th>extfrag</th><th class="barcell">free blocks (log scale)</th></tr></thead><tbody></tbody>';
  card.appendChild(t);
  document.getElementById('zones').appendChild(card);
  return card;
}

function drawHeat(card, node, zone, nOrders) {
  const c = card.querySelector('canvas.heat');
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(200, c.clientWidth || 600), h = c.clientHeight || 190;
  if (c.width !== w * dpr) { c.width = w * dpr; c.height = h * dpr; }
  const g = c.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.fillStyle = '#eee';
  g.fillRect(0, 0, w, h);
  const pts = [];
  for (const s of state.history) {
    const z = s.zones.find(z => z.node === node && z.zone === zone);
    if (z) pts.push([s.time_unix_nano, z.unusable_index]);
  }
  const label = 26, cols = Math.max(pts.length, 60);
  const cw = (w - label) / cols, rh = h / nOrders;
  g.font = '10px ' + getComputedStyle(c).fontFamily; // the page's fonts
  g.textBaseline = 'middle';
  for (let o = 0; o < nOrders; o++) {
    g.fillStyle = '#666';
    g.fillText(String(o), 4, h - (o + 0.5) * rh);
  }
  pts.forEach((p, i) => {
    const x = label + (cols - pts.length + i) * cw;
    for (let o = 0; o < nOrders && o < p[1].length; o++) {
      g.fillStyle = color(p[1][o]);
      g.fillRect(x, h - (o + 1) * rh, Math.ceil(cw), Math.ceil(rh));
    }
  });
  const t0 = card.querySelector('.t0');
  if (pts.length) {
    const span = (pts[pts.length - 1][0] - pts[0][0]) / 1e9;
    t0.textContent = span >= 120 ? '-' + (span / 60).toFixed(0) + ' min' : '-' + span.toFixed(0) + ' s';
  }
}

// The headline: how usable the high orders really are. A free block at
// the top order says little when it holds a sliver of the free memory:
// the unusable index (mm/vmstat.c unusable_free_index()) is the share of
// free memory a request of that order cannot use. Green: at least half of
// free memory is usable at the top order; amber: blocks exist there but
// most free memory is unusable for it; red: nothing free at the top.
// data-verdict, data-top-usable (percent) and data-half-order (highest
// order with at least half of free memory usable, -1: none) are for tests.
function renderVerdict(v, z, n, highest) {
  const top = z.orders.length ? z.orders[z.orders.length - 1] : null;
  let half = -1;
  for (const o of z.orders) if (o.unusable_index >= 0 && o.unusable_index < 0.5) half = o.order;
  v.innerHTML = '';
  if (highest < 0 || !top) {
    v.setAttribute('data-verdict', 'bad');
    v.setAttribute('data-top-usable', '0');
    v.setAttribute('data-half-order', String(half));
    v.appendChild(el('b', { class: 'bad' }, 'no free blocks at all'));
    return;
  }
  const pct = Math.round((1 - top.unusable_index) * 100);
  const upTo = half < 0 ? 'less than half of free memory is usable at any order' :
    'at least half usable up to order ' + half + ' (' + size(half) + ')';
  let cls, text;
  if (highest < n - 1) {
    cls = 'bad';
    text = 'high orders run out: nothing free above order ' + highest + ' (' + size(highest) + '); ' + upTo;
  } else if (top.unusable_index < 0.5) {
    cls = 'good';
    text = pct + '% of free memory usable at the top order ' + top.order + ' (' + size(top.order) + ')';
  } else {
    cls = 'warn';
    text = 'high orders scarce: only ' + pct + '% of free memory usable at the top order ' + top.order +
      ' (' + size(top.order) + '); ' + upTo;
  }
  v.setAttribute('data-verdict', cls);
  v.setAttribute('data-top-usable', String(pct));
  v.setAttribute('data-half-order', String(half));
  v.appendChild(el('b', { class: cls }, text));
}

function renderSnapshot(snap) {
  const n = snap.nr_orders;
  const seen = new Set();
  for (const node of snap.nodes) {
    for (const z of node.zones) {
      const card = zoneCard(node.node, z.zone);
      seen.add(card.id);
      card.querySelector('h2 .meta').textContent =
        (z.managed_pages !== null ? (z.managed_pages * PAGE_KIB / 1024).toFixed(0) + ' MiB managed, ' : '') +
        (z.free_pages !== null ? (z.free_pages * PAGE_KIB / 1024).toFixed(0) + ' MiB free' : '');
      const tb = card.querySelector('table.orders tbody');
      tb.textContent = '';
      let maxFb = 1, highest = -1;
      for (const o of z.orders) {
        maxFb = Math.max(maxFb, o.free_blocks);
        if (o.free_blocks > 0) highest = o.order;
      }
      for (const o of z.orders) {
        const tr = el('tr', { 'data-order': o.order });
        // Red: nothing free at this order or above (where it runs out).
        if (o.order > highest) tr.className = 'empty';
        const attrs = { 'data-node': node.node, 'data-zone': z.zone, 'data-order': o.order };
        tr.appendChild(el('td', {}, String(o.order)));
        tr.appendChild(el('td', {}, size(o.order)));
        tr.appendChild(el('td', Object.assign({ class: 'fb' }, attrs), String(o.free_blocks)));
        tr.appendChild(el('td', {}, (o.free_blocks * (PAGE_KIB << o.order) / 1024).toFixed(1) + ' MiB'));
        tr.appendChild(el('td', Object.assign({ class: 'ui' }, attrs), fmtIndex(o.unusable_index)));
        tr.appendChild(el('td', Object.assign({ class: 'xi' }, attrs), o.extfrag_index < 0 ? 'fits' : o.extfrag_index.toFixed(3)));
        const bc = el('td', { class: 'barcell' });
        const bar = el('div', { class: 'fbbar' });
        bar.style.width = (o.free_blocks ? 100 * Math.log1p(o.free_blocks) / Math.log1p(maxFb) : 0) + '%';
        bc.appendChild(bar);
        tr.appendChild(bc);
        tb.appendChild(tr);
      }
      renderVerdict(card.querySelector('.verdict'), z, n, highest);
      drawHeat(card, node.node, z.zone, n);
    }
  }
  for (const c of document.querySelectorAll('article.zone'))
    if (!seen.has(c.id)) c.remove();
  document.body.setAttribute('data-snapshot-time', String(snap.time_unix_nano));
}

function rate(secs) {
  const h = state.history;
  if (h.length < 2) return null;
  const last = h[h.length - 1];
  let first = h[0];
  for (const s of h) if ((last.time_unix_nano - s.time_unix_nano) / 1e9 <= secs) { first = s; break; }
  const dt = (last.time_unix_nano - first.time_unix_nano) / 1e9;
  return dt > 0 ? (last.extfrag_events - first.extfrag_events) / dt : null;
}

function renderEvents(ev, health) {
  const s = document.getElementById('events-summary');
  s.textContent = '';
  if (!ev.have_events) {
    s.textContent = 'Events unavailable: ' + (ev.why || 'the tracepoint is not attached');
  } else if (health.replay === 'finished') {
    // Nothing happens "now" once a recording is over: its last minute.
    const r60 = rate(60);
    s.setAttribute('data-replay-finished', '1');
    s.appendChild(el('b', { id: 'event-rate' }, r60 === null ? '-' : r60.toFixed(1)));
    s.appendChild(document.createTextNode(' events/s over the recording\'s last minute (replay finished); ' +
      ev.totals.events + ' in all (' + ev.totals.fragmenting + ' fragmenting, ' +
      ev.totals.ringbuf_drops + ' records dropped)'));
  } else {
    const r1 = rate(state.interval * 1.5), r60 = rate(60);
    s.appendChild(el('b', { id: 'event-rate' }, r1 === null ? '-' : r1.toFixed(1)));
    s.appendChild(document.createTextNode(' events/s now, ' + (r60 === null ? '-' : r60.toFixed(1)) +
      ' events/s over the last minute; ' + ev.totals.events + ' since start (' + ev.totals.fragmenting +
      ' fragmenting, ' + ev.totals.ringbuf_drops + ' records dropped)'));
  }
  // --procs-by executable: a row is a program in a cgroup, its pid the latest.
  document.getElementById('procs-pid').textContent =
    ev.processes_by === 'executable' ? 'latest pid' : 'pid';
  const tb = document.querySelector('#procs tbody');
  tb.textContent = '';
  for (const p of ev.processes.slice(0, 20)) {
    const tr = el('tr', { 'data-tgid': p.tgid });
    [p.tgid, p.comm, p.events, p.fragmenting, p.change_ownership, p.last_alloc_order,
     p.last_fallback_migratetype + ' \u2192 ' + p.last_alloc_migratetype + ' (order ' + p.last_fallback_order + ')']
      .forEach(v => tr.appendChild(el('td', {}, String(v))));
    tb.appendChild(tr);
  }
  if (!ev.processes.length) {
    const tr = el('tr');
    tr.appendChild(el('td', { colspan: 7 }, 'no fallbacks seen yet'));
    tb.appendChild(tr);
  }
}

// "3d 4h", "2h 8m", "5m 12s", "40s": views/view_forecast.c duration().
function duration(secs) {
  const t = Math.round(secs);
  if (t >= 86400) return Math.floor(t / 86400) + 'd ' + Math.floor(t % 86400 / 3600) + 'h';
  if (t >= 3600) return Math.floor(t / 3600) + 'h ' + Math.floor(t % 3600 / 60) + 'm';
  if (t >= 60) return Math.floor(t / 60) + 'm ' + (t % 60) + 's';
  return t + 's';
}

// The forecast's words, as the -m view says them (views/view_forecast.c).
function forecastText(r) {
  switch (r.state) {
    case 'learning': return 'learning the trend';
    case 'steady': return 'steady: none in sight';
    case 'declining':
      return 'in ' + duration(r.eta_seconds) + ' (' +
        (r.runs_out === 'headroom' ? 'free memory to min watermark' : 'no suitable block') + ')';
    case 'exhausted':
      return 'exhausted now (' + (r.runs_out === 'headroom' ? 'at the min watermark' : 'no suitable block') + ')';
  }
  return r.state;
}

// Blocks per minute with one decimal, "0.0" rather than "-0.0", "-"
// while the trend is being learnt.
function trendText(r) {
  if (r.blocks_per_second === null) return '-';
  const m = r.blocks_per_second * 60;
  return Math.abs(m) < 0.05 ? '0.0' : (m > 0 ? '+' : '') + m.toFixed(1);
}

// /api/v1/forecast: one row per zone, then its node as a whole (the
// -m view's table). Rows carry data-state, data-eta (seconds, '' when
// none) and data-blocks for tests.
function renderForecast(fc) {
  const outcome = fc.outcome === 'stalls' ? 'compaction stalls' :
    fc.outcome === 'failures' ? 'failed allocations' : 'stalls or failures (no compaction seen)';
  document.getElementById('forecast-summary').textContent =
    'Time until no free block of order ' + fc.order + ' (' + size(fc.order) + ') or larger is left, ' +
    'or free memory falls to the min watermark, at the trend of about the last ' +
    Math.round(fc.window_seconds / 60) + ' min; exhaustion then brings ' + outcome + '.';
  const tb = document.querySelector('#forecast tbody');
  tb.textContent = '';
  const row = (r, zone) => {
    const tr = el('tr', { 'data-node': r.node, 'data-zone': zone, 'data-state': r.state,
      'data-eta': r.eta_seconds === null ? '' : String(r.eta_seconds), 'data-blocks': String(r.blocks) });
    if (zone === 'node') tr.className = 'node';
    const cls = r.state === 'exhausted' || (r.state === 'declining' && r.eta_seconds < 3600) ? 'bad' :
      r.state === 'declining' ? 'warn' : '';
    tr.appendChild(el('td', {}, String(r.node)));
    tr.appendChild(el('td', {}, zone === 'node' ? 'node (all zones)' : zone));
    tr.appendChild(el('td', { class: 'fc-blocks' }, String(r.blocks)));
    tr.appendChild(el('td', { class: 'fc-trend' }, trendText(r)));
    tr.appendChild(el('td', { class: 'fc-verdict' + (cls ? ' ' + cls : '') }, forecastText(r)));
    tb.appendChild(tr);
  };
  for (let i = 0; i < fc.zones.length; i++) {
    const z = fc.zones[i];
    row(z, z.zone);
    // after a node's last zone: the node as a whole
    if (i + 1 === fc.zones.length || fc.zones[i + 1].node !== z.node) {
      const n = fc.nodes.find(n => n.node === z.node);
      if (n) row(n, 'node');
    }
  }
  if (!fc.zones.length) {
    const tr = el('tr');
    tr.appendChild(el('td', { colspan: 5 }, 'no zones yet'));
    tb.appendChild(tr);
  }
}

// HugeTLB pools and CMA areas. /api/v1/snapshot carries the buddy lists
// only, so these come from /metrics (the same catalogue every exporter
// publishes). A replay has none: the section stays hidden.
function promSeries(text, name) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const m = /^[^{]+\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of m[1].matchAll(/(\w+)="([^"]*)"/g)) labels[l[1]] = l[2];
    out.push({ labels, value: Number(m[2]) });
  }
  return out;
}

function hugeSize(bytes) {
  const b = Number(bytes);
  return b >= 1 << 30 ? (b / (1 << 30)) + ' GiB' : (b / (1 << 20)) + ' MiB';
}

function renderHugetlb(text) {
  const sec = document.getElementById('hugetlb-section');
  const pools = promSeries(text, 'mfd_node_hugetlb_pages');
  const glob = promSeries(text, 'mfd_hugetlb_pages');
  const cma = promSeries(text, 'mfd_zone_cma_pages');
  const giant = promSeries(text, 'mfd_zone_hugetlb_gigantic_candidates');
  if (!pools.length && !glob.length && !cma.length) { sec.hidden = true; return; }
  sec.hidden = false;
  // one row per (node, size); "all" rows carry reserved, kept system-wide only
  const rows = new Map();
  const row = (node, size) => {
    const k = node + '/' + size;
    if (!rows.has(k)) rows.set(k, { node, size, total: '-', free: '-', surplus: '-', reserved: '' });
    return rows.get(k);
  };
  for (const p of pools) row(p.labels.numa_node, p.labels.hugepage_size)[p.labels.state] = String(p.value);
  for (const p of glob) row('all', p.labels.hugepage_size)[p.labels.state] = String(p.value);
  let tb = document.querySelector('#hugetlb tbody');
  tb.textContent = '';
  // cells carry their state as a class (h-total, …) for tests
  for (const r of rows.values()) {
    const tr = el('tr', { 'data-node': r.node, 'data-size': r.size });
    tr.appendChild(el('td', {}, r.node));
    tr.appendChild(el('td', {}, hugeSize(r.size)));
    for (const k of ['total', 'free', 'surplus', 'reserved'])
      tr.appendChild(el('td', { class: 'h-' + k }, r[k]));
    tb.appendChild(tr);
  }
  // per zone: CMA area and the gigantic candidates (a count of free
  // max-order memory in units of the page, not a promise)
  const zones = new Map();
  const zrow = (l) => {
    const k = l.numa_node + '/' + l.zone;
    if (!zones.has(k)) zones.set(k, { node: l.numa_node, zone: l.zone, total: null, free: null, giant: [] });
    return zones.get(k);
  };
  const mib = v => v === null ? '-' : (v * PAGE_KIB / 1024).toFixed(0) + ' MiB';
  for (const c of cma) zrow(c.labels)[c.labels.state] = c.value;
  for (const g of giant) zrow(g.labels).giant.push(g.value + ' \u00d7 ' + hugeSize(g.labels.hugepage_size));
  tb = document.querySelector('#cma tbody');
  tb.textContent = '';
  for (const z of zones.values()) {
    const tr = el('tr', { 'data-node': z.node, 'data-zone': z.zone });
    tr.appendChild(el('td', {}, z.node));
    tr.appendChild(el('td', {}, z.zone));
    // shown in MiB; data-pages keeps the page count for tests
    for (const k of ['total', 'free'])
      tr.appendChild(el('td', { class: 'cma-' + k, 'data-pages': z[k] === null ? '' : String(z[k]) }, mib(z[k])));
    tr.appendChild(el('td', {}, z.giant.join(', ') || '-'));
    tb.appendChild(tr);
  }
}

function mergeHistory(h) {
  state.capacity = h.capacity;
  state.interval = h.interval || state.interval;
  for (const s of h.samples) {
    if (s.time_unix_nano > state.lastT) {
      state.history.push(s);
      state.lastT = s.time_unix_nano;
    }
  }
  if (state.history.length > state.capacity)
    state.history.splice(0, state.history.length - state.capacity);
}

async function getJSON(path) {
  const r = await fetch(path, { cache: 'no-store' });
  if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
  return r.json();
}

// Times come from the samples, never the wall clock. A replay (perhaps
// of an incident elsewhere, days ago) shows the UTC date and time; a live
// run the local time of day.
function statusLine(snap, health) {
  const t = new Date(snap.time_unix_nano / 1e6);
  const mode = health.status !== 'ok' ? health.status + ': ' + health.reason :
    health.replay === 'finished' ? 'replay finished' : health.replay ? 'replay' : 'live';
  const when = health.replay ? t.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC') :
    t.toLocaleTimeString();
  return mode + ' \u00b7 ' + snap.source +
    (health.replay ? '' : ' \u00b7 every ' + state.interval + ' s') + ' \u00b7 ' +
    state.history.length + ' samples kept \u00b7 last ' + when;
}

async function tick() {
  const st = document.getElementById('status');
  try {
    // Only what is new since the last sample seen; a long history comes
    // in pages ("more"), each continuing after the last one.
    let h;
    do {
      h = await getJSON('/api/v1/history' + (state.lastT ? '?since=' + state.lastT : ''));
      mergeHistory(h);
    } while (h.more && h.samples.length);
    const [snap, ev, fc, health, prom] = await Promise.all([
      getJSON('/api/v1/snapshot'), getJSON('/api/v1/events'), getJSON('/api/v1/forecast'),
      fetch('/healthz', { cache: 'no-store' }).then(r => r.json()),
      fetch('/metrics', { cache: 'no-store' }).then(r => r.ok ? r.text() : '')
        .catch(() => '')]);
    renderSnapshot(snap);
    renderEvents(ev, health);
    renderForecast(fc);
    renderHugetlb(prom);
    st.textContent = statusLine(snap, health);
    st.className = 'status' + (health.status === 'ok' ? '' : ' bad');
    // Everything above is drawn: tests wait for this (and, for a
    // replay, take the golden screenshot once it says "finished").
    document.body.setAttribute('data-ready', '1');
    if (health.replay) document.body.setAttribute('data-replay', health.replay);
  } catch (e) {
    st.textContent = 'agent unreachable: ' + e.message;
    st.className = 'status bad';
  }
  setTimeout(tick, Math.max(1000, state.interval * 1000));
}

window.addEventListener('resize', () => {
  for (const c of document.querySelectorAll('article.zone'))
    drawHeat(c, Number(c.dataset.node), c.dataset.zone, state.history.length ?
      state.history[state.history.length - 1].nr_orders : 11);
});
tick();
