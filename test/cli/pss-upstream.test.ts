// Kubernetes' own PSS check unit tests (test/helpers/pss-upstream-cases.ts) on the user's paths:
// `podgate pss check` must print each upstream case's `reason (detail)` in its denial, at the case's level
// and version, and `podgate apply` of a Kyverno 1.10 `validate.podSecurity` rule must print the upstream
// reason with the upstream field errors (Kyverno's message carries no detail), as
// kyverno@v1.10.7:pkg/pss/evaluate.go FormatChecksPrint writes them.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CHECKS } from '../../src/pss/index.js';
import { runCli } from '../helpers/cli.js';
import { type UpstreamCase, UPSTREAM_CASES } from '../helpers/pss-upstream-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-pss-upstream-'));

function podOf(c: UpstreamCase, i: number): object {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...(c.pod.metadata ?? {}), name: `p${i}`, namespace: 'ns' }, spec: c.pod.spec };
}

function levelOf(c: UpstreamCase): 'baseline' | 'restricted' {
  const check = CHECKS.find((k) => k.id === c.check);
  assert.ok(check, c.check);
  return check.level;
}

/** A message's failed checks are `reason (detail)` joined by ', ': the segment must be one of them. */
function hasSegment(message: string, segment: string): boolean {
  for (let at = message.indexOf(segment); at >= 0; at = message.indexOf(segment, at + 1)) {
    const before = message.slice(Math.max(0, at - 2), at);
    const after = message.slice(at + segment.length, at + segment.length + 2);
    if ((before === ': ' || before === ', ') && (after === '' || after === ', ')) return true;
  }
  return false;
}

// The reasons each check gives upstream, to show an allowed case's check left no denial in the message.
const reasonsOf = new Map<string, Set<string>>();
for (const c of UPSTREAM_CASES) if (c.reason) reasonsOf.set(c.check, (reasonsOf.get(c.check) ?? new Set()).add(c.reason));

describe('pss check prints the upstream reason and detail', () => {
  const groups = new Map<string, { level: string; version: string; cases: [UpstreamCase, number][] }>();
  UPSTREAM_CASES.forEach((c, i) => {
    const level = levelOf(c);
    const version = `v1.${c.version}`;
    const key = `${level}-${version}`;
    const g = groups.get(key) ?? { level, version, cases: [] };
    g.cases.push([c, i]);
    groups.set(key, g);
  });
  for (const [key, g] of groups) {
    const file = join(dir, `pss-${key}.json`);
    writeFileSync(file, g.cases.map(([c, i]) => JSON.stringify(podOf(c, i))).join('\n---\n'));
    const run = runCli(['pss', 'check', file, '--level', g.level, '--version', g.version, '-o', 'json']).then((r) => {
      const out = JSON.parse(r.stdout) as { results: { name: string; allowed: boolean; message: string | null }[] };
      return new Map(out.results.map((x) => [x.name, x]));
    });
    for (const [c, i] of g.cases) {
      test(`${g.level}:${g.version} ${c.fn}: ${c.name}`, async () => {
        const got = (await run).get(`p${i}`);
        assert.ok(got, `no result for p${i}`);
        const message = got.message ?? '';
        if (c.reason === undefined) {
          for (const reason of reasonsOf.get(c.check) ?? []) assert.ok(!message.includes(`: ${reason} (`) && !message.includes(`, ${reason} (`), message);
        } else {
          assert.ok(hasSegment(message, `${c.reason} (${c.detail})`), `want ${c.reason} (${c.detail})\ngot  ${message}`);
        }
      });
    }
  }
});

// Kyverno 1.10.7 runs the PSA checks of Kubernetes 1.27: the cases with field errors of checks it has, at
// v1.24, where every step up to 1.24 runs (its CRD takes v1.19 to v1.26): the 1.0 seccomp annotation step
// and the 1.19 field step both run, and each case fails only the step upstream's function is.
const KYVERNO_CASES = UPSTREAM_CASES.map((c, i) => [c, i] as const).filter(([c]) => c.errors && c.check !== 'appArmorProfile' && c.version <= 27);


/** One field error as FormatChecksPrint prints it; Kyverno rewrites `metadata` to `spec.template.metadata`, for Pods too. */
function kyvernoError(e: NonNullable<UpstreamCase['errors']>[number]): string {
  const field = e.field.replaceAll('metadata', 'spec.template.metadata');
  return e.type === 'Forbidden' && e.badValue !== undefined && e.badValue !== '' ? `${field} is forbidden, forbidden values found: ${String(e.badValue)}` : `${field}: ${e.type === 'Required' ? 'Required value' : 'Forbidden'}`;
}

describe('apply of a validate.podSecurity rule prints the upstream reason and field errors', () => {
  for (const [c, i] of KYVERNO_CASES) {
    test(`${c.fn}: ${c.name}`, async () => {
      const version = 'v1.24';
      const policy = join(dir, `kyverno-${i}-policy.json`);
      const pod = join(dir, `kyverno-${i}-pod.json`);
      writeFileSync(
        policy,
        JSON.stringify({
          apiVersion: 'kyverno.io/v1',
          kind: 'ClusterPolicy',
          metadata: { name: 'pss' },
          spec: { validationFailureAction: 'Enforce', rules: [{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { podSecurity: { level: levelOf(c), version } } }] },
        }),
      );
      writeFileSync(pod, JSON.stringify(podOf(c, i)));
      const r = await runCli(['apply', policy, '--resource', pod, '-o', 'json']);
      const out = JSON.parse(r.stdout) as { results: { rules: { rule: string; status: string; message: string }[] }[] };
      const rule = out.results.flatMap((x) => x.rules).find((x) => x.rule === 'r');
      assert.equal(rule?.status, 'fail', r.stdout);
      const message = rule.message;
      const head = `(Forbidden reason: ${c.reason}, field error list: [`;
      const at = message.indexOf(head);
      assert.ok(at >= 0, `want ${head}\ngot  ${message}`);
      const list = message.slice(at + head.length, message.indexOf('])', at));
      const got = list.split(/, (?=spec\.)/).sort();
      assert.deepEqual(got, (c.errors ?? []).map(kyvernoError).sort(), message);
    });
  }
});
