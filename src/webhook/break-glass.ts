// Break glass: remove podgate's webhook configurations so the API server stops calling podgate
// (the first fix for "API server is blocked" when a fail-closed webhook is down). Through the
// cluster API when a kubeconfig is given; otherwise the caller prints breakGlassCommand().
// The client is imported lazily: loading it costs ~70 MiB of RSS that `serve` must not carry.
import { WEBHOOK_CONFIG_NAMES } from './webhook-config.js';

/** What happened to each configuration. */
export interface BreakGlassResult {
  name: string;
  kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  outcome: 'deleted' | 'absent' | 'failed';
  error?: string;
}

function statusCode(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'number') return err.code;
  return undefined;
}

/** Deletes both configurations through the API server named by the kubeconfig. */
export async function removeWebhookConfigurations(kubeconfigPath: string, context?: string): Promise<BreakGlassResult[]> {
  const { AdmissionregistrationV1Api, KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  if (context) kc.setCurrentContext(context);
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  const jobs = [
    { kind: 'ValidatingWebhookConfiguration' as const, name: WEBHOOK_CONFIG_NAMES.validating, del: () => api.deleteValidatingWebhookConfiguration({ name: WEBHOOK_CONFIG_NAMES.validating }) },
    { kind: 'MutatingWebhookConfiguration' as const, name: WEBHOOK_CONFIG_NAMES.mutating, del: () => api.deleteMutatingWebhookConfiguration({ name: WEBHOOK_CONFIG_NAMES.mutating }) },
  ];
  const out: BreakGlassResult[] = [];
  for (const j of jobs) {
    try {
      await j.del();
      out.push({ name: j.name, kind: j.kind, outcome: 'deleted' });
    } catch (err) {
      if (statusCode(err) === 404) out.push({ name: j.name, kind: j.kind, outcome: 'absent' });
      else out.push({ name: j.name, kind: j.kind, outcome: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
