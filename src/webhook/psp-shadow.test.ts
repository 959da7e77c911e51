import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdmissionDecision } from './decision.js';
import { comparePsp, type PspVerdict, type ShadowClass } from './psp-shadow.js';
import type { PolicyVerdict } from './results.js';

const failing: PolicyVerdict = {
  policy: { name: 'disallow-host-path' },
  resource: { kind: 'Pod', apiVersion: 'v1', namespace: 'gpu-operator', name: 'p' },
  rules: [
    { policy: 'disallow-host-path', rule: 'host-path', status: 'fail', message: 'HostPath volumes are forbidden' },
    { policy: 'disallow-host-path', rule: 'other', status: 'pass', message: '' },
  ],
  action: 'Enforce',
  failurePolicy: 'Fail',
};
const wouldDeny: AdmissionDecision = { allowed: true, warnings: [], wouldDeny: { webhook: 'validate.kyverno.svc-fail', message: 'blocked' } };
const admits: AdmissionDecision = { allowed: true, warnings: [] };
const denies: AdmissionDecision = { allowed: false, code: 403, message: 'blocked', warnings: [] };

const pspAdmits: PspVerdict = { allowed: true, policy: 'privileged', mutated: false };
const pspMutates: PspVerdict = { allowed: true, policy: 'cmsupport-restricted', mutated: true };
const pspDenies: PspVerdict = { allowed: false, mutated: false, message: 'pods "p" is forbidden: PodSecurityPolicy: unable to admit pod: []' };

const cases: { name: string; psp: PspVerdict; decision: AdmissionDecision; results: PolicyVerdict[]; want: ShadowClass; denials: number }[] = [
  { name: 'PSP admits and Kyverno would deny in shadow mode: breakage', psp: pspAdmits, decision: wouldDeny, results: [failing], want: 'breakage', denials: 1 },
  { name: 'PSP admits and Kyverno denies in enforce mode: breakage', psp: pspAdmits, decision: denies, results: [failing], want: 'breakage', denials: 1 },
  { name: 'PSP denies and Kyverno admits: regression', psp: pspDenies, decision: admits, results: [], want: 'regression', denials: 0 },
  { name: 'PSP forces a safer value and Kyverno admits as written: regression', psp: pspMutates, decision: admits, results: [], want: 'regression', denials: 0 },
  { name: 'both deny: same', psp: pspDenies, decision: wouldDeny, results: [failing], want: 'same', denials: 1 },
  { name: 'both admit without mutation: same', psp: pspAdmits, decision: admits, results: [], want: 'same', denials: 0 },
  { name: 'PSP mutates but Kyverno would deny anyway: breakage, not regression', psp: pspMutates, decision: wouldDeny, results: [failing], want: 'breakage', denials: 1 },
];

for (const c of cases) {
  test(c.name, () => {
    const got = comparePsp(c.psp, c.decision, c.results);
    assert.equal(got.class, c.want);
    assert.equal(got.kyverno.denials.length, c.denials);
    assert.equal(got.kyverno.allowed, c.denials === 0);
  });
}
