// Properties of the engine as a whole: no resource or policy makes it throw or hang; wildcard matching
// stays fast on adversarial patterns; JMESPath functions that amplify their input are bounded.
// Failing cases found by these properties are kept as table tests at the end.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { type KubeObject, parseObjects } from '../../kube/index.js';
import { type JsonValue, wildcardMatch, wildcardWork } from '../../util/index.js';
import { JmespathError, MAX_FUNCTION_OUTPUT, searchJmespath } from '../jmespath/index.js';
import { isKyvernoPolicy, loadPolicy, type Policy } from '../model/index.js';
import { compilePolicy, compilePolicySet, evaluatePolicy } from './index.js';
import { fcParams } from '../../../test/helpers/fc.js';

const corpus = fileURLToPath(new URL('../../../../shared/conformance/kyverno-policies/', import.meta.url));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return name === '.kyverno-test' ? [] : yamlFiles(p);
      return name.endsWith('.yaml') ? [p] : [];
    });
}

/** Every validate policy of the corpus. */
function corpusPolicies(): Policy[] {
  if (!existsSync(corpus)) return [];
  const all: Policy[] = [];
  for (const file of yamlFiles(corpus)) {
    for (const { object } of parseObjects(readFileSync(file, 'utf8'), file).objects) {
      if (!isKyvernoPolicy(object)) continue;
      const p = loadPolicy(object).policy;
      if (p?.rules.some((r) => r.validate)) all.push(p);
    }
  }
  return all;
}

const allPolicies = corpusPolicies().map(compilePolicy);
/** Every 4th validate policy of the corpus (a fixed, spread-out sample). */
const policies = allPolicies.filter((_, i) => i % 4 === 0);
const fixedClock = () => new Date('2024-05-14T09:00:00Z');

const KINDS = ['Pod', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob', 'Service', 'ConfigMap', 'Namespace', 'Ingress', 'Secret'];
const API_VERSIONS: Record<string, string> = { Deployment: 'apps/v1', DaemonSet: 'apps/v1', StatefulSet: 'apps/v1', Job: 'batch/v1', CronJob: 'batch/v1', Ingress: 'networking.k8s.io/v1' };

const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('true', 'false', '0', '*', 'Default', 'RuntimeDefault', 'ALL', '1Gi', '500m'));
const securityContext = fc.record(
  {
    privileged: scalar,
    allowPrivilegeEscalation: scalar,
    runAsNonRoot: scalar,
    runAsUser: scalar,
    procMount: scalar,
    capabilities: fc.record({ add: fc.array(scalar, { maxLength: 3 }), drop: fc.oneof(fc.array(scalar, { maxLength: 3 }), scalar) }, { requiredKeys: [] }),
    seccompProfile: fc.record({ type: scalar }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const container = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 8 }), scalar),
    image: fc.oneof(fc.constantFrom('nginx', 'ghcr.io/a/b:1.2', 'x@sha256:00', 'localhost:5000/y'), scalar),
    securityContext: fc.oneof(securityContext, scalar),
    ports: fc.array(fc.record({ containerPort: scalar, hostPort: scalar }, { requiredKeys: [] }), { maxLength: 2 }),
    resources: fc.record({ limits: fc.dictionary(fc.constantFrom('cpu', 'memory'), scalar) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const podSpec = fc.record(
  {
    containers: fc.oneof(fc.array(container, { maxLength: 3 }), scalar),
    initContainers: fc.array(container, { maxLength: 2 }),
    volumes: fc.array(fc.record({ name: scalar, hostPath: fc.record({ path: scalar }), emptyDir: fc.constant({}) }, { requiredKeys: [] }), { maxLength: 3 }),
    hostNetwork: scalar,
    hostPID: scalar,
    securityContext: fc.oneof(securityContext, scalar),
    extra: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);
const metadata = fc.record(
  {
    name: fc.string({ maxLength: 10 }),
    namespace: fc.constantFrom('default', 'kube-system', 'gpu-operator', 'x-restricted', ''),
    labels: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
    annotations: fc.dictionary(fc.constantFrom('a', 'container.apparmor.security.beta.kubernetes.io/c', 'pod-policies.kyverno.io/autogen-controllers'), fc.string({ maxLength: 8 }), {
      maxKeys: 2,
    }),
  },
  { requiredKeys: ['name'] },
);
const resource: fc.Arbitrary<KubeObject> = fc.record({ kind: fc.constantFrom(...KINDS), metadata, spec: podSpec }).map(({ kind, metadata: m, spec }) => {
  const template = { metadata: { labels: m.labels ?? {} }, spec };
  const body = kind === 'Pod' ? spec : kind === 'CronJob' ? { schedule: '* * * * *', jobTemplate: { spec: { template } } } : { template };
  return { apiVersion: API_VERSIONS[kind] ?? 'v1', kind, metadata: m, spec: body } as unknown as KubeObject;
});

/** Evaluates; any throw fails the property. How long evaluations take is measured by bench/pathological.ts. */
function evaluateOnce(p: Parameters<typeof evaluatePolicy>[0], r: KubeObject, operation: 'CREATE' | 'DELETE' = 'CREATE') {
  return evaluatePolicy(p, r, { operation, clock: fixedClock, namespaceLabels: { 'kubernetes.io/metadata.name': r.metadata?.namespace ?? '' } });
}

test('corpus policies never throw on arbitrary pods and controllers, and answer with known statuses', { skip: policies.length === 0 && 'conformance corpus not found' }, () => {
  fc.assert(
    fc.property(resource, fc.nat(), fc.boolean(), (r, pick, del) => {
      const p = policies[pick % policies.length];
      assert.ok(p);
      for (const rule of evaluateOnce(p, r, del ? 'DELETE' : 'CREATE').rules) assert.ok(['pass', 'fail', 'warn', 'error', 'skip'].includes(rule.status), rule.status);
    }),
    fcParams(400),
  );
});

test('the policy set’s kind index never leaves out a corpus policy that answers for a resource', { skip: allPolicies.length === 0 && 'conformance corpus not found' }, () => {
  const set = compilePolicySet(allPolicies);
  fc.assert(
    fc.property(resource, fc.boolean(), (r, del) => {
      const candidates = new Set(set.candidates(r.kind).validate);
      for (const p of allPolicies) {
        if (candidates.has(p)) continue;
        assert.deepEqual(evaluateOnce(p, r, del ? 'DELETE' : 'CREATE').rules, [], `${p.policy.name} answers for a ${r.kind} it was not a candidate for`);
      }
    }),
    fcParams(40),
  );
});

const anchorKey = fc.tuple(fc.constantFrom('', '=', 'X', '^', '<', '+', '('), fc.constantFrom('spec', 'containers', 'securityContext', 'privileged', 'volumes', 'hostPath', 'metadata', 'labels', 'name', '*')).map(
  ([prefix, key]) => (prefix === '' ? key : prefix === '(' ? `(${key})` : `${prefix}(${key})`),
);
const patternTree: fc.Arbitrary<JsonValue> = fc.letrec<{ node: JsonValue }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar as fc.Arbitrary<JsonValue>,
    fc.constantFrom('?*', '>0', '<=10 & !5', '1-5', 'a | b', '!null', '{{ request.object.metadata.name }}', '{{ element.name }}', '$(./name)', '{{ to_upper(@) }}'),
    fc.dictionary(anchorKey, tie('node'), { maxKeys: 3 }),
    fc.array(tie('node'), { maxLength: 2 }),
  ),
})).node;
const condition = fc.record({
  key: fc.oneof(scalar, fc.constantFrom('{{ request.object.spec.containers[].name }}', '{{ request.operation }}', '{{ images }}', '{{ bad(( }}')),
  operator: fc.oneof(fc.constantFrom('Equals', 'NotEquals', 'In', 'AnyIn', 'AllNotIn', 'GreaterThan', 'DurationLessThan', 'Unknown'), scalar),
  value: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }) as fc.Arbitrary<JsonValue>),
});
const conditions = fc.record({ any: fc.array(condition, { maxLength: 2 }), all: fc.array(condition, { maxLength: 2 }) }, { requiredKeys: [] });
const validate = fc.oneof(
  fc.record({ message: fc.oneof(fc.string({ maxLength: 10 }), fc.constant('{{ request.object.kind }} no')), pattern: patternTree }),
  fc.record({ anyPattern: fc.oneof(fc.array(patternTree, { maxLength: 2 }), patternTree) }),
  fc.record({ deny: fc.record({ conditions: fc.oneof(conditions, fc.array(condition, { maxLength: 2 }) as fc.Arbitrary<unknown>) }) }),
  fc.record({
    foreach: fc.array(
      fc.record(
        {
          list: fc.constantFrom('request.object.spec.containers', 'request.object.spec.[initContainers, containers][]', 'bad((', '`[1,2]`'),
          pattern: patternTree,
          deny: fc.record({ conditions }),
          elementScope: fc.boolean(),
          foreach: fc.constant([{ list: 'element.ports', deny: { conditions: { any: [{ key: '{{ element.hostPort }}', operator: 'Equals', value: 1 }] } } }]),
        },
        { requiredKeys: ['list'] },
      ),
      { maxLength: 2 },
    ),
  }),
  fc.anything() as fc.Arbitrary<unknown>,
);
const rule = fc.record(
  {
    name: fc.oneof(fc.string({ maxLength: 10 }), scalar),
    match: fc.oneof(
      fc.record({ any: fc.array(fc.record({ resources: fc.record({ kinds: fc.array(fc.constantFrom(...KINDS, '*', 'apps/v1/*', 'Pod/status', '*/*'), { maxLength: 2 }) }) }), { maxLength: 2 }) }),
      fc.record({ resources: fc.record({ kinds: fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }), namespaces: fc.array(fc.constantFrom('*-restricted', 'default', '*'), { maxLength: 2 }) }, { requiredKeys: [] }) }),
      fc.anything() as fc.Arbitrary<unknown>,
    ),
    exclude: fc.record({ any: fc.array(fc.record({ resources: fc.record({ namespaces: fc.array(fc.constantFrom('kube-system', '*-restricted'), { maxLength: 2 }) }) }), { maxLength: 1 }) }),
    preconditions: fc.oneof(conditions, fc.array(condition, { maxLength: 1 }) as fc.Arbitrary<unknown>),
    context: fc.array(fc.record({ name: fc.string({ maxLength: 6 }), variable: fc.record({ jmesPath: fc.constantFrom('request.object.metadata.name', 'nope((', '`1`'), default: scalar }, { requiredKeys: [] }) }), { maxLength: 2 }),
    validate,
  },
  { requiredKeys: ['name', 'match'] },
);
const policyObject = fc.record(
  {
    apiVersion: fc.constantFrom('kyverno.io/v1', 'kyverno.io/v2beta1'),
    kind: fc.constantFrom('ClusterPolicy', 'Policy'),
    metadata: fc.record({ name: fc.string({ maxLength: 8 }), namespace: fc.constantFrom('default', 'gpu-operator'), annotations: fc.dictionary(fc.constantFrom('pod-policies.kyverno.io/autogen-controllers', 'x'), fc.constantFrom('none', 'Deployment', 'DaemonSet,CronJob', '')) }, { requiredKeys: [] }),
    spec: fc.record(
      {
        validationFailureAction: fc.oneof(fc.constantFrom('Enforce', 'audit', 'enforce', 'Audit'), scalar),
        validationFailureActionOverrides: fc.array(fc.record({ action: fc.constantFrom('Enforce', 'Audit'), namespaces: fc.array(fc.constantFrom('*', 'gpu-*'), { maxLength: 2 }) }), { maxLength: 1 }),
        background: scalar,
        applyRules: fc.constantFrom('One', 'All'),
        rules: fc.oneof(fc.array(rule, { maxLength: 3 }), scalar as fc.Arbitrary<unknown>),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ['apiVersion', 'kind', 'spec'] },
);

test('policy-shaped objects never make loadPolicy or evaluatePolicy throw', () => {
  fc.assert(
    fc.property(policyObject, resource, (obj, r) => {
      const loaded = loadPolicy(obj as unknown as KubeObject);
      if (loaded.policy) evaluateOnce(compilePolicy(loaded.policy), r);
    }),
    fcParams(500),
  );
});

test('arbitrary values never make loadPolicy throw', () => {
  fc.assert(
    fc.property(fc.anything(), (v) => {
      loadPolicy({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: v } as unknown as KubeObject);
    }),
    fcParams(300),
  );
});

/** A reference matcher for short inputs: the wildcard pattern as an escaped, anchored RegExp. */
function referenceMatch(pattern: string, text: string): boolean {
  const source = [...pattern].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'))).join('');
  return new RegExp(`^${source}$`, 'u').test(text);
}

test('wildcard matching agrees with an escaped regex on short strings', () => {
  const alphabet = fc.constantFrom('a', 'b', '*', '?', '.', '(', '\\');
  fc.assert(
    fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(fc.constantFrom('a', 'b', '.', '('), { maxLength: 10 }), (p, t) => {
      assert.equal(wildcardMatch(p.join(''), t.join('')), referenceMatch(p.join(''), t.join('')));
    }),
    fcParams(2000),
  );
});

/** wildcardMatch's verdict and its work (characters compared or scanned, see util/wildcard.ts). */
function countedMatch(pattern: string, text: string): { matched: boolean; work: number } {
  const before = wildcardWork();
  const matched = wildcardMatch(pattern, text);
  return { matched, work: wildcardWork() - before };
}

// Work counts instead of timings (a busy machine cannot make these fail): without `?` the matcher scans
// the text a bounded number of times; with `?` each candidate costs at most its piece's length.
test('wildcard matching does linear work for random patterns on 20 000-character inputs', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 40 }), fc.constantFrom('a', 'ab', 'aab'), (p, unit) => {
      const pattern = p.join('');
      const text = unit.repeat(Math.ceil(20_000 / unit.length));
      const { work } = countedMatch(pattern, text);
      const longestPiece = Math.max(0, ...pattern.split('*').map((piece) => piece.length));
      const bound = (pattern.includes('?') ? longestPiece + 2 : 4) * (pattern.length + text.length);
      assert.ok(work <= bound, `${pattern}: ${work} > ${bound}`);
    }),
    fcParams(200),
  );
});

const adversarialWildcards = [
  { name: 'many stars before a missing suffix', pattern: `${'*a'.repeat(50)}b`, text: 'a'.repeat(100_000) },
  { name: 'a long literal segment that almost matches everywhere', pattern: `*${'a'.repeat(200)}b*`, text: 'a'.repeat(100_000) },
  { name: 'question marks between stars', pattern: `*${'?*'.repeat(100)}c`, text: 'ab'.repeat(50_000) },
  { name: 'question marks inside a piece', pattern: `*${'a?'.repeat(20)}b*`, text: 'a'.repeat(100_000), factor: 42 },
];
for (const c of adversarialWildcards) {
  test(`wildcard: ${c.name} is decided with work linear in the input`, () => {
    const { matched, work } = countedMatch(c.pattern, c.text);
    assert.equal(matched, false);
    // A piece with `?` costs at most its length per candidate position.
    assert.ok(work <= (c.factor ?? 4) * (c.pattern.length + c.text.length), `work ${work}`);
  });
}

// Found by hand while checking the JMESPath guard: each of these built strings of 100 MB to many GB
// (pad_left took 25 s) before guard.ts bounded function outputs.
const amplifications = [
  { name: 'pad_left to a huge width', expr: "pad_left('a', `100000000`, 'x')", fn: 'pad_left' },
  { name: 'nested replace_all growing four times per level', expr: `${'replace_all('.repeat(14)}'aaaa'${",'a','aaaa')".repeat(14)}`, fn: 'replace_all' },
  { name: 'join over a multiselect of the same string, doubling per pipe', expr: `'ab'${" | join('', [@, @])".repeat(40)}`, fn: 'join' },
  { name: 'to_string over shared references doubling per pipe', expr: `${'[@,@] | '.repeat(30)}to_string(@)`, fn: 'to_string' },
  { name: 'nested base64_encode', expr: `${'base64_encode('.repeat(60)}'abcdef'${')'.repeat(60)}`, fn: 'base64_encode' },
];
for (const c of amplifications) {
  // The bounded-output error is what keeps these fast (no string past the bound is ever built);
  // bench/pathological.ts times them.
  test(`jmespath: ${c.name} fails with a bounded-output error`, () => {
    assert.throws(() => searchJmespath(c.expr, {}), (e: unknown) => e instanceof JmespathError && e.message === `JMESPath function '${c.fn}': result longer than ${MAX_FUNCTION_OUTPUT} characters`);
  });
}

test('jmespath: the bounded built-ins keep their results below the bound', () => {
  assert.equal(searchJmespath("pad_left('ab', `5`, '-')", {}), '---ab');
  assert.equal(searchJmespath("pad_right('ab', `4`)", {}), 'ab  ');
  assert.equal(searchJmespath("join(', ', ['a', 'b'])", {}), 'a, b');
  assert.equal(searchJmespath('to_string(`{"a":[1,true]}`)', {}), '{"a":[1,true]}');
  assert.equal(searchJmespath("replace_all('aXbX', 'X', 'YY')", {}), 'aYYbYY');
});

const stringExpr = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom("'abc'", '@', "'x'", 'to_string(@)'),
    tie('e').map((x) => `pad_left(${x}, \`1000\`, 'p')`),
    tie('e').map((x) => `replace_all(${x}, 'a', 'aaaaaaaaaa')`),
    tie('e').map((x) => `join('', [${x}, ${x}, ${x}])`),
    tie('e').map((x) => `base64_encode(${x})`),
    tie('e').map((x) => `to_upper(${x})`),
    tie('e').map((x) => `truncate(${x}, \`20\`)`),
  ),
})).e;

test('jmespath: compositions of string-building functions stay within the output bound or fail with JmespathError', () => {
  fc.assert(
    fc.property(stringExpr, fc.nat(5), (expr, pipes) => {
      const full = `${expr}${` | ${expr.replaceAll("'abc'", '@')}`.repeat(pipes)}`;
      try {
        const out = searchJmespath(full, 'seed');
        assert.ok(typeof out !== 'string' || out.length <= MAX_FUNCTION_OUTPUT, `${full}: ${String(out).length} characters`);
      } catch (e) {
        assert.ok(e instanceof JmespathError, String(e));
      }
    }),
    fcParams(150),
  );
});
