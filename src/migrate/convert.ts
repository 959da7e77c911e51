// `podgate migrate convert`: PodSecurityPolicies → Kyverno ClusterPolicies (one per PSP: validate rules for
// every constraint, mutate rules for its defaults), scoped by RBAC. PSP admits a pod when ANY usable PSP
// admits it; Kyverno requires EVERY matching policy to pass. So each PSP's policy applies only to requests
// that may use it (requesting user/groups or the pod's service account, via preconditions, since Kyverno's
// `subjects` only see the requester) and may use no PSP that admits strictly more (convert-order.ts
// `dominates`). A requester left with several incomparable PSPs must pass all of them: never weaker than
// PSP, possibly stricter, and reported. Requests that may use no PSP are refused by `psp-no-usable-policy`.
// Mirrors the selection in kubernetes@release-1.24 plugin/pkg/admission/security/podsecuritypolicy/admission.go.
import { type KubeObject, formatFieldError } from '../kube/index.js';
import { loadProviders, type Psp } from '../psp/index.js';
import type { JsonObject } from '../util/index.js';
import { jpAny, kyvernoVar } from './convert-jmespath.js';
import { mutateRules } from './convert-mutate.js';
import { dominators } from './convert-order.js';
import { computeScopes, type PspScope } from './convert-scope.js';
import { type RuleBody, validateRules } from './convert-validate.js';

/** What convertPsps produces: policies, gaps (never silently dropped) and the RBAC scope of each PSP. */
export interface ConversionResult {
  policies: KubeObject[];
  unexpressible: { psp: string; field: string; reason: string }[];
  scopes: { psp: string; subjects: string[]; namespaces: string[]; note: string }[];
}

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

function withScope(body: RuleBody, applies: string, extra: readonly JsonObject[] = []): JsonObject {
  const rule: JsonObject = {
    name: body.name,
    match: { any: [{ resources: { kinds: ['Pod'] } }] },
    preconditions: { all: [{ key: kyvernoVar(applies), operator: 'Equals', value: true }, ...extra] },
  };
  if (body.validate) rule.validate = body.validate;
  if (body.mutate) rule.mutate = body.mutate;
  return rule;
}

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
        // Controller pods are authorized by PSP when the controller creates them, through the pod's
        // service account; checking the Pod request itself (not the Deployment) keeps that behaviour.
        'pod-policies.kyverno.io/autogen-controllers': 'none',
        ...annotations,
      },
    },
    // request.userInfo is not available in background scans.
    spec: { validationFailureAction: action, background: false, rules },
  };
}

function scopeNote(scope: PspScope, dominatedBy: readonly string[]): string {
  const parts = [scope.note];
  if (dominatedBy.length > 0) parts.push(`requests that may also use ${dominatedBy.join(', ')} are left to that policy, which admits everything this PSP admits`);
  if (scope.namespaces.some((n) => n === '*' || SKIPPED_NAMESPACES.includes(n))) {
    parts.push(`Kyverno's default resourceFilters skip ${SKIPPED_NAMESPACES.join(', ')}: pods there are not checked by Kyverno at all`);
  }
  return parts.join('; ');
}

/** Converts PSPs to Kyverno ClusterPolicies scoped by the RBAC objects (ClusterRole/Role/bindings/SAs). */
export function convertPsps(psps: KubeObject[], rbac: KubeObject[], opts: ConvertOptions = {}): ConversionResult {
  const action = opts.validationFailureAction ?? 'Audit';
  const prefix = opts.namePrefix ?? 'psp-';
  const result: ConversionResult = { policies: [], unexpressible: [], scopes: [] };
  const pspObjects = psps.filter((o) => o.kind === 'PodSecurityPolicy');
  const { providers, diagnostics } = loadProviders(pspObjects.map((object, document) => ({ object, source: { file: '<convert>', document, line: 1 } })));
  for (const d of diagnostics) {
    for (const e of d.errors) result.unexpressible.push({ psp: d.psp, field: e.path.toString(), reason: `PSP not converted: admission skips it (${formatFieldError(e)})` });
  }
  const sorted: Psp[] = [...providers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const scopes = computeScopes(
    sorted.map((p) => p.name),
    pspObjects,
    rbac,
  );
  const dom = dominators(sorted);
  for (const psp of sorted) {
    const scope = scopes.get(psp.name)!;
    const dominatedBy = dom.get(psp.name) ?? [];
    const others = dominatedBy.map((d) => scopes.get(d)?.expr ?? '`false`');
    const applies = others.length === 0 ? scope.expr : `(${scope.expr}) && !${jpAny(others)}`;
    const v = validateRules(psp);
    const m = mutateRules(psp);
    const rules = [...m.rules.map((r) => withScope(r, applies, m.preconditions.get(r.name))), ...v.rules.map((r) => withScope(r, applies))];
    for (const g of [...v.gaps, ...m.gaps]) result.unexpressible.push({ psp: psp.name, ...g });
    result.policies.push(
      policy(
        `${prefix}${psp.name}`,
        `PodSecurityPolicy ${psp.name}`,
        `Converted from PodSecurityPolicy ${psp.name} by podgate. Applies to requests whose user, groups or pod service account may use the PSP (RBAC), unless they may use a PSP that admits strictly more.`,
        action,
        rules,
        { 'podgate.io/converted-from-psp': psp.name },
      ),
    );
    result.scopes.push({ psp: psp.name, subjects: scope.subjects, namespaces: scope.namespaces, note: scopeNote(scope, dominatedBy) });
  }
  // Pairs where neither PSP admits everything the other does: a requester who may use both must pass both.
  for (const a of sorted) {
    for (const b of sorted) {
      if (!(a.name < b.name)) continue;
      const da = dom.get(a.name) ?? [];
      const db = dom.get(b.name) ?? [];
      if (da.includes(b.name) || db.includes(a.name)) continue;
      // With disjoint namespaces only system:masters may use both, and it also uses any common dominator.
      const na = scopes.get(a.name)?.namespaces ?? [];
      const nb = scopes.get(b.name)?.namespaces ?? [];
      const overlap = na.includes('*') || nb.includes('*') || na.some((n) => nb.includes(n));
      if (!overlap && da.some((d) => db.includes(d))) continue;
      result.unexpressible.push({
        psp: a.name,
        field: 'policy selection',
        reason: `a requester who may use both ${a.name} and ${b.name} must pass both policies, while PSP admits a pod either PSP admits; merge the PSPs or narrow the grants for an exact translation`,
      });
    }
  }
  if (rbac.length > 0 && opts.denyWithoutUsablePsp !== false && sorted.length > 0) {
    const anyUsable = jpAny(sorted.map((p) => scopes.get(p.name)?.expr ?? '`false`'));
    const rule: JsonObject = {
      name: 'no-usable-psp',
      match: { any: [{ resources: { kinds: ['Pod'] } }] },
      validate: {
        message: 'PodSecurityPolicy: neither the requesting user nor the pod\u2019s service account may use any PodSecurityPolicy, so PSP refused this pod (unable to admit pod: []).',
        deny: { conditions: { any: [{ key: kyvernoVar(`!${anyUsable}`), operator: 'Equals', value: true }] } },
      },
    };
    result.policies.push(policy(NO_USABLE_PSP_POLICY, 'No usable PodSecurityPolicy', 'Refuses pods that no PodSecurityPolicy could admit because RBAC grants no PSP to their creator or service account.', action, [rule]));
  }
  if (sorted.length === 0) result.unexpressible.push({ psp: '', field: 'podSecurityPolicies', reason: 'no usable PSP: PSP admission refused every pod (no providers available); nothing was converted' });
  return result;
}
