// The webhook's admission context from a watch cache: which resource types to watch (Namespaces always,
// the ConfigMaps the policies read, PolicyExceptions when the kyverno values enable them), an immutable
// ClusterContext rebuilt only when the cache changes (plain data: it can be handed to a worker thread as
// is), and the readiness gate — no engine and /readyz 503 until every watched type has synced.
import type { CacheStatus, WatchedResource } from '../cluster/index.js';
import type { KubeObject } from '../kube/index.js';
import { buildClusterContext, type ClusterContext, type ConfigMapRef, type ExceptionFeatures } from '../kyverno/config/index.js';
import type { ClusterContextProvider } from './engine-adapter.js';
import type { WebhookLogger } from './logger.js';
import type { EngineProvider } from './server.js';

/** What the provider reads from: a ClusterCache, or anything with the same surface (tests). */
export interface ObjectCache {
  objects(): KubeObject[];
  version(): number;
  synced(): boolean;
  status(): CacheStatus;
}

/** The resource types admission needs for these ConfigMap references and exception features. */
export function contextResources(features: ExceptionFeatures, refs: readonly ConfigMapRef[]): WatchedResource[] {
  const out: WatchedResource[] = [{ kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces' }];
  const anyNamespace = refs.some((r) => r.namespace === '*');
  const namespaces = anyNamespace ? [] : [...new Set(refs.map((r) => r.namespace))].sort();
  if (anyNamespace) out.push({ kind: 'ConfigMap', apiVersion: 'v1', resource: 'configmaps' });
  for (const ns of namespaces) out.push({ kind: 'ConfigMap', apiVersion: 'v1', resource: 'configmaps', namespace: ns });
  if (features.enabled) {
    out.push({ kind: 'PolicyException', apiVersion: 'kyverno.io/v2alpha1', resource: 'policyexceptions', optional: true, ...(features.namespace ? { namespace: features.namespace } : {}) });
  }
  return out;
}

/** A ClusterContext over the cache (plus static objects, e.g. `--exception` files), rebuilt per cache version. */
export function cacheContextProvider(cache: ObjectCache, features: ExceptionFeatures, staticObjects: readonly KubeObject[] = [], log?: WebhookLogger): ClusterContextProvider {
  let built: { version: number; context: ClusterContext } | undefined;
  const seenWarnings = new Set<string>();
  return {
    version: () => cache.version(),
    snapshot() {
      const version = cache.version();
      if (built?.version === version) return built.context;
      const r = buildClusterContext([...cache.objects(), ...staticObjects], features, () => 'cluster');
      // Kyverno's webhook refuses invalid exceptions, so the cluster should hold none; any that do are left out.
      const once = (text: string, say: (t: string) => void) => {
        if (seenWarnings.has(text)) return;
        seenWarnings.add(text);
        say(text);
      };
      for (const p of r.problems) once(p, (t) => log?.error({ problem: t }, 'invalid PolicyException ignored'));
      for (const w of r.warnings) once(w, (t) => log?.warn({ warning: t }, 'PolicyException not in effect'));
      const context = Object.freeze(r.context);
      built = { version, context };
      return context;
    },
  };
}

/** The policy source gated on the cache: no engine (fail closed in enforce) and not ready until synced. */
export function gateOnCache(source: EngineProvider, cache: ObjectCache): EngineProvider {
  return {
    current: () => (cache.synced() ? source.current() : undefined),
    status: () => {
      const st = source.status();
      const cluster = cache.status();
      const status = { ...st, ready: st.ready && cluster.synced, cluster };
      return status;
    },
  };
}

/**
 * A provider fed from elsewhere (e.g. a worker thread that receives each new snapshot as a message):
 * `set` replaces the snapshot, which is plain data and used as given.
 */
export function settableContextProvider(initial?: ClusterContext): ClusterContextProvider & { set(context: ClusterContext | undefined, version: number): void } {
  let current = initial;
  let version = 0;
  return {
    snapshot: () => current,
    version: () => version,
    set(context, v) {
      current = context;
      version = v;
    },
  };
}
