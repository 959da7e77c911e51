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

// A values file (or a policy, users or exception file) kept beside cluster/ and given through its own
// option is read by the command: naming it as "not read" was a false warning. A file beside cluster/
// that no option names is still named.
const SUPPORT_USER = 'apiVersion: podgate.io/v1\nkind: PermissionUser\nmetadata: {name: ann}\nspec: {uid: 3000, gid: 3000, releaseId: annn1111, home: /home/ann, namespaces: [ann-restricted], hostPaths: [{pathPrefix: /home/ann, readOnly: false}]}\n';
const SUPPORT_POLICY = 'apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: extra-check}\nspec:\n  validationFailureAction: Audit\n  background: false\n  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n    validate: {message: m, pattern: {metadata: {name: "?*"}}}\n';
const supportCases: { name: string; command: string[]; file: string; text: string; option: string }[] = [
  { name: '--values', command: ['migrate', 'audit'], file: 'values.yaml', text: readFileSync(join(sample, 'inputs', 'kyverno-policies-values.minimal.yaml'), 'utf8'), option: '--values' },
  { name: '--kyverno-values', command: ['migrate', 'audit'], file: 'kyverno-values.yaml', text: readFileSync(join(sample, 'inputs', 'kyverno-values.yaml'), 'utf8'), option: '--kyverno-values' },
  { name: '--users', command: ['migrate', 'audit'], file: 'users.yaml', text: SUPPORT_USER, option: '--users' },
  { name: '--policy', command: ['migrate', 'audit'], file: 'extra-policy.yaml', text: SUPPORT_POLICY, option: '--policy' },
  { name: '--compare-values of migrate run', command: ['migrate', 'run'], file: 'full-values.yaml', text: readFileSync(join(sample, 'inputs', 'kyverno-policies-values.full.yaml'), 'utf8'), option: '--compare-values' },
];

for (const c of supportCases) {
  test(`${c.command.join(' ')} --cluster: a file beside cluster/ given with ${c.name} is not named as not read; another one is`, async () => {
    const base = mkdtempSync(join(tmpdir(), 'podgate-not-read-support-'));
    const dir = join(base, 'dump');
    cpSync(join(sample, 'cluster'), join(dir, 'cluster'), { recursive: true });
    writeFileSync(join(dir, c.file), c.text);
    writeFileSync(join(dir, 'stray.yaml'), pod);
    const extra = c.command[1] === 'run' ? ['--out-dir', join(base, 'out')] : [];
    const r = await runCli([...c.command, '--cluster', dir, c.option, join(dir, c.file), ...extra]);
    assert.doesNotMatch(r.stderr, new RegExp(`${c.file.replace('.', '\\.')}.*not read`), r.stderr);
    assert.match(r.stderr, /stray\.yaml .*not read/);
    assert.ok(r.code !== 2, `${c.name}: ${r.stderr}`);
  });
}
