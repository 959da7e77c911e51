// Context entries that share a name, answered as Kyverno stores them (the same in v1.10.7 and v1.12.5).
// The JSON context is one document; each entry is merged into it with evanphx/json-patch
// MergeMergePatches (pkg/engine/context/context.go addJSON). A `variable` goes through
// ReplaceContextEntry (a null under the name first, then the value: the second value wins whole); a
// `configMap`, `apiCall` or `imageRegistry` goes through AddContextEntry (the value is merged into what
// the name holds: maps key by key, a null member kept as null, lists and scalars replaced, and a map put
// over a non-map loses its null members). A name is one key, dots and all (addToContext with one tag);
// values-file keys (AddVariable) are split into a path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../kube/index.js';
import type { JsonObject, JsonValue } from '../../util/index.js';
import { loadPolicy, type ContextEntry } from '../model/index.js';
import { loadContext } from './context-loader.js';
import { evaluatePolicy } from './evaluate.js';
import type { ContextResolver } from './types.js';

// ConfigMaps by name (namespace default) and API calls by urlPath, as a cluster would answer them.
const configMaps: Record<string, JsonValue> = {
  one: { data: { a: '1', b: '2' }, metadata: { name: 'one', labels: { team: 'x' } } },
  two: { data: { b: '20', c: '30' }, metadata: { name: 'two' } },
};
const apiResults: Record<string, JsonValue> = {
  map: { kind: 'List', items: [1, 2], spec: { x: 1 } },
  mapWithNulls: { spec: { x: null, y: 2 }, status: null },
  list: ['p', 'q'],
  null: null,
};
const resolve: ContextResolver = (entry) => {
  if (entry.configMap) return configMaps[entry.configMap.name];
  const path = entry.apiCall?.urlPath;
  return typeof path === 'string' && Object.hasOwn(apiResults, path) ? apiResults[path] : undefined;
};
const cm = (name: string, cmName: string): ContextEntry => ({ name, configMap: { name: cmName, namespace: 'default' } });
const api = (name: string, urlPath: string): ContextEntry => ({ name, apiCall: { urlPath } });
const variable = (name: string, value: JsonValue): ContextEntry => ({ name, variable: { value } });

const cases: { name: string; entries: ContextEntry[]; ruleValues?: Record<string, JsonValue>; key: string; want: JsonValue | undefined; also?: Record<string, JsonValue> }[] = [
  // ReplaceContextEntry: the last variable wins whole.
  { name: 'two variables: the second replaces the first', entries: [variable('x', { a: 1, b: 2 }), variable('x', { b: 3 })], key: 'x', want: { b: 3 } },
  { name: 'a variable after a configMap replaces it', entries: [cm('x', 'one'), variable('x', { z: 1 })], key: 'x', want: { z: 1 } },
  { name: 'a variable keeps its own null members', entries: [variable('x', { a: 1 }), variable('x', { a: null, b: 1 })], key: 'x', want: { a: null, b: 1 } },
  { name: 'a variable replaces a values-file path', entries: [variable('x', { z: 1 })], ruleValues: { 'x.y': 'v' }, key: 'x', want: { z: 1 } },
  // AddContextEntry: merged into what the name holds.
  {
    name: 'two configMaps: data and metadata merge key by key, the second wins on shared keys',
    entries: [cm('x', 'one'), cm('x', 'two')],
    key: 'x',
    want: { data: { a: '1', b: '20', c: '30' }, metadata: { name: 'two', labels: { team: 'x' } } },
  },
  {
    name: 'a configMap after a map variable keeps the variable keys it does not have',
    entries: [variable('x', { keep: true, data: { a: 'v' } }), cm('x', 'two')],
    key: 'x',
    want: { keep: true, data: { a: 'v', b: '20', c: '30' }, metadata: { name: 'two' } },
  },
  { name: 'a configMap after a scalar variable replaces it', entries: [variable('x', 'text'), cm('x', 'two')], key: 'x', want: { data: { b: '20', c: '30' }, metadata: { name: 'two' } } },
  {
    name: 'a configMap merges into a values-file path of the same name',
    entries: [cm('x', 'two')],
    ruleValues: { 'x.data.z': 'from-values' },
    key: 'x',
    want: { data: { z: 'from-values', b: '20', c: '30' }, metadata: { name: 'two' } },
  },
  { name: 'an apiCall map merges into a map', entries: [variable('x', { kind: 'Pod', spec: { y: 2 } }), api('x', 'map')], key: 'x', want: { kind: 'List', items: [1, 2], spec: { y: 2, x: 1 } } },
  { name: 'an apiCall list replaces a map', entries: [variable('x', { a: 1 }), api('x', 'list')], key: 'x', want: ['p', 'q'] },
  { name: 'an apiCall map with nulls merged into a map keeps them as null', entries: [variable('x', { spec: { x: 1, z: 3 } }), api('x', 'mapWithNulls')], key: 'x', want: { spec: { x: null, y: 2, z: 3 }, status: null } },
  { name: 'an apiCall map with nulls over a list loses its null members', entries: [variable('x', [1]), api('x', 'mapWithNulls')], key: 'x', want: { spec: { y: 2 } } },
  { name: 'an apiCall map with nulls under a new name keeps them', entries: [api('x', 'mapWithNulls')], key: 'x', want: { spec: { x: null, y: 2 }, status: null } },
  { name: 'an apiCall null sets the name to null', entries: [variable('x', { a: 1 }), api('x', 'null')], key: 'x', want: null },
  // A name is one key: `a.b` does not touch `a`.
  { name: 'a dotted variable name is its own key next to a', entries: [variable('a', { b: 1 }), variable('a.b', 2)], key: 'a', want: { b: 1 }, also: { 'a.b': 2 } },
  { name: 'a dotted configMap name is its own key next to a', entries: [variable('a', { b: 1 }), cm('a.b', 'two')], key: 'a', want: { b: 1 }, also: { 'a.b': { data: { b: '20', c: '30' }, metadata: { name: 'two' } } } },
];

for (const c of cases) {
  test(`context entries sharing a name: ${c.name}`, () => {
    const base: JsonObject = { request: { operation: 'CREATE' } };
    const r = loadContext(base, { entries: c.entries, resolve, isDelete: false, ...(c.ruleValues ? { ruleValues: c.ruleValues } : {}) });
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.deepEqual(r.data[c.key], c.want);
    for (const [k, v] of Object.entries(c.also ?? {})) assert.deepEqual(r.data[k], v);
    // The context given is left as it was.
    assert.deepEqual(base, { request: { operation: 'CREATE' } });
    for (const v of Object.values(configMaps)) assert.ok(!Object.hasOwn(v as JsonObject, 'keep'));
  });
}

// A foreach's own context on top of the rule's: the same two stores, per element.
const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
function foreachPolicy(ruleContext: ContextEntry[], foreachContext: ContextEntry[], show: string, want: string) {
  const r = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: {
      validationFailureAction: 'Enforce',
      rules: [
        {
          name: 'r',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          context: ruleContext,
          validate: { foreach: [{ list: 'request.object.spec.containers', context: foreachContext, deny: { conditions: { all: [{ key: show, operator: 'Equals', value: want }] } } }] },
        },
      ],
    },
  });
  assert.deepEqual(r.errors, []);
  assert.ok(r.policy);
  return r.policy;
}

const foreachCases: { name: string; rule: ContextEntry[]; foreach: ContextEntry[]; show: string; want: string }[] = [
  { name: 'a foreach variable replaces the rule variable of its name', rule: [variable('x', { a: 1, b: 2 })], foreach: [variable('x', { b: 3 })], show: "{{ x.a || 'none' }}-{{ x.b }}", want: 'none-3' },
  { name: 'a foreach configMap merges into the rule configMap of its name', rule: [cm('x', 'one')], foreach: [cm('x', 'two')], show: '{{ x.data.a }}-{{ x.data.b }}-{{ x.data.c }}', want: '1-20-30' },
  { name: 'a foreach variable named element replaces the element', rule: [], foreach: [variable('element', { name: 'mine' })], show: '{{ element.name }}', want: 'mine' },
];

for (const c of foreachCases) {
  test(`foreach context sharing a name: ${c.name}`, () => {
    // The deny condition holds exactly when the value is the wanted one: the rule fails then.
    const r = evaluatePolicy(foreachPolicy(c.rule, c.foreach, c.show, c.want), pod, { resolveContext: resolve });
    assert.equal(r.rules[0]?.status, 'fail', r.rules[0]?.message);
  });
}
