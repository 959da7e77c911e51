// Admission order: mutations first, policy after policy, then validation of the final object.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../kube/index.js';
import type { JsonObject } from '../../util/index.js';
import { type CompiledPolicy, compilePolicy, type EvaluationContext } from '../engine/index.js';
import { loadPolicy } from '../model/index.js';
import { admitResource } from './admit-resource.js';
import { applyJson6902Ops } from './json6902.js';

const match = 'match: {any: [{resources: {kinds: [Pod]}}]}';

function compiled(name: string, rule: string): CompiledPolicy {
  const doc = parse(`apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: ${name}}\nspec:\n  rules:\n  - ${rule}`) as KubeObject;
  const r = loadPolicy(doc);
  assert.ok(r.policy, JSON.stringify(r.errors));
  return compilePolicy(r.policy);
}

const defaultNonRoot = compiled('default-nonroot', `{name: nonroot, ${match}, mutate: {patchStrategicMerge: {spec: {securityContext: {+(runAsNonRoot): true}}}}}`);
const requireNonRoot = compiled('require-nonroot', `{name: nonroot, ${match}, validate: {message: nonroot, pattern: {spec: {securityContext: {runAsNonRoot: true}}}}}`);
const labelTeam = compiled('label-team', `{name: team, ${match}, mutate: {patchStrategicMerge: {metadata: {labels: {+(team): web}}}}}`);
const copyTeam = compiled('copy-team', `{name: owner, ${match}, mutate: {patchStrategicMerge: {metadata: {labels: {owner: '{{request.object.metadata.labels.team}}'}}}}}`);

const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns' }, spec: { containers: [{ name: 'a' }] } };

const cases: {
  name: string;
  policies: CompiledPolicy[];
  ctx?: EvaluationContext;
  want: { mutate: string[]; validate: string[]; labels?: Record<string, string> };
}[] = [
  {
    name: 'validation sees the default a mutate policy added, so the pod passes',
    policies: [defaultNonRoot, requireNonRoot],
    want: { mutate: ['default-nonroot/nonroot:pass'], validate: ['require-nonroot/nonroot:pass'] },
  },
  {
    name: 'mutations run first even when the validate policy comes first',
    policies: [requireNonRoot, defaultNonRoot],
    want: { mutate: ['default-nonroot/nonroot:pass'], validate: ['require-nonroot/nonroot:pass'] },
  },
  {
    name: 'without the mutate policy the same pod fails validation',
    policies: [requireNonRoot],
    want: { mutate: [], validate: ['require-nonroot/nonroot:fail'] },
  },
  {
    name: 'a later policy sees the earlier policy output as request.object',
    policies: [labelTeam, copyTeam],
    want: { mutate: ['label-team/team:pass', 'copy-team/owner:pass'], validate: [], labels: { team: 'web', owner: 'web' } },
  },
  {
    name: 'a DELETE is validated as is, without mutation',
    policies: [defaultNonRoot, requireNonRoot],
    ctx: { operation: 'DELETE' },
    want: { mutate: [], validate: [] },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const out = admitResource(c.policies, pod, c.ctx);
    assert.deepEqual(
      out.mutateResults.map((r) => `${r.policy}/${r.rule}:${r.status}`),
      c.want.mutate,
    );
    assert.deepEqual(
      out.validateResults.flatMap((p) => p.rules.map((r) => `${p.policy.name}/${r.rule}:${r.status}`)),
      c.want.validate,
    );
    if (c.want.labels) assert.deepEqual(out.patched.metadata?.labels, c.want.labels);
    // The returned patch turns the input into the patched object.
    const applied = applyJson6902Ops(pod as unknown as JsonObject, out.patch as unknown as JsonObject[]);
    assert.ok(applied.ok);
    assert.deepEqual(applied.value, out.patched);
  });
}

test('the input resource is never modified', () => {
  const before = structuredClone(pod);
  admitResource([defaultNonRoot, labelTeam], pod);
  assert.deepEqual(pod, before);
});
