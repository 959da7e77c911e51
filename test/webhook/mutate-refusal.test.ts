// /mutate over HTTPS answers as Kyverno 1.10's mutating webhook when a mutate rule cannot be applied:
// a policy under failurePolicy Fail refuses the request with `mutation policy … error: …` (enforce), is a
// warning in audit mode, and never affects shadow mode; under Ignore its changes are dropped.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WebhookMode, WebhookServer } from '../../src/webhook/index.js';
import { call, podReview, startKyvernoServer } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-mutate-refusal-'));
const broken = (failurePolicy: 'Fail' | 'Ignore') => {
  const p = join(dir, `${failurePolicy}.yaml`);
  writeFileSync(
    p,
    `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: copy-owner-${failurePolicy.toLowerCase()}}
spec:
  failurePolicy: ${failurePolicy}
  rules:
  - name: copy-owner
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            owner: "{{ request.object.metadata.annotations.owner }}"
  - name: team
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(team): unassigned
`,
  );
  return p;
};

interface Reply {
  response: { allowed: boolean; patch?: string; warnings?: string[]; status?: { message: string } };
}

describe('a mutate rule that cannot be applied', () => {
  const servers: Partial<Record<string, WebhookServer>> = {};
  const start = async (name: string, mode: WebhookMode, fp: 'Fail' | 'Ignore') => {
    servers[name] = await startKyvernoServer(mode, [broken(fp)]);
  };
  before(async () => {
    await start('enforce-fail', 'enforce', 'Fail');
    await start('audit-fail', 'audit', 'Fail');
    await start('shadow-fail', 'shadow', 'Fail');
    await start('enforce-ignore', 'enforce', 'Ignore');
  });
  after(async () => {
    for (const s of Object.values(servers)) await s?.close(1000);
  });
  const mutate = async (name: string) => (await call(servers[name]!.port, '/mutate', JSON.stringify(podReview()))).json() as Reply;

  test('failurePolicy Fail, enforce: refused with Kyverno’s mutation message', async () => {
    const r = await mutate('enforce-fail');
    assert.equal(r.response.allowed, false);
    assert.match(r.response.status?.message ?? '', /^mutation policy copy-owner-fail error: failed to apply policy copy-owner-fail rules \[copy-owner: variable substitution failed: .+\]$/);
    assert.equal(r.response.patch, undefined);
  });
  test('failurePolicy Fail, audit: allowed, the refusal as a warning, no patch', async () => {
    const r = await mutate('audit-fail');
    assert.equal(r.response.allowed, true);
    assert.match(r.response.warnings?.[0] ?? '', /^mutation policy copy-owner-fail error:/);
    assert.equal(r.response.patch, undefined);
  });
  test('shadow: allowed, nothing changed, nothing said', async () => {
    const r = await mutate('shadow-fail');
    assert.deepEqual([r.response.allowed, r.response.patch, r.response.warnings], [true, undefined, undefined]);
  });
  test('failurePolicy Ignore: allowed, and the policy’s other rule is dropped with it (no patch)', async () => {
    const r = await mutate('enforce-ignore');
    assert.equal(r.response.allowed, true);
    assert.equal(r.response.patch, undefined);
  });
});
