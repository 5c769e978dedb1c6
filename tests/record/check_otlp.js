// SPDX-License-Identifier: GPL-2.0-or-later
// check_otlp.js ROOT_JS FILE...: every line of every FILE must be an OTLP
// ExportMetricsServiceRequest or ExportLogsServiceRequest in the OTLP/JSON
// encoding, judged by the official OpenTelemetry protobuf definitions as
// compiled for protobufjs (@opentelemetry/otlp-transformer's
// build/src/generated/root.js):
//  * fromObject() -> verify() -> encode() -> decode() -> toObject() gives
//    back exactly the line's values (an unknown or misspelt field would be
//    dropped by fromObject and show up as a difference);
//  * the JSON rules of the OTLP spec hold: keys are lowerCamelCase field
//    names, 64-bit integers are decimal strings, enums are integers,
//    doubles are numbers.
'use strict';
const fs = require('fs');
const assert = require('assert');

const root = require(process.argv[2]);
const P = root.opentelemetry.proto;
const types = {
	resourceMetrics: P.collector.metrics.v1.ExportMetricsServiceRequest,
	resourceLogs: P.collector.logs.v1.ExportLogsServiceRequest,
};
const CAMEL = /^[a-z][A-Za-z0-9]*$/;

let errors = 0;
const counts = { resourceMetrics: 0, resourceLogs: 0, points: 0, records: 0 };

function problem(where, msg) {
	errors++;
	if (errors < 20) console.error(`${where}: ${msg}`);
}

// The static protobufjs module has no reflection, so the OTLP/JSON rules
// are checked by name here, and by the round trip below (toObject with
// longs: String and enums: Number must give back the line exactly, so a
// 64-bit number or an enum name would differ).
const INT64_FIELDS = new Set(['timeUnixNano', 'startTimeUnixNano',
	'observedTimeUnixNano', 'asInt', 'intValue', 'count', 'bucketCounts',
	'zeroCount']);
const ENUM_FIELDS = new Set(['aggregationTemporality', 'severityNumber']);
const DOUBLE_FIELDS = new Set(['asDouble', 'sum', 'explicitBounds',
	'doubleValue', 'min', 'max']);

function rules(where, key, v) {
	if (Array.isArray(v)) {
		v.forEach((x, i) => rules(`${where}[${i}]`, key, x));
		return;
	}
	if (INT64_FIELDS.has(key) && (typeof v !== 'string' || !/^-?[0-9]+$/.test(v)))
		problem(where, `64-bit ${key} must be a decimal string, is ${JSON.stringify(v)}`);
	if (ENUM_FIELDS.has(key) && !Number.isInteger(v))
		problem(where, `enum ${key} must be an integer, is ${JSON.stringify(v)}`);
	if (DOUBLE_FIELDS.has(key) && typeof v !== 'number' &&
	    (v === null || typeof v !== 'object')) // Metric.sum is a message
		problem(where, `double ${key} must be a number`);
	if (v !== null && typeof v === 'object')
		for (const [k, x] of Object.entries(v)) {
			if (!CAMEL.test(k)) problem(where, `key ${k} is not lowerCamelCase`);
			rules(`${where}.${k}`, k, x);
		}
}

// Empty repeated fields are the same as absent ones (toObject with
// arrays: true adds them).
function prune(v) {
	if (Array.isArray(v)) return v.map(prune);
	if (v === null || typeof v !== 'object') return v;
	const out = {};
	for (const [k, x] of Object.entries(v))
		if (!(Array.isArray(x) && x.length === 0)) out[k] = prune(x);
	return out;
}

for (const file of process.argv.slice(3)) {
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	lines.forEach((line, i) => {
		if (!line) return;
		const where = `${file}:${i + 1}`;
		let obj;
		try {
			obj = JSON.parse(line);
		} catch (e) {
			problem(where, `not JSON: ${e.message}`);
			return;
		}
		const kind = Object.keys(types).find((k) => k in obj);
		if (!kind) {
			problem(where, 'neither resourceMetrics nor resourceLogs');
			return;
		}
		const T = types[kind];
		counts[kind]++;
		rules(where, '', obj);
		const msg = T.fromObject(obj);
		const err = T.verify(msg);
		if (err) problem(where, `verify: ${err}`);
		const back = T.toObject(T.decode(T.encode(msg).finish()), {
			longs: String, enums: Number, bytes: String, arrays: true,
		});
		try {
			assert.deepStrictEqual(prune(back), prune(obj));
		} catch (e) {
			problem(where, `values do not survive the protobuf round trip: ${e.message.slice(0, 600)}`);
		}
		for (const r of back.resourceMetrics || [])
			for (const s of r.scopeMetrics || [])
				for (const m of s.metrics || [])
					for (const d of ['gauge', 'sum', 'histogram'])
						if (m[d]) counts.points += m[d].dataPoints.length;
		for (const r of back.resourceLogs || [])
			for (const s of r.scopeLogs || []) counts.records += s.logRecords.length;
	});
}
console.log(JSON.stringify(counts));
if (errors) {
	console.error(`${errors} problem(s)`);
	process.exit(1);
}
if (!counts.resourceMetrics) {
	console.error('no metrics line at all');
	process.exit(1);
}
