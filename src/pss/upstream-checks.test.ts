// Kubernetes' own PSS check unit tests as an oracle: every translated upstream case
// (test/helpers/pss-upstream-cases.ts) runs through the step of podgate's check that upstream's function
// is, and must give the same verdict, reason and detail byte for byte, and the same field errors where the
// upstream field-error variant lists them (compared as a set, Detail ignored, as upstream's cmp options do).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UPSTREAM_CASES } from '../../test/helpers/pss-upstream-cases.js';
import { CHECKS, stepAt } from './registry.js';

describe('upstream pod-security-admission check tests', () => {
  for (const c of UPSTREAM_CASES) {
    test(`${c.fn}: ${c.name}`, () => {
      const check = CHECKS.find((k) => k.id === c.check);
      assert.ok(check, `no check ${c.check}`);
      const step = stepAt(check, c.version);
      assert.ok(step, `no step of ${c.check} at 1.${c.version}`);
      const meta = c.pod.metadata ?? {};
      const r = step.checkPod(meta, c.pod.spec);
      if (c.reason === undefined) {
        assert.equal(r.allowed, true, `${r.forbiddenReason} (${r.forbiddenDetail})`);
      } else {
        assert.deepEqual({ allowed: r.allowed, reason: r.forbiddenReason, detail: r.forbiddenDetail }, { allowed: false, reason: c.reason, detail: c.detail });
        if (c.errors) {
          const got = (r.errors ?? []).map((e) => (e.badValue === undefined ? { type: e.type, field: e.path.toString() } : { type: e.type, field: e.path.toString(), badValue: e.badValue }));
          const key = (e: { field: string }) => e.field;
          assert.deepEqual([...got].sort((a, b) => key(a).localeCompare(key(b))), [...c.errors].sort((a, b) => key(a).localeCompare(key(b))));
        }
      }
      // The quick test agrees with the full check on the upstream pod.
      if (step.allows) assert.equal(step.allows(meta, c.pod.spec), r.allowed);
    });
  }
});
