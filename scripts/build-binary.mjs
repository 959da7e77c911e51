#!/usr/bin/env node
// `npm run build:binary`: podgate as one file. esbuild bundles the CLI (every module and JSON data
// file: chart data, PSA tables) into dist/sea/podgate.cjs; the Node LTS from the npm registry
// (scripts/lts-node.mjs) turns it into a single-executable-application blob, and postject injects
// the blob into a copy of that Node binary: dist/podgate-linux-x64, which needs no Node.js and no
// node_modules. Then the krew archive, its sha256 and the krew plugin manifest.
//
// Worker threads: a single executable loads only built-in modules from disk, so each worker entry
// in WORKERS is bundled on its own and embedded as the SEA asset `workers/<name>.cjs`; the SEA entry
// hands its text to the code that starts the worker (`new Worker(text, { eval: true })`).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';
import { LTS_NODE_VERSION, ltsNode } from './lts-node.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const work = join(dist, 'sea');
const target = 'podgate-linux-x64';
const binary = join(dist, target);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The fuse every Node SEA build looks for (nodejs.org/api/single-executable-applications.html).
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function step(what) {
  process.stderr.write(`build:binary: ${what}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

/**
 * Worker entries: `{ name, file, imports, register }`. `file` is bundled as the asset
 * `workers/<name>.cjs`; `imports` (import lines) and `register(sourceExpr)` (a statement, given the
 * expression that reads the asset's text) go into the SEA entry, which runs them before the CLI.
 */
const WORKERS = [
  {
    // The webhook's evaluation pool (src/webhook/eval-pool.ts: setReviewWorkerEntry; docs/architecture.md).
    name: 'review-worker',
    file: 'src/webhook/review-worker.ts',
    imports: "import { setReviewWorkerEntry } from './src/webhook/eval-pool.ts';",
    register: (source) => `setReviewWorkerEntry({ source: ${source} });`,
  },
];

/** esbuild options shared by the CLI and worker bundles: one CommonJS file for Node 24, nothing external but built-ins. */
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${LTS_NODE_VERSION.split('.')[0]}`,
  minify: true,
  keepNames: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Modules that locate files from import.meta.url do so only outside the single executable.
  logOverride: { 'empty-import-meta': 'silent' },
};

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

step('bundling the CLI with esbuild');
const assets = {};
const registrations = [];
for (const w of WORKERS) {
  const name = `workers/${w.name}.cjs`;
  step(`bundling worker ${w.file} as asset ${name}`);
  const out = join(work, name);
  await build({ ...common, entryPoints: [join(root, w.file)], outfile: out });
  assets[name] = out;
  registrations.push(w.register(`getAsset(${JSON.stringify(name)}, 'utf8')`));
}
// src/bin.ts uses top-level await, which CommonJS (what Node 24's SEA loader runs) has not: a wrapper entry.
await build({
  ...common,
  stdin: {
    contents: `import { getAsset } from 'node:sea';
${WORKERS.map((w) => w.imports).join('\n')}
import { exitCodeAfterOutput, processIO } from './src/cli/io.ts';
import { run } from './src/cli/program.ts';
${registrations.join('\n')}
run(process.argv.slice(2), processIO()).then((code) => {
  process.exitCode = exitCodeAfterOutput(code);
  process.on('exit', () => { process.exitCode = exitCodeAfterOutput(code); });
});`,
    resolveDir: root,
    sourcefile: 'sea-main.ts',
    loader: 'ts',
  },
  outfile: join(work, 'podgate.cjs'),
});

step(`making the SEA blob with Node ${LTS_NODE_VERSION} from the npm registry`);
const node = ltsNode();
const config = {
  main: join(work, 'podgate.cjs'),
  output: join(work, 'podgate.blob'),
  disableExperimentalSEAWarning: true,
  useCodeCache: true,
  assets,
};
writeFileSync(join(work, 'sea-config.json'), `${JSON.stringify(config, null, 2)}\n`);
run(node, ['--experimental-sea-config', join(work, 'sea-config.json')], { cwd: work });

step(`injecting the blob into a copy of node ${LTS_NODE_VERSION}`);
rmSync(binary, { force: true });
copyFileSync(node, binary);
chmodSync(binary, 0o755);
// postject (LIEF) prints "Can't find string offset for section name '.note...'" for the official binary: harmless.
await inject(binary, 'NODE_SEA_BLOB', readFileSync(config.output), { sentinelFuse: SEA_FUSE });

step('checking the binary runs on its own');
const env = { PATH: '/usr/bin:/bin' };
const info = JSON.parse(run(binary, ['version', '-o', 'json'], { cwd: work, env }));
if (info.version !== version || info.node !== `v${LTS_NODE_VERSION}` || info.singleExecutable !== true) {
  throw new Error(`${target} version -o json says ${JSON.stringify(info)}`);
}

step('krew archive and manifest');
const stage = join(work, 'krew');
mkdirSync(stage, { recursive: true });
copyFileSync(binary, join(stage, 'kubectl-podgate'));
chmodSync(join(stage, 'kubectl-podgate'), 0o755);
const archive = join(dist, `${target}.tar.gz`);
// Reproducible: sorted, fixed owner and mtime, gzip without a name or timestamp.
run('sh', ['-c', `tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "${stage}" -cf - kubectl-podgate | gzip -n -9 > "${archive}"`]);
const sha256 = createHash('sha256').update(readFileSync(archive)).digest('hex');
writeFileSync(`${archive}.sha256`, `${sha256}  ${basename(archive)}\n`);
writeFileSync(join(dist, 'podgate.krew.yaml'), krewManifest(sha256));

const mb = (p) => `${(statSync(p).size / 1024 / 1024).toFixed(1)} MiB`;
process.stdout.write(
  `${relative(root, binary)}: ${mb(binary)} (podgate ${info.version} on node ${info.node})\n` +
    `${relative(root, archive)}: ${mb(archive)}, sha256 ${sha256}\n` +
    `${relative(root, join(dist, 'podgate.krew.yaml'))}: install with kubectl krew install --manifest=dist/podgate.krew.yaml --archive=dist/${basename(archive)}\n`,
);

/** The krew plugin manifest (krew.sigs.k8s.io/v1alpha2 Plugin) for this build's archive. */
function krewManifest(sha) {
  return `apiVersion: krew.googlecontainertools.github.com/v1alpha2
kind: Plugin
metadata:
  name: podgate
spec:
  version: v${version}
  homepage: https://github.com/podgate/podgate
  shortDescription: Pod admission for clusters leaving PodSecurityPolicy for Kyverno
  description: |
    podgate audits every workload against PodSecurityPolicy and Kyverno before anything is
    switched, writes the minimal exceptions, diffs PSP and Kyverno decisions and plans the switch.
    A single executable (Node.js ${LTS_NODE_VERSION} inside); no Node.js needed on the machine.
  platforms:
    - selector:
        matchLabels:
          os: linux
          arch: amd64
      uri: https://github.com/podgate/podgate/releases/download/v${version}/${target}.tar.gz
      sha256: ${sha}
      bin: kubectl-podgate
      files:
        - from: kubectl-podgate
          to: .
`;
}
