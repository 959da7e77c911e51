import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebhookMode } from './decision.js';
import { breakGlassCommand, WEBHOOK_CONFIG_NAMES, webhookConfigurations } from './webhook-config.js';

interface Webhook {
  name: string;
  failurePolicy: string;
  sideEffects: string;
  timeoutSeconds: number;
  clientConfig: { service: { name: string; namespace: string; path: string; port: number } };
  namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
}

function webhooks(mode: WebhookMode, extra: Partial<Parameters<typeof webhookConfigurations>[0]> = {}): Webhook[] {
  return webhookConfigurations({ service: 'podgate', namespace: 'podgate', caBundlePem: 'PEM', mode, ...extra }).flatMap((c) => c.webhooks as Webhook[]);
}

// Kyverno's names (kyverno@v1.10.7:pkg/config/config.go: validate.kyverno.svc, mutate.kyverno.svc, plus -fail/-ignore per failurePolicy).
const cases: { name: string; mode: WebhookMode; want: [string, string, string][] }[] = [
  {
    name: "enforce keeps Kyverno's split: the -fail webhook fails closed, -ignore and mutate fail open",
    mode: 'enforce',
    want: [
      ['validate.kyverno.svc-fail', '/validate/fail', 'Fail'],
      ['validate.kyverno.svc-ignore', '/validate/ignore', 'Ignore'],
      ['mutate.kyverno.svc-fail', '/mutate', 'Ignore'],
    ],
  },
  {
    name: 'audit registers like enforce',
    mode: 'audit',
    want: [
      ['validate.kyverno.svc-fail', '/validate/fail', 'Fail'],
      ['validate.kyverno.svc-ignore', '/validate/ignore', 'Ignore'],
      ['mutate.kyverno.svc-fail', '/mutate', 'Ignore'],
    ],
  },
  {
    name: 'shadow registers every webhook with failurePolicy Ignore so it can never block',
    mode: 'shadow',
    want: [
      ['validate.kyverno.svc-fail', '/validate/fail', 'Ignore'],
      ['validate.kyverno.svc-ignore', '/validate/ignore', 'Ignore'],
      ['mutate.kyverno.svc-fail', '/mutate', 'Ignore'],
    ],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(
      webhooks(c.mode).map((w) => [w.name, w.clientConfig.service.path, w.failurePolicy]),
      c.want,
    );
  });
}

test('its own namespace, kube-system and extra namespaces are excluded through the immutable name label', () => {
  for (const w of webhooks('enforce', { excludeNamespaces: ['monitoring', 'kube-system'] })) {
    assert.deepEqual(w.namespaceSelector.matchExpressions, [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['podgate', 'kube-system', 'monitoring'] }]);
  }
});

test('every webhook is NoneOnDryRun with the given timeout and port', () => {
  for (const w of webhooks('enforce', { timeoutSeconds: 7, port: 8443 })) {
    assert.equal(w.sideEffects, 'NoneOnDryRun');
    assert.equal(w.timeoutSeconds, 7);
    assert.equal(w.clientConfig.service.port, 8443);
  }
});

test('the break-glass command deletes exactly the two configurations podgate registers', () => {
  const names = webhookConfigurations({ service: 's', namespace: 'n', caBundlePem: 'PEM', mode: 'enforce' }).map((c) => (c.metadata as { name: string }).name);
  assert.deepEqual(names, [WEBHOOK_CONFIG_NAMES.validating, WEBHOOK_CONFIG_NAMES.mutating]);
  for (const n of names) assert.match(breakGlassCommand(), new RegExp(`webhookconfiguration ${n} --ignore-not-found`));
});
