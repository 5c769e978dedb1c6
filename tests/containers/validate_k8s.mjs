// SPDX-License-Identifier: GPL-2.0-or-later
//
// validate_k8s.mjs MODELS_DIR FILE.yaml... - validate every object in the
// given manifests against the Kubernetes API schema for its kind, using
// the OpenAPI-derived validators that npm's kubernetes-models ships
// (installed at test time, outside git). Those validators check types,
// enums, formats and required fields but, like the API server's own
// OpenAPI, allow unknown fields; a misspelt field (privilegd: true) would
// pass. So each object is validated through a Proxy that records every
// property the validator looks at: a property it never looked at is not in
// the schema, and is reported (kubeconform's -strict, done with the same
// schema). Prints one line per object; exits 1 if any is invalid.
import { readFileSync, existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [modelsDir, ...files] = process.argv.slice(2);
const YAML = await import(pathToFileURL(path.join(modelsDir, "node_modules/yaml/dist/index.js")));
const schemas = path.join(modelsDir, "node_modules/kubernetes-models/_schemas");

function schemaFile(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  const g = group.split(".")[0];
  const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
  // The Prometheus Operator's CRDs (PrometheusRule), from the CRD schemas
  // npm's @kubernetes-models/prometheus-operator generates.
  if (group === "monitoring.coreos.com")
    return path.join(modelsDir, "node_modules/@kubernetes-models/prometheus-operator/_schemas",
      `ComGithubPrometheusOperatorPrometheusOperatorPkgApisMonitoring${cap(version)}${kind}.js`);
  return path.join(schemas, `IoK8sApi${cap(g)}${cap(version)}${kind}.js`);
}

// Wrap obj so reads are recorded per JSON path; enumerated objects (maps
// such as labels, data, resources.limits) count as fully read.
function tracked(obj, seen, p = "") {
  if (obj === null || typeof obj !== "object") return obj;
  return new Proxy(obj, {
    get(t, k) {
      if (typeof k === "string") seen.add(p + "/" + k);
      return tracked(t[k], seen, p + "/" + String(k));
    },
    ownKeys(t) {
      seen.add(p + "/*");
      return Reflect.ownKeys(t);
    },
  });
}

function unknownFields(obj, seen, p = "", out = []) {
  if (obj === null || typeof obj !== "object") return out;
  if (seen.has(p + "/*")) return out;
  for (const k of Object.keys(obj)) {
    const q = p + "/" + k;
    if (!Array.isArray(obj) && !seen.has(q)) out.push(q);
    else unknownFields(obj[k], seen, q, out);
  }
  return out;
}

let bad = 0;
for (const f of files) {
  const docs = YAML.parseAllDocuments(readFileSync(f, "utf8"), { uniqueKeys: true });
  for (const doc of docs) {
    if (doc.errors.length) {
      console.log(`FAIL ${f}: YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      bad++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const what = `${f}: ${obj.kind}/${obj.metadata?.name}`;
    const sf = obj.apiVersion && obj.kind ? schemaFile(obj.apiVersion, obj.kind) : "";
    if (!sf || !existsSync(sf)) {
      console.log(`FAIL ${what}: no schema for ${obj.apiVersion} ${obj.kind}`);
      bad++;
      continue;
    }
    const { validate } = await import(pathToFileURL(sf));
    const seen = new Set();
    const ok = validate(tracked(obj, seen));
    const errs = ok ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
    for (const u of unknownFields(obj, seen)) errs.push(`${u}: field not in the ${obj.kind} schema`);
    if (errs.length) {
      console.log(`FAIL ${what}:\n  ${errs.join("\n  ")}`);
      bad++;
    } else {
      console.log(`ok   ${what} (${obj.apiVersion} ${obj.kind})`);
    }
  }
}
process.exit(bad ? 1 : 0);
