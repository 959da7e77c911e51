// Issue 13 observation 5: reading input is bounded. A folder with self-referencing symlinks is reported
// (real paths are visited once) instead of hanging; files and whole inputs over a size limit are refused
// with an error naming the file and the limit (raised with --max-file-size / --max-total-size).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { expandPaths, loadObjects, setReadLimits } from '../../src/cluster/index.js';
import { loadPolicyFiles } from '../../src/webhook/index.js';
import { runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'podgate-loader-'));
after(() => {
  setReadLimits();
  rmSync(root, { recursive: true, force: true });
});

const policy = (name: string) =>
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ${name}}
spec:
  validationFailureAction: Enforce
  rules:
    - name: r
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate: {message: no privileged, pattern: {spec: {containers: [{=(securityContext): {=(privileged): "false"}}]}}}
`;

/** A folder with one policy and two links back to itself (the reproduction). */
function loopDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'policy.yaml'), policy('p1'));
  symlinkSync('.', join(dir, 'self'));
  symlinkSync('..', join(dir, 'sub', 'parent'));
  return dir;
}

const review = JSON.stringify({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: {
    uid: 'l-1',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'default',
    operation: 'CREATE',
    userInfo: { username: 'u' },
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
});

test('podgate admit --policy on a folder with two self-referencing symlinks ends with exit 2 naming the loop (issue 13 obs. 5)', () => {
  const dir = loopDir('admit-loop');
  // A child process with a timeout: the old loader never returned here.
  const bin = new URL('../../bin/podgate.js', import.meta.url).pathname;
  const r = spawnSync(process.execPath, [bin, 'admit', '--policy', dir, '--request', '-'], { input: review, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.signal, null, 'podgate admit did not finish');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /symbolic link loop/);
  assert.match(r.stderr, new RegExp(`${join(dir, 'self')}|${join(dir, 'sub', 'parent')}`));
});

test('the loader visits each real directory once: loops are errors, the policy is read once (issue 13 obs. 5)', () => {
  const dir = loopDir('expand-loop');
  const r = expandPaths([dir]);
  assert.deepEqual(r.files, [join(dir, 'policy.yaml')]);
  assert.deepEqual(r.errors.map((e) => [e.code, e.file]).sort(), [
    ['SYMLINK_LOOP', join(dir, 'self')],
    ['SYMLINK_LOOP', join(dir, 'sub', 'parent')],
  ]);
  // The same folder reached through a second, non-looping link is read once, without an error.
  const other = join(root, 'other');
  mkdirSync(other);
  writeFileSync(join(other, 'p2.yaml'), policy('p2'));
  symlinkSync(other, join(root, 'other-link'));
  assert.deepEqual(expandPaths([other, join(root, 'other-link')]), { files: [join(other, 'p2.yaml')], errors: [], passedOver: [] });
});

test('serve --policy reads a looping policy folder to a clear problem instead of blocking (issue 13 obs. 5)', () => {
  const r = loadPolicyFiles([loopDir('serve-loop')]);
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.problems.some((p) => p.includes('symbolic link loop')), JSON.stringify(r));
});

test('a link to itself is a loop error, not a crash (issue 13 obs. 5)', () => {
  const dir = join(root, 'self-link');
  mkdirSync(dir);
  symlinkSync('me.yaml', join(dir, 'me.yaml'));
  const r = loadObjects([dir]);
  assert.deepEqual(
    r.errors.map((e) => e.code),
    ['SYMLINK_LOOP'],
  );
});

test('--max-file-size refuses a larger file, naming it and the limit; raising the flag reads it (issue 13 obs. 5)', async () => {
  const dir = join(root, 'big');
  mkdirSync(dir);
  writeFileSync(join(dir, 'policy.yaml'), `${policy('big')}# ${'x'.repeat(2048)}\n`);
  const small = await runCli(['--max-file-size', '1Ki', 'admit', '--policy', dir, '--request', '-'], { stdin: review });
  assert.equal(small.code, 2);
  assert.match(small.stderr, new RegExp(`${join(dir, 'policy.yaml')}: file is larger than the limit 1Ki .*--max-file-size`));
  const raised = await runCli(['admit', '--policy', dir, '--request', '-', '--max-file-size', '4Ki'], { stdin: review });
  assert.equal(raised.code, 0, raised.stderr);
  // The default applies again on the next run.
  const dflt = await runCli(['admit', '--policy', dir, '--request', '-'], { stdin: review });
  assert.equal(dflt.code, 0, dflt.stderr);
});

test('--max-total-size stops at the file that crosses the total, naming it and the limit (issue 13 obs. 5)', async () => {
  const dir = join(root, 'many');
  mkdirSync(dir);
  for (const n of ['a', 'b', 'c']) writeFileSync(join(dir, `${n}.yaml`), `${policy(n)}# ${'x'.repeat(300)}\n`);
  const r = await runCli(['--max-total-size', '1Ki', 'admit', '--policy', dir, '--request', '-'], { stdin: review });
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${join(dir, 'b.yaml')}: not read: .* over the total limit 1Ki; raise it with --max-total-size`));
});

const badSizes = ['lots', '0', '-1Mi', ''];
for (const s of badSizes) {
  test(`--max-file-size ${JSON.stringify(s)} is a usage error`, async () => {
    const r = await runCli(['--max-file-size', s, 'admit', '--policy', join(root, 'none'), '--request', '-'], { stdin: review });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--max-file-size: .* is not a size/);
  });
}
