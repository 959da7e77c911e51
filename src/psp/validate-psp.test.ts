// API-server validation of PSP objects and the strategy-construction checks, with exact texts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatFieldError } from '../kube/index.js';
import type { JsonObject } from '../util/index.js';
import { pspObject } from './internal/test-fixtures.js';
import { readPsp } from './model.js';
import { strategyErrors, validatePspObject } from './validate-psp.js';

const cases: { name: string; spec: JsonObject; annotations?: Record<string, string>; want: string[] }[] = [
  { name: 'the permissive default is valid', spec: {}, want: [] },
  { name: 'an unknown runAsUser rule lists the supported rules', spec: { runAsUser: { rule: 'Bogus' } }, want: ['spec.runAsUser.rule: Unsupported value: "Bogus": supported values: "MustRunAs", "MustRunAsNonRoot", "RunAsAny"'] },
  { name: 'a missing seLinux rule is unsupported', spec: { seLinux: {} }, want: ['spec.seLinux.rule: Unsupported value: "": supported values: "MustRunAs", "RunAsAny"'] },
  { name: 'a range with min above max is refused', spec: { fsGroup: { rule: 'MustRunAs', ranges: [{ min: 5, max: 1 }] } }, want: ['spec.fsGroup.ranges[0].min: Invalid value: 5: min cannot be greater than max'] },
  { name: 'a negative range bound is refused', spec: { runAsUser: { rule: 'MustRunAs', ranges: [{ min: -1, max: 1 }] } }, want: ['spec.runAsUser.ranges[0].min: Invalid value: -1: min cannot be negative'] },
  { name: 'an unknown volume type is unsupported', spec: { volumes: ['bogus'] }, want: [] },
  { name: 'an empty host path prefix is required', spec: { allowedHostPaths: [{ pathPrefix: '' }] }, want: ['spec.allowedHostPaths[0]: Required value: is required'] },
  { name: 'a host path prefix with .. is refused', spec: { allowedHostPaths: [{ pathPrefix: '/foo/../etc' }] }, want: [`spec.allowedHostPaths[0]: Invalid value: "/foo/../etc": must not contain '..'`] },
  {
    name: 'defaultAllowPrivilegeEscalation true needs allowPrivilegeEscalation true',
    spec: { allowPrivilegeEscalation: false, defaultAllowPrivilegeEscalation: true },
    want: ['spec.defaultAllowPrivilegeEscalation: Invalid value: true: Cannot set DefaultAllowPrivilegeEscalation to true without also setting AllowPrivilegeEscalation to true'],
  },
  { name: 'an allowed capability may not also be a required drop', spec: { allowedCapabilities: ['CHOWN'], requiredDropCapabilities: ['CHOWN'] }, want: ['allowedCapabilities: Invalid value: "CHOWN": capability is listed in allowedCapabilities and requiredDropCapabilities'] },
  { name: 'required drops must be empty under a capability wildcard', spec: { allowedCapabilities: ['*'], requiredDropCapabilities: ['ALL'] }, want: ['requiredDropCapabilities: Invalid value: []core.Capability{"ALL"}: must be empty when all capabilities are allowed by a wildcard'] },
  { name: 'an overlapping allowed and forbidden sysctl is refused', spec: { allowedUnsafeSysctls: ['kernel.*'], forbiddenSysctls: ['kernel.sem'] }, want: ['spec.forbiddenSysctls[0]: Invalid value: "kernel.sem": sysctl overlaps with kernel.*'] },
  // kubernetes@release-1.24 pkg/apis/policy/validation/validation.go (the cases of its validation_test.go).
  { name: 'an unknown runAsGroup rule lists MustRunAs, RunAsAny, MayRunAs in that order', spec: { runAsGroup: { rule: 'invalid' } }, want: ['spec.runAsGroup.rule: Unsupported value: "invalid": supported values: "MustRunAs", "RunAsAny", "MayRunAs"'] },
  { name: 'runAsGroup RunAsAny takes no ranges', spec: { runAsGroup: { rule: 'RunAsAny', ranges: [{ min: 1, max: 5 }] } }, want: ['spec.runAsGroup.ranges: Invalid value: []policy.IDRange{policy.IDRange{Min:1, Max:5}}: Ranges must be empty'] },
  { name: 'runAsGroup MustRunAs needs a range', spec: { runAsGroup: { rule: 'MustRunAs' } }, want: ['spec.runAsGroup.ranges: Invalid value: []policy.IDRange(nil): must provide at least one range'] },
  {
    name: 'an allowed CSI driver needs a DNS-subdomain name (the path repeats allowedCSIDriver)',
    spec: { volumes: ['csi'], allowedCSIDrivers: [{}, { name: 'bad_driver' }, { name: 'Csi.Example.COM' }, { name: 'x'.repeat(64) }] },
    want: [
      'spec.allowedCSIDrivers.allowedCSIDriver[0].name: Required value',
      `spec.allowedCSIDrivers.allowedCSIDriver[0].name: Invalid value: "": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      `spec.allowedCSIDrivers.allowedCSIDriver[1].name: Invalid value: "bad_driver": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      `spec.allowedCSIDrivers.allowedCSIDriver[3].name: Too long: must have at most 63 bytes`,
    ],
  },
  { name: 'an empty AppArmor profile in the allowed list is valid', spec: {}, annotations: { 'apparmor.security.beta.kubernetes.io/allowedProfileNames': 'runtime/default,' }, want: [] },
  {
    name: 'a localhost seccomp profile must be a relative path without ..',
    spec: {},
    annotations: { 'seccomp.security.alpha.kubernetes.io/allowedProfileNames': 'localhost//etc/prof.json', 'seccomp.security.alpha.kubernetes.io/defaultProfileName': 'localhost/../prof.json' },
    want: [
      `metadata.annotations[seccomp.security.alpha.kubernetes.io/defaultProfileName]: Invalid value: "../prof.json": must not contain '..'`,
      'metadata.annotations[seccomp.security.alpha.kubernetes.io/allowedProfileNames]: Invalid value: "/etc/prof.json": must be a relative path',
    ],
  },
  { name: 'a runtime class default must be allowed', spec: { runtimeClass: { allowedRuntimeClassNames: ['native'], defaultRuntimeClassName: 'foo' } }, want: ['spec.runtimeClass.allowedRuntimeClassNames: Required value: default "foo" must be allowed'] },
  { name: 'a runtime class name given twice', spec: { runtimeClass: { allowedRuntimeClassNames: ['native', 'sandboxed', 'native'] } }, want: ['spec.runtimeClass.allowedRuntimeClassNames[2]: Duplicate value: "native"'] },
  {
    name: 'runtime class names are DNS subdomains',
    spec: { runtimeClass: { allowedRuntimeClassNames: ['foo*'], defaultRuntimeClassName: 'foo bar' } },
    want: [
      `spec.runtimeClass.allowedRuntimeClassNames[0]: Invalid value: "foo*": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      `spec.runtimeClass.defaultRuntimeClassName: Invalid value: "foo bar": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      'spec.runtimeClass.allowedRuntimeClassNames: Required value: default "foo bar" must be allowed',
    ],
  },
  { name: 'a wrongly typed field is reported', spec: { privileged: 'yes' }, want: ['spec.privileged: Invalid value: "yes": must be a boolean'] },
];

for (const c of cases) {
  test(c.name, () => {
    const { psp, errors } = readPsp(pspObject('p', c.spec, c.annotations));
    const got = [...errors, ...validatePspObject(psp)].map(formatFieldError);
    if (c.name.startsWith('an unknown volume type')) assert.match(got[0] ?? '', /^spec\.volumes: Unsupported value: "bogus": supported values: "\*", "awsElasticBlockStore"/);
    else assert.deepEqual(got, c.want);
  });
}

const unusable: { name: string; spec: JsonObject; want: string[] }[] = [
  { name: 'MustRunAs runAsUser without ranges cannot be built', spec: { runAsUser: { rule: 'MustRunAs' } }, want: ['spec.runAsUser.ranges: Required value: MustRunAs requires at least one range'] },
  { name: 'MayRunAs fsGroup without ranges cannot be built (validation allows it)', spec: { fsGroup: { rule: 'MayRunAs' } }, want: ['spec.fsGroup.ranges: Required value: ranges must be supplied for MayRunAs'] },
  { name: 'MustRunAs seLinux without options cannot be built', spec: { seLinux: { rule: 'MustRunAs' } }, want: ['spec.seLinux.seLinuxOptions: Required value: MustRunAs requires SELinuxOptions'] },
];
for (const c of unusable) {
  test(c.name, () => {
    const { psp } = readPsp(pspObject('p', c.spec));
    assert.deepEqual(validatePspObject(psp), []);
    assert.deepEqual(strategyErrors(psp).map(formatFieldError), c.want);
  });
}
