import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdmissionRequest } from '../kube/index.js';
import { type AdmissionDecision, decideAdmission, type DecisionOptions } from './decision.js';
import type { ActionOverride } from './effective-action.js';
import type { PolicyVerdict, RuleVerdict } from './results.js';

const request = (namespace = 'gpu-operator'): AdmissionRequest => ({
  uid: 'u1',
  kind: { group: 'apps', version: 'v1', kind: 'DaemonSet' },
  resource: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  namespace,
  name: 'nfd-worker',
  operation: 'CREATE',
  userInfo: { username: 'admin' },
});

const rule = (policy: string, name: string, status: RuleVerdict['status'], message = `${name} says ${status}`): RuleVerdict => ({ policy, rule: name, status, message });

const verdict = (name: string, rules: RuleVerdict[], extra: Partial<PolicyVerdict> = {}): PolicyVerdict => ({
  policy: { name },
  resource: { kind: 'DaemonSet', apiVersion: 'apps/v1', namespace: 'gpu-operator', name: 'nfd-worker' },
  rules,
  action: 'Enforce',
  failurePolicy: 'Fail',
  ...extra,
});

const header = (ns = 'gpu-operator') => `\n\nresource DaemonSet/${ns}/nfd-worker was blocked due to the following policies \n\n`;

interface Case {
  name: string;
  results: PolicyVerdict[];
  opts?: DecisionOptions;
  namespace?: string;
  want: Partial<AdmissionDecision>;
}

const override = (o: ActionOverride) => new Map([['p', [o]]]);

const cases: Case[] = [
  { name: 'no matching policy allows without warnings', results: [], want: { allowed: true, warnings: [] } },
  { name: 'passing rules allow without warnings', results: [verdict('p', [rule('p', 'r', 'pass')])], want: { allowed: true, warnings: [] } },
  {
    name: 'an Enforce failure denies with 403, the fail webhook and the body listing every non-pass rule including skips',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad'), rule('p', 'b', 'skip', 'rule skipped'), rule('p', 'c', 'pass')])],
    want: { allowed: false, code: 403, webhook: 'validate.kyverno.svc-fail', message: `${header()}p:\n  a: bad\n  b: rule skipped\n`, warnings: [] },
  },
  {
    name: 'an Audit failure without overrides is asynchronous: allowed, no warning',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')], { action: 'Audit' })],
    want: { allowed: true, warnings: [] },
  },
  {
    name: 'an Enforce policy overridden to Audit for the namespace allows and warns',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')])],
    opts: { overrides: override({ action: 'Audit', namespaces: ['gpu-*'] }) },
    want: { allowed: true, warnings: ['policy p.a: bad'] },
  },
  {
    name: 'an Audit policy overridden to Enforce for the namespace denies',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')], { action: 'Audit' })],
    opts: { overrides: override({ action: 'enforce', namespaces: ['gpu-operator'] }) },
    want: { allowed: false, code: 403 },
  },
  {
    name: 'an override for another namespace leaves the policy action alone',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')], { action: 'Audit' })],
    opts: { overrides: override({ action: 'Enforce', namespaces: ['prod-*'] }) },
    want: { allowed: true, warnings: ['policy p.a: bad'] },
  },
  {
    name: 'an override with namespaces and a namespaceSelector needs both to match',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')])],
    opts: { overrides: override({ action: 'Audit', namespaces: ['*'], namespaceSelector: { matchLabels: { tier: 'lab' } } }), namespaceLabels: { tier: 'prod' } },
    want: { allowed: false },
  },
  {
    name: 'an override with only a namespaceSelector matches on the namespace labels',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')])],
    opts: { overrides: override({ action: 'Audit', namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['lab'] }] } }), namespaceLabels: { tier: 'lab' } },
    want: { allowed: true, warnings: ['policy p.a: bad'] },
  },
  {
    name: 'an override with neither namespaces nor a selector never matches',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')])],
    opts: { overrides: override({ action: 'Audit' }) },
    want: { allowed: false },
  },
  {
    name: 'an errored rule under failurePolicy Fail denies even when the policy is Audit-for-namespace',
    results: [verdict('p', [rule('p', 'a', 'error', 'variable substitution failed')])],
    opts: { overrides: override({ action: 'Audit', namespaces: ['*'] }) },
    want: { allowed: false, message: `${header()}p:\n  a: variable substitution failed\n` },
  },
  {
    name: 'an errored rule under failurePolicy Ignore allows with a warning',
    results: [verdict('p', [rule('p', 'a', 'error', 'boom')], { failurePolicy: 'Ignore' })],
    want: { allowed: true, warnings: ['policy p.a: boom'] },
  },
  {
    name: 'an Enforce failure in an Ignore policy is denied by the ignore webhook',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')], { failurePolicy: 'Ignore' })],
    want: { allowed: false, webhook: 'validate.kyverno.svc-ignore' },
  },
  {
    name: 'the denial body only lists the batch of the webhook that denied',
    results: [verdict('f', [rule('f', 'a', 'fail', 'bad')]), verdict('i', [rule('i', 'b', 'fail', 'worse')], { failurePolicy: 'Ignore' })],
    want: { allowed: false, webhook: 'validate.kyverno.svc-fail', message: `${header()}f:\n  a: bad\n` },
  },
  {
    name: 'policies are sorted in the body as yaml.v2 sorts map keys',
    results: [verdict('zeta', [rule('zeta', 'r', 'fail', 'z')]), verdict('alpha', [rule('alpha', 'r', 'warn', 'a')])],
    want: { allowed: false, message: `${header()}alpha:\n  r: a\nzeta:\n  r: z\n` },
  },
  {
    name: 'audit mode allows a would-be denial, warns, and keeps the denial it did not send',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')])],
    opts: { mode: 'audit' },
    want: { allowed: true, warnings: ['policy p.a: bad'], wouldDeny: { webhook: 'validate.kyverno.svc-fail', message: `${header()}p:\n  a: bad\n` } },
  },
  {
    name: 'shadow mode allows silently and keeps the denial it did not send',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')])],
    opts: { mode: 'shadow' },
    want: { allowed: true, warnings: [], wouldDeny: { webhook: 'validate.kyverno.svc-fail', message: `${header()}p:\n  a: bad\n` } },
  },
  {
    name: 'a cluster-scoped resource prints an empty namespace segment',
    namespace: '',
    results: [verdict('p', [rule('p', 'a', 'fail', 'bad')], { resource: { kind: 'DaemonSet', apiVersion: 'apps/v1', name: 'nfd-worker' } })],
    want: { allowed: false, message: `${header('')}p:\n  a: bad\n` },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const got = decideAdmission(request(c.namespace), c.results, c.opts);
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k as keyof AdmissionDecision], v, k);
  });
}
