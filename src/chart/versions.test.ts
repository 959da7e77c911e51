import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PSP_REMOVAL_NOTE, versionMatrix } from './versions.js';

test('on Kubernetes 1.24 the newest safe choice is Kyverno 1.10 with charts 3.0.9 and 3.0.7 (the version podgate renders, not upstream 3.0.8)', () => {
  const m = versionMatrix('1.24');
  assert.deepEqual(m.newestSafe, { kyverno: '1.10', kyvernoChart: '3.0.9', kyvernoPoliciesChart: '3.0.7' });
  assert.equal(m.charts.find((c) => c.chart === 'kyverno-policies' && c.line === '3.0.x')?.upstreamNewer, '3.0.8');
  assert.deepEqual(
    m.kyverno.filter((r) => r.supported).map((r) => r.kyverno),
    ['1.8', '1.9', '1.10'],
  );
});

test('charts from kyverno 3.1.0 and kyverno-policies 3.2.0 refuse Kubernetes below 1.25', () => {
  const fit = (k8s: string) => versionMatrix(k8s).charts.map((c) => `${c.chart}@${c.line}:${c.installable}`);
  assert.deepEqual(fit('1.24'), ['kyverno@3.0.x:true', 'kyverno@3.1.x:false', 'kyverno@3.2.x:false', 'kyverno-policies@3.0.x:true', 'kyverno-policies@3.1.x:true', 'kyverno-policies@3.2.x:false']);
  assert.ok(versionMatrix('1.25').charts.every((c) => c.installable));
});

test('the upgrade path keeps Kyverno 1.10 on 1.25 (1.11 has no verified charts) and reaches 1.12 (3.2.6/3.2.5) on 1.26', () => {
  const [s25, s26, s27] = versionMatrix('1.24').upgradePath;
  assert.deepEqual(s25, {
    kubernetes: '1.25',
    before: { kyverno: '1.10', kyvernoChart: '3.0.9', kyvernoPoliciesChart: '3.0.7' },
    newest: { kyverno: '1.10', kyvernoChart: '3.0.9', kyvernoPoliciesChart: '3.0.7' },
    note: PSP_REMOVAL_NOTE,
  });
  assert.equal(s26?.newest?.kyvernoChart, '3.2.6');
  assert.equal(s26?.newest?.kyvernoPoliciesChart, '3.2.5');
  assert.equal(s27?.before?.kyverno, '1.12');
});

const tested: { k8s: string; newest: string | undefined }[] = [
  { k8s: '1.23.1', newest: undefined },
  // Kyverno 1.8 is tested on 1.23, but podgate verified no chart of it: nothing is recommended.
  { k8s: '1.23.3', newest: undefined },
  { k8s: 'v1.26.4', newest: '1.12' },
  { k8s: '1.29', newest: '1.12' },
  // Kyverno 1.13+ has no chart podgate renders and verified.
  { k8s: '1.35', newest: undefined },
  { k8s: '1.40', newest: undefined },
];
for (const c of tested) {
  test(`the newest tested Kyverno for Kubernetes ${c.k8s} is ${c.newest ?? 'none'}`, () => {
    assert.equal(versionMatrix(c.k8s).newestSafe?.kyverno, c.newest);
  });
}
