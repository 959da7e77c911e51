#!/usr/bin/env node
// `npm run fuzz`: the property tests of the engine (src/kyverno, src/kube), webhook decoding (src/webhook,
// test/webhook) and the prototype-safety properties (test/security), with a random seed per property and
// FC_RUNS_SCALE × each property's own run count. Prints the cases run per file and in total; fails when any
// property fails (fast-check prints the seed and path to replay: FC_SEED=<seed> npm run test:unit -- FILE)
// or when fewer than MIN_CASES ran. Not part of `npm test`.
//   FUZZ_SCALE (default 6) multiplies the runs; FUZZ_MIN_CASES (default 100000) is the floor.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const AREAS = ['src/kyverno', 'src/kube', 'src/webhook', 'test/webhook', 'test/security'];
const scale = Number(process.env.FUZZ_SCALE ?? 6);
const minCases = Number(process.env.FUZZ_MIN_CASES ?? 100_000);

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'testdata' || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? find(p) : e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = AREAS.flatMap(find)
  .filter((f) => /^import [^;]*'fast-check';/m.test(readFileSync(f, 'utf8')))
  .sort();
const dir = mkdtempSync(join(tmpdir(), 'podgate-fuzz-'));
const started = Date.now();
let total = 0;
let failed = 0;
for (const file of files) {
  const report = join(dir, `${file.replaceAll('/', '_')}.jsonl`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', file], {
    env: { ...process.env, FC_SEED: 'random', FC_RUNS_SCALE: String(scale), FC_REPORT: report },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  let cases = 0;
  try {
    for (const line of readFileSync(report, 'utf8').split('\n')) if (line) cases += JSON.parse(line).numRuns;
  } catch {
    // no property ran (skipped file)
  }
  const ok = r.status === 0;
  if (ok) total += cases;
  else {
    failed++;
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
  }
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${file}: ${cases} cases, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
rmSync(dir, { recursive: true, force: true });
console.log(`fuzz: ${total} cases passed in ${files.length} files, ${failed} failing files, ${((Date.now() - started) / 1000).toFixed(0)} s (FUZZ_SCALE=${scale})`);
if (failed > 0) process.exit(1);
if (total < minCases) {
  console.error(`fuzz: fewer than ${minCases} cases ran; raise FUZZ_SCALE`);
  process.exit(1);
}
