// Ephemeral containers (`kubectl debug`, the pods/ephemeralcontainers subresource) and `migrate convert`.
// PSP never checked them: the 1.24 admission plugin ignores every subresource request, so any container
// could be added to a running pod. Kyverno 1.10 matches `kinds: [Pod]` against pods/ephemeralcontainers
// too, so the converted policies check an added container against the PSP's rules, without the PSP's
// defaults (those are filled in on CREATE only). That is stricter than PSP on purpose: the conversion
// says so (a note on stderr, `notes` in -o json) and docs/compatibility.md lists it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { grantToAll } from '../helpers/convert-fields.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-convert-ephemeral-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};

const pspFile = file('psp.json', {
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: { name: 'restricted' },
  spec: {
    privileged: false,
    allowPrivilegeEscalation: false,
    requiredDropCapabilities: ['ALL'],
    volumes: ['secret', 'emptyDir'],
    runAsUser: { rule: 'MustRunAs', ranges: [{ min: 1000, max: 2000 }] },
    seLinux: { rule: 'RunAsAny' },
    fsGroup: { rule: 'RunAsAny' },
    supplementalGroups: { rule: 'RunAsAny' },
  },
});
const rbacFile = file('rbac.json', { apiVersion: 'v1', kind: 'List', items: grantToAll('restricted') });

// The running pod, as PSP stored it (its defaults applied).
const running = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'team', uid: 'u-1', resourceVersion: '7', annotations: { 'kubernetes.io/psp': 'restricted' } },
  spec: { serviceAccountName: 'default', containers: [{ name: 'app', image: 'nginx:1.25', securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }] },
};

const debugReview = (name: string, debugger_: Record<string, unknown>) =>
  file(name, {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: name,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      subResource: 'ephemeralcontainers',
      requestKind: { group: '', version: 'v1', kind: 'Pod' },
      name: 'web',
      namespace: 'team',
      operation: 'UPDATE',
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      object: { ...running, spec: { ...running.spec, ephemeralContainers: [{ name: 'debugger', image: 'busybox:1.36', targetContainerName: 'app', ...debugger_ }] } },
      oldObject: running,
    },
  });

async function converted(): Promise<string> {
  const r = await runCli(['migrate', 'convert', '--psp', pspFile, '--rbac', rbacFile, '--action', 'Enforce']);
  assert.equal(r.code, 0, r.stderr);
  const out = join(dir, 'converted.yaml');
  writeFileSync(out, r.stdout);
  return out;
}

test('migrate convert says that added ephemeral containers are checked, which PSP never did', async () => {
  const text = await runCli(['migrate', 'convert', '--psp', pspFile, '--rbac', rbacFile]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stderr, /^note: .*kubectl debug.*pods\/ephemeralcontainers.*PSP never did/m);
  const json = await runCli(['-o', 'json', 'migrate', 'convert', '--psp', pspFile, '--rbac', rbacFile]);
  const notes = (JSON.parse(json.stdout) as { notes?: string[] }).notes ?? [];
  assert.ok(notes.some((n) => n.includes('pods/ephemeralcontainers')), JSON.stringify(notes));
});

test('kubectl debug through the converted policies: checked against the PSP rules, without its defaults', async () => {
  const policies = await converted();
  const cases: { name: string; debugger_: Record<string, unknown>; allowed: boolean }[] = [
    { name: 'a privileged debug container', debugger_: { securityContext: { privileged: true } }, allowed: false },
    { name: "kubectl debug's plain container (no securityContext: the PSP's defaults are not filled in)", debugger_: {}, allowed: false },
    { name: 'a debug container that sets what the PSP requires', debugger_: { securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }, allowed: true },
  ];
  for (const [i, c] of cases.entries()) {
    const r = await runCli(['admit', '--policy', policies, '--request', debugReview(`debug-${i}.json`, c.debugger_), '-o', 'json']);
    const allowed = (JSON.parse(r.stdout) as { response: { allowed: boolean } }).response.allowed;
    assert.equal(allowed, c.allowed, `${c.name}: ${r.stdout.slice(0, 600)}`);
  }
});
