// A stand-in engine for HTTP-layer tests: one Enforce policy that fails Pods without `ok=true`,
// optionally warning (a second, Audit-for-everyone rule set through an override).
import type { AdmissionEngine, EngineRecipe, PolicyVerdict } from '../../src/webhook/index.js';

/** The fake engine; `tag` lets reload tests tell two generations apart. */
export function fakeEngine(tag = 'gen1'): AdmissionEngine {
  return {
    validate(request) {
      const labels = request.object?.metadata?.labels ?? {};
      const results: PolicyVerdict[] = [
        {
          policy: { name: 'require-ok' },
          resource: { kind: request.kind.kind, apiVersion: 'v1', namespace: request.namespace ?? '', name: request.name ?? '' },
          rules: [{ policy: 'require-ok', rule: 'ok-label', status: labels.ok === 'true' ? 'pass' : 'fail', message: labels.ok === 'true' ? 'rule passed' : `label ok is required (${tag})` }],
          action: 'Enforce',
          failurePolicy: 'Fail',
        },
        {
          policy: { name: 'prefer-team' },
          resource: { kind: request.kind.kind, apiVersion: 'v1', namespace: request.namespace ?? '', name: request.name ?? '' },
          rules: [{ policy: 'prefer-team', rule: 'team-label', status: labels.team ? 'pass' : 'fail', message: 'label team is recommended' }],
          action: 'Enforce',
          failurePolicy: 'Fail',
        },
      ];
      return { results, overrides: new Map([['prefer-team', [{ action: 'Audit', namespaces: ['*'] }]]]) };
    },
  };
}

/** How an evaluation worker builds fakeEngine(tag). */
export function fakeRecipe(tag = 'gen1'): EngineRecipe {
  return { kind: 'module', url: new URL('./fake-engine.ts', import.meta.url).href, export: 'fakeEngine', arg: tag };
}
