// What an evaluation worker builds its engine from: plain, structured-clonable data sent once per
// policy generation (at worker start and on reload), never per request. `kyverno` carries the loaded
// policies and the cluster objects shadow mode compares against; `module` names a module exporting
// an engine factory (tests' stand-in engines).
import type { LoadedObject } from '../kube/index.js';
import type { Policy } from '../kyverno/index.js';
import { createKyvernoEngine } from './engine-adapter.js';
import type { AdmissionEngine } from './handle-review.js';
import { createPspEvaluator } from './psp-shadow.js';

/** The data a Kyverno engine is built from (add admission context here as plain data). */
export interface EngineData {
  policies: Policy[];
  /** Cluster dump objects (PSPs, RBAC, namespaces) for shadow-mode PSP comparison and namespace labels. */
  cluster?: LoadedObject[];
}

/** How to build an engine in another thread. */
export type EngineRecipe = { kind: 'kyverno'; data: EngineData } | { kind: 'module'; url: string; export: string; arg?: unknown };

/** A compiled Kyverno engine over loaded sources. */
export function kyvernoEngineFromData(data: EngineData): AdmissionEngine {
  const psp = data.cluster ? createPspEvaluator(data.cluster) : undefined;
  const namespaces = psp ? new Map(psp.snapshot.namespaces.map((n) => [n.name, n.labels])) : undefined;
  return createKyvernoEngine(data.policies, {
    ...(namespaces ? { namespaceLabels: (ns: string) => namespaces.get(ns) } : {}),
    ...(psp ? { psp: psp.evaluate } : {}),
  });
}

/** Builds the engine a recipe describes. */
export async function engineFromRecipe(r: EngineRecipe): Promise<AdmissionEngine> {
  if (r.kind === 'kyverno') return kyvernoEngineFromData(r.data);
  const mod = (await import(r.url)) as Record<string, (arg: unknown) => AdmissionEngine>;
  const factory = mod[r.export];
  if (typeof factory !== 'function') throw new Error(`${r.url} does not export an engine factory ${r.export}`);
  return factory(r.arg);
}
