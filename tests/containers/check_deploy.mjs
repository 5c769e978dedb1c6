// SPDX-License-Identifier: GPL-2.0-or-later
//
// check_deploy.mjs MODELS_DIR SOURCE_DIR - what the schema cannot say
// about containers/: the kustomization lists every manifest, the DaemonSet
// keeps least privilege (drop ALL, add only BPF/PERFMON/SYSLOG, no privileged,
// read-only root and host mounts), the node name comes from the downward
// API, the OTLP endpoint names the collector Service, probes hit /healthz
// on the agent's port, the grace period outlasts the final flush, no
// secret sits in a ConfigMap or argv, the collector's ConfigMap is
// containers/otel-collector.yaml verbatim, and the Dockerfile's
// HEALTHCHECK and port agree with the manifests, and a NetworkPolicy
// limits who reaches the agent's port.
import { readFileSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import path from "node:path";

const [modelsDir, src] = process.argv.slice(2);
const YAML = await import(pathToFileURL(path.join(modelsDir, "node_modules/yaml/dist/index.js")));
const k8s = path.join(src, "containers/k8s");
const load = (f) => YAML.parseAllDocuments(readFileSync(path.join(k8s, f), "utf8")).map((d) => d.toJS()).filter(Boolean);
let fails = 0;
const check = (ok, what) => {
  console.log((ok ? "ok   - " : "FAIL - ") + what);
  if (!ok) fails++;
};

const kust = YAML.parse(readFileSync(path.join(k8s, "kustomization.yaml"), "utf8"));
const manifests = readdirSync(k8s).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml" && !f.includes(".example."));
check(JSON.stringify([...kust.resources].sort()) === JSON.stringify([...manifests].sort()),
  `kustomization lists every manifest (${manifests.join(", ")})`);
const objs = manifests.flatMap(load);
check(objs.every((o) => o.kind === "Namespace" ? o.metadata.name === kust.namespace : o.metadata.namespace === kust.namespace),
  `every object is in namespace ${kust.namespace}`);

const ds = objs.find((o) => o.kind === "DaemonSet");
const pod = ds.spec.template.spec;
const c = pod.containers[0];
const sc = c.securityContext;
check(pod.containers.length === 1 && !pod.initContainers, "one container, no init containers");
check(sc.privileged === false && sc.allowPrivilegeEscalation === false && sc.readOnlyRootFilesystem === true,
  "privileged false, no privilege escalation, read-only root filesystem");
check(JSON.stringify(sc.capabilities.drop) === '["ALL"]', "capabilities: drop ALL");
check(JSON.stringify([...sc.capabilities.add].sort()) === JSON.stringify(["BPF", "PERFMON", "SYSLOG"]),
  `capabilities: add exactly BPF, PERFMON, SYSLOG (${sc.capabilities.add})`);
check(!pod.hostPID && !pod.hostNetwork && !pod.hostIPC, "no host PID, network or IPC namespace");
check(pod.tolerations?.some((t) => t.operator === "Exists" && !t.key && !t.effect), "tolerates every taint");
const mounts = Object.fromEntries(c.volumeMounts.map((m) => [m.name, m]));
const hostVols = pod.volumes.filter((v) => v.hostPath);
check(hostVols.every((v) => mounts[v.name]?.readOnly === true), `every hostPath mounted read-only (${hostVols.map((v) => v.hostPath.path)})`);
check(hostVols.map((v) => v.hostPath.path).sort().join() === "/sys/fs/cgroup,/sys/kernel/btf,/sys/kernel/tracing",
  "host mounts are only BTF, tracefs and the cgroup tree");
check(c.volumeMounts.filter((m) => !m.readOnly).every((m) => pod.volumes.find((v) => v.name === m.name).emptyDir),
  "the only writable mount is an emptyDir");
const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
check(env.K8S_NODE_NAME?.valueFrom?.fieldRef?.fieldPath === "spec.nodeName", "K8S_NODE_NAME from the downward API");
const svc = objs.find((o) => o.kind === "Service" && o.metadata.name === "otel-collector");
const ep = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT.value);
check(ep.hostname === `${svc.metadata.name}.${svc.metadata.namespace}.svc` && svc.spec.ports.some((p) => String(p.port) === ep.port),
  `OTEL_EXPORTER_OTLP_ENDPOINT ${ep} is the collector Service`);
const port = c.ports.find((p) => p.name === "http").containerPort;
// The NetworkPolicy selects the agent's pods and opens only its HTTP port,
// to a namespace selector (not to everyone: an empty "from" would).
const np = objs.find((o) => o.kind === "NetworkPolicy");
const podLabels = ds.spec.template.metadata.labels;
check(np && Object.entries(np.spec.podSelector.matchLabels).every(([k, v]) => podLabels[k] === v) &&
  JSON.stringify(np.spec.policyTypes) === '["Ingress"]' && np.spec.ingress.length === 1 &&
  np.spec.ingress[0].from?.length > 0 && np.spec.ingress[0].from.every((f) => f.namespaceSelector && !f.ipBlock) &&
  np.spec.ingress[0].ports.every((p) => p.protocol === "TCP" && (p.port === "http" || p.port === port)),
  "a NetworkPolicy lets only a chosen namespace reach the agent's HTTP port");
for (const pr of ["livenessProbe", "readinessProbe"])
  check(c[pr]?.httpGet?.path === "/healthz" && (c[pr].httpGet.port === "http" || c[pr].httpGet.port === port), `${pr} on /healthz`);
const cm = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "mfd-agent-config");
const agentCfg = YAML.parse(cm.data["mfd.yaml"]);
check(pod.terminationGracePeriodSeconds > agentCfg.shutdown_timeout + 5,
  `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} > shutdown_timeout ${agentCfg.shutdown_timeout} + 5`);
check(agentCfg.http.listen.endsWith(":" + port), `agent listens on the probed port ${port}`);
check(agentCfg.attribution.cgroup_root === mounts.cgroup.mountPath, "attribution reads the mounted host cgroup tree");
const secretish = /bearer|authorization|api[-_]?key|password|token/i;
check(!objs.filter((o) => o.kind === "ConfigMap").some((o) => Object.values(o.data).some((v) =>
  v.split("\n").some((l) => !l.trim().startsWith("#") && secretish.test(l)))), "no credential in any ConfigMap");
check(!(c.args ?? []).concat(c.command ?? []).some((a) => secretish.test(a) || /headers/.test(a)), "no header or credential in argv");
check(Object.values(env).every((e) => !secretish.test(e.value ?? "")), "no credential in plain env values");
const hdr = env.OTEL_EXPORTER_OTLP_HEADERS?.valueFrom?.secretKeyRef;
check(hdr && hdr.name === "mfd-otlp-auth" && hdr.optional === true && !agentCfg.otlp.headers_file && !agentCfg.otlp.headers,
  "auth header from the optional Secret (OTEL_EXPORTER_OTLP_HEADERS secretKeyRef), none in the config");
check(c.resources.requests.memory && c.resources.limits.memory && c.resources.requests.cpu, "requests and limits set");

const col = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "otel-collector-config");
check(col.data["config.yaml"] === readFileSync(path.join(src, "containers/otel-collector.yaml"), "utf8"),
  "collector ConfigMap is containers/otel-collector.yaml verbatim");
const colCfg = YAML.parse(col.data["config.yaml"]);
for (const [name, p] of Object.entries(colCfg.service.pipelines))
  check(p.receivers.every((r) => r in colCfg.receivers) && p.processors.every((r) => r in colCfg.processors) &&
    p.exporters.every((r) => r in colCfg.exporters), `collector pipeline ${name} uses only declared components`);
check(colCfg.service.pipelines.metrics.processors.includes("batch") && "otlp" in colCfg.receivers, "OTLP receiver, then batch");

const df = readFileSync(path.join(src, "containers/Dockerfile"), "utf8");
check(/HEALTHCHECK[\s\S]*"--healthcheck", "http:\/\/127\.0\.0\.1:(\d+)\/healthz"/.test(df) &&
  df.match(/127\.0\.0\.1:(\d+)\/healthz/)[1] === String(port), "Dockerfile HEALTHCHECK probes /healthz on the agent's port");
check(new RegExp(`EXPOSE ${port}\\b`).test(df), `Dockerfile exposes ${port}`);
// One Dockerfile for every architecture: the build stage runs on the build
// machine's platform and builds for TARGETARCH (dev.sh image: native, or
// cross with multiarch), whose tree mkrootfs.sh assembles.
const devsh = readFileSync(path.join(src, "dev.sh"), "utf8");
check(/FROM --platform=\$BUILDPLATFORM debian:12 AS build/.test(df) && /ARG TARGETARCH/.test(df) &&
  /dev\.sh deps "\$TARGETARCH"/.test(df) && /dev\.sh image "\$TARGETARCH" \/rootfs/.test(df) &&
  /COPY --from=build \/rootfs\/ \//.test(df) && /FROM scratch/.test(df) &&
  /^image\(\) \{[\s\S]*?containers\/mkrootfs\.sh[\s\S]*?^\}/m.test(devsh),
  "Dockerfile: Debian 12 build for TARGETARCH via dev.sh deps/image, scratch runtime from mkrootfs.sh");
check(!/nodeSelector:[\s\S]*kubernetes\.io\/arch/.test(readFileSync(path.join(src, "containers/k8s/daemonset.yaml"), "utf8")),
  "the DaemonSet does not pin an architecture");
process.exit(fails ? 1 : 0);
