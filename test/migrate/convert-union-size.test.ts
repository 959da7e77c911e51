// `migrate convert` for requesters who may use several PSPs that fill in defaults: the union policy repeats,
// in each of its rules, the pod as every member's defaults leave it, so it grows with the square of its
// members. The cluster must be able to take what convert prints: over 256 KiB client-side `kubectl apply`
// fails (last-applied-configuration annotation), over 1.5 MiB the API server cannot store the object.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { grantToAll } from '../helpers/convert-fields.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-convert-union-size-'));
const file = (name: string, body: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(body));
  return p;
};

/** A PSP that fills in a user, groups, a seccomp and an AppArmor profile; members differ by host port. */
const defaulting = (i: number) => ({
  apiVersion: 'policy/v1beta1',
  kind: 'PodSecurityPolicy',
  metadata: {
    name: `p${i}`,
    annotations: {
      'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'runtime/default',
      'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'runtime/default',
      'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default',
      'apparmor.security.beta.kubernetes.io/defaultProfileName': 'runtime/default',
    },
  },
  spec: {
    volumes: ['configMap', 'secret', 'emptyDir'],
    allowPrivilegeEscalation: false,
    requiredDropCapabilities: ['ALL'],
    defaultAddCapabilities: ['NET_BIND_SERVICE'],
    allowedCapabilities: ['NET_BIND_SERVICE'],
    hostPorts: [{ min: 8000 + i, max: 8000 + i }],
    seLinux: { rule: 'RunAsAny' },
    fsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
    supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
    runAsUser: { rule: 'MustRunAsNonRoot' },
    runAsGroup: { rule: 'MustRunAs', ranges: [{ min: 1, max: 65535 }] },
  },
});

const cases: { members: number; note: boolean; tooLarge: boolean }[] = [
  { members: 1, note: false, tooLarge: false },
  { members: 2, note: false, tooLarge: false },
  { members: 4, note: true, tooLarge: false },
  { members: 9, note: false, tooLarge: true },
];

for (const c of cases) {
  test(`migrate convert, a union of ${c.members} defaulting PSP(s): ${c.tooLarge ? 'not expressible, over 1.5 MiB' : c.note ? 'a note that kubectl apply (client-side) cannot take it' : 'nothing said'}`, async () => {
    const names = Array.from({ length: c.members }, (_, i) => i);
    const psp = file(`psps-${c.members}.json`, { apiVersion: 'v1', kind: 'List', items: names.map(defaulting) });
    const rbac = file(`rbac-${c.members}.json`, { apiVersion: 'v1', kind: 'List', items: names.flatMap((i) => grantToAll(`p${i}`)) });
    const out = await runCli(['migrate', 'convert', '--psp', psp, '--rbac', rbac, '--action', 'Enforce']);
    assert.equal(out.code, 0, out.stderr);
    const largest = Math.max(...parseAllDocuments(out.stdout).map((d) => Buffer.byteLength(JSON.stringify(d.toJSON()))));
    // The cases are what they say: sizes on the right side of each limit.
    assert.equal(largest > 256 * 1024, c.note || c.tooLarge, `largest policy ${largest} bytes`);
    assert.equal(largest > 1.5 * 1024 * 1024, c.tooLarge, `largest policy ${largest} bytes`);
    assert.equal(/note: policy psp-any-of-\S+ is \d+ KiB as JSON: client-side `kubectl apply`.*`kubectl create -f`.*`kubectl apply --server-side`/.test(out.stderr), c.note, out.stderr.slice(0, 2000));
    assert.equal(/not expressible: [^\n]*: policy size: policy psp-any-of-\S+ is \d+ KiB as JSON, over the 1536 KiB the API server can store/.test(out.stderr), c.tooLarge, out.stderr.slice(0, 2000));
    const json = await runCli(['migrate', 'convert', '--psp', psp, '--rbac', rbac, '--action', 'Enforce', '-o', 'json']);
    const r = JSON.parse(json.stdout) as { unexpressible: { field: string; set?: string[] }[] };
    const size = r.unexpressible.filter((u) => u.field === 'policy size');
    assert.deepEqual(size.map((u) => u.set), c.tooLarge ? [names.map((i) => `p${i}`)] : []);
  });
}
