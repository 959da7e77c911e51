// Differential property test of `migrate convert` (issue 16): random pods × random requesters over the
// bundled sample's PSPs and RBAC, the sample plus a service-account grant that makes a requester's usable
// set a union, and generated PSP sets; the converted policies in podgate's Kyverno engine must admit
// exactly what the PSP engine admits, with the same defaults, unless the converter listed the case as
// unexpressible. Fixed seeds; the seed and the first disagreements are printed on failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fcParams } from '../helpers/fc.js';
import {
  convertWorld,
  GEN_NAMESPACES,
  GEN_SERVICE_ACCOUNTS,
  genRequesters,
  podArbitrary,
  runWorld,
  SAMPLE_NAMESPACES,
  SAMPLE_SERVICE_ACCOUNTS,
  sampleObjects,
  sampleRequesters,
  unionGrant,
  worldArbitrary,
} from '../helpers/convert-differential.js';

const SEED = 16;

test('sample PSPs + RBAC: converted policies agree with the PSP engine', () => {
  const { psps, rbac } = sampleObjects();
  const world = convertWorld('sample', psps, rbac);
  assert.deepEqual(world.loadErrors, []);
  const t = runWorld(world, podArbitrary(SAMPLE_NAMESPACES, SAMPLE_SERVICE_ACCOUNTS), sampleRequesters, 400, SEED);
  assert.equal(t.disagree, 0, `seed ${SEED}: ${t.disagree} disagreements\n${t.examples.join('\n')}`);
  assert.equal(t.listed, 0, 'the sample converts exactly');
});

test('sample + a service-account grant of a second PSP: the union is converted exactly', () => {
  const { psps, rbac } = sampleObjects();
  const world = convertWorld('sample+union', psps, [...rbac, unionGrant()]);
  assert.deepEqual(world.loadErrors, []);
  assert.ok(world.conversion.requesterSets.some((s) => s.decisive.join(',') === 'local-path-provisioner-psp,ray-restricted'), 'the union set is found');
  const t = runWorld(world, podArbitrary(['ray-restricted'], ['gpu-runner', 'default']), sampleRequesters, 300, SEED);
  assert.equal(t.disagree, 0, `seed ${SEED}: ${t.disagree} disagreements\n${t.examples.join('\n')}`);
});

test('generated PSP sets and RBAC: every disagreement is listed as unexpressible', () => {
  let disagree = 0;
  const examples: string[] = [];
  fc.assert(
    fc.property(worldArbitrary, fc.integer({ min: 0, max: 1_000_000 }), ({ psps, rbac }, s) => {
      const world = convertWorld('generated', psps, rbac);
      assert.deepEqual(world.loadErrors, []);
      const t = runWorld(world, podArbitrary(GEN_NAMESPACES, GEN_SERVICE_ACCOUNTS), genRequesters, 15, s);
      disagree += t.disagree;
      examples.push(...t.examples.slice(0, 1));
      return true;
    }),
    fcParams(25),
  );
  assert.equal(disagree, 0, `seed ${SEED}: ${disagree} disagreements\n${examples.slice(0, 3).join('\n')}`);
});

test('the check catches a wrong conversion: without the no-usable-PSP policy, unauthorized pods get through', () => {
  const { psps, rbac } = sampleObjects();
  const world = convertWorld('sample', psps, rbac);
  const weakened = { ...world, compiled: world.compiled.filter((p) => p.policy.name !== 'psp-no-usable-policy') };
  assert.equal(weakened.compiled.length, world.compiled.length - 1);
  const t = runWorld(weakened, podArbitrary(['default'], ['default']), sampleRequesters, 100, SEED);
  assert.ok(t.disagree > 0, 'requesters with no PSP are admitted by the weakened policies');
});
