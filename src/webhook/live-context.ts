// The webhook's admission context from a watch cache: which resource types to watch (Namespaces always,
// the ConfigMaps the policies read, PolicyExceptions when the kyverno values enable them), an immutable
// ClusterContext rebuilt only when the cache changes (plain data: it can be handed to a worker thread as
// is), and the readiness gate — no engine and /readyz 503 until every watched type has synced.
import type { CacheStatus, WatchedResource } from '../cluster/index.js';
import type { KubeObject } from '../kube/index.js';
import { buildClusterContext, type ClusterContext, type ConfigMapRef, type ExceptionFeatures } from '../kyverno/config/index.js';
import type { ClusterContextProvider } from './engine-adapter.js';
import type { WebhookLogger } from './logger.js';
import type { EngineRecipe } from './engine-recipe.js';
import type { EngineProvider } from './server.js';

/** What the provider reads from: a ClusterCache, or anything with the same surface (tests). */
export interface ObjectCache {
  objects(): KubeObject[];
  version(): number;
  synced(): boolean;
  status(): CacheStatus;
}

/**
 * The resource types admission needs for these ConfigMap references and exception features, plus the RBAC
 * bindings when a policy reads the requester's roles (`roles`/`clusterRoles`).
 */
export function contextResources(features: ExceptionFeatures, refs: readonly ConfigMapRef[], roles = false): WatchedResource[] {
  const out: WatchedResource[] = [{ kind: 'Namespace', apiVersion: 'v1', resource: 'namespaces' }];
  const anyNamespace = refs.some((r) => r.namespace === '*');
  const namespaces = anyNamespace ? [] : [...new Set(refs.map((r) => r.namespace))].sort();
  if (anyNamespace) out.push({ kind: 'ConfigMap', apiVersion: 'v1', resource: 'configmaps' });
  for (const ns of namespaces) out.push({ kind: 'ConfigMap', apiVersion: 'v1', resource: 'configmaps', namespace: ns });
  if (features.enabled) {
    out.push({ kind: 'PolicyException', apiVersion: 'kyverno.io/v2alpha1', resource: 'policyexceptions', optional: true, ...(features.namespace ? { namespace: features.namespace } : {}) });
  }
  if (roles) {
    out.push({ kind: 'RoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', resource: 'rolebindings' });
    out.push({ kind: 'ClusterRoleBinding', apiVersion: 'rbac.authorization.k8s.io/v1', resource: 'clusterrolebindings' });
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

/** Where cluster context changes come from: the provider, the cache whose sync gates readiness, a change feed. */
export interface ContextFeed {
  provider: ClusterContextProvider;
  cache?: ObjectCache;
  /** Called on every cache change (undebounced). */
  subscribe(listener: () => void): () => void;
}

/**
 * The policy source with the cluster context in its recipes: evaluation workers build their engine from
 * plain data, so each context change (debounced) publishes a new generation whose recipe carries the new
 * snapshot. Not ready, and no active set, until the cache has first synced; while a later watch (a reload's new
 * ConfigMap namespace) has not synced, not ready, and the last published set stays active.
 */
export function withClusterContext(source: EngineProvider, feed: ContextFeed, debounceMs = 100): EngineProvider & { close(): void } {
  const publish = () => ({ version: feed.provider.version?.() ?? 0, context: feed.provider.snapshot() });
  let published = publish();
  let key = '';
  let generation = 0;
  let cached: { generation: number; recipe: EngineRecipe } | undefined;
  let servedSource: { generation: number; recipe: EngineRecipe } | undefined;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  let timer: NodeJS.Timeout | undefined;
  const unsubscribeContext = feed.subscribe(() => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      published = publish();
      notify();
    }, debounceMs);
    timer.unref();
  });
  const unsubscribeSource = source.onChange?.(notify);
  return {
    active() {
      // Not synced: nothing before the first sync. Afterwards (a reload made the cache watch a type it cannot
      // list yet) the policy set last served with a synced cache stays active, with the current context (its
      // policies need nothing that is missing): a worker started meanwhile (after a budget overrun or a crash)
      // got no set and denied every review as "not loaded yet", and namespace relabels waited for the sync.
      const synced = !feed.cache || feed.cache.synced();
      const a = synced ? source.active() : servedSource;
      if (synced) servedSource = a;
      if (!a) return undefined;
      const k = `${a.generation}/${published.version}`;
      if (k !== key || !cached) {
        key = k;
        generation++;
        const context = published.context;
        const recipe: EngineRecipe = a.recipe.kind === 'kyverno' && context ? { kind: 'kyverno', data: { ...a.recipe.data, context } } : a.recipe;
        cached = { generation, recipe };
      }
      return cached;
    },
    status() {
      const st = source.status();
      if (!feed.cache) return st;
      const cluster = feed.cache.status();
      const status = { ...st, ready: st.ready && cluster.synced, cluster };
      return status;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (timer) clearTimeout(timer);
      unsubscribeContext();
      unsubscribeSource?.();
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
