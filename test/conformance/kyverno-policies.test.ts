// Conformance: runs every suite of ../shared/conformance/kyverno-policies (kyverno/policies' own
// kyverno-test.yaml files) through podgate's kyverno-test runner and checks the rows against a committed
// baseline. Rows are counted per resource name of each expected result. No suite is special-cased. Tier 3
// (mutate rules) rows pass when the rule status matches and a passing mutation equals its patched resource.
// Update the baseline after an improvement with: PODGATE_UPDATE_BASELINE=1 node --import tsx --test <this file>
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSuiteFile } from '../../src/kyverno-test/index.js';
import { DEFAULT_PROFILE, type EngineProfile, PROFILE_1_12 } from '../../src/kyverno/index.js';

const repoRoot = new URL('../../', import.meta.url).pathname;
const corpus = join(repoRoot, '..', 'shared', 'conformance', 'kyverno-policies');
const baselineFile = new URL('./kyverno-policies.baseline.json', import.meta.url).pathname;

/** The committed baseline: passing row ids, and the tiers that must stay at 100%. */
interface Baseline {
  /** Tiers that reached 100%: any failing row in them fails the test. */
  complete: string[];
  passing: string[];
  /**
   * Rows that pass only as "excluded" (the policy answered, the named rule did not; a pass since the
   * 1.11 CLI). Listed so that a rule which silently stops answering cannot pass unnoticed.
   */
  excluded?: string[];
}

interface Row {
  id: string;
  tier: string;
  ok: boolean;
  actual: string;
  detail: string;
}

function runCorpus(profile: EngineProfile = DEFAULT_PROFILE): Row[] {
  const lines = readFileSync(join(corpus, 'suites.tsv'), 'utf8').trim().split('\n').slice(1);
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  for (const line of lines) {
    const [suite = '', tier = ''] = line.split('\t');
    const run = runSuiteFile(join(corpus, suite), profile);
    const dir = suite.replace(/\/kyverno-test\.yaml$/, '');
    for (const e of run.errors) rows.push({ id: `${dir}#load-error`, tier, ok: false, actual: 'error', detail: e });
    for (const r of run.rows) {
      const base = `${dir}#${r.policy}/${r.rule}/${r.kind}/${r.resource}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      rows.push({ id: n > 1 ? `${base}#${n}` : base, tier, ok: r.ok, actual: r.actual, detail: `want ${r.expected}, got ${r.actual}: ${r.message}${r.diff ? ` (${r.diff.join("; ")})` : ""}` });
    }
  }
  return rows;
}

test('kyverno/policies suites: no baseline row regresses and complete tiers stay at 100%', (t) => {
  assert.ok(existsSync(corpus), `conformance corpus not found at ${corpus}`);
  const rows = runCorpus();
  const tiers = [...new Set(rows.map((r) => r.tier))].sort();
  for (const tier of tiers) {
    const inTier = rows.filter((r) => r.tier === tier);
    t.diagnostic(`tier ${tier}: ${inTier.filter((r) => r.ok).length}/${inTier.length}`);
  }
  const passing = rows.filter((r) => r.ok).map((r) => r.id);
  const excluded = rows.filter((r) => r.actual === 'excluded').map((r) => r.id);
  if (process.env.PODGATE_UPDATE_BASELINE === '1') {
    const complete = tiers.filter((tier) => rows.filter((r) => r.tier === tier).every((r) => r.ok));
    writeFileSync(baselineFile, `${JSON.stringify({ complete, passing: [...passing].sort(), excluded: [...excluded].sort() } satisfies Baseline, null, 2)}\n`);
    t.diagnostic(`baseline written: ${passing.length} passing rows, complete tiers ${complete.join(', ')}`);
    return;
  }
  const baseline = JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
  const now = new Set(passing);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const regressed = baseline.passing.filter((id) => !now.has(id)).map((id) => `${id}: ${byId.get(id)?.detail ?? 'row no longer exists'}`);
  const incomplete = rows.filter((r) => baseline.complete.includes(r.tier) && !r.ok).map((r) => `tier ${r.tier} ${r.id}: ${r.detail}`);
  // A complete tier that lost all its rows (a suite list or parser change) would otherwise pass silently.
  const emptied = baseline.complete.filter((tier) => !rows.some((r) => r.tier === tier)).map((tier) => `tier ${tier}: no rows found`);
  const knownExcluded = new Set(baseline.excluded ?? []);
  const newlyExcluded = excluded.filter((id) => !knownExcluded.has(id)).map((id) => `${id}: now passes only as excluded (${byId.get(id)?.detail ?? ''})`);
  const known = new Set(baseline.passing);
  const improved = passing.filter((id) => !known.has(id));
  if (improved.length > 0) t.diagnostic(`${improved.length} rows pass that the baseline does not list yet: update it (PODGATE_UPDATE_BASELINE=1)`);
  assert.deepEqual([...new Set([...regressed, ...incomplete, ...emptied, ...newlyExcluded])], []);
});

// The 1.12 profile (the kyverno/policies suites are kept green with the newer CLI): no row the baseline
// lists may fail under it either.
test('kyverno/policies suites under --kyverno-version 1.12: no baseline row regresses', () => {
  assert.ok(existsSync(corpus), `conformance corpus not found at ${corpus}`);
  const rows = runCorpus(PROFILE_1_12);
  const baseline = JSON.parse(readFileSync(baselineFile, 'utf8')) as Baseline;
  const byId = new Map(rows.map((r) => [r.id, r]));
  const regressed = baseline.passing.filter((id) => !byId.get(id)?.ok).map((id) => `${id}: ${byId.get(id)?.detail ?? 'row no longer exists'}`);
  assert.deepEqual(regressed, []);
});
