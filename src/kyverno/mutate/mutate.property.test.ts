// Properties over random pods (and Deployments wrapping them) and the mutate policies of the shared
// kyverno-policies corpus: the produced JSONPatch, applied with fast-json-patch, yields exactly the mutated
// object; and strategic-merge-only policies are idempotent (a second run changes nothing).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { type KubeObject, parseObjects } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { isKyvernoPolicy, loadPolicy, type Policy } from '../model/index.js';
import { createJsonPatch, mutatePolicy } from './index.js';
import { fcParams } from '../../../test/helpers/fc.js';

const corpus = fileURLToPath(new URL('../../../../shared/conformance/kyverno-policies/', import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === '.kyverno-test' ? [] : yamlFiles(p);
    return name.endsWith('.yaml') ? [p] : [];
  });
}

function mutatePolicies(): Policy[] {
  if (!existsSync(corpus)) return [];
  const out: Policy[] = [];
  for (const file of yamlFiles(corpus)) {
    for (const { object } of parseObjects(readFileSync(file, 'utf8'), file).objects) {
      if (!isKyvernoPolicy(object)) continue;
      const p = loadPolicy(object).policy;
      if (p?.rules.some((r) => r.mutate)) out.push(p);
    }
  }
  return out;
}

const policies = mutatePolicies();

/** Only strategic merge patches (no JSON6902 appends): Kyverno's rule is idempotent then. */
function isStrategicOnly(p: Policy): boolean {
  return p.rules.every((r) => {
    const m = r.mutate;
    if (!m) return true;
    if (m.patchesJson6902 !== undefined) return false;
    return !(Array.isArray(m.foreach) && m.foreach.some((f) => isObject(f) && (f.patchesJson6902 !== undefined || f.foreach !== undefined)));
  });
}

const name = fc.constantFrom('nginx', 'busybox', 'app', 'sidecar', 'redis');
const image = fc.constantFrom('nginx:latest', 'corp.reg.com/nginx:1.2', 'docker.io/busybox:1.35', 'gcr.io/app@sha256:abc', 'redis');
const container = fc.record(
  {
    name,
    image,
    imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent'),
    env: fc.array(fc.record({ name: fc.constantFrom('A', 'B', 'HTTP_PROXY'), value: fc.string({ maxLength: 4 }) }), { maxLength: 2 }),
    resources: fc.record({ requests: fc.record({ cpu: fc.constantFrom('100m', '1'), memory: fc.constantFrom('10Mi', '1Gi') }, { requiredKeys: [] }) }, { requiredKeys: [] }),
    securityContext: fc.record({ capabilities: fc.record({ drop: fc.subarray(['SETUID', 'SETFCAP', 'NET_RAW']) }) }, { requiredKeys: [] }),
    volumeMounts: fc.array(fc.record({ name: fc.constantFrom('data', 'host'), mountPath: fc.constantFrom('/data', '/host') }), { maxLength: 2 }),
  },
  { requiredKeys: ['name', 'image'] },
);
const uniqueContainers = (min: number) => fc.uniqueArray(container, { minLength: min, maxLength: 3, selector: (c) => c.name });
const podSpec = fc.record(
  {
    containers: uniqueContainers(1),
    initContainers: uniqueContainers(0),
    volumes: fc.uniqueArray(
      fc.oneof(
        fc.record({ name: fc.constant('data'), emptyDir: fc.constant({}) }),
        fc.record({ name: fc.constant('host'), hostPath: fc.record({ path: fc.constant('/var/run') }) }),
        fc.record({ name: fc.constant('claim'), persistentVolumeClaim: fc.record({ claimName: fc.constant('pvc') }) }),
      ),
      { maxLength: 3, selector: (v) => v.name },
    ),
    imagePullSecrets: fc.array(fc.record({ name: fc.constantFrom('my-secret', 'other') }), { maxLength: 1 }),
    tolerations: fc.array(fc.record({ key: fc.constantFrom('org.com/role', 'x'), operator: fc.constant('Exists') }), { maxLength: 1 }),
    dnsPolicy: fc.constantFrom('ClusterFirst', 'Default'),
  },
  { requiredKeys: ['containers'] },
);
const meta = fc.record(
  {
    name: fc.constantFrom('p1', 'p2'),
    namespace: fc.constantFrom('default', 'foo'),
    labels: fc.dictionary(fc.constantFrom('app', 'env'), fc.constantFrom('myapp', 'test')),
    annotations: fc.dictionary(fc.constantFrom('inject-certs', 'vault.hashicorp.com/agent-inject'), fc.constantFrom('enabled', 'true')),
  },
  { requiredKeys: ['name'] },
);
const pod = fc.record({ metadata: meta, spec: podSpec }).map((p) => ({ apiVersion: 'v1', kind: 'Pod', ...p }) as unknown as KubeObject);
const deployment = fc.record({ metadata: meta, tmeta: meta, spec: podSpec }).map(
  ({ metadata, tmeta, spec }) =>
    ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: { replicas: 1, template: { metadata: { labels: tmeta.labels ?? {} }, spec } } }) as unknown as KubeObject,
);
// fast-check builds null-prototype records; JSON objects from YAML have plain prototypes.
const resource = fc.oneof(pod, deployment).map((r) => JSON.parse(JSON.stringify(r)) as KubeObject);

test('the JSONPatch of every mutation turns the input into exactly the mutated object', { skip: policies.length === 0 && 'shared conformance data not present' }, () => {
  let runs = 0;
  let mutated = 0;
  fc.assert(
    fc.property(resource, fc.constantFrom(...policies), (r, policy) => {
      const m = mutatePolicy(policy, r);
      const ops = createJsonPatch(r, m.patched);
      runs++;
      if (ops.length > 0) mutated++;
      const applied = jsonpatch.applyPatch(structuredClone(r) as unknown as JsonObject, ops as unknown as Operation[], true, false).newDocument as JsonValue;
      assert.deepEqual(applied, m.patched as unknown as JsonValue);
    }),
    fcParams(400),
  );
  // The property is only meaningful if a good share of the runs really mutate something.
  assert.ok(mutated * 4 > runs, `only ${mutated} of ${runs} runs mutated the resource`);
});

test('strategic-merge policies are idempotent: mutating twice changes nothing more', { skip: policies.length === 0 && 'shared conformance data not present' }, () => {
  const strategic = policies.filter(isStrategicOnly);
  assert.ok(strategic.length > 5, 'expected several strategic-merge policies in the corpus');
  fc.assert(
    fc.property(resource, fc.constantFrom(...strategic), (r, policy) => {
      const once = mutatePolicy(policy, r).patched;
      const twice = mutatePolicy(policy, once).patched;
      assert.deepEqual(createJsonPatch(once, twice), [], `${policy.name} is not idempotent`);
    }),
    fcParams(400),
  );
});
