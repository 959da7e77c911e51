// The PermissionUser record (podgate.io/v1): a BCM-style cluster user with a restricted namespace and
// a home directory that confines hostPath volumes. Parsing collects FieldErrors; defaults are explicit.
import { FieldPath, type FieldError, type KubeObject } from '../kube/index.js';
import { isObject, type JsonObject } from '../util/index.js';

/** API version and kind of the record. */
export const PERMISSION_USER_API = { apiVersion: 'podgate.io/v1', kind: 'PermissionUser' } as const;

/** One allowed host path, as in a PSP's allowedHostPaths. */
export interface HostPathGrant {
  pathPrefix: string;
  readOnly: boolean;
}

/** A user record with every default filled in. */
export interface PermissionUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  releaseId: string;
  namespaces: string[];
  hostPaths: HostPathGrant[];
  /** The record as given, so fields we do not understand survive backup and restore. */
  raw: KubeObject;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RELEASE_ID = /^[a-z0-9]{4,16}$/;
/** Kyverno's CRD limit on rule names (the per-user hostPath rule is named like its policy). */
const MAX_RULE_NAME = 63;

/** Generates a release id like BCM's (`l9x71kv`): 7 lowercase letters and digits. */
export function generateReleaseId(random: () => number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 7; i++) s += alphabet[Math.floor(random() * alphabet.length) % alphabet.length];
  return s;
}

/** True when an object is a PermissionUser record. */
export function isPermissionUserObject(o: KubeObject): boolean {
  return o.apiVersion === PERMISSION_USER_API.apiVersion && o.kind === PERMISSION_USER_API.kind;
}

/** Characters allowed in paths: nothing that is special to Kyverno wildcards or JMESPath literals. */
const PATH_CHARS = /^[A-Za-z0-9._@+~/-]+$/;

function isAbsoluteClean(p: string): boolean {
  if (!p.startsWith('/') || !PATH_CHARS.test(p)) return false;
  const segs = p.replace(/\/$/, '').split('/').slice(1);
  return segs.every((s) => s !== '' && s !== '.' && s !== '..');
}

// Namespaces Kyverno's default resourceFilters skip: a user's per-user policies would never run there.
const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'kyverno']);

/** A restricted user runs as a non-root uid and gid: 0 would make the confinement run as root. */
function nonRoot(v: number | undefined, path: FieldPath, errors: FieldError[]): number | undefined {
  if (v !== 0) return v;
  errors.push({ type: 'Invalid', path, badValue: v, detail: 'must not be 0 (root): a restricted user runs as a non-root id', code: 'USER_FIELD_INVALID' });
  return undefined;
}

function uint(v: unknown, path: FieldPath, errors: FieldError[]): number | undefined {
  if (v === undefined) {
    errors.push({ type: 'Required', path, detail: '', code: 'USER_FIELD_REQUIRED' });
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2147483647) {
    errors.push({ type: 'Invalid', path, badValue: v, detail: 'must be an integer between 0 and 2147483647', code: 'USER_FIELD_INVALID' });
    return undefined;
  }
  return v;
}

/**
 * Reads a record, filling defaults (home `/home/<name>`, namespaces `[<name>-restricted]`, hostPaths
 * `[{pathPrefix: home}]`). A missing releaseId is generated with `random` and written back into `raw`.
 */
export function parsePermissionUser(o: KubeObject, random: () => number = Math.random): { user?: PermissionUser; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const name = o.metadata.name ?? '';
  if (!DNS_LABEL.test(name) || name.length > 48) {
    errors.push({ type: 'Invalid', path: FieldPath.of('metadata', 'name'), badValue: name, detail: 'must be a DNS label of at most 48 characters (lowercase letters, digits, "-")', code: 'USER_NAME_INVALID' });
  }
  const spec = o.spec;
  const sp = FieldPath.of('spec');
  if (!isObject(spec)) {
    errors.push({ type: 'Required', path: sp, detail: 'a PermissionUser needs spec.uid and spec.gid', code: 'USER_FIELD_REQUIRED' });
    return { errors };
  }
  const uid = nonRoot(uint(spec.uid, sp.child('uid'), errors), sp.child('uid'), errors);
  const gid = nonRoot(uint(spec.gid, sp.child('gid'), errors), sp.child('gid'), errors);
  const home = spec.home === undefined ? `/home/${name}` : spec.home;
  const homeOk = typeof home === 'string' && isAbsoluteClean(home) && home !== '/';
  if (!homeOk) {
    errors.push({ type: 'Invalid', path: sp.child('home'), badValue: home, detail: 'must be an absolute path of letters, digits and ._@+~- without "//", "." or ".." segments, and not "/"', code: 'USER_HOME_INVALID' });
  }
  let releaseId = spec.releaseId;
  if (releaseId === undefined) {
    releaseId = generateReleaseId(random);
    spec.releaseId = releaseId;
  } else if (typeof releaseId !== 'string' || !RELEASE_ID.test(releaseId)) {
    // YAML reads an unquoted all-digit id as a number.
    const quote = typeof releaseId === 'number' && RELEASE_ID.test(String(releaseId)) ? ` (a string: quote it, "${releaseId}")` : '';
    errors.push({ type: 'Invalid', path: sp.child('releaseId'), badValue: releaseId, detail: `must be 4 to 16 lowercase letters or digits${quote}`, code: 'USER_FIELD_INVALID' });
  }
  // The hostPath policy is `<name>-<releaseId>-lhv` and its rule is named the same (as BCM's): Kyverno's
  // CRD allows rule names of at most 63 characters, so a longer one is refused by the API server.
  if (typeof releaseId === 'string' && RELEASE_ID.test(releaseId) && DNS_LABEL.test(name) && name.length <= 48 && `${name}-${releaseId}-lhv`.length > MAX_RULE_NAME) {
    errors.push({
      type: 'Invalid',
      path: sp.child('releaseId'),
      badValue: releaseId,
      detail: `names the policy and rule "${name}-${releaseId}-lhv" (${name.length + releaseId.length + 5} characters), longer than a Kyverno rule name may be (63): with this user name a release id of at most ${MAX_RULE_NAME - 5 - name.length} characters`,
      code: 'USER_FIELD_INVALID',
    });
  }
  const namespaces = spec.namespaces === undefined ? [`${name}-restricted`] : spec.namespaces;
  if (!Array.isArray(namespaces) || namespaces.length === 0) {
    errors.push({ type: 'Invalid', path: sp.child('namespaces'), badValue: namespaces, detail: 'must be a non-empty list of namespace names', code: 'USER_FIELD_INVALID' });
  } else {
    namespaces.forEach((n, i) => {
      if (typeof n !== 'string' || !DNS_LABEL.test(n) || n.length > 63) {
        errors.push({ type: 'Invalid', path: sp.child('namespaces').index(i), badValue: n, detail: 'must be a namespace name (DNS label)', code: 'USER_FIELD_INVALID' });
      } else if (SYSTEM_NAMESPACES.has(n)) {
        errors.push({ type: 'Forbidden', path: sp.child('namespaces').index(i), badValue: n, detail: 'a system namespace: Kyverno never checks it (resourceFilters), so the user\'s confinement would not apply', code: 'USER_FIELD_INVALID' });
      }
    });
  }
  const hostPathsRaw = spec.hostPaths === undefined ? (homeOk ? [{ pathPrefix: home }] : []) : spec.hostPaths;
  const hostPaths: HostPathGrant[] = [];
  if (!Array.isArray(hostPathsRaw)) {
    errors.push({ type: 'Invalid', path: sp.child('hostPaths'), badValue: hostPathsRaw, detail: 'must be a list of {pathPrefix, readOnly}', code: 'USER_FIELD_INVALID' });
  } else {
    hostPathsRaw.forEach((h, i) => {
      const hp = sp.child('hostPaths').index(i);
      // A bare path (as BCM lists them) is valid as a path: say what shape is wanted instead.
      if (!isObject(h)) {
        const hint = typeof h === 'string' ? ` (write {pathPrefix: ${h}})` : '';
        errors.push({ type: 'Invalid', path: hp, badValue: h, detail: `must be a grant {pathPrefix, readOnly}${hint}`, code: 'USER_HOSTPATH_INVALID' });
        return;
      }
      if (typeof h.pathPrefix !== 'string' || !isAbsoluteClean(h.pathPrefix) || h.pathPrefix === '/') {
        errors.push({ type: 'Invalid', path: hp.child('pathPrefix'), badValue: h.pathPrefix, detail: 'must be an absolute path of letters, digits and ._@+~- without "//", "." or ".." segments, and not "/"', code: 'USER_HOSTPATH_INVALID' });
        return;
      }
      if (h.readOnly !== undefined && typeof h.readOnly !== 'boolean') {
        errors.push({ type: 'Invalid', path: hp.child('readOnly'), badValue: h.readOnly, detail: 'must be true or false', code: 'USER_FIELD_INVALID' });
        return;
      }
      hostPaths.push({ pathPrefix: h.pathPrefix.replace(/\/+$/, ''), readOnly: h.readOnly === true });
    });
  }
  if (errors.length > 0 || uid === undefined || gid === undefined) return { errors };
  return {
    user: { name, uid, gid, home: home as string, releaseId: releaseId as string, namespaces: namespaces as string[], hostPaths, raw: o },
    errors,
  };
}

/** The canonical record object for a user (what backup writes), keeping unknown fields of the original. */
export function userToObject(u: PermissionUser): KubeObject {
  const rawSpec = isObject(u.raw.spec) ? (u.raw.spec as JsonObject) : {};
  return {
    ...u.raw,
    apiVersion: PERMISSION_USER_API.apiVersion,
    kind: PERMISSION_USER_API.kind,
    metadata: { ...u.raw.metadata, name: u.name },
    spec: {
      ...rawSpec,
      uid: u.uid,
      gid: u.gid,
      home: u.home,
      releaseId: u.releaseId,
      namespaces: [...u.namespaces],
      // Fields of a grant podgate does not know (a comment, a BCM `type`) are kept like the spec's.
      hostPaths: u.hostPaths.map((h, i) => {
        const raw = Array.isArray(rawSpec.hostPaths) ? rawSpec.hostPaths[i] : undefined;
        return { ...(isObject(raw) ? raw : {}), pathPrefix: h.pathPrefix, readOnly: h.readOnly };
      }),
    },
  };
}
