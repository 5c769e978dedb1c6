// SPDX-License-Identifier: GPL-2.0-or-later
// Ask the reference statsd daemon's admin port for "gauges" or "counters"
// and print what it holds as JSON. statsd 0.9.0 answers with
// util.inspect() of a flat object of numbers followed by "END"; that text
// is a JavaScript object literal, so it is evaluated (it comes from the
// daemon this test started on 127.0.0.1).
// usage: node statsd_admin.js PORT gauges|counters
'use strict';
const net = require('net');
const vm = require('vm');
const [port, cmd] = process.argv.slice(2);
let text = '';
const sock = net.connect(Number(port), '127.0.0.1', () => sock.write(cmd + '\n'));
sock.setTimeout(10000, () => { console.error('statsd admin timed out'); process.exit(2); });
sock.on('data', (d) => {
  text += d.toString();
  const end = text.indexOf('\nEND');
  if (end < 0) return;
  sock.end();
  const obj = vm.runInNewContext('(' + text.slice(0, end) + ')', {});
  // NaN/Infinity are not JSON; show them as strings so a test sees them.
  process.stdout.write(JSON.stringify(obj, (k, v) =>
    (typeof v === 'number' && !isFinite(v)) ? String(v) : v) + '\n');
  process.exit(0);
});
sock.on('error', (e) => { console.error('statsd admin: ' + e.message); process.exit(2); });
