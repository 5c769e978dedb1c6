// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * receiver.js - an OTLP/HTTP receiver for the tests, independent of the
 * agent's protobuf-c code: bodies are decoded with the official
 * OpenTelemetry definitions compiled for protobufjs, as shipped by
 * @opentelemetry/otlp-transformer@0.52.1 (build/src/generated/root.js).
 *
 *   node receiver.js ROOT_JS DATA_PORT CONTROL_PORT [CERT_PEM KEY_PEM]
 *
 * With a certificate and key the data port speaks HTTPS (TLS), so the
 * agent's TLS path (libcurl) is tested end to end.
 * The data port takes POST /v1/metrics and /v1/logs. The control port
 * (plain HTTP, always up) answers:
 *   GET  /state            what arrived (JSON, see record())
 *   POST /fault?...        the next faults: mode=ok|status|partial|slow|
 *                          reset|down|up, code=, retry_after=, count=,
 *                          delay_ms=, rejected=
 *   POST /reset            forget what arrived
 *
 * Every request is checked against the OTLP data model; problems are
 * collected in state.violations (the test fails on any).
 */
'use strict';
const fs = require('fs');
const http = require('http');
const https = require('https');
const zlib = require('zlib');

const [rootJs, dataPort, ctlPort, certPem, keyPem] = process.argv.slice(2);
const root = require(rootJs);
const P = root.opentelemetry.proto;
const MetricsReq = P.collector.metrics.v1.ExportMetricsServiceRequest;
const LogsReq = P.collector.logs.v1.ExportLogsServiceRequest;
const MetricsResp = P.collector.metrics.v1.ExportMetricsServiceResponse;
const LogsResp = P.collector.logs.v1.ExportLogsServiceResponse;

let state;
function resetState() {
  state = {
    requests: [], // {path, status, encoding, ua, ctype, n, t}
    points: [], // accepted: {m: metric, k: kind, a: attributes, t, s, v}
    rejected: [], // points of requests answered with an injected status
    logs: [], // {sev, body, attrs}
    resources: [], // attributes of every resource seen (first only kept)
    violations: [],
  };
}
resetState();

// Faults, consumed in order: {mode, code, retry_after, count, delay_ms}.
let faults = [];

function bad(msg) {
  if (state.violations.length < 100) state.violations.push(msg);
}

function attrMap(kvs, where) {
  const m = {};
  for (const kv of kvs || []) {
    if (kv.key in m) bad(`${where}: duplicate attribute key ${kv.key}`);
    const v = kv.value || {};
    m[kv.key] = v.stringValue !== undefined && v.stringValue !== null && v.stringValue !== '' ? v.stringValue :
      v.intValue !== undefined && v.intValue !== null ? String(v.intValue) :
      v.boolValue !== undefined && v.boolValue !== null ? v.boolValue :
      v.doubleValue !== undefined && v.doubleValue !== null ? v.doubleValue : v.stringValue;
  }
  return m;
}

function isZero(t) {
  return t === undefined || t === null || String(t) === '0';
}

function checkResource(res) {
  const a = attrMap(res && res.attributes, 'resource');
  for (const k of ['service.name', 'service.version', 'host.name', 'host.arch', 'os.type'])
    if (!(k in a)) bad(`resource lacks ${k}`);
  if (state.resources.length < 1) state.resources.push(a);
  return a;
}

const opts = { longs: String, enums: Number, defaults: true, arrays: true };

function onMetrics(buf, sink) {
  const req = MetricsReq.toObject(MetricsReq.decode(buf), opts);
  let n = 0;
  if (!req.resourceMetrics.length) bad('metrics request without resource_metrics');
  for (const rm of req.resourceMetrics) {
    checkResource(rm.resource);
    for (const sm of rm.scopeMetrics) {
      if (!sm.scope || sm.scope.name !== 'mfd') bad('scope name is not mfd');
      for (const m of sm.metrics) {
        if (!m.name) bad('metric without a name');
        if (!m.unit) bad(`${m.name}: no unit`);
        let dps, kind;
        if (m.gauge) { dps = m.gauge.dataPoints; kind = 'gauge'; }
        else if (m.sum) {
          dps = m.sum.dataPoints; kind = 'sum';
          if (m.sum.aggregationTemporality !== 2) bad(`${m.name}: temporality ${m.sum.aggregationTemporality}`);
          if (m.sum.isMonotonic !== true) bad(`${m.name}: not monotonic`);
        } else if (m.histogram) {
          dps = m.histogram.dataPoints; kind = 'histogram';
          if (m.histogram.aggregationTemporality !== 2) bad(`${m.name}: temporality`);
        } else { bad(`${m.name}: no data`); continue; }
        if (!dps.length) bad(`${m.name}: no points`);
        for (const dp of dps) {
          const a = attrMap(dp.attributes, m.name);
          if (isZero(dp.timeUnixNano)) bad(`${m.name}: time_unix_nano is 0`);
          if (kind !== 'gauge') {
            if (isZero(dp.startTimeUnixNano)) bad(`${m.name}: start time is 0`);
            else if (BigInt(dp.startTimeUnixNano) > BigInt(dp.timeUnixNano)) bad(`${m.name}: start after time`);
          }
          if (kind === 'histogram') {
            if (dp.bucketCounts.length !== dp.explicitBounds.length + 1) bad(`${m.name}: bucket count mismatch`);
            const total = dp.bucketCounts.reduce((s, c) => s + BigInt(c), 0n);
            if (total !== BigInt(dp.count)) bad(`${m.name}: count ${dp.count} != sum of buckets ${total}`);
          } else if (dp.value === undefined && dp.asInt === undefined && dp.asDouble === undefined) {
            bad(`${m.name}: no value`);
          }
          const keys = Object.keys(a).sort().map((k) => `${k}=${a[k]}`).join(',');
          sink.push({ m: m.name, k: kind, a: keys, t: String(dp.timeUnixNano),
            s: String(dp.startTimeUnixNano || '0'),
            v: kind === 'histogram' ? String(dp.count) : String(dp.asInt !== undefined && dp.value === 'asInt' ? dp.asInt : (dp.asDouble ?? dp.asInt)) });
          n++;
        }
      }
    }
  }
  return n;
}

function onLogs(buf) {
  const req = LogsReq.toObject(LogsReq.decode(buf), opts);
  let n = 0;
  for (const rl of req.resourceLogs) {
    checkResource(rl.resource);
    for (const sl of rl.scopeLogs) {
      for (const lr of sl.logRecords) {
        const a = attrMap(lr.attributes, 'log');
        if (isZero(lr.timeUnixNano)) bad('log: time_unix_nano is 0');
        if (isZero(lr.observedTimeUnixNano)) bad('log: observed time is 0');
        if (!lr.body || !lr.body.stringValue) bad('log: no body');
        state.logs.push({ sev: lr.severityNumber, text: lr.severityText, body: lr.body && lr.body.stringValue, a });
        n++;
      }
    }
  }
  return n;
}

let server = null;
const sockets = new Set();

function handle(req, res) {
  const chunks = [];
  // A request through a proxy names the absolute URL (RFC 9112 3.2.2):
  // this receiver plays the proxy too, and serves it like any other.
  const proxied = /^https?:\/\//.test(req.url);
  if (proxied) req.url = new URL(req.url).pathname;
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let f = faults.length ? faults[0] : null;
    if (f && --f.count <= 0) faults.shift();
    if (!f) f = { mode: 'ok' };
    const rec = { path: req.url, encoding: req.headers['content-encoding'] || '',
      hdr: req.headers['x-test'] || '', hdr_file: req.headers['x-file'] || '',
      ua: req.headers['user-agent'] || '', ctype: req.headers['content-type'] || '',
      mode: f.mode, status: 0, n: 0, t: Date.now(), proxied };
    state.requests.push(rec);
    if (f.mode === 'reset') {
      // Headers out, then the connection dies mid-response.
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf', 'Content-Length': '100' });
      res.write(Buffer.alloc(10));
      setTimeout(() => req.socket.destroy(), 20);
      return;
    }
    if (f.mode === 'status') {
      try {
        let b = Buffer.concat(chunks);
        if (rec.encoding === 'gzip') b = zlib.gunzipSync(b);
        // Points of a permanently rejected request must never arrive again;
        // a retryable answer's points are expected again, so not recorded.
        const retryable = [429, 502, 503, 504].includes(Number(f.code));
        if (req.url === '/v1/metrics') rec.n = onMetrics(b, retryable ? [] : state.rejected);
      } catch (e) { bad(`decode ${req.url}: ${e.message}`); }
      const h = { 'Content-Type': 'text/plain' };
      if (f.retry_after) h['Retry-After'] = f.retry_after;
      rec.status = Number(f.code);
      res.writeHead(Number(f.code), h);
      res.end(`injected ${f.code}`);
      return;
    }
    const finish = () => {
      let body = Buffer.concat(chunks);
      if (rec.ctype !== 'application/x-protobuf') bad(`content-type ${rec.ctype}`);
      try {
        if (rec.encoding === 'gzip') body = zlib.gunzipSync(body);
        if (req.url === '/v1/metrics') rec.n = onMetrics(body, state.points);
        else if (req.url === '/v1/logs') rec.n = onLogs(body);
        else { rec.status = 404; res.writeHead(404); res.end(); return; }
      } catch (e) {
        bad(`decode ${req.url}: ${e.message}`);
        rec.status = 400; res.writeHead(400); res.end(String(e.message)); return;
      }
      let out = Buffer.alloc(0);
      if (f.mode === 'partial') {
        const R = req.url === '/v1/metrics' ? MetricsResp : LogsResp;
        // A string, so int64 values past 2^53 (2^63-1) stay exact.
        const ps = req.url === '/v1/metrics' ?
          { rejectedDataPoints: String(f.rejected || 1), errorMessage: 'injected partial' } :
          { rejectedLogRecords: String(f.rejected || 1), errorMessage: 'injected partial' };
        out = Buffer.from(R.encode(R.fromObject({ partialSuccess: ps })).finish());
      }
      rec.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
      res.end(out);
    };
    if (f.mode === 'slow') setTimeout(() => { if (!res.destroyed) finish(); }, Number(f.delay_ms || 5000));
    else finish();
  });
}

function up(cb) {
  if (server) return cb();
  server = certPem ?
    https.createServer({ cert: fs.readFileSync(certPem), key: fs.readFileSync(keyPem) }, handle) :
    http.createServer(handle);
  server.keepAliveTimeout = 30000;
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.listen(Number(dataPort), '127.0.0.1', cb);
}

function down(cb) {
  if (!server) return cb();
  const s = server;
  server = null;
  for (const so of sockets) so.destroy();
  s.close(() => cb());
}

http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  const q = Object.fromEntries(u.searchParams);
  const ok = () => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); };
  if (u.pathname === '/state') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(state));
  } else if (u.pathname === '/reset') {
    resetState(); ok();
  } else if (u.pathname === '/fault') {
    if (q.mode === 'down') return down(ok);
    if (q.mode === 'up') return up(ok);
    if (q.mode === 'clear') { faults = []; return ok(); }
    faults.push({ ...q, count: Number(q.count || 1) });
    ok();
  } else { res.writeHead(404); res.end(); }
}).listen(Number(ctlPort), '127.0.0.1', () => up(() => console.log('ready')));
