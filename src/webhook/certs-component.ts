// `podgate certs` output as a kustomize Component: the TLS Secret plus patches that put the CA
// bundle into each webhook of deploy/base's configurations, so `deploy/overlays/<mode>` can take its
// TLS from `podgate certs` instead of cert-manager (components: [../../generated]).
import { toYamlText } from '../kube/index.js';

/** One webhook configuration's patch targets: each webhook with the settings `podgate certs` was given. */
export interface CaBundleTarget {
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  name: string;
  webhooks: readonly { name: string; timeoutSeconds?: number; namespaceSelector?: unknown }[];
}

/**
 * The Component's kustomization.yaml text: `secretFile` as a resource; into every webhook the caBundle,
 * and the timeoutSeconds and namespaceSelector `podgate certs` was given (--timeout-seconds,
 * --exclude-namespace), so the kustomize path registers what webhook-configurations.yaml does. The
 * failurePolicy stays the overlay's (its mode).
 */
export function certsComponent(o: { secretFile: string; caBundlePem: string; targets: readonly CaBundleTarget[] }): string {
  const caBundle = Buffer.from(o.caBundlePem).toString('base64');
  const patches = o.targets.map((t) => ({
    // Strategic merge: webhooks merge by name; a namespaceSelector's matchExpressions list is replaced whole.
    patch: toYamlText({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: t.kind,
      metadata: { name: t.name },
      webhooks: t.webhooks.map((w) => ({
        name: w.name,
        clientConfig: { caBundle },
        ...(w.timeoutSeconds !== undefined ? { timeoutSeconds: w.timeoutSeconds } : {}),
        ...(w.namespaceSelector !== undefined ? { namespaceSelector: w.namespaceSelector } : {}),
      })),
    }),
  }));
  return `# Written by podgate certs: the TLS Secret and the CA bundle for deploy/base's webhook configurations.\n${toYamlText({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: [o.secretFile], patches })}`;
}
