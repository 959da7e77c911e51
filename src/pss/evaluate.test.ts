// Tests for version handling and result shape of evaluatePod.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePod } from './evaluate.js';
import { activeChecks, MAX_VERSION } from './registry.js';
import { parsePssVersion } from './version.js';

const hostPid = { spec: { hostPID: true, containers: [{ name: 'c', image: 'i' }] } };

test('versions newer than any check step evaluate like latest but print as given', () => {
  const r = evaluatePod(hostPid, 'baseline', 'v1.99');
  assert.equal(r.message, 'violates PodSecurity "baseline:v1.99": host namespaces (hostPID=true)');
  assert.deepEqual(activeChecks('baseline', 99), activeChecks('baseline', 'latest'));
});

test('a malformed version is a caller bug and throws', () => {
  assert.throws(() => evaluatePod(hostPid, 'baseline', '1.24'), RangeError);
});

test('version parsing accepts latest and v1.N only', () => {
  const cases: [string, ReturnType<typeof parsePssVersion>][] = [
    ['latest', 'latest'],
    ['v1.0', 0],
    ['v1.24', 24],
    ['v1.024', undefined],
    ['v2.1', undefined],
    ['', undefined],
  ];
  for (const [s, want] of cases) assert.equal(parsePssVersion(s), want, s);
});

test('latest resolves to the newest step registered (sysctls 1.37)', () => {
  assert.equal(MAX_VERSION, 37);
});

test('results list every active check, allowed ones included', () => {
  const r = evaluatePod(hostPid, 'baseline', 'v1.0');
  assert.equal(r.results.length, activeChecks('baseline', 0).length);
  assert.deepEqual(
    r.results.filter((x) => !x.allowed).map((x) => x.id),
    ['hostNamespaces'],
  );
});

test('restricted checks follow baseline checks, each group ordered by ID', () => {
  const ids = activeChecks('restricted', 'latest').map((c) => c.id);
  assert.deepEqual(ids, [
    'appArmorProfile',
    'hostNamespaces',
    'hostPorts',
    'hostProbesAndHostLifecycle',
    'privileged',
    'seLinuxOptions',
    'sysctls',
    'windowsHostProcess',
    'allowPrivilegeEscalation',
    'capabilities_restricted',
    'procMount_restricted',
    'restrictedVolumes',
    'runAsNonRoot',
    'runAsUser',
    'seccompProfile_restricted',
  ]);
});
