// Conformance, Tier 3 (mutate rules) of ../shared/conformance/kyverno-policies: every result row of each
// tier-3 kyverno-test.yaml, with mutatePolicy applied to the resource it names. A row passes when the rule's
// status is the expected one and, for `pass` rows, the mutated resource equals the expected patched
// resource (tidied, as the kyverno CLI compares). A mismatching patched resource counts as `fail`.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadObjects } from '../../src/cluster/index.js';
import type { KubeObject } from '../../src/kube/index.js';
import type { EvaluationContext } from '../../src/kyverno/engine/index.js';
import { isKyvernoPolicy, loadPolicy, type Policy } from '../../src/kyverno/model/index.js';
import { createJsonPatch, mutatePolicy, samePatchedResource } from '../../src/kyverno/mutate/index.js';
import { parseSuite, parseValues, type SuiteValues } from '../../src/kyverno-test/index.js';
import { isObject, type JsonValue } from '../../src/util/index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const corpus = join(repoRoot, '..', 'shared', 'conformance', 'kyverno-policies');
const suitesFile = join(corpus, 'suites.tsv');

function tier3Suites(): string[] {
  return readFileSync(suitesFile, 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((cols) => cols[1] === '3')
    .map((cols) => join(corpus, cols[0] ?? ''));
}

function splitName(q: string): { namespace?: string; name: string } {
  const i = q.indexOf('/');
  return i < 0 ? { name: q } : { namespace: q.slice(0, i), name: q.slice(i + 1) };
}

function contextFor(policy: Policy, r: KubeObject, values: SuiteValues | undefined): EvaluationContext {
  const global: Record<string, JsonValue> = { ...(values?.globalValues ?? {}), ...(values?.resourceValues[policy.name]?.[r.metadata?.name ?? ''] ?? {}) };
  const ctx: EvaluationContext = {
    values: { global, rules: values?.ruleValues[policy.name] ?? {}, foreach: values?.foreachValues[policy.name] ?? {} },
    namespaceLabels: values?.namespaceLabels[r.metadata?.namespace ?? ''] ?? {},
  };
  const op = global['request.operation'];
  if (op === 'DELETE' || op === 'UPDATE' || op === 'CONNECT') ctx.operation = op;
  return ctx;
}

interface Row {
  id: string;
  ok: boolean;
  detail: string;
}

function runSuite(file: string): Row[] {
  const dir = dirname(file);
  const doc = parse(readFileSync(file, 'utf8')) as unknown;
  const { suite } = parseSuite(doc);
  assert.ok(suite, `${file}: unreadable suite`);
  const rawResults = isObject(doc) && Array.isArray(doc.results) ? doc.results : [];
  const policies: Policy[] = [];
  for (const lo of loadObjects(suite.policies.map((p) => resolve(dir, p)), { requireName: false }).objects) {
    if (!isKyvernoPolicy(lo.object)) continue;
    const p = loadPolicy(lo.object).policy;
    if (p) policies.push(p);
  }
  const resources = loadObjects(suite.resources.map((p) => resolve(dir, p)), { requireName: false }).objects.map((o) => o.object);
  const values = suite.variables ? parseValues(parse(readFileSync(resolve(dir, suite.variables), 'utf8'))) : suite.values;
  const rows: Row[] = [];
  suite.results.forEach((exp, i) => {
    const raw = rawResults[i];
    const patchedFile = isObject(raw) ? (raw.patchedResources ?? raw.patchedResource) : undefined;
    for (const resName of exp.resources) {
      const ref = splitName(resName);
      const ns = exp.namespace ?? ref.namespace;
      const id = `${file.slice(corpus.length + 1)} ${exp.policy}/${exp.rule} ${exp.kind}/${resName}`;
      const policy = policies.find((p) => p.name === splitName(exp.policy).name);
      const resource = resources.find((o) => o.metadata?.name === ref.name && (exp.kind === '' || o.kind === exp.kind) && (ns === undefined || (o.metadata?.namespace ?? 'default') === ns));
      if (!policy || !resource) {
        rows.push({ id, ok: false, detail: 'policy or resource not found' });
        continue;
      }
      const m = mutatePolicy(policy, resource, contextFor(policy, resource, values));
      const names = [exp.rule, `autogen-${exp.rule}`, `autogen-cronjob-${exp.rule}`];
      const rr = m.rules.find((r) => names.includes(r.rule));
      let actual = rr?.status ?? 'skip';
      let detail = rr?.message ?? 'rule did not match';
      if (actual === 'pass' && typeof patchedFile === 'string') {
        const expected = loadObjects([resolve(dir, patchedFile)], { requireName: false }).objects.map((o) => o.object);
        const want = expected.find((o) => o.kind === resource.kind && o.metadata?.name === resource.metadata?.name) ?? expected[0];
        if (!samePatchedResource(m.patched, want)) {
          actual = 'fail';
          detail = `patched resource differs: ${JSON.stringify(createJsonPatch(want, m.patched))}`;
        }
      }
      rows.push({ id, ok: actual === exp.result, detail: `want ${exp.result}, got ${actual}: ${detail}` });
    }
  });
  return rows;
}

test('tier 3 mutate suites of kyverno-policies produce the expected rule results and patched resources', { skip: !existsSync(suitesFile) && 'shared conformance data not present' }, () => {
  const rows = tier3Suites().flatMap(runSuite);
  const passed = rows.filter((r) => r.ok).length;
  console.log(`tier 3: ${passed}/${rows.length}`);
  for (const r of rows.filter((x) => !x.ok)) console.log(`  ✗ ${r.id}: ${r.detail}`);
  assert.ok(rows.length > 0, 'no tier-3 rows found');
  assert.deepEqual(
    rows.filter((r) => !r.ok).map((r) => r.id),
    [],
  );
});
