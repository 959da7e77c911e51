// Issue 13 observation 1, as properties: keys `__proto__`, `constructor`, `prototype`, `toString`, … at every
// depth of resources, patterns, patches, JMESPath data, values files and AdmissionReviews are ordinary keys.
// Each case checks that the built-in prototypes are unchanged, and (metamorphic) that renaming those keys to
// plain ones (`__proto__` → `__proto__Q`, same byte order) gives the same answer once renamed back — any read
// of an inherited member, or write through one, breaks that equivalence.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { coalesceValues, mergeValueMaps } from '../../src/chart/values.js';
import { applySet } from '../../src/chart/set-values.js';
import type { KubeObject } from '../../src/kube/index.js';
import { compilePolicy, evaluatePolicy, loadPolicyList, mutatePolicy } from '../../src/kyverno/index.js';
import { searchJmespath } from '../../src/kyverno/jmespath/index.js';
import type { JsonObject, JsonValue } from '../../src/util/index.js';
import { createKyvernoEngine, handleReview, loadPolicyFiles } from '../../src/webhook/index.js';
import { fcParams } from '../helpers/fc.js';
import { assertPrototypesClean } from '../helpers/prototypes.js';

const SPECIAL = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;
const PLAIN = ['a', 'b', 'name', 'x-y'] as const;
const KEYS = [...SPECIAL, ...PLAIN];
const SPECIAL_RE = new RegExp(`(${SPECIAL.join('|')})`, 'g');
const RENAMED_RE = new RegExp(`(${SPECIAL.join('|')})Q`, 'g');

/** Renames the special names in keys and strings (the suffix keeps the byte order of every key). */
function rename(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(SPECIAL_RE, '$1Q');
  if (Array.isArray(v)) return v.map(rename);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [rename(k) as string, rename(x)]));
  return v;
}

/** JSON text of a renamed world's answer with the names restored. */
const restore = (text: string) => text.replace(RENAMED_RE, '$1');
const json = (v: unknown) => JSON.stringify(v) ?? 'undefined';

/** Runs f on the input and on its renamed twin; both answers must agree once restored. */
function sameWhenRenamed<I>(input: I, f: (i: I) => unknown): void {
  const a = json(capture(() => f(input)));
  assertPrototypesClean();
  const b = restore(json(capture(() => f(rename(input) as I))));
  assertPrototypesClean();
  assert.equal(a, b);
}

function capture(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    return { thrown: (e as Error).message };
  }
}

/** An object built by define-semantics (Object.fromEntries), so `__proto__` entries are own keys. */
const objectOf = <T>(key: fc.Arbitrary<string>, value: fc.Arbitrary<T>, maxKeys = 4) =>
  fc.array(fc.tuple(key, value), { maxLength: maxKeys }).map((entries) => Object.fromEntries(entries) as Record<string, T>);

const key = fc.constantFrom(...KEYS);
const scalar = fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom('', '*', '?*', 'a*', '!a', '1', 'true'), fc.integer({ min: -2, max: 3 }), fc.boolean(), fc.constant(null));

/** JSON trees whose map keys are mostly the special names, at every depth. */
const tree: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 3 }), objectOf(key, tie('node'))),
})).node;

const anchored = fc.tuple(fc.constantFrom('', '', '=', 'X', '(', '^', '<'), key).map(([a, k]) => (a === '' ? k : a === '(' ? `(${k})` : `${a}(${k})`));
const patternTree: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('node'), { maxLength: 2 }), objectOf(anchored, tie('node'), 3)),
})).node;

const labelMap = objectOf(fc.oneof(key, fc.constantFrom('con*', '*o*', '__*')), fc.oneof(fc.constantFrom(...KEYS), fc.constantFrom('?*', '*', 'x')), 3);
const stringMap = objectOf(key, fc.constantFrom(...KEYS, 'x/__proto__/subresource/y', '__proto__'), 3);

const pod = fc.record({ spec: tree, labels: stringMap, annotations: stringMap }).map(
  ({ spec, labels, annotations }) =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', labels, annotations }, spec: { containers: [{ name: 'c', image: 'i' }], extra: spec } }) as unknown as KubeObject,
);

const dotted = fc.array(key, { minLength: 1, maxLength: 4 }).map((ks) => ks.join('.'));
const pointer = fc.array(fc.oneof(key, fc.constantFrom('0', '-', '-1')), { minLength: 1, maxLength: 4 }).map((ks) => `/spec/extra/${ks.join('/')}`);
const op = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'test'), path: pointer, value: tree }),
  fc.record({ op: fc.constant('remove'), path: pointer }),
  fc.record({ op: fc.constantFrom('move', 'copy'), path: pointer, from: pointer }),
);

function policyOf(rules: unknown[]): ReturnType<typeof compilePolicy> | undefined {
  const loaded = loadPolicyList([{ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { validationFailureAction: 'Enforce', rules } } as unknown as KubeObject], () => 'p');
  const p = loaded.policies[0];
  return p ? compilePolicy(p) : undefined;
}

const match = { any: [{ resources: { kinds: ['Pod'] } }] };
const ctx = { operation: 'CREATE' as const, namespaceLabels: {} };

test('validate patterns, wildcard labels and deny conditions: special keys are plain keys (issue 13 obs. 1)', () => {
  const rules = fc.record({ pattern: patternTree, labels: labelMap, path: dotted, value: scalar, operator: fc.constantFrom('Equals', 'NotEquals', 'AnyIn', 'AllNotIn') });
  fc.assert(
    fc.property(rules, pod, (r, resource) => {
      sameWhenRenamed({ r, resource }, ({ r: x, resource: res }) => {
        const policy = policyOf([
          { name: 'pattern', match, validate: { message: 'm', pattern: { metadata: { '=(labels)': x.labels }, spec: { extra: x.pattern } } } },
          {
            name: 'deny',
            match,
            validate: { message: 'd {{ request.object.spec.extra.%s }}'.replace('%s', x.path), deny: { conditions: { any: [{ key: `{{ request.object.spec.extra.${x.path} }}`, operator: x.operator, value: x.value }] } } },
          },
        ]);
        return policy && evaluatePolicy(policy, res, ctx).rules.map((y) => [y.rule, y.status, y.message]);
      });
    }),
    fcParams(300),
  );
});

test('strategic merge and JSON6902 patches over special keys: same patched resource as plain keys (issue 13 obs. 1)', () => {
  const mutation = fc.record({ merge: patternTree, ops: fc.array(op, { minLength: 1, maxLength: 4 }) });
  fc.assert(
    fc.property(mutation, pod, (m, resource) => {
      sameWhenRenamed({ m, resource }, ({ m: x, resource: res }) => {
        const policy = policyOf([
          { name: 'merge', match, mutate: { patchStrategicMerge: { spec: { extra: x.merge } } } },
          { name: 'json6902', match, mutate: { patchesJson6902: JSON.stringify(x.ops) } },
          { name: 'template', match, mutate: { patchesJson6902: '[{"op":"add","path":"/metadata/labels/t-{{ request.object.metadata.annotations.a }}","value":"v"}]' } },
        ]);
        if (!policy) return undefined;
        const out = mutatePolicy(policy, res, ctx);
        return [out.patched, out.rules.map((y) => [y.rule, y.status, y.message])];
      });
    }),
    fcParams(300),
  );
});

test('JMESPath fields, projections and object functions over special keys (issue 13 obs. 1)', () => {
  const expr = fc.oneof(
    dotted,
    dotted.map((p) => `${p} || 'none'`),
    dotted.map((p) => `keys(${p} || \`{}\`)`),
    dotted.map((p) => `values(${p} || \`{}\`)`),
    dotted.map((p) => `merge(${p} || \`{}\`, @)`),
    dotted.map((p) => `items(${p} || \`{}\`, 'k', 'v')`),
    dotted.map((p) => `to_string(${p})`),
    dotted.map((p) => `*.${p}`),
    fc.tuple(key, dotted).map(([k, p]) => `{${k}: ${p}}`),
    dotted.map((p) => `[*].${p}`),
  );
  fc.assert(
    fc.property(expr, tree, (e, data) => {
      sameWhenRenamed({ e, data }, ({ e: x, data: d }) => {
        const v = searchJmespath(x, d);
        // Object results are plain objects: never Object.prototype or a function.
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) assert.equal(Object.getPrototypeOf(v), Object.prototype);
        assert.notEqual(typeof v, 'function');
        return v;
      });
    }),
    fcParams(500),
  );
});

test('values files (coalesce, merge) and --set paths over special keys (issue 13 obs. 1)', () => {
  const setArg = fc.tuple(fc.array(fc.oneof(key, key.map((k) => `${k}[0]`)), { minLength: 1, maxLength: 4 }), fc.constantFrom('1', 'x', 'true', '{a,b}')).map(([ks, v]) => `${ks.join('.')}=${v}`);
  fc.assert(
    fc.property(tree, tree, fc.array(setArg, { maxLength: 3 }), (d, u, sets) => {
      sameWhenRenamed({ d, u, sets }, ({ d: a, u: b, sets: s }) => {
        const objA = (a !== null && typeof a === 'object' && !Array.isArray(a) ? a : {}) as JsonObject;
        const objB = (b !== null && typeof b === 'object' && !Array.isArray(b) ? b : {}) as JsonObject;
        const merged = mergeValueMaps(objA, objB);
        const coalesced = coalesceValues(objA, objB);
        const set = structuredClone(coalesced);
        for (const arg of s) capture(() => applySet(set, arg));
        return [merged, coalesced, set];
      });
    }),
    fcParams(300),
  );
});

// Webhook decoding: arbitrary AdmissionReview bodies with special keys anywhere; a privileged pod is never
// allowed in enforce mode whatever else the review carries (the observation's allow-all).
const loaded = loadPolicyFiles([new URL('./testdata/team-label-json6902.yaml', import.meta.url).pathname]);
assert.ok(loaded.ok);
const engine = createKyvernoEngine(loaded.policies);

test('AdmissionReviews with special keys at every depth: decoded without pollution, privileged pods denied (issue 13 obs. 1)', () => {
  const review = fc.record({ extra: tree, user: objectOf(key, fc.array(fc.constantFrom(...KEYS), { maxLength: 2 }), 3), labels: stringMap, annotations: stringMap, scExtra: objectOf(key, tree, 2), body: fc.option(tree, { freq: 4 }) });
  fc.assert(
    fc.property(review, (r) => {
      const body = r.body ?? {
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        request: {
          uid: 'u',
          kind: { group: '', version: 'v1', kind: 'Pod' },
          resource: { group: '', version: 'v1', resource: 'pods' },
          namespace: 'default',
          operation: 'CREATE',
          // userInfo.extra as the API server sends it (map of string lists), with special keys.
          userInfo: { username: 'mallory', extra: r.user },
          object: {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'p', namespace: 'default', labels: r.labels, annotations: { ...r.annotations, 'example.com/team': r.annotations.a ?? 'x/__proto__/subresource/y' } },
            spec: { extra: r.extra, containers: [{ name: 'c', image: 'i', securityContext: { ...r.scExtra, privileged: true } }] },
          },
        },
      };
      const text = JSON.stringify(body);
      const handled = handleReview(JSON.parse(text), engine, { mode: 'enforce' });
      assertPrototypesClean();
      if (r.body === null) {
        assert.equal(handled.kind, 'review');
        assert.equal(handled.kind === 'review' && handled.review.response?.allowed, false, text);
      }
    }),
    fcParams(500),
  );
});
