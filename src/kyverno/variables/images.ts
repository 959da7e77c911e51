// The `images` context variable: container images of a pod or pod template, split into registry,
// path, name, tag and digest. Mirrors kyverno@v1.10.7:pkg/utils/image/infos.go (GetImageInfo) and
// pkg/engine/context/context.go (AddImageInfos) with docker.io as the default registry.
import { RE2JS } from 're2js';
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

// distribution/reference (v2.8, what Kyverno 1.10.7 parses with) grammar, on RE2 (linear time: the
// image strings come from the request).
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const REFERENCE = RE2JS.compile(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
/** Hex lengths of the digest algorithms go-digest has available (sha256, sha384, sha512). */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
const DIGEST_ANCHORED = RE2JS.compile(`^${DIGEST}$`);

/** Kyverno's addDefaultRegistry: `docker.io/` in front unless the first component names a registry. */
function withDefaultRegistry(image: string): string {
  const i = image.indexOf('/');
  const first = i >= 0 ? image.slice(0, i) : '';
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) return `docker.io/${image}`;
  return image;
}

/** go-digest Digest.Validate's error, if any. */
function digestError(d: string): string | undefined {
  const i = d.indexOf(':');
  if (i <= 0 || i + 1 === d.length) return 'invalid checksum digest format';
  const size = DIGEST_HEX_LENGTH[d.slice(0, i)];
  if (size === undefined) return DIGEST_ANCHORED.matcher(d).matches() ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  const hex = d.slice(i + 1);
  if (hex.length !== size) return 'invalid checksum digest length';
  return /^[a-f0-9]+$/.test(hex) ? undefined : 'invalid checksum digest format';
}

/** distribution/reference Parse's error for a reference, if any. */
function referenceError(ref: string): string | undefined {
  const m = REFERENCE.matcher(ref);
  if (!m.matches()) {
    if (ref === '') return 'repository name must have at least one component';
    if (REFERENCE.matcher(ref.toLowerCase()).matches()) return 'repository name must be lowercase';
    return 'invalid reference format';
  }
  if ((m.group(1) ?? '').length > 255) return 'repository name must not be more than 255 characters';
  const digest = m.group(3);
  return digest ? digestError(digest) : undefined;
}

const EXTRACTOR_KINDS = new Set(['Pod', 'DaemonSet', 'Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'CronJob', 'Job']);

/**
 * Why Kyverno 1.10.7 cannot build the `images` variable of a resource, if it cannot: the first container
 * image (init, regular, ephemeral containers, in order) that distribution/reference does not parse, as
 * pkg/utils/api/image.go words it (`invalid image '<image>' (bad image: <with registry>, defaultRegistry:
 * docker.io, enableDefaultRegistryMutation: true: <parse error>)`). Kyverno's admission webhook builds the
 * variable for every request and answers such a request with that error.
 */
export function imageInfoError(resource: JsonObject): string | undefined {
  if (typeof resource.kind !== 'string' || !EXTRACTOR_KINDS.has(resource.kind)) return undefined;
  const spec = podSpecOf(resource);
  if (!spec) return undefined;
  for (const key of CONTAINER_KEYS) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObject(c) || typeof c.image !== 'string' || c.image.trim() === '') continue;
      const full = withDefaultRegistry(c.image);
      const err = referenceError(full);
      if (err) return `invalid image '${c.image}' (bad image: ${full}, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: ${err})`;
    }
  }
  return undefined;
}
