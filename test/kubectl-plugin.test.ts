// The real kubectl on this machine finds bin/kubectl-podgate as a plugin and runs it.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { VERSION } from '../src/version.js';

const bin = new URL('../bin/', import.meta.url).pathname.replace(/\/$/, '');
// A PATH where the repo's bin/ comes first, so kubectl discovers kubectl-podgate there.
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: '/dev/null' };

function kubectlPath(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const kubectl = kubectlPath();
const skip = kubectl ? false : 'kubectl is not installed on this machine';

test('kubectl plugin list shows bin/kubectl-podgate', { skip }, () => {
  // `plugin list` exits 1 when it has warnings (e.g. shadowed plugins elsewhere on PATH); the listing is what counts.
  const r = spawnSync('kubectl', ['plugin', 'list'], { env, encoding: 'utf8', timeout: 60_000 });
  assert.ok(r.stdout.split('\n').includes(join(bin, 'kubectl-podgate')), `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
});

test('kubectl podgate --version runs podgate and prints the package version', { skip }, () => {
  const out = execFileSync('kubectl', ['podgate', '--version'], { env, encoding: 'utf8', timeout: 60_000 });
  assert.equal(out, `${VERSION}\n`);
});

test('kubectl podgate --help lists the podgate commands under the name it was run by', { skip }, () => {
  const out = execFileSync('kubectl', ['podgate', '--help'], { env, encoding: 'utf8', timeout: 60_000 });
  assert.match(out, /^Usage: kubectl podgate \[options\] \[command\]/);
  assert.match(out, /inventory/);
});
