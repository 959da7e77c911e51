// A rule with many context entries (a `migrate convert` union of PSPs has ~20 per PSP, repeated in every
// rule): the loader copied the whole context for each entry, so a rule's cost grew with the square of its
// entries (a union of 4 defaulting PSPs spent most of a ~14 ms review copying contexts). Counted here as
// properties copied by Object.assign during `podgate admit` (no timing): about one context per rule, not
// one per entry.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-context-cost-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};

const cases: { name: string; entries: number; deny: boolean }[] = [
  { name: 'entries all false: admitted', entries: 400, deny: false },
  { name: 'the last entry true: refused', entries: 400, deny: true },
];

for (const c of cases) {
  test(`admit, one rule with ${c.entries} context variables (${c.name}): the context is copied about once per rule`, async () => {
    const context = Array.from({ length: c.entries }, (_, i) => ({
      name: `v${i}`,
      variable: { jmesPath: i === c.entries - 1 && c.deny ? "request.object.metadata.name == 'p'" : `request.object.metadata.name == 'x${i}'` },
    }));
    const policy = file(`policy-${c.deny}.json`, {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'many-entries' },
      spec: {
        validationFailureAction: 'Enforce',
        rules: [
          {
            name: 'r',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            context,
            validate: { message: 'refused', deny: { conditions: { any: [{ key: `{{ ${context.map((e) => e.name).join(' || ')} }}`, operator: 'Equals', value: true }] } } },
          },
        ],
      },
    });
    const request = file('review.json', {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: '1',
        kind: { group: '', version: 'v1', kind: 'Pod' },
        resource: { group: '', version: 'v1', resource: 'pods' },
        requestKind: { group: '', version: 'v1', kind: 'Pod' },
        name: 'p',
        namespace: 'team',
        operation: 'CREATE',
        userInfo: { username: 'bob', groups: ['system:authenticated'] },
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
      },
    });
    const assign = Object.assign;
    let copied = 0;
    Object.assign = ((target: object, ...sources: object[]) => {
      for (const s of sources) if (s !== null && typeof s === 'object') copied += Object.keys(s).length;
      return assign(target, ...sources);
    }) as typeof Object.assign;
    let out: Awaited<ReturnType<typeof runCli>>;
    try {
      out = await runCli(['admit', '--policy', policy, '--request', request, '-o', 'json']);
    } finally {
      Object.assign = assign;
    }
    const response = (JSON.parse(out.stdout) as { response: { allowed: boolean } }).response;
    assert.equal(response.allowed, !c.deny, out.stdout + out.stderr);
    // Quadratic copying is entries²/2 = 80,000 properties here; one copy per rule and pass is a few thousand.
    assert.ok(copied < 20 * c.entries, `${copied} properties copied for ${c.entries} context entries`);
  });
}
