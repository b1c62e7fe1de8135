#!/usr/bin/env node
// Breaks a rendered overlay on purpose, to show that each check of validate.js fails:
//   node break.js --modules DIR --list            one "NAME<TAB>EXPECTED" line per break
//   node break.js --modules DIR --all IN.yaml OUT  OUT/NAME.yaml for every break, and the list
'use strict';

const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
const mi = args.indexOf('--modules');
if (mi < 0) {
  console.error('usage: break.js --modules DIR (--list | NAME IN.yaml)');
  process.exit(2);
}
const YAML = require(path.join(path.resolve(args[mi + 1]), 'yaml'));
args.splice(mi, 2);

const sts = (docs) => docs.find((d) => d.kind === 'StatefulSet');
const node = (docs) => sts(docs).spec.template.spec.containers[0];
const env = (docs, name) => node(docs).env.find((e) => e.name === name);
const drop = (docs, kind, name) => docs.filter((d) => !(d.kind === kind && (!name || d.metadata.name === name)));

// name -> [what validate.js must say, the break]
const breaks = {
  'no-liveness-probe': ['no livenessProbe', (d) => { delete node(d).livenessProbe; return d; }],
  'no-readiness-probe': ['no readinessProbe', (d) => { delete node(d).readinessProbe; return d; }],
  'liveness-not-health': ['livenessProbe must GET /health', (d) => { node(d).livenessProbe.httpGet.path = '/ready'; return d; }],
  'no-limits': ['no resources.limits.memory', (d) => { delete node(d).resources.limits; return d; }],
  'no-requests': ['no resources.requests.cpu', (d) => { delete node(d).resources.requests.cpu; return d; }],
  'runs-as-root': ['runAsNonRoot is not true', (d) => {
    delete sts(d).spec.template.spec.securityContext.runAsNonRoot;
    delete node(d).securityContext.runAsNonRoot;
    return d;
  }],
  'uid-0': ['runAsUser is 0 (root)', (d) => { node(d).securityContext.runAsUser = 0; return d; }],
  'privilege-escalation': ['allowPrivilegeEscalation is not false', (d) => { node(d).securityContext.allowPrivilegeEscalation = true; return d; }],
  'privileged': ['privileged is true', (d) => { node(d).securityContext.privileged = true; return d; }],
  'writable-root': ['readOnlyRootFilesystem is not true', (d) => { delete node(d).securityContext.readOnlyRootFilesystem; return d; }],
  'latest-tag': ['uses the latest tag', (d) => { node(d).image = 'kyb/kyb-node:latest'; return d; }],
  'no-tag': ['has no tag (latest)', (d) => { node(d).image = 'registry.example.com:5000/kyb/kyb-node'; return d; }],
  'inline-secret': ['Secrets are referenced, never committed', (d) => d.concat([{
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kyb-security' },
    stringData: { audit_key: 'c2VjcmV0' },
  }])],
  'secret-as-value': ['KYB_SECURITY_AUDIT_KEY is a secret', (d) => {
    const e = env(d, 'KYB_SECURITY_AUDIT_KEY');
    delete e.valueFrom;
    e.value = 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=';
    return d;
  }],
  'secret-from-configmap': ['KYB_REDIS_URL is a secret read from a ConfigMap', (d) => {
    env(d, 'KYB_REDIS_URL').valueFrom = { configMapKeyRef: { name: 'kyb-config', key: 'redis' } };
    return d;
  }],
  'url-password-inline': ['holds a URL with a password inline', (d) => {
    node(d).env.push({ name: 'OTHER_URL', value: 'postgresql://kyb:hunter2@db:5432/kyb' });
    return d;
  }],
  'config-holds-key': ['sets the secret security.audit_key', (d) => {
    const cm = d.find((x) => x.kind === 'ConfigMap');
    cm.data['kyb.conf'] += '\n[security]\naudit_key = c2VjcmV0\n';
    return d;
  }],
  'env-used-before-defined': ['not defined before it', (d) => {
    env(d, 'KYB_CLUSTER_LISTEN').value = '$(POD_IP):9101';
    return d;
  }],
  'port-mismatch': ['port http is 8080, KYB_HTTP_LISTEN listens on 8081', (d) => { env(d, 'KYB_HTTP_LISTEN').value = '0.0.0.0:8081'; return d; }],
  'grace-below-drain': ['does not cover the preStop', (d) => { sts(d).spec.template.spec.terminationGracePeriodSeconds = 30; return d; }],
  'no-prestop': ['no preStop hook', (d) => { delete node(d).lifecycle; return d; }],
  'schema-type': ['schema: data/spec/replicas must be integer', (d) => { sts(d).spec.replicas = 'three'; return d; }],
  'schema-missing-field': ['schema: data/spec must have required property selector', (d) => { delete sts(d).spec.selector; return d; }],
  'unknown-kind': ['unknown kind StatefullSet', (d) => { sts(d).kind = 'StatefullSet'; return d; }],
  'no-default-deny': ['no default-deny NetworkPolicy', (d) => drop(d, 'NetworkPolicy', 'default-deny-all')],
  'no-quota': ['no ResourceQuota', (d) => drop(d, 'ResourceQuota')],
  'no-pdb': ['no PodDisruptionBudget', (d) => drop(d, 'PodDisruptionBudget')],
  'namespace-labels': ['no label compliance', (d) => { delete d.find((x) => x.kind === 'Namespace').metadata.labels.compliance; return d; }],
  'not-headless': ['is not a headless Service here', (d) => {
    delete d.find((x) => x.kind === 'Service' && x.metadata.name === 'kyb-node').spec.clusterIP;
    return d;
  }],
  'no-metrics-port': ['headless Service has no port named metrics', (d) => {
    const svc = d.find((x) => x.kind === 'Service' && x.metadata.name === 'kyb-node');
    svc.spec.ports = svc.spec.ports.filter((p) => p.name !== 'metrics');
    return d;
  }],
  'not-ready-unpublished': ['does not publish not-ready pods', (d) => {
    delete d.find((x) => x.kind === 'Service' && x.metadata.name === 'kyb-node').spec.publishNotReadyAddresses;
    return d;
  }],
  'configmap-missing': ['which is not here', (d) => drop(d, 'ConfigMap')],
};

const list = () => {
  for (const [name, [expect]] of Object.entries(breaks)) console.log(`${name}\t${expect}`);
};
if (args[0] === '--list') {
  list();
  process.exit(0);
}
if (args[0] !== '--all' || args.length !== 3) {
  console.error('usage: break.js --modules DIR (--list | --all IN.yaml OUTDIR)');
  process.exit(2);
}
const text = fs.readFileSync(args[1], 'utf8');
for (const [name, [, apply]] of Object.entries(breaks)) {
  const docs = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((d) => d);
  fs.writeFileSync(path.join(args[2], `${name}.yaml`), apply(docs).map((d) => YAML.stringify(d)).join('---\n'));
}
list();
