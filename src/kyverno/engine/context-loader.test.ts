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
import { mutatePolicy } from '../mutate/index.js';
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

// An entry whose load fails is an error of the query that reads it (Kyverno loads it then: deferred
// loading, on by default in v1.10.7 and v1.12.5), matched as pkg/engine/context/deferred.go matches a
// query: the name after the start, a space or a character other than `.`, a digit or a letter, and
// before a word boundary. A rule that never reads it is evaluated as usual; a read in preconditions is an
// error as any unresolvable precondition variable is.
function ruleReading(context: ContextEntry[], key: string, where: 'deny' | 'preconditions' = 'deny') {
  const cond = { all: [{ key, operator: 'Equals', value: 'yes' }] };
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
          context,
          ...(where === 'preconditions' ? { preconditions: cond, validate: { deny: {} } } : { validate: { deny: { conditions: cond } } }),
        },
      ],
    },
  });
  assert.deepEqual(r.errors, []);
  assert.ok(r.policy);
  return r.policy;
}
const missing = cm('gone', 'absent');
const resolveMissing: ContextResolver = (entry) => (entry.configMap?.name === 'absent' ? new Error('failed to get configmap default/absent : configmaps "absent" not found') : resolve(entry));
const nullVar: ContextEntry = { name: 'gone', variable: { jmesPath: 'request.object.metadata.labels.none' } };
const loadError = /failed to retrieve config map for context entry gone: failed to get configmap default\/absent/;
const nilError = /unable to add context entry for variable gone since it evaluated to nil/;

const failedCases: { name: string; entries: ContextEntry[]; key: string; where?: 'deny' | 'preconditions'; status: string; message?: RegExp }[] = [
  { name: 'never read: the rule is decided as usual', entries: [missing], key: "{{ request.object.metadata.name || 'x' }}", status: 'pass' },
  { name: 'a variable evaluating to nil, never read', entries: [nullVar], key: 'yes', status: 'fail' },
  { name: '`gone.data.x` reads it', entries: [missing], key: '{{ gone.data.x }}', status: 'error', message: loadError },
  { name: '`gone` alone reads it', entries: [nullVar], key: '{{ gone }}', status: 'error', message: nilError },
  { name: "`'a' || gone` reads it", entries: [missing], key: "{{ 'a' || gone }}", status: 'error', message: loadError },
  { name: '`length(gone)` reads it', entries: [missing], key: '{{ length(gone) }}', status: 'error', message: loadError },
  { name: '`gone_too` does not read it (no word boundary)', entries: [missing, variable('gone_too', 'yes')], key: '{{ gone_too }}', status: 'fail' },
  { name: '`gonex` does not read it', entries: [missing, variable('gonex', 'yes')], key: '{{ gonex }}', status: 'fail' },
  { name: '`x.gone` does not read it (after a dot)', entries: [missing, variable('x', { gone: 'yes' })], key: '{{ x.gone }}', status: 'fail' },
  { name: 'a later variable reading it by jmesPath fails in turn when read', entries: [missing, { name: 'y', variable: { jmesPath: 'gone.data' } }], key: '{{ y }}', status: 'error', message: loadError },
  { name: 'a later variable reading it in its value fails in turn when read', entries: [missing, { name: 'y', variable: { value: '{{ gone.data.x }}' } }], key: '{{ y }}', status: 'error', message: loadError },
  { name: 'a later variable reading it, itself never read', entries: [missing, { name: 'y', variable: { jmesPath: 'gone.data' } }], key: 'yes', status: 'fail' },
  { name: 'read in preconditions', entries: [missing], key: '{{ gone.data.x }}', where: 'preconditions', status: 'error', message: /^failed to evaluate preconditions: .*failed to retrieve config map for context entry gone/ },
  { name: 'preconditions that do not read it', entries: [missing], key: "{{ request.object.metadata.name || 'x' }}", where: 'preconditions', status: 'skip' },
];

for (const c of failedCases) {
  test(`a context entry that failed to load: ${c.name}`, () => {
    const r = evaluatePolicy(ruleReading(c.entries, c.key, c.where), pod, { resolveContext: resolveMissing });
    assert.equal(r.rules[0]?.status, c.status, r.rules[0]?.message);
    if (c.message) assert.match(r.rules[0]?.message ?? '', c.message);
  });
}

test('a failed entry leaves no key in the context and loadContext itself succeeds', () => {
  const base: JsonObject = { request: { operation: 'CREATE' } };
  const r = loadContext(base, { entries: [missing, variable('x', 1)], resolve: resolveMissing, isDelete: false });
  assert.ok(r.ok);
  assert.deepEqual(Object.keys(r.data), ['request', 'x']);
  assert.deepEqual(JSON.parse(JSON.stringify(r.data)), { request: { operation: 'CREATE' }, x: 1 });
  assert.deepEqual(base, { request: { operation: 'CREATE' } });
});

// A foreach list that reads a failed entry fails as a query of it does: a validate foreach skips that
// declaration (validateForEach logs a list it cannot evaluate and goes on), a mutate foreach is an error.
function foreachReading(list: string, kind: 'validate' | 'mutate') {
  const each = { list, ...(kind === 'validate' ? { deny: { conditions: { all: [{ key: 'x', operator: 'Equals', value: 'x' }] } } } : { patchStrategicMerge: { metadata: { labels: { seen: 'yes' } } } }) };
  const r = loadPolicy({
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p' },
    spec: { validationFailureAction: 'Enforce', rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, context: [missing], [kind]: { foreach: [each] } }] },
  });
  assert.deepEqual(r.errors, []);
  assert.ok(r.policy);
  return r.policy;
}
const foreachFailedCases: { name: string; list: string; kind: 'validate' | 'mutate'; status: string; message?: RegExp }[] = [
  { name: 'validate: a list reading it is skipped', list: 'gone.data.items', kind: 'validate', status: 'skip' },
  { name: 'validate: a list not reading it is evaluated', list: 'request.object.spec.containers', kind: 'validate', status: 'fail' },
  { name: 'mutate: a list reading it is an error', list: 'gone.data.items', kind: 'mutate', status: 'error', message: loadError },
  { name: 'mutate: a list not reading it is evaluated', list: 'request.object.spec.containers', kind: 'mutate', status: 'pass' },
];
for (const c of foreachFailedCases) {
  test(`a context entry that failed to load, foreach: ${c.name}`, () => {
    const policy = foreachReading(c.list, c.kind);
    const r = c.kind === 'validate' ? evaluatePolicy(policy, pod, { resolveContext: resolveMissing }) : mutatePolicy(policy, pod, { resolveContext: resolveMissing });
    assert.equal(r.rules[0]?.status, c.status, r.rules[0]?.message);
    if (c.message) assert.match(r.rules[0]?.message ?? '', c.message);
  });
}
