// Kubernetes objects as plain JSON, each remembering where it was read from.
import type { JsonObject } from '../util/index.js';

/** Where an object came from: file (or `<stdin>`, or `cluster:<kind>`), 0-based document index, 1-based line. */
export interface Source {
  file: string;
  document: number;
  line: number;
  /** Index inside a `kind: List` document, when flattened from one. */
  item?: number;
}

/** Metadata fields podgate reads. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  ownerReferences?: JsonObject[];
  [key: string]: unknown;
}

/** A Kubernetes object: apiVersion, kind, metadata, and anything else. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** An object plus its source position. */
export interface LoadedObject {
  object: KubeObject;
  source: Source;
}

/** Splits `group/version` into group ('' for core) and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `Kind/namespace/name` or `Kind/name`, as Kyverno and kubectl print resource keys. */
export function objectKey(o: KubeObject): string {
  const ns = o.metadata.namespace;
  return ns ? `${o.kind}/${ns}/${o.metadata.name ?? ''}` : `${o.kind}/${o.metadata.name ?? ''}`;
}

/** Renders a source as `file:line (document N)`. */
export function formatSource(s: Source): string {
  return `${s.file}:${s.line} (document ${s.document + 1}${s.item !== undefined ? `, item ${s.item}` : ''})`;
}
