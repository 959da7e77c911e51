// Backup and restore of permission users. A backup is a PermissionUserList holding our records, each
// with the BCM object it came from (if any) kept verbatim under `source`. Restore validates everything
// first and changes nothing when any entry is malformed or duplicated; it is idempotent.
import { createHash } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { FieldPath, type FieldError, formatFieldError, type KubeObject, type LoadedObject } from '../kube/index.js';
import { deepEqual, goJsonMarshal, isObject } from '../util/index.js';
import { isPermissionUserObject, PERMISSION_USER_API, type PermissionUser, parsePermissionUser, userToObject } from './user.js';

/** Kind of a backup file. */
export const BACKUP_KIND = 'PermissionUserList';

/** Annotation of a backup list: how many users it was written with (a file cut short holds fewer). */
export const BACKUP_COUNT_ANNOTATION = 'podgate.io/users';

/**
 * Annotation of a backup list: the SHA-256 of its items as written (keys sorted, as Go's json.Marshal writes
 * them). A file cut inside its last user holds as many users as the count says, one of them changed.
 */
export const BACKUP_DIGEST_ANNOTATION = 'podgate.io/users-sha256';

function itemsDigest(items: readonly unknown[]): string {
  return createHash('sha256').update(goJsonMarshal(items)).digest('hex');
}

/**
 * Backup lists whose items are not the ones they were written with: fewer or more users than the count
 * (`podgate.io/users`; a file cut short after a complete item reads as a valid, smaller backup), or items
 * whose digest (`podgate.io/users-sha256`) differs (a file cut inside its last user, or edited). A list
 * without these annotations (a users file restore wrote, or an older backup) is not checked. The loader
 * hands over list items only, so each list's header is read again from its file (through `readFile`, which
 * the CLI also answers for `<stdin>`; a file that cannot be read again is not checked).
 */
export function backupCountMismatches(objects: readonly LoadedObject[], readFile: (file: string) => string): string[] {
  const lists = new Map<string, { file: string; document: number }>();
  // Only lists holding PermissionUser records can be backups: a cluster dump's `kind: List` files (a
  // kubectl -o yaml of thousands of objects) are not read a second time by the full YAML parser.
  for (const l of objects) {
    if (l.source.item !== undefined && l.object.kind === PERMISSION_USER_API.kind) lists.set(`${l.source.file}\u0000${l.source.document}`, l.source);
  }
  const out: string[] = [];
  const docs = new Map<string, unknown[]>();
  for (const { file, document } of lists.values()) {
    let all = docs.get(file);
    if (!all) {
      try {
        all = parseAllDocuments(readFile(file)).map((d) => (Array.isArray(d) ? undefined : d.toJS()));
      } catch {
        all = [];
      }
      docs.set(file, all);
    }
    const doc = all[document];
    if (!isObject(doc) || doc.kind !== BACKUP_KIND || !Array.isArray(doc.items) || !isObject(doc.metadata) || !isObject(doc.metadata.annotations)) continue;
    const where = `${file} (document ${document + 1}): ${BACKUP_KIND} ${String(doc.metadata.name ?? '')}`;
    const written = doc.metadata.annotations[BACKUP_COUNT_ANNOTATION];
    const digest = doc.metadata.annotations[BACKUP_DIGEST_ANNOTATION];
    if (typeof written === 'string' && written !== String(doc.items.length)) {
      // The digest no longer matches either once users are removed: the advice names both annotations.
      const alsoDigest = typeof digest === 'string' ? ` and remove ${BACKUP_DIGEST_ANNOTATION}` : '';
      out.push(
        `${where}: holds ${doc.items.length} users but was written with ${written} (metadata.annotations.${BACKUP_COUNT_ANNOTATION}): the file was cut short, or users were removed by hand (then set the annotation to the number left${alsoDigest})`,
      );
      continue;
    }
    if (typeof digest === 'string' && digest !== itemsDigest(doc.items)) {
      out.push(
        `${where}: its items are not the ones it was written with (metadata.annotations.${BACKUP_DIGEST_ANNOTATION}): the file was cut short or changed after it was written; restore from an intact copy (or, to accept the file as it is, remove the annotation)`,
      );
    }
  }
  return out;
}

/** True for a BCM permission-user object (CmKubernetesPermissionUser, any group). */
export function isBcmUserObject(o: KubeObject): boolean {
  return o.kind === 'CmKubernetesPermissionUser';
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Converts a BCM CmKubernetesPermissionUser (named `<user>-<releaseId>`, as its Helm release) into a
 * PermissionUser record object. Field names vary across BCM versions, so the common spellings are read.
 */
export function fromBcmUser(o: KubeObject): KubeObject {
  const spec = isObject(o.spec) ? o.spec : {};
  const objName = o.metadata.name ?? '';
  const name = str(spec.user) ?? str(spec.userName) ?? str(spec.username) ?? str(spec.name) ?? objName.replace(/-[a-z0-9]+$/, '');
  const releaseId = objName.startsWith(`${name}-`) ? objName.slice(name.length + 1) : undefined;
  const home = str(spec.home) ?? str(spec.homeDirectory) ?? str(spec.homedir) ?? str(spec.homeDir);
  const out: Record<string, unknown> = {};
  // Only a string of digits is a number: Number() reads "" as 0 (root), "0x3e9" as 1001 and "10o1" as
  // NaN; anything else is kept as written, so the error shows what the object says.
  for (const k of ['uid', 'gid'] as const) if (spec[k] !== undefined) out[k] = typeof spec[k] === 'string' && /^[0-9]+$/.test(spec[k]) ? Number(spec[k]) : spec[k];
  if (home) out.home = home;
  if (releaseId) out.releaseId = releaseId;
  // BCM lists namespaces as names or as {name, role}, and host paths as strings or {pathPrefix, readOnly}.
  const ns = spec.namespaces ?? (str(spec.namespace) ? [spec.namespace] : undefined);
  if (Array.isArray(ns)) out.namespaces = ns.map((n) => (isObject(n) && typeof n.name === 'string' ? n.name : n));
  else if (ns !== undefined) out.namespaces = ns;
  const hp = spec.hostPaths ?? spec.allowedHostPaths;
  if (Array.isArray(hp)) out.hostPaths = hp.map((h) => (typeof h === 'string' ? { pathPrefix: h } : h));
  else if (hp !== undefined) out.hostPaths = hp;
  return { ...PERMISSION_USER_API, metadata: { name }, spec: out, source: o } as KubeObject;
}

/**
 * podgate renders one Role per namespace with edit rights: a BCM namespace grant with another role would
 * be widened (view) or narrowed (admin) without a word.
 */
function roleWarnings(o: KubeObject, user: string, where: string): string[] {
  const ns = isObject(o.spec) && Array.isArray(o.spec.namespaces) ? o.spec.namespaces : [];
  const out: string[] = [];
  ns.forEach((n, k) => {
    if (!isObject(n) || n.role === undefined || n.role === 'edit') return;
    out.push(
      `${where}: ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''}: spec.namespaces[${k}] gives user ${user} role ${JSON.stringify(n.role)} in ${String(n.name)}; podgate renders edit rights there (Role ${user}-user: every verb on pods, workloads, services, configmaps, secrets): check before applying`,
    );
  });
  return out;
}

/** The fields (`spec.uid`, …) in which two records of one user differ once parsed; [] when either is invalid. */
function differences(a: KubeObject, b: KubeObject): string[] {
  const pa = parsePermissionUser(structuredClone(a), () => 0).user;
  const pb = parsePermissionUser(structuredClone(b), () => 0).user;
  if (!pa || !pb) return [];
  const fields = ['uid', 'gid', 'home', 'releaseId', 'namespaces', 'hostPaths'] as const;
  return fields.filter((f) => !deepEqual(pa[f], pb[f]) && !(f === 'releaseId' && (a.spec as { releaseId?: unknown })?.releaseId === undefined)).map((f) => `spec.${f}: ${JSON.stringify(pa[f])} vs ${JSON.stringify(pb[f])}`);
}

/** A restore or backup problem: where, and what. */
export interface UserProblem {
  index: number;
  message: string;
}

/** Reads records out of objects: PermissionUser objects, PermissionUserList items, and BCM objects. */
/** Whether an object is one a users file holds: a backup list, a PermissionUser or a BCM user object. */
export function isUserDocument(o: KubeObject): boolean {
  return o.kind === BACKUP_KIND || isPermissionUserObject(o) || isBcmUserObject(o) || isOtherVersionRecord(o);
}

/** A PermissionUser or PermissionUserList of podgate.io in a version this podgate does not read. */
function isOtherVersionRecord(o: KubeObject): boolean {
  return (o.kind === PERMISSION_USER_API.kind || o.kind === BACKUP_KIND) && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('podgate.io/') && o.apiVersion !== PERMISSION_USER_API.apiVersion;
}

/**
 * What collectUserRecordsFrom cannot read, which would otherwise be skipped without a word: records of
 * another podgate.io version (a backup from another podgate), and a backup list without a list of items
 * (cut off after `items:`, or edited by hand).
 */
function unreadable(o: KubeObject): string | undefined {
  if (isOtherVersionRecord(o)) return `${o.kind} ${o.metadata?.name ?? ''}: apiVersion ${o.apiVersion} is not one this podgate reads (${PERMISSION_USER_API.apiVersion}; written by another podgate version?)`;
  if (o.kind === BACKUP_KIND && !Array.isArray(o.items)) return `${BACKUP_KIND} ${o.metadata?.name ?? ''}: items: must be a list of ${PERMISSION_USER_API.kind} records, found ${o.items === undefined || o.items === null ? 'none' : JSON.stringify(o.items)} (a file cut short, or edited by hand?)`;
  return undefined;
}

export function collectUserRecords(objects: readonly KubeObject[]): KubeObject[] {
  return collectUserRecordsFrom(objects).records;
}

/**
 * collectUserRecords, with where each record was read: `where[i]` names objects[i] (`file:line (document
 * N)`), and each record gets its object's, plus `items[j]` for a backup list's items.
 */
export function collectUserRecordsFrom(
  objects: readonly KubeObject[],
  where: readonly (string | undefined)[] = [],
): { records: KubeObject[]; where: (string | undefined)[]; problems: string[]; warnings: string[] } {
  const out: KubeObject[] = [];
  const at: (string | undefined)[] = [];
  const problems: string[] = [];
  const warnings: string[] = [];
  objects.forEach((o, i) => {
    const why = unreadable(o);
    if (why !== undefined) problems.push(`${where[i] ?? `objects[${i}]`}: ${why}`);
    else if (o.kind === BACKUP_KIND && Array.isArray(o.items)) {
      (o.items as KubeObject[]).forEach((item, j) => {
        out.push(item);
        at.push(where[i] === undefined ? undefined : `${where[i]}: items[${j}]`);
        if (isObject(item) && isObject(item.source) && isBcmUserObject(item.source as KubeObject)) warnings.push(...roleWarnings(item.source as KubeObject, item.metadata?.name ?? '', `${where[i] ?? `objects[${i}]`}: items[${j}].source`));
      });
    } else if (isPermissionUserObject(o)) {
      out.push(o);
      at.push(where[i]);
      if (isObject(o.source) && isBcmUserObject(o.source as KubeObject)) warnings.push(...roleWarnings(o.source as KubeObject, o.metadata?.name ?? '', `${where[i] ?? `objects[${i}]`}: source`));
    }
  });
  // A record of ours stands for the BCM object of the same user. Two BCM objects of one user (two Helm
  // releases, e.g. a stale one) are both kept unless identical: validateRecords names the conflict, where
  // keeping the first silently dropped the other's uid and grants.
  const names = new Set(out.map((o) => o.metadata?.name));
  const fromBcm = new Map<string, KubeObject[]>();
  objects.forEach((o, i) => {
    if (!isBcmUserObject(o)) return;
    const rec = fromBcmUser(o);
    const name = rec.metadata.name ?? '';
    if (names.has(name)) {
      // The record stands for the BCM object; when they disagree, say so rather than drop the object unseen.
      const j = out.findIndex((r) => r.metadata?.name === name);
      const differ = differences(out[j]!, rec);
      if (differ.length > 0) {
        warnings.push(
          `${where[i] ?? `objects[${i}]`}: ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''} describes user ${name} differently from the ${PERMISSION_USER_API.kind} record${at[j] ? ` at ${at[j]}` : ''} (${differ.join(', ')}); the record is used`,
        );
      }
      return;
    }
    const seen = fromBcm.get(name) ?? [];
    if (seen.some((s) => sameBcmObject(s, o))) return;
    seen.push(o);
    fromBcm.set(name, seen);
    out.push(rec);
    at.push(where[i]);
    warnings.push(...roleWarnings(o, name, where[i] ?? `objects[${i}]`));
  });
  return { records: out, where: at, problems, warnings };
}

/**
 * Two copies of one BCM object: the same kind, namespace and name with the same spec. Copies taken at
 * different times (two dumps, a file and a --cluster folder) differ in bookkeeping only (resourceVersion,
 * managedFields, generation, status): they are one user, not two releases of it.
 */
function sameBcmObject(a: KubeObject, b: KubeObject): boolean {
  if (deepEqual(a, b)) return true;
  return a.kind === b.kind && a.metadata?.namespace === b.metadata?.namespace && a.metadata?.name === b.metadata?.name && deepEqual((a as { spec?: unknown }).spec, (b as { spec?: unknown }).spec);
}

/** ` (from Kind ns/name)` for a record converted from a BCM object, else ''. */
function bcmSource(rec: KubeObject | undefined): string {
  const src = isObject(rec) && isObject(rec.source) ? (rec.source as KubeObject) : undefined;
  if (!src || !isBcmUserObject(src)) return '';
  return ` (from ${src.kind} ${src.metadata?.namespace ? `${src.metadata.namespace}/` : ''}${src.metadata?.name ?? ''})`;
}

/** Parses and checks every record; any problem (malformed, duplicate name or namespace) is reported. */
export function validateRecords(records: readonly KubeObject[], random?: () => number, where: readonly (string | undefined)[] = []): { users: PermissionUser[]; problems: string[] } {
  const at = (i: number) => where[i] ?? `items[${i}]`;
  const users: PermissionUser[] = [];
  const problems: string[] = [];
  const byName = new Map<string, number>();
  const byNs = new Map<string, string>();
  records.forEach((rec, i) => {
    const label = `${at(i)}${rec?.metadata?.name ? ` (${rec.metadata.name})` : ''}`;
    if (!isObject(rec) || !isObject(rec.metadata)) {
      problems.push(`${label}: not a PermissionUser object`);
      return;
    }
    if (rec.apiVersion !== PERMISSION_USER_API.apiVersion || rec.kind !== PERMISSION_USER_API.kind) {
      problems.push(`${label}: apiVersion/kind must be ${PERMISSION_USER_API.apiVersion}/${PERMISSION_USER_API.kind}, found ${String(rec.apiVersion)}/${String(rec.kind)}`);
      return;
    }
    const { user, errors } = parsePermissionUser(structuredClone(rec), random);
    errors.forEach((e: FieldError) => {
      problems.push(`${label}: ${formatFieldError(e)}`);
    });
    if (!user) return;
    const prev = byName.get(user.name);
    if (prev !== undefined) {
      const detail = `already defined by ${at(prev)}${bcmSource(records[prev])}${bcmSource(rec) ? `; this one${bcmSource(rec)}: two records of one user, keep one` : ''}`;
      problems.push(`${label}: ${formatFieldError({ type: 'Duplicate', path: FieldPath.of('metadata', 'name'), badValue: user.name, detail, code: 'USER_DUPLICATE' })}`);
    }
    byName.set(user.name, i);
    user.namespaces.forEach((ns, j) => {
      const owner = byNs.get(ns);
      if (owner !== undefined && owner !== user.name) {
        problems.push(`${label}: ${formatFieldError({ type: 'Duplicate', path: FieldPath.of('spec', 'namespaces').index(j), badValue: ns, detail: `namespace already belongs to user ${owner}`, code: 'USER_DUPLICATE' })}`);
      }
      byNs.set(ns, user.name);
    });
    users.push(user);
  });
  return { users, problems };
}

/**
 * The backup document: records sorted by name, every field kept, with how many (`podgate.io/users`) and
 * their digest (`podgate.io/users-sha256`) unless `count` is false (a users file restore writes, which its
 * admin edits by hand).
 */
export function makeBackup(users: readonly PermissionUser[], opts: { count?: boolean } = {}): KubeObject {
  // By code point, not localeCompare: the order (and so the file) must not depend on the machine's locale
  // (in Danish, "aa" sorts after "z").
  const items = [...users].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(userToObject);
  const metadata =
    opts.count === false
      ? { name: 'permission-users' }
      : { name: 'permission-users', annotations: { [BACKUP_COUNT_ANNOTATION]: String(items.length), [BACKUP_DIGEST_ANNOTATION]: itemsDigest(items) } };
  return { apiVersion: PERMISSION_USER_API.apiVersion, kind: BACKUP_KIND, metadata, items } as KubeObject;
}

/** One change restore would make to the store. */
export interface UserChange {
  action: 'add' | 'update' | 'unchanged';
  name: string;
  before?: KubeObject;
  after: KubeObject;
}

/** Plans a restore of `incoming` into `current` (by name); users only in `current` are kept untouched. */
export function planRestore(current: readonly PermissionUser[], incoming: readonly PermissionUser[]): { changes: UserChange[]; result: PermissionUser[] } {
  const cur = new Map(current.map((u) => [u.name, u]));
  const changes: UserChange[] = [];
  const result = new Map(cur);
  for (const u of incoming) {
    const after = userToObject(u);
    const prev = cur.get(u.name);
    if (!prev) changes.push({ action: 'add', name: u.name, after });
    else {
      const before = userToObject(prev);
      changes.push({ action: deepEqual(before, after) ? 'unchanged' : 'update', name: u.name, before, after });
    }
    result.set(u.name, u);
  }
  return { changes, result: [...result.values()] };
}
