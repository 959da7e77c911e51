// Loads and normalises a ClusterPolicy/Policy object into a Policy, collecting FieldErrors with
// field paths instead of throwing. Mirrors the structural parts of kyverno@v1.10.7:pkg/validation/policy/
// validate.go and api/kyverno/v1 (GetValidationFailureAction, legacy condition lists, both action spellings).
import { FieldPath, type FieldError } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue, setOwn } from '../../util/index.js';
import type {
  ActionOverride,
  AnyAllConditions,
  Condition,
  ForEachValidation,
  MatchResources,
  Policy,
  Rule,
  ValidationFailureAction,
} from './types.js';

/** A loaded policy (absent when the object was unusable) plus every problem found. */
export interface PolicyLoadResult {
  policy?: Policy;
  errors: FieldError[];
}

const API_VERSIONS = ['kyverno.io/v1', 'kyverno.io/v2beta1'];

/** True when an object looks like a Kyverno ClusterPolicy or Policy (any kyverno.io version). */
export function isKyvernoPolicy(o: unknown): boolean {
  return isObject(o) && (o.kind === 'ClusterPolicy' || o.kind === 'Policy') && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kyverno.io/');
}

/** Loads one policy object; problems become FieldErrors (code POLICY_*), never exceptions. */
export function loadPolicy(obj: unknown): PolicyLoadResult {
  const errors: FieldError[] = [];
  const bad = (path: FieldPath, detail: string, badValue?: unknown, type: FieldError['type'] = 'Invalid') =>
    errors.push({ type, path, detail, code: type === 'Required' ? 'POLICY_REQUIRED' : 'POLICY_INVALID', ...(badValue !== undefined ? { badValue } : {}) });
  if (!isObject(obj)) {
    bad(FieldPath.root(), 'a policy must be a mapping');
    return { errors };
  }
  const root = FieldPath.root();
  const kind = obj.kind;
  if (kind !== 'ClusterPolicy' && kind !== 'Policy') {
    errors.push({ type: 'NotSupported', path: root.child('kind'), badValue: kind, detail: 'supported values: "ClusterPolicy", "Policy"', code: 'POLICY_KIND' });
    return { errors };
  }
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : '';
  if (!API_VERSIONS.includes(apiVersion)) {
    errors.push({ type: 'NotSupported', path: root.child('apiVersion'), badValue: obj.apiVersion ?? null, detail: `supported values: ${API_VERSIONS.map((v) => `"${v}"`).join(', ')}`, code: 'POLICY_API_VERSION' });
  }
  const md = isObject(obj.metadata) ? obj.metadata : {};
  const name = typeof md.name === 'string' ? md.name : '';
  if (name === '') bad(root.child('metadata', 'name'), 'policy name is required', undefined, 'Required');
  const specPath = root.child('spec');
  const spec = obj.spec;
  if (!isObject(spec)) {
    bad(specPath, 'spec is required', undefined, 'Required');
    return { errors };
  }
  const action = normaliseAction(spec.validationFailureAction ?? 'Audit');
  if (action === undefined) {
    errors.push({ type: 'NotSupported', path: specPath.child('validationFailureAction'), badValue: spec.validationFailureAction, detail: 'supported values: "Audit", "Enforce" (or "audit", "enforce")', code: 'POLICY_ACTION' });
  }
  const failurePolicy = spec.failurePolicy ?? 'Fail';
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') {
    errors.push({ type: 'NotSupported', path: specPath.child('failurePolicy'), badValue: failurePolicy, detail: 'supported values: "Fail", "Ignore"', code: 'POLICY_FAILURE_POLICY' });
  }
  const overrides: ActionOverride[] = [];
  const rawOverrides = spec.validationFailureActionOverrides;
  if (rawOverrides !== undefined && rawOverrides !== null) {
    if (!Array.isArray(rawOverrides)) bad(specPath.child('validationFailureActionOverrides'), 'must be a list', rawOverrides);
    else
      rawOverrides.forEach((o, i) => {
        const p = specPath.child('validationFailureActionOverrides').index(i);
        const a = isObject(o) ? normaliseAction(o.action) : undefined;
        if (!isObject(o) || a === undefined) {
          bad(p.child('action'), 'supported values: "Audit", "Enforce"', isObject(o) ? o.action : o);
          return;
        }
        overrides.push({
          action: a,
          ...(Array.isArray(o.namespaces) ? { namespaces: o.namespaces.map(String) } : {}),
          ...(isObject(o.namespaceSelector) ? { namespaceSelector: o.namespaceSelector as ActionOverride['namespaceSelector'] & object } : {}),
        });
      });
  }
  const rules: Rule[] = [];
  const rulesPath = specPath.child('rules');
  if (!Array.isArray(spec.rules) || spec.rules.length === 0) {
    bad(rulesPath, 'a policy needs at least one rule', undefined, 'Required');
  } else {
    const seen = new Set<string>();
    spec.rules.forEach((r, i) => {
      const rule = loadRule(r, rulesPath.index(i), errors);
      if (!rule) return;
      if (seen.has(rule.name)) errors.push({ type: 'Duplicate', path: rulesPath.index(i).child('name'), badValue: rule.name, detail: '', code: 'POLICY_DUPLICATE_RULE' });
      seen.add(rule.name);
      rules.push(rule);
    });
  }
  const policy: Policy = {
    kind,
    apiVersion,
    name,
    ...(kind === 'Policy' ? { namespace: typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default' } : {}),
    annotations: stringMap(md.annotations),
    labels: stringMap(md.labels),
    validationFailureAction: action ?? 'Audit',
    validationFailureActionOverrides: overrides,
    background: spec.background !== false,
    failurePolicy: failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    applyRules: spec.applyRules === 'One' ? 'One' : 'All',
    rules,
    raw: obj,
  };
  return { policy, errors };
}

/** Accepts both spellings of validationFailureAction (`audit`/`Audit`, `enforce`/`Enforce`). */
function normaliseAction(v: unknown): ValidationFailureAction | undefined {
  if (v === 'Audit' || v === 'audit') return 'Audit';
  if (v === 'Enforce' || v === 'enforce') return 'Enforce';
  return undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) setOwn(out, k, typeof x === 'string' ? x : JSON.stringify(x));
  return out;
}

function loadRule(r: unknown, path: FieldPath, errors: FieldError[]): Rule | undefined {
  if (!isObject(r)) {
    errors.push({ type: 'Invalid', path, detail: 'a rule must be a mapping', code: 'POLICY_INVALID' });
    return undefined;
  }
  const name = typeof r.name === 'string' ? r.name : '';
  if (name === '') errors.push({ type: 'Required', path: path.child('name'), detail: 'rule name is required', code: 'POLICY_REQUIRED' });
  if (!isObject(r.match)) {
    errors.push({ type: 'Required', path: path.child('match'), detail: 'match is required', code: 'POLICY_REQUIRED' });
    return undefined;
  }
  const kinds = ['validate', 'mutate', 'generate', 'verifyImages'].filter((k) => r[k] !== undefined && r[k] !== null);
  if (kinds.length === 0) {
    errors.push({ type: 'Required', path, detail: 'a rule needs one of validate, mutate, generate or verifyImages', code: 'POLICY_REQUIRED' });
    return undefined;
  }
  if (kinds.length > 1) errors.push({ type: 'Invalid', path, detail: `a rule may have only one of ${kinds.join(', ')}`, code: 'POLICY_INVALID' });
  const rule: Rule = { name, match: r.match as MatchResources };
  if (isObject(r.exclude)) rule.exclude = r.exclude as MatchResources;
  if (Array.isArray(r.context)) {
    rule.context = r.context as unknown as Rule['context'] & object;
    for (const [i, e] of r.context.entries()) checkContextEntry(e, path.child('context').index(i), errors);
  }
  if (r.preconditions !== undefined && r.preconditions !== null) rule.preconditions = normaliseConditions(r.preconditions, path.child('preconditions'), errors, RULE_CONDITIONS);
  if (isObject(r.mutate)) rule.mutate = r.mutate;
  if (isObject(r.generate)) rule.generate = r.generate;
  if (Array.isArray(r.verifyImages)) rule.verifyImages = r.verifyImages;
  if (r.validate !== undefined && r.validate !== null) {
    const v = r.validate;
    const vp = path.child('validate');
    if (!isObject(v)) errors.push({ type: 'Invalid', path: vp, detail: 'validate must be a mapping', code: 'POLICY_INVALID' });
    else {
      rule.validate = { ...(typeof v.message === 'string' ? { message: v.message } : {}) };
      if (v.pattern !== undefined) rule.validate.pattern = v.pattern;
      if (v.anyPattern !== undefined) {
        if (Array.isArray(v.anyPattern)) rule.validate.anyPattern = v.anyPattern;
        else errors.push({ type: 'Invalid', path: vp.child('anyPattern'), detail: 'anyPattern must be a list', code: 'POLICY_INVALID' });
      }
      if (isObject(v.deny)) rule.validate.deny = { conditions: normaliseConditions(v.deny.conditions ?? {}, vp.child('deny', 'conditions'), errors, RULE_CONDITIONS) };
      if (Array.isArray(v.foreach)) rule.validate.foreach = v.foreach.map((f, i) => normaliseForEach(f, vp.child('foreach').index(i), errors));
      if (isObject(v.podSecurity)) rule.validate.podSecurity = v.podSecurity as unknown as NonNullable<Rule['validate']>['podSecurity'] & object;
      if (v.manifests !== undefined) rule.validate.manifests = v.manifests;
      const bodies = ['pattern', 'anyPattern', 'deny', 'foreach', 'podSecurity', 'manifests'].filter((k) => v[k] !== undefined);
      if (bodies.length === 0) errors.push({ type: 'Required', path: vp, detail: 'validate needs one of pattern, anyPattern, deny, foreach, podSecurity or manifests', code: 'POLICY_REQUIRED' });
    }
  }
  return rule;
}

// The variables every rule's context already holds (kyverno@v1.10.7 and v1.12.5 pkg/validation/policy
// validate.go validateRuleContext).
const PREDEFINED_VARIABLES = ['images', 'request', 'serviceAccountName', 'serviceAccountNamespace', 'element', 'elementIndex'];

/**
 * A rule context entry needs a name, and one that is not a pre-defined variable nor under one (`request.x`):
 * Kyverno refuses such a policy, which would otherwise shadow the request, `images` or the service account.
 * Foreach context entries are not checked (as in Kyverno).
 */
function checkContextEntry(e: JsonValue, path: FieldPath, errors: FieldError[]): void {
  const name = isObject(e) ? e.name : undefined;
  if (name === undefined || name === null || name === '') {
    errors.push({ type: 'Required', path: path.child('name'), detail: 'a name is required for context entries', code: 'POLICY_REQUIRED' });
    return;
  }
  if (typeof name !== 'string' || !isObject(e)) return;
  const builtin = PREDEFINED_VARIABLES.find((v) => name === v || name.startsWith(`${v}.`));
  if (builtin !== undefined) {
    errors.push({ type: 'Invalid', path: path.child('name'), badValue: name, detail: `entry name ${name} is invalid as it conflicts with a pre-defined variable ${builtin}`, code: 'POLICY_INVALID' });
    return;
  }
  // Exactly one source (validateRuleContext; a null field is an absent one, as a nil pointer in Go). 1.12's
  // globalReference counts as a source there; podgate cannot load it, so it says so instead of skipping it.
  const sources = CONTEXT_SOURCES.filter((k) => e[k] !== undefined && e[k] !== null);
  if (sources.length !== 1) {
    errors.push({ type: 'Invalid', path, badValue: name, detail: 'exactly one of configMap or apiCall or imageRegistry or variable is required for context entries', code: 'POLICY_INVALID' });
  } else if (sources[0] === 'globalReference') {
    errors.push({ type: 'NotSupported', path: path.child('globalReference'), badValue: name, detail: 'globalReference context entries (Kyverno 1.12) are not supported by podgate: the rule could not be decided', code: 'POLICY_UNSUPPORTED' });
  }
}

const CONTEXT_SOURCES = ['configMap', 'apiCall', 'imageRegistry', 'variable', 'globalReference'] as const;

function normaliseForEach(f: JsonValue, path: FieldPath, errors: FieldError[]): ForEachValidation {
  if (!isObject(f) || typeof f.list !== 'string') {
    errors.push({ type: 'Required', path: path.child('list'), detail: 'foreach needs a list expression', code: 'POLICY_REQUIRED' });
    return { list: '' };
  }
  const out: ForEachValidation = { list: f.list };
  if (typeof f.elementScope === 'boolean') out.elementScope = f.elementScope;
  if (Array.isArray(f.context)) out.context = f.context as unknown as ForEachValidation['context'] & object;
  if (f.preconditions !== undefined && f.preconditions !== null) out.preconditions = normaliseConditions(f.preconditions, path.child('preconditions'), errors, TYPED_CONDITIONS);
  if (f.pattern !== undefined) out.pattern = f.pattern;
  if (Array.isArray(f.anyPattern)) out.anyPattern = f.anyPattern;
  if (isObject(f.deny)) out.deny = { conditions: normaliseConditions(f.deny.conditions ?? {}, path.child('deny', 'conditions'), errors, RAW_CONDITIONS) };
  if (Array.isArray(f.foreach)) out.foreach = f.foreach.map((g, i) => normaliseForEach(g, path.child('foreach').index(i), errors));
  return out;
}

/**
 * How Kyverno reads a condition block (kyverno@v1.10.7 api/kyverno/v1 and pkg/policy/validate.go):
 * - `raw`: decoded from raw JSON (rule preconditions, every `deny.conditions`) by
 *   ApiextensionsJsonToKyvernoConditions, which refuses a key other than `any`/`all`. Kyverno refuses the
 *   policy for a rule's blocks and errors at evaluation for a foreach `deny`; podgate refuses the policy for
 *   both (docs/compatibility.md). The typed foreach `preconditions` drop an unknown key on decoding (the
 *   schema check names it).
 * - `values`: validateConditions checks the rule's own preconditions and deny conditions: key, value and
 *   operator present, and `{{request.operation}}` compared with operations only.
 */
interface ConditionsScope {
  raw: boolean;
  values: boolean;
}
const RULE_CONDITIONS: ConditionsScope = { raw: true, values: true };
const RAW_CONDITIONS: ConditionsScope = { raw: true, values: false };
const TYPED_CONDITIONS: ConditionsScope = { raw: false, values: false };

const CONDITIONS_PATH = 'preconditions/validate.deny.conditions';
const MISSING_PART = 'entered value of `key`, `value` or `operator` is missing or misspelled';
const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);
const OPERATION_VALUES = 'Only the following values are allowed: [CREATE, UPDATE, DELETE, CONNECT]';

// validateConditionValues: a condition needs key, value and operator (a null is an absent one, as a nil
// RawExtension), and one whose key is exactly `{{request.operation}}` (spaces aside) compares it with
// operations, or a `{{ }}` template, only.
function checkConditionValues(c: JsonObject, p: FieldPath, errors: FieldError[]): void {
  const { key, value, operator } = c;
  if (key === undefined || key === null || value === undefined || value === null || operator === '') {
    errors.push({ type: 'Required', path: p, detail: MISSING_PART, code: 'POLICY_REQUIRED' });
    return;
  }
  if (typeof key !== 'string' || key.replaceAll(' ', '') !== '{{request.operation}}') return;
  const bad = (at: FieldPath, v: JsonValue) => errors.push({ type: 'Invalid', path: at, badValue: v, detail: `unknown value '${typeof v === 'string' ? v : JSON.stringify(v)}' found under the 'value' field. ${OPERATION_VALUES}`, code: 'POLICY_INVALID' });
  if (typeof value === 'string') {
    const template = value.length >= 4 && value.startsWith('{{') && value.endsWith('}}');
    if (!template && !OPERATIONS.has(value)) bad(p.child('value'), value);
  } else if (Array.isArray(value)) {
    const i = value.findIndex((x) => typeof x !== 'string' || !OPERATIONS.has(x));
    if (i >= 0) bad(p.child('value').index(i), value[i] as JsonValue);
  } else {
    const kind = typeof value === 'number' ? 'float64' : typeof value === 'boolean' ? 'bool' : 'map';
    errors.push({ type: 'Invalid', path: p.child('value'), badValue: value, detail: `'value' field found to be of the type ${kind}. The provided value/values are expected to be either in the form of a string or list`, code: 'POLICY_INVALID' });
  }
}

/** Turns the legacy list form into `{all: [...]}` and checks each condition has key and operator. */
function normaliseConditions(v: JsonValue, path: FieldPath, errors: FieldError[], scope: ConditionsScope): AnyAllConditions {
  const check = (list: JsonValue, p: FieldPath): Condition[] => {
    if (!Array.isArray(list)) {
      errors.push({ type: 'Invalid', path: p, detail: 'conditions must be a list', code: 'POLICY_INVALID' });
      return [];
    }
    return list.flatMap((c, i) => {
      if (!isObject(c) || typeof c.operator !== 'string') {
        errors.push({ type: 'Required', path: p.index(i).child('operator'), detail: 'a condition needs an operator', code: 'POLICY_REQUIRED' });
        return [];
      }
      if (scope.values) checkConditionValues(c, p.index(i), errors);
      const cond: Condition = { key: c.key ?? null, operator: c.operator };
      if (c.value !== undefined) cond.value = c.value;
      if (typeof c.message === 'string') cond.message = c.message;
      return [cond];
    });
  };
  if (Array.isArray(v)) return { all: check(v, path) };
  if (!isObject(v)) {
    errors.push({ type: 'Invalid', path, detail: 'conditions must be {any: [...], all: [...]} or a list', code: 'POLICY_INVALID' });
    return {};
  }
  if (scope.raw) {
    for (const k of Object.keys(v)) {
      if (k !== 'any' && k !== 'all') errors.push({ type: 'Forbidden', path: path.child(k), detail: `unknown field '${k}' found under ${CONDITIONS_PATH}`, code: 'POLICY_INVALID' });
    }
  }
  const out: AnyAllConditions = {};
  if (v.any !== undefined && v.any !== null) out.any = check(v.any, path.child('any'));
  if (v.all !== undefined && v.all !== null) out.all = check(v.all, path.child('all'));
  return out;
}

/** Reads a JSON object field as an object (for callers that walk raw rule JSON). */
export function asObject(v: unknown): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}
