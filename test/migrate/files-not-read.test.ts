// A --cluster folder is read for its .yaml/.yml/.json files (and a folder with cluster/ inside for that
// folder only): a dump saved as pods.txt, or put next to cluster/, was passed over without a word and the
// run said Ready. Every file left unread is named, in the run's summary too.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = 'examples/bcm-9.2-k8s-1.24';
const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: hidden, namespace: default}\nspec:\n  hostPID: true\n  containers: [{name: c, image: "busybox:1.36"}]\n';

const cases: { name: string; layout: (dir: string) => string; file: string }[] = [
  {
    name: 'a file of the folder with another extension',
    layout: (dir) => {
      cpSync(join(sample, 'cluster'), dir, { recursive: true });
      writeFileSync(join(dir, 'pods.txt'), pod);
      return dir;
    },
    file: 'pods.txt',
  },
  {
    name: 'a YAML file next to cluster/',
    layout: (dir) => {
      cpSync(join(sample, 'cluster'), join(dir, 'cluster'), { recursive: true });
      writeFileSync(join(dir, 'more-pods.yaml'), pod);
      return dir;
    },
    file: 'more-pods.yaml',
  },
];

for (const c of cases) {
  test(`migrate run --cluster: ${c.name} is named as not read, on stderr and in summary.json`, async () => {
    const base = mkdtempSync(join(tmpdir(), 'podgate-not-read-'));
    const dir = join(base, 'dump');
    mkdirSync(dir);
    const cluster = c.layout(dir);
    const out = join(base, 'out');
    const r = await runCli(['migrate', 'run', '--cluster', cluster, '--out-dir', out]);
    assert.match(r.stderr, new RegExp(`warning: .*${c.file.replace('.', '\\.')} .*not read`));
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { warnings: string[] };
    assert.ok(s.warnings.some((w) => w.includes(c.file) && /not read/.test(w)), s.warnings.join('\n'));
  });
}

test('migrate audit --cluster: hidden files and the sample\'s own layout give no such warning', async () => {
  const r = await runCli(['migrate', 'audit', '--cluster', sample]);
  assert.doesNotMatch(r.stderr, /not read/);
});
