// The webhook configurations podgate registers with the API server: validating (fail and ignore
// webhooks, as Kyverno's validate.kyverno.svc-fail/-ignore) and mutating, with podgate's own
// namespace and kube-system excluded by the immutable kubernetes.io/metadata.name label.
import { checkKind, type GroupVersionKind, type Policy, ruleOperations } from '../kyverno/index.js';
import { matchKinds } from './context-webhooks.js';
import { WEBHOOK_NAMES, type WebhookMode } from './decision.js';

/** Names of the configuration objects podgate owns (the break-glass command deletes these). */
export const WEBHOOK_CONFIG_NAMES = { validating: 'podgate-validating-webhook-cfg', mutating: 'podgate-mutating-webhook-cfg' } as const;

const REGISTERED_OPERATIONS = ['CREATE', 'UPDATE'];

/** What the API server sends podgate (the rules of every webhook): pods and the pod controllers. */
const WEBHOOK_RULES = [
  { apiGroups: [''], apiVersions: ['v1'], operations: REGISTERED_OPERATIONS, resources: ['pods', 'pods/ephemeralcontainers'], scope: 'Namespaced' },
  { apiGroups: ['apps'], apiVersions: ['v1'], operations: REGISTERED_OPERATIONS, resources: ['deployments', 'daemonsets', 'statefulsets', 'replicasets'], scope: 'Namespaced' },
  { apiGroups: ['batch'], apiVersions: ['v1'], operations: REGISTERED_OPERATIONS, resources: ['jobs', 'cronjobs'], scope: 'Namespaced' },
  { apiGroups: [''], apiVersions: ['v1'], operations: REGISTERED_OPERATIONS, resources: ['replicationcontrollers'], scope: 'Namespaced' },
];

/** The kinds (and subresource) of WEBHOOK_RULES, as a rule's `kinds` are matched against them. */
const REGISTERED_KINDS: readonly { gvk: GroupVersionKind; subresource: string }[] = [
  { gvk: { group: '', version: 'v1', kind: 'Pod' }, subresource: '' },
  { gvk: { group: '', version: 'v1', kind: 'Pod' }, subresource: 'ephemeralcontainers' },
  ...['Deployment', 'DaemonSet', 'StatefulSet', 'ReplicaSet'].map((kind) => ({ gvk: { group: 'apps', version: 'v1', kind }, subresource: '' })),
  ...['Job', 'CronJob'].map((kind) => ({ gvk: { group: 'batch', version: 'v1', kind }, subresource: '' })),
  { gvk: { group: '', version: 'v1', kind: 'ReplicationController' }, subresource: '' },
];

/**
 * Rules of these policies that podgate is never asked about in a cluster: every kind they select (or every
 * operation) is one its webhook configurations do not register. `admit` still answers such a request as
 * Kyverno would; the API server never sends it to `serve`.
 */
export function unsentRuleWarnings(policies: readonly Policy[]): string[] {
  const out: string[] = [];
  const registered = `they register pods, pods/ephemeralcontainers and the pod controllers, on ${REGISTERED_OPERATIONS.join(' and ')}`;
  for (const p of policies) {
    const name = p.namespace ? `${p.namespace}/${p.name}` : p.name;
    for (const rule of p.rules) {
      if (rule.validate === undefined && rule.mutate === undefined) continue;
      const kinds = matchKinds(rule);
      const ops = ruleOperations(rule);
      let selects: string | undefined;
      // Kyverno's quirk that lets any Pod entry match pods/ephemeralcontainers is left out: it is not what the rule names.
      if (kinds.length > 0 && !REGISTERED_KINDS.some((k) => checkKind(kinds, k.gvk, k.subresource, false))) selects = kinds.join(', ');
      else if (ops && !REGISTERED_OPERATIONS.some((o) => ops.has(o))) selects = [...ops].join(', ');
      if (selects) out.push(`policy ${name} rule ${rule.name} selects ${selects}, which podgate's webhook configurations never send (${registered}): in a cluster it is not applied to them`);
    }
  }
  return out;
}

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
  const rules = WEBHOOK_RULES;
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
