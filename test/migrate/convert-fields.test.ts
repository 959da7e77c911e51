// Differential property test of `migrate convert`, field by field: one generated PSP at a time (every PSP
// field, test/helpers/convert-fields.ts), granted to every authenticated user, and generated pods (init
// containers, pod-level values containers inherit, odd host paths, AppArmor and seccomp annotations). The
// converted policy, run in podgate's Kyverno engine as the API server runs webhooks (mutation first, PSP
// defaults included), must admit exactly what the PSP engine admits, with the same defaults, unless the
// converter listed the case as unexpressible. Fixed seed (fcParams); the first disagreements are printed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { convertWorld, type Requester, runWorld } from '../helpers/convert-differential.js';
import { fieldPodArbitrary, fieldPspArbitrary, grantToAll, grantToUser } from '../helpers/convert-fields.js';
import { fcParams } from '../helpers/fc.js';
import { type EngineProfile, PROFILE_1_12 } from '../../src/kyverno/index.js';

const requester = fc.constant<Requester>({ user: 'alice', groups: ['system:authenticated'] });

function check(profile: EngineProfile | undefined, worlds: number): void {
  let disagree = 0;
  let cases = 0;
  let admitted = 0;
  const examples: string[] = [];
  const params = fcParams(worlds);
  fc.assert(
    fc.property(fieldPspArbitrary('p0'), fc.integer({ min: 0, max: 1_000_000 }), (psp, seed) => {
      const world = { ...convertWorld('fields', [psp], grantToAll('p0')), ...(profile ? { profile } : {}) };
      assert.deepEqual(world.loadErrors, []);
      const t = runWorld(world, fieldPodArbitrary, requester, 40, seed);
      cases += t.agree + t.listed + t.disagree;
      admitted += t.admitted;
      disagree += t.disagree;
      if (t.disagree > 0 && examples.length < 3) examples.push(`PSP ${JSON.stringify(psp.spec)} ${JSON.stringify(psp.metadata.annotations ?? {})}\n${t.examples[0]}`);
      return true;
    }),
    params,
  );
  assert.equal(disagree, 0, `seed ${params.seed}: ${disagree} of ${cases} cases disagree\n${examples.join('\n')}`);
  // The generators must keep producing pods PSP admits, or the comparison says little about defaults.
  assert.ok(admitted > cases / 20, `only ${admitted} of ${cases} pods admitted`);
}

test('every PSP field: the converted policy agrees with the PSP engine, or the case is listed as unexpressible', () => {
  check(undefined, 60);
});

// The converted policies keep running after the Kyverno upgrade the plan ends with.
test('every PSP field, under Kyverno 1.12 (the profile of the upgrade): the same agreement', () => {
  check(PROFILE_1_12, 30);
});

// Two generated PSPs: `p0` for everyone, `p1` for bob too, so bob's pods are judged by a union policy
// ("admitted when any one admits"). Its approximations are listed; none may admit a pod PSP refuses
// except through the listed choice of defaults.
test('every PSP field in a union of two PSPs: no disagreement beyond the listed approximations', () => {
  let disagree = 0;
  let cases = 0;
  const examples: string[] = [];
  const params = fcParams(40);
  const requesters = fc.constantFrom<Requester>({ user: 'alice', groups: ['system:authenticated'] }, { user: 'bob', groups: ['system:authenticated'] });
  fc.assert(
    fc.property(fieldPspArbitrary('p0'), fieldPspArbitrary('p1'), fc.integer({ min: 0, max: 1_000_000 }), (a, b, seed) => {
      const world = convertWorld('union', [a, b], [...grantToAll('p0'), ...grantToUser('p1', 'bob')]);
      assert.deepEqual(world.loadErrors, []);
      const t = runWorld(world, fieldPodArbitrary, requesters, 40, seed);
      cases += t.agree + t.listed + t.disagree;
      disagree += t.disagree;
      if (t.disagree > 0 && examples.length < 3) examples.push(`p0 ${JSON.stringify(a)}\np1 ${JSON.stringify(b)}\n${t.examples[0]}`);
      return true;
    }),
    params,
  );
  assert.equal(disagree, 0, `seed ${params.seed}: ${disagree} of ${cases} cases disagree\n${examples.join('\n')}`);
});

// SELinux levels: PSP compares the categories of a level in any order (equalLevels). The generators
// above rarely meet a PSP level with a pod level written otherwise, so here every pod sets one.
test('seLinux MustRunAs levels written in another category order: the converted policy agrees with the PSP engine', () => {
  const levels = ['s0:c1,c2', 's0:c2,c1', 's0:c1,c2,c2', 's1:c2,c1', 's0', 's0:c1:x,c2', 's0:c2,c1:x'];
  const seLinux = (level: string) => ({ type: 'container_t', level });
  const psps = fc.tuple(fieldPspArbitrary('p0'), fc.constantFrom(...levels)).map(([p, level]) => ({ ...p, spec: { ...(p.spec as object), seLinux: { rule: 'MustRunAs', seLinuxOptions: seLinux(level) } } }) as typeof p);
  const pods = fc.tuple(fieldPodArbitrary, fc.constantFrom(...levels), fc.option(fc.constantFrom(...levels), { nil: undefined })).map(([p, podLevel, containerLevel]) => {
    const spec = structuredClone(p.spec) as { securityContext?: object; containers: { securityContext?: object }[] };
    spec.securityContext = { ...(spec.securityContext ?? {}), seLinuxOptions: seLinux(podLevel) };
    for (const c of spec.containers) {
      const sc = { ...(c.securityContext ?? {}) } as Record<string, unknown>;
      delete sc.seLinuxOptions;
      if (containerLevel !== undefined) sc.seLinuxOptions = seLinux(containerLevel);
      c.securityContext = sc;
    }
    return { ...p, spec } as typeof p;
  });
  let disagree = 0;
  let listed = 0;
  const examples: string[] = [];
  const params = fcParams(30);
  fc.assert(
    fc.property(psps, fc.integer({ min: 0, max: 1_000_000 }), (psp, seed) => {
      const world = convertWorld('selinux', [psp], grantToAll('p0'));
      assert.deepEqual(world.loadErrors, []);
      const t = runWorld(world, pods, requester, 20, seed);
      disagree += t.disagree;
      listed += t.listedWhy.get('p0: seLinux.seLinuxOptions.level') ?? 0;
      if (t.disagree > 0 && examples.length < 3) examples.push(t.examples[0]!);
      return true;
    }),
    params,
  );
  assert.equal(disagree, 0, `seed ${params.seed}: ${disagree} cases disagree\n${examples.join('\n')}`);
  assert.equal(listed, 0, 'no disagreement is excused as a level compared as a string');
});
