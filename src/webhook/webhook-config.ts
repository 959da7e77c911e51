// The webhook configurations podgate registers with the API server: validating (fail and ignore
// webhooks, as Kyverno's validate.kyverno.svc-fail/-ignore) and mutating, with podgate's own
// namespace and kube-system excluded by the immutable kubernetes.io/metadata.name label.
import { WEBHOOK_NAMES, type WebhookMode } from './decision.js';

/** Names of the configuration objects podgate owns (the break-glass command deletes these). */
export const WEBHOOK_CONFIG_NAMES = { validating: 'podgate-validating-webhook-cfg', mutating: 'podgate-mutating-webhook-cfg' } as const;

/** Options of webhookConfigurations. */
export interface WebhookConfigOptions {
  service: string;
  namespace: string;
  caBundlePem: string;
  mode: WebhookMode;
  port?: number;
  timeoutSeconds?: number;
  /** Namespaces never sent to podgate besides its own and kube-system. */
  excludeNamespaces?: readonly string[];
}

/**
 * The ValidatingWebhookConfiguration and MutatingWebhookConfiguration. Webhooks carry Kyverno's
 * names so the API server's `admission webhook "validate.kyverno.svc-fail" denied the request: `
 * prefix, and so the whole text users see, is Kyverno's. Shadow mode registers with failurePolicy
 * Ignore everywhere (it must never block); enforce and audit keep Kyverno's split: the -fail
 * webhook fails closed, the -ignore one fails open.
 */
export function webhookConfigurations(o: WebhookConfigOptions): Record<string, unknown>[] {
  const caBundle = Buffer.from(o.caBundlePem).toString('base64');
  const excluded = [...new Set([o.namespace, 'kube-system', ...(o.excludeNamespaces ?? [])])];
  const common = (path: string) => ({
    admissionReviewVersions: ['v1', 'v1beta1'],
    clientConfig: { caBundle, service: { name: o.service, namespace: o.namespace, path, port: o.port ?? 443 } },
    namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: excluded }] },
    sideEffects: 'NoneOnDryRun',
    timeoutSeconds: o.timeoutSeconds ?? 10,
    matchPolicy: 'Equivalent',
  });
  const rules = [
    { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers'], scope: 'Namespaced' },
    { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'], scope: 'Namespaced' },
    { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'], scope: 'Namespaced' },
    { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['replicationcontrollers'], scope: 'Namespaced' },
  ];
  const fail = o.mode === 'shadow' ? 'Ignore' : 'Fail';
  const labels = { 'app.kubernetes.io/name': 'podgate', 'app.kubernetes.io/component': 'webhook' };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: WEBHOOK_CONFIG_NAMES.validating, labels },
      webhooks: [
        { name: WEBHOOK_NAMES.Fail, ...common('/validate/fail'), failurePolicy: fail, rules },
        { name: WEBHOOK_NAMES.Ignore, ...common('/validate/ignore'), failurePolicy: 'Ignore', rules },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: WEBHOOK_CONFIG_NAMES.mutating, labels },
      webhooks: [{ name: 'mutate.kyverno.svc-fail', ...common('/mutate'), failurePolicy: 'Ignore', reinvocationPolicy: 'IfNeeded', rules }],
    },
  ];
}

/** The kubectl command that removes podgate's webhook configurations (break glass). */
export function breakGlassCommand(): string {
  return `kubectl delete validatingwebhookconfiguration ${WEBHOOK_CONFIG_NAMES.validating} --ignore-not-found && kubectl delete mutatingwebhookconfiguration ${WEBHOOK_CONFIG_NAMES.mutating} --ignore-not-found`;
}
