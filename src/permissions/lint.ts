// `podgate lint`: finds Kyverno policy patterns that look like confinement but can be bypassed:
// wildcard path prefixes that admit siblings, path tests without canonicalisation, container checks
// that skip initContainers or ephemeralContainers, and (over every policy given) hostPath confinement
// without a volume-type restriction or a confined uid with open groups. Each finding carries a bypass.
import type { KubeObject } from '../kube/index.js';
import { admitResource, type CompiledPolicy, compilePolicy, loadPolicy } from '../kyverno/index.js';
import { isObject, type JsonObject, type JsonValue } from '../util/index.js';

/** Codes of lint findings. */
export type LintCode = 'HOSTPATH_WILDCARD_SIBLING' | 'HOSTPATH_NOT_CANONICAL' | 'HOSTPATH_PREFIX_NO_SLASH' | 'CONTAINERS_ONLY' | 'HOSTPATH_OTHER_VOLUMES' | 'GROUPS_UNCHECKED';

/** One finding. */
export interface LintFinding {
  policy: string;
  rule: string;
  code: LintCode;
  /** Kyverno-style path inside the rule, e.g. `validate.pattern.spec.volumes[0].hostPath.path`. */
  field: string;
  message: string;
  /** A value that the rule admits although it should not. */
  bypass: string;
}

const anchorKey = (k: string) => k.replace(/^[+<=X^]?\((.*)\)$/, '$1');
const SECURITY_KEYS = new Set(['securityContext', 'ports', 'volumeMounts', 'image']);

function walk(v: JsonValue | undefined, path: string, visit: (v: JsonValue, path: string, key: string) => void, key = ''): void {
  if (v === undefined) return;
  visit(v, path, key);
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      walk(x, `${path}[${i}]`, visit, key);
    });
  }
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k, visit, anchorKey(k));
}

function mentionsSecurity(v: JsonValue): boolean {
  let found = false;
  walk(v, '', (_x, _p, k) => {
    if (SECURITY_KEYS.has(k)) found = true;
  });
  return found;
}

function lintPatternTree(tree: JsonValue, base: string, report: (f: Omit<LintFinding, 'policy' | 'rule'>) => void): void {
  walk(tree, base, (v, path, key) => {
    if (key === 'path' && typeof v === 'string' && /hostPath\.path$/.test(path.replace(/\[\d+\]/g, '').replace(/(^|\.)[+<=X^]?\(([^)]*)\)/g, '$1$2'))) {
      const star = v.search(/[*?]/);
      if (star >= 0) {
        const prefix = v.slice(0, star);
        if (!prefix.endsWith('/')) {
          report({ code: 'HOSTPATH_WILDCARD_SIBLING', field: path, message: `hostPath pattern "${v}" also admits sibling directories`, bypass: `${prefix}2` });
        }
        report({ code: 'HOSTPATH_NOT_CANONICAL', field: path, message: `hostPath pattern "${v}" compares the path as written, so ".." segments escape it`, bypass: `${prefix.replace(/\/?$/, '/')}../../etc` });
      }
    }
    if (isObject(v)) {
      const keys = new Map(Object.keys(v).map((k) => [anchorKey(k), k]));
      const c = keys.get('containers');
      if (c !== undefined && mentionsSecurity(v[c] as JsonValue)) {
        const missing = ['initContainers', 'ephemeralContainers'].filter((k) => !keys.has(k));
        if (missing.length > 0) {
          report({ code: 'CONTAINERS_ONLY', field: `${path}.${c}`, message: `checks containers but not ${missing.join(' or ')}`, bypass: `a pod that does the forbidden thing in ${missing[0]}` });
        }
      }
    }
  });
}

function lintStrings(tree: JsonValue, base: string, report: (f: Omit<LintFinding, 'policy' | 'rule'>) => void): void {
  walk(tree, base, (v, path) => {
    if (typeof v !== 'string' || !/hostPath\.path/.test(v)) return;
    if (!v.includes('path_canonicalize')) {
      report({ code: 'HOSTPATH_NOT_CANONICAL', field: path, message: `"${v}" tests hostPath.path without path_canonicalize, so ".." segments escape it`, bypass: '/home/user/../../etc' });
    }
    for (const m of v.matchAll(/starts_with\([^,]*hostPath\.path[^,]*,\s*'([^']*)'\)/g)) {
      const prefix = m[1] ?? '';
      if (!prefix.endsWith('/')) {
        report({ code: 'HOSTPATH_PREFIX_NO_SLASH', field: path, message: `starts_with(…, '${prefix}') is not segment-aware`, bypass: `${prefix}2` });
      }
    }
  });
  walk(tree, base, (v, path, key) => {
    if (key !== 'list' || typeof v !== 'string') return;
    const m = /^request\.object\.spec\.(?:template\.spec\.|jobTemplate\.spec\.template\.spec\.)?containers\b/.exec(v.trim());
    if (m) report({ code: 'CONTAINERS_ONLY', field: path, message: `foreach over "${v}" skips initContainers and ephemeralContainers`, bypass: 'a pod that does the forbidden thing in initContainers' });
  });
}

/** The text of a rule's validate block, for the set-wide checks. */
function ruleText(r: unknown): string {
  return isObject(r) && isObject(r.validate) ? JSON.stringify(r.validate) : '';
}

// Set-wide checks: confinement that other fields walk around. A hostPath confinement is moot when other
// volume types (gitRepo, nfs) are admitted; a confined uid is moot when the groups are open (gid 0 reaches
// root-group files and sockets). They are tried, not guessed: probe pods in the confined namespace go
// through the whole set (its mutations first, as admission does), and a probe no Enforce rule refuses is
// the bypass reported. When a plain pod is refused there too (a set that needs fields the probes cannot
// know), the check falls back to looking for a volume-type or group rule in the text.

// A rule that admits host paths under a prefix (an allow-list: `path: /home/ray*`, starts_with on the
// canonical path), not one that refuses every hostPath or a few (`!/var/run/docker.sock`).
const CONFINES_HOSTPATH = /starts_with\([^)]*hostPath\.path|"[+<=^]?\(?hostPath\)?":\{"[+<=^]?\(?path\)?":"[^!"]/;
// The chart's restrict-volume-types (`volumes[].keys(@)` AnyNotIn …), or any rule naming gitRepo.
const RESTRICTS_VOLUME_TYPES = /volumes\[\]\.keys\(@\)|\bgitRepo\b/;
const CONFINES_UID = /runAsUser\)?"?:\s*\d|MustRunAs/;
const CHECKS_GROUPS = /fsGroup\)?"?:|supplementalGroups\)?"?:|runAsGroup\)?"?:/;

interface Probe {
  bypass: string;
  change: (spec: JsonObject) => void;
}

const securityContext = (spec: JsonObject): JsonObject => {
  if (!isObject(spec.securityContext)) spec.securityContext = {};
  return spec.securityContext as JsonObject;
};

const VOLUME_PROBES: readonly Probe[] = [
  { bypass: 'a gitRepo volume', change: (s) => addVolume(s, { name: 'probe', gitRepo: { repository: 'https://example.invalid/hooks.git' } }) },
  { bypass: 'an nfs volume', change: (s) => addVolume(s, { name: 'probe', nfs: { server: 'headnode', path: '/' } }) },
];
const GROUP_PROBES: readonly Probe[] = [
  { bypass: 'fsGroup: 0', change: (s) => (securityContext(s).fsGroup = 0) },
  { bypass: 'supplementalGroups: [0]', change: (s) => (securityContext(s).supplementalGroups = [0]) },
  { bypass: 'runAsGroup: 0', change: (s) => (securityContext(s).runAsGroup = 0) },
];

/** The namespace a rule confines: the first plain name its match lists, else `default`. */
function confinedNamespace(rule: JsonObject): string {
  const m = isObject(rule.match) ? rule.match : {};
  const filters = [...(Array.isArray(m.any) ? m.any : []), ...(Array.isArray(m.all) ? m.all : []), m];
  for (const f of filters) {
    const ns = isObject(f) && isObject(f.resources) && Array.isArray(f.resources.namespaces) ? f.resources.namespaces : [];
    const plain = ns.find((n): n is string => typeof n === 'string' && !/[*?]/.test(n));
    if (plain) return plain;
  }
  return 'default';
}

/** Whether some Enforce rule of the set refuses the pod (after the set's mutations). */
function refused(set: readonly CompiledPolicy[], spec: JsonObject, namespace: string): boolean {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'podgate-lint-probe', namespace }, spec } as KubeObject;
  const r = admitResource(set, pod, { operation: 'CREATE', namespaceLabels: { 'kubernetes.io/metadata.name': namespace } });
  return r.validateResults.some((p) => p.action === 'Enforce' && p.rules.some((x) => x.status === 'fail' || x.status === 'error'));
}

/** A pod the restricted profile admits, running as the uid the set asks for (so that only the probe differs). */
const plainSpec = (uid: number): JsonObject => ({
  securityContext: { runAsUser: uid, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'busybox', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } }, volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }] }],
  volumes: [{ name: 'scratch', emptyDir: {} }],
});

const addVolume = (spec: JsonObject, volume: JsonObject): void => {
  spec.volumes = [...(Array.isArray(spec.volumes) ? spec.volumes : []), volume];
};

function lintSet(policies: readonly KubeObject[], report: (policy: KubeObject, rule: string, f: Omit<LintFinding, 'policy' | 'rule'>) => void): void {
  const rules = policies.flatMap((p) => (isObject(p.spec) && Array.isArray(p.spec.rules) ? p.spec.rules.filter(isObject).map((r) => ({ p, r, text: ruleText(r) })) : []));
  const set = policies.flatMap((p) => {
    const l = loadPolicy(p);
    return l.policy && l.errors.length === 0 ? [compilePolicy(l.policy)] : [];
  });
  const volumeTypesInText = rules.some((x) => RESTRICTS_VOLUME_TYPES.test(x.text));
  const groupsInText = rules.some((x) => CHECKS_GROUPS.test(x.text));
  const uidIn = (text: string) => /runAsUser\)?"?:\s*(\d+)/.exec(text)?.[1];
  // The uid the set asks for in the namespace (the per-user policies of its user), else any, else 1000.
  const uidFor = (namespace: string) => Number(rules.map((x) => (confinedNamespace(x.r) === namespace ? uidIn(x.text) : undefined)).find((u) => u !== undefined) ?? uidIn(rules.map((x) => x.text).join('\n')) ?? 1000);
  /** The probes the set admits in the namespace; undefined when a plain pod is refused there too. */
  const admitted = (namespace: string, probes: readonly Probe[]): string[] | undefined => {
    const uid = uidFor(namespace);
    if (refused(set, plainSpec(uid), namespace)) return undefined;
    return probes.filter((probe) => {
      const spec = plainSpec(uid);
      probe.change(spec);
      return !refused(set, spec, namespace);
    }).map((probe) => probe.bypass);
  };
  for (const { p, r, text } of rules) {
    const rule = typeof r.name === 'string' ? r.name : '';
    const ns = confinedNamespace(r);
    if (CONFINES_HOSTPATH.test(text) && /"Pod"/.test(JSON.stringify(r.match ?? null))) {
      const bypasses = admitted(ns, VOLUME_PROBES) ?? (volumeTypesInText ? [] : ['a gitRepo or nfs volume (no hostPath needed)']);
      if (bypasses.length > 0) {
        report(p, rule, { code: 'HOSTPATH_OTHER_VOLUMES', field: 'validate', message: `confines hostPath volumes, but the policies given admit other volume types in ${ns}, which reach the node too (gitRepo runs hooks there, nfs mounts what the head node exports)`, bypass: bypasses.join(', ') });
      }
    }
    if (CONFINES_UID.test(text) && /runAsUser/.test(text)) {
      const bypasses = admitted(ns, GROUP_PROBES) ?? (groupsInText ? [] : ['runAsGroup: 0, fsGroup: 0 or supplementalGroups: [0]']);
      if (bypasses.length > 0) {
        report(p, rule, { code: 'GROUPS_UNCHECKED', field: 'validate', message: `confines the uid, but the policies given admit a pod in ${ns} with group 0 (root-group files and sockets)`, bypass: bypasses.join(', ') });
      }
    }
  }
}

/** Lints every rule of the given Kyverno policies. */
export function lintPolicies(policies: readonly KubeObject[]): LintFinding[] {
  const out: LintFinding[] = [];
  for (const p of policies) {
    const spec = p.spec;
    if (!isObject(spec) || !Array.isArray(spec.rules)) continue;
    for (const r of spec.rules) {
      if (!isObject(r) || !isObject(r.validate)) continue;
      const rule = typeof r.name === 'string' ? r.name : '';
      const report = (f: Omit<LintFinding, 'policy' | 'rule'>) => {
        if (!out.some((o) => o.policy === p.metadata.name && o.rule === rule && o.code === f.code && o.field === f.field)) {
          out.push({ policy: p.metadata.name ?? '', rule, ...f });
        }
      };
      const v = r.validate;
      if (v.pattern !== undefined) lintPatternTree(v.pattern, 'validate.pattern', report);
      if (Array.isArray(v.anyPattern)) {
        v.anyPattern.forEach((ap, i) => {
          lintPatternTree(ap, `validate.anyPattern[${i}]`, report);
        });
      }
      if (Array.isArray(v.foreach)) {
        v.foreach.forEach((fe, i) => {
          if (isObject(fe) && fe.pattern !== undefined) lintPatternTree(fe.pattern, `validate.foreach[${i}].pattern`, report);
        });
      }
      lintStrings(v, 'validate', report);
    }
  }
  lintSet(policies, (p, rule, f) => {
    if (!out.some((o) => o.policy === p.metadata.name && o.rule === rule && o.code === f.code)) out.push({ policy: p.metadata.name ?? '', rule, ...f });
  });
  return out;
}
