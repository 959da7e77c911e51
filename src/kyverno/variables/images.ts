// The `images` context variable: container images of a pod or pod template, split into registry,
// path, name, tag and digest. Mirrors kyverno@v1.10.7:pkg/utils/image/infos.go (GetImageInfo) and
// pkg/engine/context/context.go (AddImageInfos) with docker.io as the default registry.
import { isObject, type JsonObject, setOwn } from '../../util/index.js';

/** One parsed image reference, as Kyverno exposes it under `images`. */
export interface ImageInfo {
  registry: string;
  name: string;
  path: string;
  tag: string;
  digest: string;
  reference: string;
  referenceWithTag: string;
}

/** Parses an image reference the way Kyverno does (no library/ normalisation, default tag latest). */
export function parseImage(image: string): ImageInfo {
  let rest = image;
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry = '';
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // addDefaultRegistry: the first component names a host when it has a `.` or `:`, is `localhost`, or is
    // not all lower-case (`Registry/nginx` is pulled from the host `Registry`, as the runtime reads it too).
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first) {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.slice(colon).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (registry === '') registry = 'docker.io';
  if (tag === '' && digest === '') tag = 'latest';
  const path = rest;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const base = `${registry}/${path}`;
  const reference = digest !== '' ? `${base}@${digest}` : `${base}:${tag}`;
  const referenceWithTag = tag !== '' ? `${base}:${tag}` : reference;
  return { registry, name, path, tag, digest, reference, referenceWithTag };
}

const CONTAINER_KEYS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

function podSpecOf(resource: JsonObject): JsonObject | undefined {
  const spec = resource.spec;
  if (!isObject(spec)) return undefined;
  if (resource.kind === 'Pod') return spec;
  if (resource.kind === 'CronJob') {
    const jt = spec.jobTemplate;
    const s = isObject(jt) && isObject(jt.spec) && isObject(jt.spec.template) ? jt.spec.template.spec : undefined;
    return isObject(s) ? s : undefined;
  }
  const t = spec.template;
  return isObject(t) && isObject(t.spec) ? t.spec : undefined;
}

/** The `images` map for a resource: `{containers: {<name>: ImageInfo}, initContainers: ..., ephemeralContainers: ...}`. */
export function imageInfos(resource: JsonObject): JsonObject | undefined {
  const spec = podSpecOf(resource);
  if (!spec) return undefined;
  const out: JsonObject = {};
  for (const key of CONTAINER_KEYS) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    const group: JsonObject = {};
    for (const c of list) {
      if (isObject(c) && typeof c.name === 'string' && typeof c.image === 'string') setOwn(group, c.name, { ...parseImage(c.image) });
    }
    if (Object.keys(group).length > 0) out[key] = group;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** True exactly when imageInfos(resource) is defined: some container has a string name and image. */
export function hasImageInfos(resource: JsonObject): boolean {
  const spec = podSpecOf(resource);
  if (!spec) return false;
  return CONTAINER_KEYS.some((key) => {
    const list = spec[key];
    return Array.isArray(list) && list.some((c) => isObject(c) && typeof c.name === 'string' && typeof c.image === 'string');
  });
}
