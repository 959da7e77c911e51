// The `images` context variable: container images of a pod or pod template, split into registry,
// path, name, tag and digest. Mirrors kyverno@v1.10.7:pkg/utils/image/infos.go (GetImageInfo),
// pkg/utils/api/image.go (the extractors per kind, jsonPointer) and pkg/engine/context/context.go
// (AddImageInfos, which stores the marshalled infos) with docker.io as the default registry.
import { isObject, type JsonObject, setOwn } from '../../util/index.js';
import { isDigestSyntax, parseReference } from './image-reference.js';

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

/** An image reference's parts, before the `reference` strings (which only Kyverno 1.11.2+ exposes). */
interface ImageParts {
  registry: string;
  name: string;
  path: string;
  tag: string;
  digest: string;
}

/** Splits an image reference the way Kyverno does (no library/ normalisation, default tag latest). */
function splitImage(image: string): ImageParts {
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
  if (colon >= 0 && rest.indexOf('/', colon) < 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  if (registry === '') registry = 'docker.io';
  if (tag === '' && digest === '') tag = 'latest';
  return { registry, name: rest.slice(rest.lastIndexOf('/') + 1), path: rest, tag, digest };
}

/** `reference` of parsed parts: registry/path, then `@digest`, else `:tag`. */
function referenceOf(p: ImageParts): string {
  return p.digest !== '' ? `${p.registry}/${p.path}@${p.digest}` : `${p.registry}/${p.path}:${p.tag}`;
}

/** `referenceWithTag` of parsed parts: registry/path:tag, or the reference when there is no tag. */
function referenceWithTagOf(p: ImageParts): string {
  return p.tag !== '' ? `${p.registry}/${p.path}:${p.tag}` : referenceOf(p);
}

/** Parses an image reference the way Kyverno does (no library/ normalisation, default tag latest). */
export function parseImage(image: string): ImageInfo {
  const p = splitImage(image);
  return { registry: p.registry, name: p.name, path: p.path, tag: p.tag, digest: p.digest, reference: referenceOf(p), referenceWithTag: referenceWithTagOf(p) };
}

const CONTAINER_KEYS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

// The kinds Kyverno extracts images from (pkg/utils/api/image.go registeredExtractors), with the path to
// their pod spec; any other kind has no `images`.
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ['spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

function podSpecOf(resource: JsonObject): { spec: JsonObject; path: readonly string[] } | undefined {
  const path = typeof resource.kind === 'string' && Object.hasOwn(POD_SPEC_PATHS, resource.kind) ? POD_SPEC_PATHS[resource.kind] : undefined;
  if (!path) return undefined;
  let cur: unknown = resource;
  for (const k of path) cur = isObject(cur) ? cur[k] : undefined;
  return isObject(cur) ? { spec: cur, path } : undefined;
}

// The jsonPointer of a container's image is `<prefix><index>/image`; the prefixes (`/spec/containers/`)
// per kind and container list are made once, not joined from arrays for every image of every request.
const POINTER_PREFIXES: ReadonlyMap<readonly string[], readonly string[]> = new Map(
  Object.values(POD_SPEC_PATHS).map((path) => [path, CONTAINER_KEYS.map((key) => `/${[...path, key].join('/')}/`)]),
);

/** A container image Kyverno extracts: a string that is not blank (extract skips the others). */
function hasImage(c: unknown): c is JsonObject & { name: string; image: string } {
  return isObject(c) && typeof c.name === 'string' && typeof c.image === 'string' && c.image.trim() !== '';
}

/**
 * The `images` map for a resource: `{containers: {<name>: info}, initContainers: ..., ephemeralContainers: ...}`.
 * Each info is Kyverno's apiutils.ImageInfo as the context holds it after json.Marshal: empty `tag`,
 * `digest` (and `registry`, `reference`, `referenceWithTag`) are left out (`omitempty`), and
 * `jsonPointer` names the image field (`/spec/containers/0/image`). `reference` and `referenceWithTag`
 * only with `references` (Kyverno 1.11.2+, kyverno PR #9147): v1.10.7's ImageInfo has neither field.
 */
export function imageInfos(resource: JsonObject, opts: { references?: boolean } = {}): JsonObject | undefined {
  const found = podSpecOf(resource);
  if (!found) return undefined;
  const { spec, path } = found;
  const prefixes = POINTER_PREFIXES.get(path) as readonly string[];
  const references = opts.references === true;
  let out: JsonObject | undefined;
  // Loops, not per-list closures: this runs for every request.
  for (let k = 0; k < CONTAINER_KEYS.length; k++) {
    const list = spec[CONTAINER_KEYS[k] as string];
    if (!Array.isArray(list)) continue;
    let group: JsonObject | undefined;
    for (let i = 0; i < list.length; i++) {
      const c: unknown = list[i];
      if (!hasImage(c)) continue;
      const info = splitImage(c.image);
      const entry: JsonObject = {};
      if (info.registry !== '') entry.registry = info.registry;
      entry.name = info.name;
      entry.path = info.path;
      if (info.tag !== '') entry.tag = info.tag;
      if (info.digest !== '') entry.digest = info.digest;
      // reference and referenceWithTag are fields from Kyverno 1.11.2 on (kyverno PR #9147); 1.10.7 has none.
      if (references) {
        entry.reference = referenceOf(info);
        entry.referenceWithTag = referenceWithTagOf(info);
      }
      entry.jsonPointer = `${prefixes[k]}${i}/image`;
      group ??= {};
      setOwn(group, c.name, entry);
    }
    if (group !== undefined) {
      out ??= {};
      out[CONTAINER_KEYS[k] as string] = group;
    }
  }
  return out;
}

/** Hex lengths of the digest algorithms go-digest has available (sha256, sha384, sha512). */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

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
  if (size === undefined) return isDigestSyntax(d) ? 'unsupported digest algorithm' : 'invalid checksum digest format';
  const hex = d.slice(i + 1);
  if (hex.length !== size) return 'invalid checksum digest length';
  return /^[a-f0-9]+$/.test(hex) ? undefined : 'invalid checksum digest format';
}

/** distribution/reference Parse's error for a reference, if any (grammar: image-reference.ts). */
function referenceError(ref: string): string | undefined {
  const parts = parseReference(ref);
  if (!parts) {
    if (ref === '') return 'repository name must have at least one component';
    if (parseReference(ref.toLowerCase())) return 'repository name must be lowercase';
    return 'invalid reference format';
  }
  if (parts.name.length > 255) return 'repository name must not be more than 255 characters';
  return parts.digest ? digestError(parts.digest) : undefined;
}

/**
 * image_normalize (kyverno functions.go jpImageNormalize): GetImageInfo with docker.io as the default registry,
 * then ImageInfo.String() (registry/path, then `@digest`, else `:tag`, `latest` when neither is given); a
 * reference distribution/reference refuses is GetImageInfo's error.
 */
export function normalizeImage(image: string): { ok: true; value: string } | { ok: false; error: string } {
  const full = withDefaultRegistry(image);
  const err = referenceError(full);
  if (err) return { ok: false, error: `bad image: ${full}, defaultRegistry: docker.io, enableDefaultRegistryMutation: true: ${err}` };
  return { ok: true, value: referenceOf(splitImage(image)) };
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
  const found = podSpecOf(resource);
  if (!found) return undefined;
  for (const key of CONTAINER_KEYS) {
    const list = found.spec[key];
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
