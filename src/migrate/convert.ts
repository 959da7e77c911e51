// `podgate migrate convert`: PodSecurityPolicies → Kyverno ClusterPolicies, scoped by RBAC, with PSP's
// union semantics. PSP admits a pod when ANY usable PSP admits it (Kubernetes 1.24: usable PSPs sorted by
// name; the first that admits the pod unchanged wins, else the first that admits it after its defaulting);
// Kyverno requires EVERY matching rule to pass. So requests are grouped by the exact set of PSPs they may
// use (user, groups, the pod's service account — convert-scope.ts), each set is reduced to the PSPs that
// decide its outcome (convert-order.ts: a PSP that never changes a pod and admits everything another
// admits makes the other irrelevant), and every reduced set gets one ClusterPolicy whose rules apply to
// exactly the requests left with that set:
// - one PSP: its defaults as mutate rules and one validate rule per PSP field (patterns where a pattern
//   can say it, foreach JMESPath otherwise);
// - several PSPs: one rule denying the pod when no PSP of the set admits it as its own defaults leave it
//   (deny over per-field context variables, convert-checks.ts, on `psp_<name>_pod`, the pod defaulted by
//   convert-mutate.ts defaultedPod), and per defaulting PSP one rule applying all its defaults when PSP
//   admission would pick it (no member admits the pod unchanged, no earlier one admits it).
// Requests that may use no PSP are refused by `psp-no-usable-policy`. What cannot be expressed exactly is
// listed in `unexpressible`, never dropped silently.
// Mirrors kubernetes@release-1.24 plugin/pkg/admission/security/podsecuritypolicy/admission.go.
import { createHash } from 'node:crypto';
import { type KubeObject, formatFieldError } from '../kube/index.js';
import { loadProviders, type Psp } from '../psp/index.js';
import type { JsonObject } from '../util/index.js';
import { podChecks } from './convert-checks.js';
import { kyvernoVar } from './convert-jmespath.js';
import { defaultedPod, mutateRules } from './convert-mutate.js';
import { absorbs, neverMutates, reduceSet } from './convert-order.js';
import { computeScopes, realizableSets, renderScope, type RuleScope } from './convert-scope.js';
import { type RuleBody, validateRules } from './convert-validate.js';

/** Something the conversion could not express exactly. */
export interface Unexpressible {
  /** The PSP (or `a + b` for a set of PSPs) it concerns; empty for the whole conversion. */
  psp: string;
  field: string;
  reason: string;
  /** For sets of PSPs: the decisive PSPs of the requester set concerned. */
  set?: string[];
}

/** What convertPsps produces: policies, gaps (never silently dropped) and the RBAC scope of each PSP. */
export interface ConversionResult {
  policies: KubeObject[];
  unexpressible: Unexpressible[];
  scopes: { psp: string; subjects: string[]; namespaces: string[]; note: string }[];
  /** Every set of PSPs a request can be allowed to use, the PSPs that decide it, and the policy that carries it. */
  requesterSets: { psps: string[]; decisive: string[]; policy: string }[];
  /** Deliberate differences from PSP that apply to every conversion (docs/compatibility.md, Migration). */
  notes: string[];
}

/** Said with every conversion whose policies check containers: stricter than PSP on purpose. */
export const EPHEMERAL_CONTAINERS_NOTE =
  'containers added to a running pod (kubectl debug, the pods/ephemeralcontainers subresource) are checked by the converted policies, which PSP never did (it ignores subresource requests); PSP defaults are not filled in for them, so a debug container must itself set what its PSP requires (runAsUser, dropped capabilities, allowPrivilegeEscalation: false, …)';

/** Options of convertPsps. */
export interface ConvertOptions {
  /** validationFailureAction of the generated policies; Audit by default (the zero-window plan starts there). */
  validationFailureAction?: 'Audit' | 'Enforce';
  /** Emit `psp-no-usable-policy`, refusing pods nobody may create under PSP (default true when RBAC is given). */
  denyWithoutUsablePsp?: boolean;
  /** Prefix of the generated policy names (default `psp-`). */
  namePrefix?: string;
}

/** Name of the policy refusing requests that may use no PSP. */
export const NO_USABLE_PSP_POLICY = 'psp-no-usable-policy';

const SKIPPED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

const byName = (a: Psp, b: Psp) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function policy(name: string, title: string, description: string, action: string, rules: JsonObject[], annotations: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      annotations: {
        'policies.kyverno.io/title': title,
        'policies.kyverno.io/category': 'PSP Migration',
        'policies.kyverno.io/subject': 'Pod',
        'policies.kyverno.io/description': description,
        // PSP authorizes controller-created pods when the controller creates them, through the pod's
        // service account; checking the Pod request itself (not the Deployment) keeps that behaviour.
        'pod-policies.kyverno.io/autogen-controllers': 'none',
        ...annotations,
      },
    },
    // request.userInfo is not available in background scans.
    spec: { validationFailureAction: action, background: false, rules },
  };
}

interface Extra {
  context?: JsonObject[];
  preconditions?: JsonObject[];
  createOnly?: boolean;
}

function scopedRule(body: RuleBody, scope: RuleScope, extra: Extra = {}): JsonObject {
  const resources: JsonObject = { kinds: ['Pod'] };
  if (scope.namespaces) resources.namespaces = scope.namespaces;
  // PSP fills in defaults only when a pod is created (Admit); updates are only validated.
  if (extra.createOnly) resources.operations = ['CREATE'];
  const rule: JsonObject = { name: body.name, match: { any: [{ resources }] } };
  if (extra.context && extra.context.length > 0) rule.context = extra.context;
  const pre: JsonObject = { ...(scope.preconditions ?? {}) };
  if (extra.preconditions && extra.preconditions.length > 0) pre.all = [...((pre.all as JsonObject[] | undefined) ?? []), ...extra.preconditions];
  if (Object.keys(pre).length > 0) rule.preconditions = pre;
  if (body.validate) rule.validate = body.validate;
  if (body.mutate) rule.mutate = body.mutate;
  // A fresh tree per rule: shared objects would become YAML anchors and aliases in the output.
  return JSON.parse(JSON.stringify(rule)) as JsonObject;
}

const varName = (psp: string) => `psp_${psp.replace(/[^A-Za-z0-9]/g, '_')}`;

/**
 * Context entries computing, per PSP: `psp_<name>_pod`, the pod as that PSP's defaulting leaves it when
 * created (the pod itself on other operations, and for a PSP that fills in nothing); `psp_<name>_same`,
 * whether that is the pod unchanged; and `psp_<name>` = "the PSP refuses that pod", field by field.
 */
function selectionContext(psps: readonly Psp[]): JsonObject[] {
  const out: JsonObject[] = [];
  for (const p of psps) {
    const v = varName(p.name);
    const defaulted = defaultedPod(p);
    let pod = 'request.object';
    if (defaulted !== undefined) {
      pod = `${v}_pod`;
      out.push({ name: pod, variable: { jmesPath: `(request.operation == 'CREATE' && ${defaulted}) || request.object` } });
      out.push({ name: `${v}_same`, variable: { jmesPath: `${pod} == request.object` } });
    }
    const checks = podChecks(p);
    for (const c of checks) out.push({ name: `${v}_${c.name}`, variable: { jmesPath: c.expr.replace(/request\.object\b/g, pod) } });
    out.push({ name: v, variable: { jmesPath: checks.length === 0 ? '`false`' : checks.map((c) => `${v}_${c.name}`).join(' || ') } });
  }
  return out;
}

function policyName(prefix: string, set: readonly Psp[]): string {
  if (set.length === 1) return `${prefix}${set[0]!.name}`;
  const full = `${prefix}any-of-${set.map((p) => p.name).join('-')}`;
  if (full.length <= 63) return full;
  return `${prefix}any-of-${createHash('sha256').update(set.map((p) => p.name).join(',')).digest('hex').slice(0, 12)}`;
}

function describeRules(rules: readonly { name: string; field: string }[]): string {
  return rules.map((r) => `${r.name} ← ${r.field}`).join('; ');
}

/** Converts PSPs to Kyverno ClusterPolicies scoped by the RBAC objects (ClusterRole/Role/bindings/SAs). */
export function convertPsps(psps: KubeObject[], rbac: KubeObject[], opts: ConvertOptions = {}): ConversionResult {
  const action = opts.validationFailureAction ?? 'Audit';
  const prefix = opts.namePrefix ?? 'psp-';
  const result: ConversionResult = { policies: [], unexpressible: [], scopes: [], requesterSets: [], notes: [] };
  const pspObjects = psps.filter((o) => o.kind === 'PodSecurityPolicy');
  const { providers, diagnostics } = loadProviders(pspObjects.map((object, document) => ({ object, source: { file: '<convert>', document, line: 1 } })));
  for (const d of diagnostics) {
    for (const e of d.errors) result.unexpressible.push({ psp: d.psp, field: e.path.toString(), reason: `PSP not converted: admission skips it (${formatFieldError(e)})` });
  }
  const sorted: Psp[] = [...providers].sort(byName);
  if (sorted.length === 0) {
    // PSP admission with no valid PSP refuses every pod; so does the conversion (review before enforcing).
    result.unexpressible.push({ psp: '', field: 'podSecurityPolicies', reason: 'no valid PSP: PSP admission refuses every pod (no providers available); psp-no-usable-policy refuses every pod too' });
    const rule: JsonObject = {
      name: 'no-usable-psp',
      match: { any: [{ resources: { kinds: ['Pod'] } }] },
      validate: { message: 'PodSecurityPolicy: no providers available to validate pod request', deny: {} },
    };
    result.policies.push(policy(NO_USABLE_PSP_POLICY, 'No usable PodSecurityPolicy', 'Refuses every pod: none of the PodSecurityPolicies is valid, so PSP admission refused every pod.', action, [rule]));
    result.requesterSets.push({ psps: [], decisive: [], policy: NO_USABLE_PSP_POLICY });
    return result;
  }
  const byPsp = new Map(sorted.map((p) => [p.name, p]));
  const scopes = computeScopes(
    sorted.map((p) => p.name),
    pspObjects,
    rbac,
  );
  for (const p of sorted) {
    const s = scopes.get(p.name)!;
    const ns = s.namespaces;
    const parts = [s.note];
    if (ns.some((n) => n === '*' || SKIPPED_NAMESPACES.includes(n))) parts.push(`Kyverno's default resourceFilters skip ${SKIPPED_NAMESPACES.join(', ')}: pods there are not checked by Kyverno at all`);
    if (s.subjects.some((x) => x.startsWith('Group:system:nodes '))) parts.push("Kyverno's default excludeGroups skips requests from system:nodes (mirror pods): Kyverno does not check them at all");
    result.scopes.push({ psp: p.name, subjects: s.subjects, namespaces: ns, note: parts.join('; ') });
  }

  // Every realizable usable set, reduced to its decisive PSPs.
  const groups = new Map<string, { members: Psp[]; sets: string[][] }>();
  let nobody = false;
  for (const set of realizableSets(scopes)) {
    if (set.length === 0) {
      nobody = true;
      continue;
    }
    const members = reduceSet(set.map((n) => byPsp.get(n)!));
    const key = members.map((p) => p.name).join(',');
    if (!groups.has(key)) groups.set(key, { members, sets: [] });
    groups.get(key)!.sets.push(set);
  }
  const seccompFieldCaveat = new Set<string>();
  for (const key of [...groups.keys()].sort()) {
    const { members, sets } = groups.get(key)!;
    const excluded = sorted.filter((q) => !members.includes(q) && !members.some((a) => absorbs(a, q)));
    const scope = renderScope(
      members.map((p) => scopes.get(p.name)!),
      excluded.map((q) => scopes.get(q.name)!),
    );
    const name = policyName(prefix, members);
    for (const set of sets) result.requesterSets.push({ psps: set, decisive: members.map((p) => p.name), policy: scope.reachable ? name : '' });
    if (!scope.reachable) continue;
    // PSP also copies a pod-level seccompProfile field into the annotation, which counts as a change; a
    // set whose absorbed PSPs sort before their absorber can then pick another PSP's defaults.
    for (const set of sets) {
      const dropped = set.filter((n) => !members.some((m) => m.name === n)).map((n) => byPsp.get(n)!);
      // Only a PSP that allows some seccomp profile can admit such a pod.
      const allowsSeccomp = (d: Psp) => (d.annotations['seccomp.security.alpha.kubernetes.io/allowedProfileNames'] ?? '') !== '';
      if (dropped.some((d) => !neverMutates(d) && allowsSeccomp(d) && members.some((m) => absorbs(m, d) && d.name < m.name))) seccompFieldCaveat.add(key);
    }
    const label = members.map((p) => p.name).join(' + ');
    const rules: JsonObject[] = [];
    const described: { name: string; field: string }[] = [];
    if (members.length === 1) {
      const psp = members[0]!;
      const m = mutateRules(psp);
      const v = validateRules(psp);
      for (const r of m.rules) {
        rules.push(scopedRule(r, scope, { createOnly: true, ...(r.preconditions ? { preconditions: r.preconditions } : {}) }));
        described.push({ name: r.name, field: r.field });
      }
      for (const r of v.rules) {
        rules.push(scopedRule(r, scope));
        described.push({ name: r.name, field: r.field ?? r.name });
      }
      for (const g of [...v.gaps, ...m.gaps]) result.unexpressible.push({ psp: psp.name, ...g });
    } else {
      unionRules(members, scope, rules, described, result, label);
    }
    if (rules.length === 0) {
      result.requesterSets = result.requesterSets.map((r) => (r.policy === name ? { ...r, policy: '' } : r));
      continue;
    }
    const what = members.length === 1 ? `PodSecurityPolicy ${label}` : `PodSecurityPolicies ${members.map((p) => p.name).join(', ')} (admitted when any one admits)`;
    result.policies.push(
      policy(
        name,
        members.length === 1 ? `PodSecurityPolicy ${label}` : `Any of PodSecurityPolicies ${members.map((p) => p.name).join(', ')}`,
        `Converted by podgate from ${what}. Applies to ${scope.text}. Rule ← PSP fields: ${describeRules(described)}.`,
        action,
        rules,
        { 'podgate.io/converted-from-psp': members.map((p) => p.name).join(',') },
      ),
    );
  }
  for (const key of seccompFieldCaveat) {
    result.unexpressible.push({
      psp: key.replace(/,/g, ' + '),
      field: 'spec.securityContext.seccompProfile',
      set: key.split(','),
      reason:
        'for a pod whose seccompProfile field has no seccomp annotation yet, every PSP copies the field into the annotation, which PSP counts as a change: it then takes the first admitting PSP by name, whose other defaults may apply, while the policies apply none. Admit or deny is the same',
    });
  }
  if (result.policies.some((p) => ((p.spec as { rules?: JsonObject[] }).rules ?? []).some((r) => r.validate !== undefined))) result.notes.push(EPHEMERAL_CONTAINERS_NOTE);
  if (rbac.length > 0 && opts.denyWithoutUsablePsp !== false && nobody) {
    const none = renderScope([], sorted.map((p) => scopes.get(p.name)!));
    if (none.reachable) {
      const rule = scopedRule(
        {
          name: 'no-usable-psp',
          validate: {
            message: 'PodSecurityPolicy: neither the requesting user nor the pod’s service account may use any PodSecurityPolicy, so PSP refused this pod (unable to admit pod: []).',
            deny: {},
          },
        },
        none,
      );
      result.requesterSets.push({ psps: [], decisive: [], policy: NO_USABLE_PSP_POLICY });
      result.policies.push(policy(NO_USABLE_PSP_POLICY, 'No usable PodSecurityPolicy', 'Refuses pods that no PodSecurityPolicy could admit because RBAC grants no PSP to their creator or service account.', action, [rule]));
    }
  }
  checkSizes(result);
  return result;
}

/** etcd's default --max-request-bytes: the API server cannot store a larger object. */
export const ETCD_OBJECT_LIMIT = 1.5 * 1024 * 1024;
/** The API server's limit on all annotations of an object (ValidateAnnotationsSize). */
export const ANNOTATIONS_LIMIT = 256 * 1024;

/**
 * Policies the cluster cannot take as written: a union of defaulting PSPs repeats its context (the pod as
 * each PSP's defaults leave it) in every rule, so it grows with the square of its members. Over 1.5 MiB
 * the API server cannot store it (not expressible); over 256 KiB client-side `kubectl apply` fails, as it
 * copies the object into its last-applied-configuration annotation (a note naming the commands that work).
 */
function checkSizes(result: ConversionResult): void {
  const kib = (n: number) => `${Math.ceil(n / 1024)} KiB`;
  for (const p of result.policies) {
    const bytes = Buffer.byteLength(JSON.stringify(p));
    const name = p.metadata.name ?? '';
    const from = (p.metadata.annotations?.['podgate.io/converted-from-psp'] ?? '').split(',').filter((x) => x !== '');
    if (bytes > ETCD_OBJECT_LIMIT) {
      result.unexpressible.push({
        psp: from.join(' + ') || name,
        field: 'policy size',
        ...(from.length > 1 ? { set: from } : {}),
        reason: `policy ${name} is ${kib(bytes)} as JSON, over the ${kib(ETCD_OBJECT_LIMIT)} the API server can store (etcd's default --max-request-bytes): the cluster refuses to create it. A union of PSPs that fill in defaults grows with the square of its members; grant fewer of them to the same requesters, or merge them into one PSP`,
      });
    } else if (bytes + annotationBytes(p) > ANNOTATIONS_LIMIT) {
      result.notes.push(
        `policy ${name} is ${kib(bytes)} as JSON: client-side \`kubectl apply\` copies it into the kubectl.kubernetes.io/last-applied-configuration annotation and the API server refuses annotations over ${kib(ANNOTATIONS_LIMIT)} in total; create it with \`kubectl create -f\` (\`kubectl replace -f\` to update) or \`kubectl apply --server-side\``,
      );
    }
  }
}

function annotationBytes(p: KubeObject): number {
  let n = 0;
  for (const [k, v] of Object.entries(p.metadata.annotations ?? {})) n += k.length + String(v).length;
  return n;
}

function unionRules(members: readonly Psp[], scope: RuleScope, rules: JsonObject[], described: { name: string; field: string }[], result: ConversionResult, label: string): void {
  const setNames = members.map((p) => p.name);
  const gap = (field: string, reason: string) => result.unexpressible.push({ psp: label, field, reason, set: setNames });
  for (const p of members) for (const c of podChecks(p)) if (c.approximation) gap(`${p.name}: ${c.field}`, c.approximation);
  for (const p of members) for (const g of mutateRules(p).gaps) gap(`${p.name}: ${g.field}`, g.reason);
  const ctx = selectionContext(members);
  const refuses = (p: Psp) => `${varName(p.name)} == \`true\``;
  const admitsUnchanged = (p: Psp) => (defaultedPod(p) === undefined ? `${varName(p.name)} == \`false\`` : `(${varName(p.name)} == \`false\` && ${varName(p.name)}_same)`);
  // PSP admission (computeSecurityContext): the first PSP by name that admits the pod unchanged wins;
  // else the first that admits it after its own defaults, whose defaults alone apply. Each mutating
  // member gets one rule applying all its defaults at once (the pod as its defaulting leaves it), so that
  // the next rules see the pod that member admits and apply nothing more.
  for (const [i, p] of members.entries()) {
    if (defaultedPod(p) === undefined) continue;
    const v = varName(p.name);
    const before = members.slice(0, i).map(refuses);
    const noneUnchanged = members.map((q) => `!(${admitsUnchanged(q)})`);
    const select = [`${v} == \`false\``, ...before, ...noneUnchanged].join(' && ');
    const ops = [`{"op": "add", "path": "/spec", "value": {{ ${v}_pod.spec }}}`];
    if (p.annotations['seccomp.security.alpha.kubernetes.io/defaultProfileName'] || p.annotations['apparmor.security.beta.kubernetes.io/defaultProfileName']) {
      ops.push(`{"op": "add", "path": "/metadata/annotations", "value": {{ ${v}_pod.metadata.annotations || \`{}\` }}}`);
    }
    // Rule names must be unique and at most 63 characters: a long name keeps its member's index.
    const name = `defaults-${p.name}`.length <= 63 ? `defaults-${p.name}` : `defaults-${i}-${p.name}`.slice(0, 63);
    rules.push(scopedRule({ name, mutate: { patchesJson6902: `[${ops.join(', ')}]` } }, scope, { createOnly: true, context: ctx, preconditions: [{ key: kyvernoVar(select), operator: 'Equals', value: true }] }));
    described.push({ name, field: `${p.name}: its defaults, when PSP admission would pick it (no member admits the pod unchanged, ${before.length === 0 ? 'and it admits the pod after them' : `${members.slice(0, i).map((q) => q.name).join(', ')} refuse it and it admits it after its defaults`})` });
  }
  rules.push(
    scopedRule(
      {
        name: 'admitted-by-one-psp',
        validate: {
          message: `PodSecurityPolicy: none of ${setNames.join(', ')} admits this pod.`,
          deny: { conditions: { all: members.map((p) => ({ key: kyvernoVar(varName(p.name)), operator: 'Equals', value: true })) } },
        },
      },
      scope,
      { context: ctx },
    ),
  );
  described.push({ name: 'admitted-by-one-psp', field: `every field of ${setNames.join(', ')}, each PSP checked against the pod as its own defaults leave it when created (one context variable psp_<name>_<field> per field)` });
}
