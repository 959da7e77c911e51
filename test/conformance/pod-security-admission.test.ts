// Conformance: every Pod Security Admission fixture (kubernetes/pod-security-admission test/testdata,
// vendored under ../shared/conformance) evaluated at the level and version its path names. Pass
// fixtures must be allowed; fail fixtures denied by the check their file name names (or by the
// restricted check that overrides it at that version). Counts are compared with the committed baseline.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseObjects } from '../../src/kube/index.js';
import { CHECKS, evaluatePod, type PssLevel, parsePssVersion, resolveVersion, stepAt } from '../../src/pss/index.js';
import { isObject } from '../../src/util/index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const testdata = join(repoRoot, '..', 'shared', 'conformance', 'pod-security-admission', 'testdata');
const baselineFile = fileURLToPath(new URL('./pod-security-admission.baseline.json', import.meta.url));

interface Counts {
  versions: number;
  pass: number;
  fail: number;
  agree: number;
}

/** The check a fail fixture's file name names, or the restricted check overriding it at that level and version. */
function expectedCheckIds(prefix: string, level: PssLevel, version: string): Set<string> {
  const ids = new Set<string>();
  const named = CHECKS.find((c) => c.id.toLowerCase() === prefix);
  if (!named) return ids;
  ids.add(named.id);
  const parsed = parsePssVersion(version);
  if (level !== 'restricted' || parsed === undefined) return ids;
  const v = resolveVersion(parsed);
  for (const c of CHECKS) if (c.level === 'restricted' && stepAt(c, v)?.overrides?.includes(named.id)) ids.add(c.id);
  return ids;
}

test('every Pod Security Admission fixture is allowed or denied as its path says', { skip: !existsSync(testdata) && 'shared conformance data not present' }, () => {
  const counts: Record<string, Counts> = {};
  const disagreements: string[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    const c: Counts = { versions: 0, pass: 0, fail: 0, agree: 0 };
    counts[level] = c;
    for (const version of readdirSync(join(testdata, level)).sort()) {
      c.versions++;
      for (const expect of ['pass', 'fail'] as const) {
        const dir = join(testdata, level, version, expect);
        for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
          const where = `${level}/${version}/${expect}/${file}`;
          const parsed = parseObjects(readFileSync(join(dir, file), 'utf8'), where);
          const pod = parsed.objects[0]?.object;
          const spec = pod?.spec;
          assert.ok(pod && isObject(spec), `${where}: not a pod`);
          c[expect]++;
          const r = evaluatePod({ metadata: pod.metadata, spec }, level, version);
          if (expect === 'pass') {
            if (r.allowed) c.agree++;
            else disagreements.push(`${where}: denied: ${r.message}`);
            continue;
          }
          const want = expectedCheckIds(file.replace(/\d*\.yaml$/, ''), level, version);
          const deniedBy = r.results.filter((x) => !x.allowed).map((x) => x.id);
          if (!r.allowed && deniedBy.some((id) => want.has(id))) c.agree++;
          else disagreements.push(`${where}: want denial by ${[...want].join('|') || '(unknown check)'}, got ${r.message ?? 'allowed'}`);
        }
      }
    }
    console.log(`pod-security-admission ${level}: ${c.versions} versions, ${c.pass} pass + ${c.fail} fail fixtures, ${c.agree} agree`);
  }
  assert.deepEqual(disagreements, []);
  const committed: unknown = JSON.parse(readFileSync(baselineFile, 'utf8'));
  assert.deepEqual(counts, committed, 'counts differ from pod-security-admission.baseline.json: update it only when the fixtures change');
});
