// Every check step's quick test (VersionedCheck.allows) against its checkPod: on random pods built from the
// fields and values the checks read (valid, invalid and mistyped), the quick test says "allowed" exactly
// when checkPod allows, so a runner that calls it first gives the same answers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../../test/helpers/fc.js';
import type { ObjectMeta } from '../kube/index.js';
import type { JsonObject } from '../util/index.js';
import { CHECKS } from './registry.js';

const value = (...vs: unknown[]) => fc.constantFrom(undefined, null, 'x', 0, true, false, {}, [], ...vs);
const list = (item: fc.Arbitrary<unknown>) => fc.oneof(value(), fc.array(item, { maxLength: 3 }));
const capability = value('ALL', 'NET_BIND_SERVICE', 'CHOWN', 'SYS_ADMIN', '');
const profileType = value('RuntimeDefault', 'Localhost', 'Unconfined', '');
const profile = fc.oneof(value(), fc.record({ type: profileType }, { requiredKeys: [] }));
const seLinux = fc.oneof(
  value(),
  fc.record({ type: value('container_t', 'container_engine_t', 'spc_t', ''), user: value('u', ''), role: value('r', '') }, { requiredKeys: [] }),
);
const securityContext = fc.oneof(
  value(),
  fc.record(
    {
      allowPrivilegeEscalation: value(),
      capabilities: fc.oneof(value(), fc.record({ add: list(capability), drop: list(capability) }, { requiredKeys: [] })),
      runAsNonRoot: value(),
      procMount: value('Default', 'Unmasked'),
      seccompProfile: profile,
      appArmorProfile: profile,
      seLinuxOptions: seLinux,
    },
    { requiredKeys: [] },
  ),
);
const container = fc.record(
  { name: fc.constantFrom('a', 'b', 'c'), securityContext, ports: list(fc.record({ hostPort: value(80, -1) }, { requiredKeys: [] })) },
  { requiredKeys: ['name'] },
);
const podSecurityContext = fc.oneof(
  value(),
  fc.record({ runAsNonRoot: value(), seccompProfile: profile, appArmorProfile: profile, seLinuxOptions: seLinux }, { requiredKeys: [] }),
);
const spec = fc.record(
  {
    securityContext: podSecurityContext,
    os: fc.oneof(value(), fc.record({ name: value('windows', 'linux') })),
    hostUsers: value(),
    containers: list(container),
    initContainers: list(container),
    ephemeralContainers: list(container),
  },
  { requiredKeys: [] },
);
const annotationKey = fc.constantFrom('container.apparmor.security.beta.kubernetes.io/a', 'container.apparmor.security.beta.kubernetes.io/b', 'other/a');
const annotations = fc.oneof(fc.constant(undefined), fc.dictionary(annotationKey, fc.constantFrom('', 'runtime/default', 'localhost/p', 'unconfined'), { maxKeys: 3 }));

test("every check step's quick test allows exactly the pods its checkPod allows", () => {
  const steps = CHECKS.flatMap((c) => c.versions.flatMap((s, i) => (s.allows ? [{ name: `${c.id}@${s.minimumVersion}#${i}`, step: s }] : [])));
  assert.ok(steps.length >= 10, `${steps.length} steps with a quick test`);
  fc.assert(
    fc.property(spec, annotations, (s, a) => {
      const meta: ObjectMeta = a === undefined ? {} : { annotations: a };
      for (const { name, step } of steps) {
        assert.equal(step.allows?.(meta, s as JsonObject), step.checkPod(meta, s as JsonObject).allowed, `${name} on ${JSON.stringify({ meta, spec: s })}`);
      }
    }),
    fcParams(2000),
  );
});
