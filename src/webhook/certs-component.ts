// `podgate certs` output as a kustomize Component: the TLS Secret plus patches that put the CA
// bundle into each webhook of deploy/base's configurations, so `deploy/overlays/<mode>` can take its
// TLS from `podgate certs` instead of cert-manager (components: [../../generated]).
import { toYamlText } from '../kube/index.js';

/** One webhook configuration's CA bundle patch targets. */
export interface CaBundleTarget {
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  name: string;
  webhooks: readonly string[];
}

/** The Component's kustomization.yaml text: `secretFile` as a resource, caBundle patched into every webhook. */
export function certsComponent(o: { secretFile: string; caBundlePem: string; targets: readonly CaBundleTarget[] }): string {
  const caBundle = Buffer.from(o.caBundlePem).toString('base64');
  const patches = o.targets.map((t) => ({
    // Strategic merge: webhooks merge by name, so only clientConfig.caBundle changes.
    patch: toYamlText({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: t.kind,
      metadata: { name: t.name },
      webhooks: t.webhooks.map((name) => ({ name, clientConfig: { caBundle } })),
    }),
  }));
  return `# Written by podgate certs: the TLS Secret and the CA bundle for deploy/base's webhook configurations.\n${toYamlText({ apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', resources: [o.secretFile], patches })}`;
}
