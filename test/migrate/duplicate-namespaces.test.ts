// Two copies of one Namespace in a dump (two dumps concatenated): the snapshot kept the first silently,
// with only the loader's generic "given a second time" warning. Namespace labels decide namespaceSelector
// matches and the PSA labels, and a Terminating copy decides whether exclusions are made there: copies
// that differ in labels or in being deleted are a blocker of migrate run naming both; identical copies
// (another resourceVersion) are not.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const baseLabels = { 'kubernetes.io/metadata.name': 'ray-restricted', 'app.kubernetes.io/managed-by': 'Helm' };

const cases: { name: string; copy: Record<string, unknown>; blocks: boolean; why?: RegExp }[] = [
  {
    name: 'a copy with other labels (a PSA label added since)',
    copy: { metadata: { name: 'ray-restricted', resourceVersion: '999', labels: { ...baseLabels, 'pod-security.kubernetes.io/enforce': 'privileged' } }, status: { phase: 'Active' } },
    blocks: true,
    why: /labels/,
  },
  {
    name: 'a copy being deleted',
    copy: { metadata: { name: 'ray-restricted', resourceVersion: '999', labels: baseLabels, deletionTimestamp: '2024-10-01T10:00:00Z' }, status: { phase: 'Terminating' } },
    blocks: true,
    why: /Terminating|deletionTimestamp|deleted/,
  },
  {
    name: 'an identical copy of another resourceVersion',
    copy: { metadata: { name: 'ray-restricted', resourceVersion: '999', labels: baseLabels }, status: { phase: 'Active' } },
    blocks: false,
  },
];

for (const c of cases) {
  test(`migrate run: ${c.name} of a Namespace ${c.blocks ? 'is a blocker naming both copies' : 'is no blocker'}`, async () => {
    const base = mkdtempSync(join(tmpdir(), 'podgate-dup-ns-'));
    const cluster = join(base, 'cluster');
    cpSync(join(sample, 'cluster'), cluster, { recursive: true });
    writeFileSync(join(cluster, 'zz-second-dump.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Namespace', ...c.copy }] }));
    const out = join(base, 'out');
    const r = await runCli(['migrate', 'run', '--cluster', cluster, '--out-dir', out]);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { ready: boolean; blockers: string[] };
    const about = s.blockers.filter((b) => /Namespace ray-restricted/.test(b));
    if (c.blocks) {
      assert.equal(about.length, 1, s.blockers.join('\n'));
      assert.match(about[0] ?? '', /00-namespaces\.yaml/);
      assert.match(about[0] ?? '', /zz-second-dump\.json/);
      assert.match(about[0] ?? '', c.why ?? /./);
      assert.equal(s.ready, false);
      assert.equal(r.code, 1);
    } else {
      assert.deepEqual(about, []);
      assert.match(r.stderr, /Namespace ray-restricted is given a second time/);
    }
  });
}
