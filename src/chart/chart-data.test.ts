import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import type { JsonObject } from '../util/index.js';
import { CHART_VERSIONS, chartData } from './chart-data.js';
import { extractChart } from './testdata/extract-template.js';

const reference = (v: string) => new URL(`../../../shared/reference/kyverno-policies-chart-${v}/`, import.meta.url).pathname;

for (const v of CHART_VERSIONS) {
  test(`the shipped data of chart ${v} is exactly what its templates hold`, { skip: !existsSync(reference(v)) && 'shared/reference not present' }, () => {
    assert.deepEqual(chartData(v), extractChart(reference(v)));
  });
}

test('both chart versions carry the same 18 policies and rules', () => {
  const shape = (v: (typeof CHART_VERSIONS)[number]) => chartData(v).policies.map((p) => `${p.group}/${p.name}:${p.rules.map((r) => r.name).join(',')}`);
  assert.equal(shape('3.0.7').length, 18);
  assert.deepEqual(shape('3.2.5'), shape('3.0.7'));
});

test('between 3.0.7 and 3.2.5 the policy bodies differ only in kind (a policyKind slot) and the skipBackgroundRequests slots', () => {
  const a = chartData('3.0.7').policies;
  const b = chartData('3.2.5').policies;
  a.forEach((p, i) => {
    const q = b[i]!;
    assert.equal(q.body.kind, null);
    assert.deepEqual(stripSkip({ ...q.body, kind: 'ClusterPolicy' }), p.body, p.name);
  });
});

/** Drops the skipBackgroundRequests slots 3.2.5 added to every rule. */
function stripSkip(body: JsonObject): JsonObject {
  const copy = structuredClone(body);
  for (const r of ((copy.spec as JsonObject).rules ?? []) as JsonObject[]) delete r.skipBackgroundRequests;
  return copy;
}

test('3.2.5 rules all gain a skipBackgroundRequests slot; 3.0.7 rules have none', () => {
  assert.ok(chartData('3.0.7').policies.every((p) => p.rules.every((r) => !r.skipBackgroundRequests)));
  assert.ok(chartData('3.2.5').policies.every((p) => p.rules.every((r) => r.skipBackgroundRequests)));
});
