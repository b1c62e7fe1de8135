#!/usr/bin/env node
// Validates rendered Kubernetes manifests (multi-document YAML) without a cluster:
//   node validate.js --modules DIR [--overlay] FILE...
// DIR holds the node_modules of package.json here (npm ci). Every document is checked
// against the Kubernetes schemas (kubernetes-models), then against this platform's rules:
// probes, resources, a non-root security context, pinned images, Secrets by reference,
// consistent ports and shutdown timing. --overlay also requires what every deployable
// overlay must contain. Prints one line per problem; exits 1 if there is any.
'use strict';

const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
let modules = null;
let overlay = false;
const files = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--modules') modules = args[++i];
  else if (args[i] === '--overlay') overlay = true;
  else files.push(args[i]);
}
if (!modules || files.length === 0) {
  console.error('usage: validate.js --modules DIR [--overlay] FILE...');
  process.exit(2);
}
const need = (name) => require(path.join(path.resolve(modules), name));
const YAML = need('yaml');

let problems = 0;
function problem(file, doc, what) {
  const id = doc && doc.kind ? `${doc.kind}/${(doc.metadata || {}).name || '?'}` : 'document';
  console.log(`${file}: ${id}: ${what}`);
  ++problems;
}

// --- schemas ---------------------------------------------------------------------------

function schemaCheck(file, doc) {
  if (!doc.apiVersion || !doc.kind) return problem(file, doc, 'no apiVersion or kind');
  // "v1" -> kubernetes-models/v1, "apps/v1" -> kubernetes-models/apps/v1
  let mod;
  try {
    mod = need(path.join('kubernetes-models', doc.apiVersion));
  } catch (e) {
    return problem(file, doc, `unknown apiVersion ${doc.apiVersion}`);
  }
  const Model = mod[doc.kind];
  if (typeof Model !== 'function')
    return problem(file, doc, `unknown kind ${doc.kind} in ${doc.apiVersion}`);
  try {
    new Model(doc).validate();
  } catch (e) {
    problem(file, doc, `schema: ${e.message}`);
  }
}

// --- containers --------------------------------------------------------------------------

const podSpecOf = (doc) => {
  switch (doc.kind) {
    case 'Pod':
      return doc.spec;
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'Job':
      return doc.spec && doc.spec.template && doc.spec.template.spec;
    case 'CronJob':
      return doc.spec && doc.spec.jobTemplate && doc.spec.jobTemplate.spec &&
             doc.spec.jobTemplate.spec.template && doc.spec.jobTemplate.spec.template.spec;
    default:
      return null;
  }
};

// Settings that hold secrets: only ever from a Secret (security.bootstrap_key_file is a
// path, not a key).
const SECRET_ENV = /^KYB_(SECURITY_(?!BOOTSTRAP_KEY_FILE$).+|DATABASE_URL|DATABASE_MIGRATION_URL|REDIS_URL|REGIONS_DATABASES)$/;
const URL_PASSWORD = /:\/\/[^\/@\s:]*:[^\/@\s]+@/;

function imageCheck(file, doc, c) {
  const image = c.image || '';
  if (!image) return problem(file, doc, `container ${c.name}: no image`);
  if (image.includes('@sha256:')) return;
  const last = image.split('/').pop();
  const colon = last.lastIndexOf(':');
  if (colon < 0) return problem(file, doc, `container ${c.name}: image ${image} has no tag (latest)`);
  if (last.slice(colon + 1) === 'latest')
    problem(file, doc, `container ${c.name}: image ${image} uses the latest tag`);
}

function resourcesCheck(file, doc, c) {
  const r = c.resources || {};
  for (const kind of ['requests', 'limits'])
    for (const res of ['cpu', 'memory'])
      if (!r[kind] || r[kind][res] === undefined || r[kind][res] === '')
        problem(file, doc, `container ${c.name}: no resources.${kind}.${res}`);
}

function securityCheck(file, doc, spec, c) {
  const pod = spec.securityContext || {};
  const sc = c.securityContext || {};
  const nonRoot = sc.runAsNonRoot !== undefined ? sc.runAsNonRoot : pod.runAsNonRoot;
  const uid = sc.runAsUser !== undefined ? sc.runAsUser : pod.runAsUser;
  if (nonRoot !== true) problem(file, doc, `container ${c.name}: securityContext.runAsNonRoot is not true`);
  if (uid === 0) problem(file, doc, `container ${c.name}: securityContext.runAsUser is 0 (root)`);
  if (sc.allowPrivilegeEscalation !== false)
    problem(file, doc, `container ${c.name}: securityContext.allowPrivilegeEscalation is not false`);
  if (sc.privileged === true) problem(file, doc, `container ${c.name}: securityContext.privileged is true`);
  if (sc.readOnlyRootFilesystem !== true)
    problem(file, doc, `container ${c.name}: securityContext.readOnlyRootFilesystem is not true`);
}

function envCheck(file, doc, c) {
  const defined = new Map(); // name -> entry, in order
  for (const e of c.env || []) {
    const refs = [...String(e.value || '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map((m) => m[1]);
    for (const r of refs)
      if (!defined.has(r))
        problem(file, doc, `container ${c.name}: env ${e.name} refers to $(${r}), which is not defined before it`);
    if (e.value !== undefined && URL_PASSWORD.test(String(e.value)))
      problem(file, doc, `container ${c.name}: env ${e.name} holds a URL with a password inline`);
    if (SECRET_ENV.test(e.name)) {
      const fromSecret = e.valueFrom && e.valueFrom.secretKeyRef;
      if (!fromSecret) {
        // Allowed: a value composed of $(VAR)s that all come from Secrets.
        const composed = refs.length > 0 &&
            refs.every((r) => defined.get(r) && defined.get(r).valueFrom && defined.get(r).valueFrom.secretKeyRef) &&
            !String(e.value).replace(/\$\([A-Za-z0-9_]+\)/g, '').includes('://');
        if (!composed)
          problem(file, doc, `container ${c.name}: env ${e.name} is a secret: it must come from a secretKeyRef, not a value`);
      }
    }
    if (e.valueFrom && e.valueFrom.configMapKeyRef && SECRET_ENV.test(e.name))
      problem(file, doc, `container ${c.name}: env ${e.name} is a secret read from a ConfigMap`);
    defined.set(e.name, e);
  }
  return defined;
}

const envValue = (env, name) => (env.get(name) || {}).value;
const portOf = (hostPort) => {
  const m = /:(\d+)$/.exec(String(hostPort || ''));
  return m ? Number(m[1]) : null;
};
const seconds = (d) => {
  const m = /^(\d+)(ms|s|min|h)$/.exec(String(d || ''));
  if (!m) return null;
  return Number(m[1]) * { ms: 0.001, s: 1, min: 60, h: 3600 }[m[2]];
};

// The KYB node container: the probes on its endpoints, the ports it listens on, and a
// grace period that covers its drain.
function kybNodeCheck(file, doc, spec, c, env) {
  const live = c.livenessProbe && c.livenessProbe.httpGet;
  const ready = c.readinessProbe && c.readinessProbe.httpGet;
  if (live && live.path !== '/health') problem(file, doc, `container ${c.name}: livenessProbe must GET /health`);
  if (ready && ready.path !== '/ready') problem(file, doc, `container ${c.name}: readinessProbe must GET /ready`);
  const ports = new Map((c.ports || []).map((p) => [p.name, p.containerPort]));
  const listen = { http: 'KYB_HTTP_LISTEN', cluster: 'KYB_CLUSTER_LISTEN', admin: 'KYB_CLUSTER_ADMIN_LISTEN', metrics: 'KYB_METRICS_LISTEN' };
  for (const [name, key] of Object.entries(listen)) {
    const want = portOf(envValue(env, key));
    if (want === null) problem(file, doc, `container ${c.name}: ${key} names no port`);
    else if (ports.get(name) !== want)
      problem(file, doc, `container ${c.name}: port ${name} is ${ports.get(name)}, ${key} listens on ${want}`);
  }
  const drain = seconds(envValue(env, 'KYB_NODE_DRAIN_TIMEOUT') || '30s');
  const pre = (((c.lifecycle || {}).preStop || {}).exec || {}).command;
  if (!pre) problem(file, doc, `container ${c.name}: no preStop hook`);
  const preSleep = pre && pre[0] === 'sleep' ? Number(pre[1]) || 0 : 0;
  const grace = spec.terminationGracePeriodSeconds === undefined ? 30 : spec.terminationGracePeriodSeconds;
  if (drain === null) problem(file, doc, `container ${c.name}: KYB_NODE_DRAIN_TIMEOUT is not a duration`);
  else if (grace <= preSleep + drain)
    problem(file, doc, `terminationGracePeriodSeconds ${grace} does not cover the preStop (${preSleep} s) and node.drain_timeout (${drain} s)`);
}

function workloadCheck(file, doc) {
  const spec = podSpecOf(doc);
  if (!spec) return;
  for (const c of spec.initContainers || []) {
    imageCheck(file, doc, c);
    resourcesCheck(file, doc, c);
    securityCheck(file, doc, spec, c);
    envCheck(file, doc, c);
  }
  for (const c of spec.containers || []) {
    if (!c.livenessProbe) problem(file, doc, `container ${c.name}: no livenessProbe`);
    if (!c.readinessProbe) problem(file, doc, `container ${c.name}: no readinessProbe`);
    imageCheck(file, doc, c);
    resourcesCheck(file, doc, c);
    securityCheck(file, doc, spec, c);
    const env = envCheck(file, doc, c);
    if (/(^|\/)kyb-node(:|@|$)/.test(c.image || '')) kybNodeCheck(file, doc, spec, c, env);
  }
}

// --- Secrets and ConfigMaps --------------------------------------------------------------

function secretCheck(file, doc) {
  if (doc.kind === 'Secret') {
    const inline = ['data', 'stringData'].filter((k) => doc[k] && Object.keys(doc[k]).length > 0);
    if (inline.length > 0)
      problem(file, doc, `a Secret with ${inline.join(' and ')} inline: Secrets are referenced, never committed`);
  }
  if (doc.kind === 'ConfigMap') {
    for (const [key, text] of Object.entries(doc.data || {})) {
      if (URL_PASSWORD.test(text)) problem(file, doc, `${key} holds a URL with a password`);
      for (const line of String(text).split('\n')) {
        const m = /^\s*(tax_id_key|tax_id_hmac_key|audit_key|audit_previous_keys)\s*=\s*(\S.*)$/.exec(line);
        if (m) problem(file, doc, `${key} sets the secret security.${m[1]}`);
      }
    }
  }
}

// --- what a deployable overlay must hold ---------------------------------------------------

function overlayCheck(file, docs) {
  const of = (kind) => docs.filter((d) => d.kind === kind);
  for (const kind of ['Namespace', 'ResourceQuota', 'LimitRange', 'StatefulSet', 'PodDisruptionBudget',
                      'HorizontalPodAutoscaler', 'ConfigMap'])
    if (of(kind).length === 0) problem(file, null, `no ${kind}`);
  for (const ns of of('Namespace')) {
    const labels = (ns.metadata || {}).labels || {};
    for (const l of ['environment', 'compliance'])
      if (!labels[l]) problem(file, ns, `no label ${l} (the seed's namespace labels)`);
  }
  const deny = of('NetworkPolicy').find((p) => p.spec && p.spec.podSelector &&
      Object.keys(p.spec.podSelector).length === 0 &&
      ['Ingress', 'Egress'].every((t) => (p.spec.policyTypes || []).includes(t)) &&
      !p.spec.ingress && !p.spec.egress);
  if (!deny) problem(file, null, 'no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)');
  for (const sts of of('StatefulSet')) {
    const svc = of('Service').find((s) => s.metadata.name === sts.spec.serviceName);
    if (!svc || svc.spec.clusterIP !== 'None')
      problem(file, sts, `serviceName ${sts.spec.serviceName} is not a headless Service here`);
    // Peers resolve each other through it; deploy/prometheus finds the pods by the SRV
    // records of its port named metrics, not-ready ones included.
    else {
      const named = new Set((svc.spec.ports || []).map((p) => p.name));
      for (const port of ['cluster', 'metrics'])
        if (!named.has(port)) problem(file, svc, `headless Service has no port named ${port}`);
      if (svc.spec.publishNotReadyAddresses !== true)
        problem(file, svc, 'headless Service does not publish not-ready pods');
    }
  }
  for (const hpa of of('HorizontalPodAutoscaler')) {
    const t = hpa.spec.scaleTargetRef || {};
    if (!docs.find((d) => d.kind === t.kind && d.metadata.name === t.name))
      problem(file, hpa, `scales ${t.kind}/${t.name}, which is not here`);
  }
  // Every ConfigMap a pod mounts or reads is here (the generated name is referenced).
  const configMaps = new Set(of('ConfigMap').map((d) => d.metadata.name));
  for (const d of docs) {
    const spec = podSpecOf(d);
    if (!spec) continue;
    for (const v of spec.volumes || [])
      if (v.configMap && !configMaps.has(v.configMap.name))
        problem(file, d, `volume ${v.name} mounts ConfigMap ${v.configMap.name}, which is not here`);
  }
}

for (const file of files) {
  const before = problems;
  let docs;
  try {
    docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => {
      if (d.errors.length) throw new Error(d.errors[0].message);
      return d.toJS();
    }).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    problem(file, null, `YAML: ${e.message}`);
    continue;
  }
  if (docs.length === 0) problem(file, null, 'no manifests');
  for (const doc of docs) {
    schemaCheck(file, doc);
    workloadCheck(file, doc);
    secretCheck(file, doc);
  }
  if (overlay) overlayCheck(file, docs);
  if (problems === before) console.log(`${file}: ${docs.length} manifests valid`);
}
process.exit(problems > 0 ? 1 : 0);
