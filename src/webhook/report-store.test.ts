import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReportStore } from './report-store.js';
import type { PolicyVerdict } from './results.js';

const v = (policy: string, ns: string, name: string, status: 'pass' | 'fail'): PolicyVerdict => ({
  policy: { name: policy },
  resource: { kind: 'Pod', apiVersion: 'v1', ...(ns ? { namespace: ns } : {}), name },
  rules: [{ policy, rule: 'r', status, message: status === 'pass' ? 'rule passed' : 'no' }],
  action: 'Enforce',
  failurePolicy: 'Fail',
});

test('results aggregate into one report per namespace and policy, the latest per resource winning', () => {
  const s = new ReportStore({}, () => 1_000_000);
  s.record([v('p', 'a', 'x', 'fail'), v('q', 'a', 'x', 'pass')]);
  s.record([v('p', 'a', 'x', 'pass'), v('p', 'b', 'y', 'fail')]);
  const reports = s.reports();
  assert.deepEqual(
    reports.map((r) => [r.metadata.namespace, r.metadata.name, r.summary.pass, r.summary.fail]),
    [
      ['a', 'cpol-p', 1, 0],
      ['a', 'cpol-q', 1, 0],
      ['b', 'cpol-p', 0, 1],
    ],
  );
});

test('cluster-scoped resources go to a ClusterPolicyReport', () => {
  const s = new ReportStore();
  s.record([v('p', '', 'node-x', 'fail')]);
  assert.equal(s.reports()[0]?.kind, 'ClusterPolicyReport');
});

test('memory stays bounded: old resources and old reports are evicted and counted', () => {
  const s = new ReportStore({ maxResourcesPerReport: 3, maxReports: 2 });
  for (let i = 0; i < 10; i++) s.record([v('p', 'a', `pod-${i}`, 'fail')]);
  assert.equal(s.reports()[0]?.results.length, 3);
  s.record([v('p', 'b', 'x', 'fail')]);
  s.record([v('p', 'c', 'x', 'fail')]);
  assert.deepEqual(s.reports().map((r) => r.metadata.namespace), ['b', 'c']);
  assert.equal(s.evicted, 7 + 3);
});
