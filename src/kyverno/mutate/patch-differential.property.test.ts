// Differential tests for the mutate fast paths (issue 19): the optimised patch step (no anchor
// preprocessing for plain patterns, strategic merge over the patch's fields only, unchanged subtrees shared)
// against the unoptimised reference kept in test/helpers/reference-patcher.ts — on every patchStrategicMerge
// of the shared kyverno-policies corpus applied to the bench Pod and Deployment and the corpus' own
// resources, and on random patterns (anchors of every kind, empty maps, directives, lists) and resources.
// Same outcome, same error text, same document byte for byte (key order included), inputs left unchanged.
// And the per-rule caches: a policy mutates a resource the same way warm (second run) as cold (fresh
// compile of a copy), without changing the resource or the policy.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fcParams } from '../../../test/helpers/fc.js';
import { referenceStrategicMergePatch } from '../../../test/helpers/reference-patcher.js';
import { type KubeObject, parseObjects } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { compilePolicy } from '../engine/index.js';
import { isKyvernoPolicy, loadPolicy, type Policy } from '../model/index.js';
import { mutatePolicy } from './mutate-policy.js';
import { applyStrategicMergePatch } from './patcher.js';

const corpus = fileURLToPath(new URL('../../../../shared/conformance/kyverno-policies/', import.meta.url));
const benchData = fileURLToPath(new URL('../../../bench/testdata/', import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === '.kyverno-test' ? [] : yamlFiles(p);
    return name.endsWith('.yaml') || name.endsWith('.yml') ? [p] : [];
  });
}

function loadCorpus(): { policies: Policy[]; resources: JsonObject[] } {
  const policies: Policy[] = [];
  const resources: JsonObject[] = [];
  if (!existsSync(corpus)) return { policies, resources };
  for (const file of yamlFiles(corpus)) {
    let objects: { object: KubeObject }[];
    try {
      objects = parseObjects(readFileSync(file, 'utf8'), file).objects;
    } catch {
      continue;
    }
    for (const { object } of objects) {
      if (isKyvernoPolicy(object)) {
        const p = loadPolicy(object).policy;
        if (p?.rules.some((r) => r.mutate)) policies.push(p);
      } else if (typeof object.kind === 'string' && isObject(object.metadata)) resources.push(object as unknown as JsonObject);
    }
  }
  return { policies, resources };
}

const { policies, resources: corpusResources } = loadCorpus();
const benchResources = existsSync(benchData)
  ? ['pod.yaml', 'deployment.yaml'].map((f) => parseObjects(readFileSync(join(benchData, f), 'utf8'), f).objects[0]?.object as unknown as JsonObject)
  : [];

/** Every patchStrategicMerge of a mutate rule or (nested) foreach declaration, as written. */
function strategicPatches(ps: readonly Policy[]): JsonValue[] {
  const out: JsonValue[] = [];
  const visit = (m: JsonObject) => {
    if (m.patchStrategicMerge !== undefined && m.patchStrategicMerge !== null) out.push(m.patchStrategicMerge);
    if (Array.isArray(m.foreach)) for (const f of m.foreach) if (isObject(f)) visit(f);
  };
  for (const p of ps) for (const r of p.rules) if (r.mutate) visit(r.mutate as unknown as JsonObject);
  return out;
}

/** Runs both patch steps and asserts the same outcome; returns whether the patch changed the resource. */
function assertSamePatch(resource: JsonObject, patch: JsonValue): 'error' | 'changed' | 'unchanged' {
  const resourceText = JSON.stringify(resource);
  const patchText = JSON.stringify(patch);
  const fast = applyStrategicMergePatch(resource, patch);
  const ref = referenceStrategicMergePatch(resource, patch);
  assert.equal(JSON.stringify(resource), resourceText, 'the resource was changed in place');
  assert.equal(JSON.stringify(patch), patchText, 'the patch was changed in place');
  assert.equal(fast.ok, ref.ok, `outcome differs for patch ${patchText}`);
  if (!fast.ok || !ref.ok) {
    assert.equal(fast.ok ? '' : fast.error, ref.ok ? '' : ref.error);
    return 'error';
  }
  assert.equal(JSON.stringify(fast.value), JSON.stringify(ref.value), `patched document differs for patch ${patchText}`);
  return JSON.stringify(ref.value) === resourceText ? 'unchanged' : 'changed';
}

test('every corpus patchStrategicMerge patches the bench and corpus resources exactly as the reference', { skip: policies.length === 0 && 'shared conformance data not present' }, () => {
  const patches = strategicPatches(policies);
  assert.ok(patches.length > 20, `expected many strategic merge patches, found ${patches.length}`);
  const seen = { error: 0, changed: 0, unchanged: 0 };
  for (const resource of [...benchResources, ...corpusResources]) {
    for (const patch of patches) seen[assertSamePatch(resource, patch)]++;
  }
  // The comparison covers all three outcomes, many times each.
  assert.ok(seen.changed > 1000 && seen.unchanged > 300, JSON.stringify(seen));
});

// Random patterns and resources from one small vocabulary, so that anchors meet the fields they name.
const KEYS = [
  'spec',
  'containers',
  'initContainers',
  'name',
  'image',
  'env',
  'value',
  'metadata',
  'labels',
  'annotations',
  'volumes',
  'emptyDir',
  'finalizers',
  'args',
  'constructor',
  '(name)',
  '(image)',
  '+(image)',
  '+(env)',
  '+(labels)',
  '<(name)',
  '<(image)',
  'X(image)',
  '=(name)',
  '^(containers)',
  '$patch',
];
const SCALARS: JsonValue[] = ['a', 'b', '*', 'a*', '(a)', '<(b)', '+(c)', 'merge', 'replace', 'delete', '', 1, 0, true, false, null];

const tree = fc.letrec<{ value: JsonValue; map: JsonObject; list: JsonValue[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom(...SCALARS), tie('map'), tie('list')),
  map: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }).map((m) => JSON.parse(JSON.stringify(m)) as JsonObject),
  list: fc.oneof(
    fc.array(tie('value'), { maxLength: 3 }),
    fc.array(
      fc.tuple(fc.constantFrom('a', 'b', 'c'), tie('map')).map(([name, m]) => ({ ...m, name })),
      { maxLength: 3 },
    ),
  ),
}));

const randomResource = fc
  .tuple(fc.constantFrom(['v1', 'Pod'], ['apps/v1', 'Deployment'], ['example.com/v1', 'Widget'], ['v1', 'ConfigMap']), tree.map)
  .map(([[apiVersion, kind], body]) => ({ ...body, apiVersion, kind }) as JsonObject);

test('random patterns patch random resources exactly as the reference, changing neither input', () => {
  const seen = { error: 0, changed: 0, unchanged: 0 };
  fc.assert(
    fc.property(fc.oneof(randomResource, fc.constantFrom(...benchResources, { apiVersion: 'v1', kind: 'Pod' })), tree.map, (resource, patch) => {
      seen[assertSamePatch(resource, patch)]++;
    }),
    fcParams(1500),
  );
  assert.ok(seen.changed > 100 && seen.unchanged > 50 && seen.error > 10, JSON.stringify(seen));
});

test('mutating with warm per-rule caches gives what a cold compile gives, and changes neither resource nor policy', { skip: policies.length === 0 && 'shared conformance data not present' }, () => {
  const compiled = policies.map((p) => compilePolicy(p));
  let mutated = 0;
  for (const resource of [...benchResources, ...corpusResources.filter((r) => r.kind === 'Pod' || r.kind === 'Deployment')]) {
    const resourceText = JSON.stringify(resource);
    for (const [i, c] of compiled.entries()) {
      const policyText = JSON.stringify(c.policy.raw);
      const first = mutatePolicy(c, resource as unknown as KubeObject, { operation: 'CREATE' });
      const warm = mutatePolicy(c, resource as unknown as KubeObject, { operation: 'CREATE' });
      const cold = mutatePolicy(compilePolicy(loadPolicy(structuredClone((policies[i] as Policy).raw)).policy as Policy), structuredClone(resource) as unknown as KubeObject, {
        operation: 'CREATE',
      });
      for (const r of [warm, cold]) {
        assert.deepEqual(r.rules, first.rules);
        assert.equal(JSON.stringify(r.patched), JSON.stringify(first.patched));
      }
      if (first.patched !== (resource as unknown as KubeObject)) mutated++;
      assert.equal(JSON.stringify(resource), resourceText, `${c.policy.name} changed its input`);
      assert.equal(JSON.stringify(c.policy.raw), policyText, `${c.policy.name} was changed by mutating`);
    }
  }
  assert.ok(mutated > 50, `only ${mutated} mutations`);
});
