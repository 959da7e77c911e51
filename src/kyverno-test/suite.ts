// Reads kyverno-test.yaml suites: the cli.kyverno.io/v1alpha1 `Test` format and the older untyped one,
// plus their values (variables) and userinfo files. Mirrors kyverno@v1.10.7:cmd/cli/kubectl-kyverno/test/
// api/types.go and utils/values (GetVariable), with the v1alpha1 field names of 1.11+.
import { isObject, type JsonObject, type JsonValue, setOwn } from '../util/index.js';

/** One expected result; `resources` lists the resource names (each counts as a row). */
export interface ExpectedResult {
  policy: string;
  rule: string;
  kind: string;
  namespace?: string;
  resources: string[];
  result: string;
  /** Mutate expectations (Tier 3): the expected patched resource file (`patchedResource` or `patchedResources`). */
  patchedResource?: string;
  generatedResource?: string;
}

/** A values file's content (kind Values, or the untyped variables file). */
export interface SuiteValues {
  globalValues: Record<string, JsonValue>;
  /**
   * policy name → rule name → values, as v1.10.7 keeps them: the rules of the policy's last entry that has a
   * `rules` list, the last rule entry of a name whole (an entry without values leaves the rule none).
   */
  ruleValues: Record<string, Record<string, Record<string, JsonValue>>>;
  /** policy name → rule name → foreach values. */
  foreachValues: Record<string, Record<string, Record<string, JsonValue[]>>>;
  /**
   * policy name → its `rules` entries in file order (those of every `policies` entry of that name), for
   * lookups that depend on the order (the 1.12 CLI's GetPolicyRule: the first entry that answers the rule).
   */
  ruleEntries?: Record<string, RuleValuesEntry[]>;
  /**
   * policy name → resource name → values, as v1.10.7 keeps them: the resources of the policy's last entry,
   * the last resource entry of a name whole.
   */
  resourceValues: Record<string, Record<string, Record<string, JsonValue>>>;
  /**
   * policy name → its `resources` entries in file order (those of every `policies` entry of that name), for
   * the 1.11+ CLI's merge of every entry of a resource (ComputeVariables; profile resourceValuesMerge).
   */
  resourceEntries?: Record<string, { name: string; values: Record<string, JsonValue> }[]>;
  /** namespace name → labels. */
  namespaceLabels: Record<string, Record<string, string>>;
  /** `subresources:` mappings: a resource of the subresource's kind is matched as the parent's kind + subresource. */
  subresources?: SubresourceMapping[];
}

/** One `rules` entry of a values file's policy: its name and, when given, its values and foreach values. */
export interface RuleValuesEntry {
  name: string;
  values?: Record<string, JsonValue>;
  foreachValues?: Record<string, JsonValue[]>;
}

/** One APIResource of a values file's `subresources:` entry (name as `pods/exec` for the subresource). */
export interface ApiResourceRef {
  name: string;
  kind: string;
  group: string;
  version: string;
}

/** A values file's `subresources:` entry: e.g. `{subresource: {name: deployments/scale, kind: Scale, group: autoscaling, version: v1}, parentResource: {name: deployments, kind: Deployment, group: apps, version: v1}}`. */
export interface SubresourceMapping {
  subresource: ApiResourceRef;
  parentResource: ApiResourceRef;
}

/** A parsed test file. */
export interface SuiteSpec {
  name: string;
  /**
   * `v1alpha1` for a `cli.kyverno.io` Test (the 1.11+ CLI format), else `legacy` (the untyped 1.10 format).
   * The runner follows the CLI the format was written for where the two disagree.
   */
  format: 'legacy' | 'v1alpha1';
  policies: string[];
  resources: string[];
  variables?: string;
  userinfo?: string;
  values?: SuiteValues;
  /** PolicyException files (Kyverno 1.11+ test files). */
  exceptions?: string[];
  results: ExpectedResult[];
}

/** A problem with a test file, pointing at a field. */
export interface SuiteError {
  field: string;
  message: string;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a map' : `a ${typeof v} (${JSON.stringify(v)})`;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function valueMap(v: unknown): Record<string, JsonValue> {
  return isObject(v) ? { ...v } : {};
}

/** Parses the values/variables document. */
/**
 * The fields of a values file whose type the CLI's decoding refuses (its Values struct: lists of mappings,
 * maps of values), as `path: message`; parseValues would read them as absent, every value silently missing.
 */
export function valuesShapeErrors(doc: unknown, prefix = ''): string[] {
  const errors: string[] = [];
  if (doc === undefined || doc === null) return errors;
  if (!isObject(doc)) return [`${prefix || 'values file'}: must be a map, found ${typeName(doc)}`];
  const at = (f: string) => (prefix ? `${prefix}.${f}` : f);
  const map = (v: unknown, path: string) => {
    if (v !== undefined && v !== null && !isObject(v)) errors.push(`${path}: must be a map, found ${typeName(v)}`);
  };
  const name = (v: Record<string, unknown>, path: string) => {
    if (v.name !== undefined && v.name !== null && typeof v.name !== 'string') errors.push(`${path}.name: must be a string, found ${typeName(v.name)}`);
  };
  /** The mappings of a list field, reporting a field that is not a list or an item that is not a mapping. */
  const list = (v: unknown, path: string): [Record<string, unknown>, string][] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      errors.push(`${path}: must be a list, found ${typeName(v)}`);
      return [];
    }
    const out: [Record<string, unknown>, string][] = [];
    for (const [i, x] of v.entries()) {
      if (isObject(x)) out.push([x, `${path}[${i}]`]);
      else errors.push(`${path}[${i}]: must be a map, found ${typeName(x)}`);
    }
    return out;
  };
  map(doc.globalValues, at('globalValues'));
  for (const [p, pp] of list(doc.policies, at('policies'))) {
    name(p, pp);
    for (const [r, rp] of list(p.rules, `${pp}.rules`)) {
      name(r, rp);
      map(r.values, `${rp}.values`);
      map(r.foreachValues, `${rp}.foreachValues`);
    }
    for (const [r, rp] of list(p.resources, `${pp}.resources`)) {
      name(r, rp);
      map(r.values, `${rp}.values`);
    }
  }
  for (const [n, np] of list(doc.namespaceSelector, at('namespaceSelector'))) {
    name(n, np);
    map(n.labels, `${np}.labels`);
  }
  list(doc.subresources, at('subresources'));
  return errors;
}

export function parseValues(doc: unknown): SuiteValues {
  const ruleEntries: Record<string, RuleValuesEntry[]> = {};
  const resourceEntries: NonNullable<SuiteValues['resourceEntries']> = {};
  const out: SuiteValues = { globalValues: {}, ruleValues: {}, foreachValues: {}, ruleEntries, resourceValues: {}, resourceEntries, namespaceLabels: {}, subresources: [] };
  if (!isObject(doc)) return out;
  out.globalValues = valueMap(doc.globalValues);
  // A policy, rule or resource may be named twice. Every entry is kept in file order (the 1.11+ CLI reads
  // the list); the maps keep what v1.10.7's GetVariable keeps: its maps keyed by name, the last entry winning.
  for (const p of Array.isArray(doc.policies) ? doc.policies : []) {
    if (!isObject(p) || typeof p.name !== 'string') continue;
    const entries = Object.hasOwn(ruleEntries, p.name) ? ruleEntries[p.name]! : [];
    setOwn(ruleEntries, p.name, entries);
    // v1.10.7 stores an entry's rule map only when the entry has a rules list: an entry without one keeps
    // the rule values of an earlier entry of the policy.
    if (Array.isArray(p.rules)) {
      const rules: Record<string, Record<string, JsonValue>> = {};
      const foreach: Record<string, Record<string, JsonValue[]>> = {};
      for (const r of p.rules) {
        if (!isObject(r) || typeof r.name !== 'string') continue;
        const entry: RuleValuesEntry = { name: r.name };
        // A later entry of a rule replaces an earlier one whole, values and foreach values.
        delete rules[r.name];
        delete foreach[r.name];
        if (isObject(r.values)) {
          entry.values = { ...r.values };
          setOwn(rules, r.name, entry.values);
        }
        if (isObject(r.foreachValues)) {
          const fv: Record<string, JsonValue[]> = {};
          for (const [k, v] of Object.entries(r.foreachValues)) setOwn(fv, k, Array.isArray(v) ? v : [v]);
          entry.foreachValues = fv;
          setOwn(foreach, r.name, fv);
        }
        entries.push(entry);
      }
      setOwn(out.ruleValues, p.name, rules);
      setOwn(out.foreachValues, p.name, foreach);
    }
    const inOrder = Object.hasOwn(resourceEntries, p.name) ? resourceEntries[p.name]! : [];
    setOwn(resourceEntries, p.name, inOrder);
    const resources: Record<string, Record<string, JsonValue>> = {};
    for (const r of Array.isArray(p.resources) ? p.resources : []) {
      if (!isObject(r) || typeof r.name !== 'string') continue;
      const values = valueMap(r.values);
      setOwn(resources, r.name, values);
      inOrder.push({ name: r.name, values });
    }
    setOwn(out.resourceValues, p.name, resources);
  }
  for (const n of Array.isArray(doc.namespaceSelector) ? doc.namespaceSelector : []) {
    if (!isObject(n) || typeof n.name !== 'string') continue;
    const labels: Record<string, string> = {};
    if (isObject(n.labels)) for (const [k, v] of Object.entries(n.labels)) setOwn(labels, k, String(v));
    setOwn(out.namespaceLabels, n.name, labels);
  }
  const subresources: SubresourceMapping[] = [];
  for (const m of Array.isArray(doc.subresources) ? doc.subresources : []) {
    if (!isObject(m)) continue;
    const subresource = apiResource(m.subresource);
    const parentResource = apiResource(m.parentResource);
    if (subresource && parentResource) subresources.push({ subresource, parentResource });
  }
  if (subresources.length > 0) out.subresources = subresources;
  return out;
}

function apiResource(v: unknown): ApiResourceRef | undefined {
  if (!isObject(v)) return undefined;
  const str = (x: unknown) => (typeof x === 'string' ? x : '');
  return { name: str(v.name), kind: str(v.kind), group: str(v.group), version: str(v.version) };
}

/** Parses a kyverno-test.yaml document (either format), collecting problems. */
export function parseSuite(doc: unknown): { suite?: SuiteSpec; errors: SuiteError[] } {
  const errors: SuiteError[] = [];
  if (!isObject(doc)) return { errors: [{ field: '', message: 'a test file must be a mapping' }] };
  const md = isObject(doc.metadata) ? doc.metadata : {};
  const name = typeof md.name === 'string' ? md.name : typeof doc.name === 'string' ? doc.name : '';
  // A field of the wrong type is an error, as the CLI's YAML decoding fails on it: `results: "oops"` must
  // not turn into a suite that checks nothing and passes.
  for (const f of ['policies', 'resources', 'results', 'exceptions'] as const) {
    if (doc[f] !== undefined && doc[f] !== null && !Array.isArray(doc[f])) errors.push({ field: f, message: `must be a list, found ${typeName(doc[f])}` });
  }
  for (const f of ['policies', 'resources', 'exceptions'] as const) {
    const v = doc[f];
    if (!Array.isArray(v)) continue;
    for (const [i, x] of v.entries()) if (typeof x !== 'string') errors.push({ field: `${f}[${i}]`, message: `must be a file path, found ${typeName(x)}` });
  }
  for (const f of ['variables', 'userinfo'] as const) {
    if (doc[f] !== undefined && doc[f] !== null && typeof doc[f] !== 'string') errors.push({ field: f, message: `must be a file path, found ${typeName(doc[f])}` });
  }
  if (typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('cli.kyverno.io/') && doc.kind !== 'Test') {
    errors.push({ field: 'kind', message: `must be Test for ${doc.apiVersion}, found ${JSON.stringify(doc.kind ?? null)}` });
  }
  const policies = strings(doc.policies);
  if (policies.length === 0 && !errors.some((e) => e.field.startsWith('policies'))) errors.push({ field: 'policies', message: 'at least one policy file is required' });
  const results: ExpectedResult[] = [];
  (Array.isArray(doc.results) ? doc.results : []).forEach((r, i) => {
    if (!isObject(r)) {
      errors.push({ field: `results[${i}]`, message: 'must be a mapping' });
      return;
    }
    const resources = strings(r.resources);
    if (typeof r.resource === 'string') resources.push(r.resource);
    const result = typeof r.result === 'string' ? r.result : typeof r.status === 'string' ? r.status : '';
    if (typeof r.policy !== 'string') errors.push({ field: `results[${i}].policy`, message: 'missing required field "policy"' });
    if (result === '') errors.push({ field: `results[${i}].result`, message: 'missing required field "result"' });
    results.push({
      policy: typeof r.policy === 'string' ? r.policy : '',
      rule: typeof r.rule === 'string' ? r.rule : '',
      kind: typeof r.kind === 'string' ? r.kind : '',
      ...(typeof r.namespace === 'string' ? { namespace: r.namespace } : {}),
      resources,
      result,
      ...(typeof r.patchedResource === 'string' ? { patchedResource: r.patchedResource } : {}),
      // cli.kyverno.io/v1alpha1 spells it patchedResources (one file, possibly with several documents).
      ...(typeof r.patchedResources === 'string' ? { patchedResource: r.patchedResources } : {}),
      ...(typeof r.generatedResource === 'string' ? { generatedResource: r.generatedResource } : {}),
    });
  });
  const format = typeof doc.apiVersion === 'string' && doc.apiVersion.startsWith('cli.kyverno.io/') ? 'v1alpha1' : 'legacy';
  const suite: SuiteSpec = { name, format, policies, resources: strings(doc.resources), results };
  if (typeof doc.variables === 'string') suite.variables = doc.variables;
  if (typeof doc.userinfo === 'string') suite.userinfo = doc.userinfo;
  if (Array.isArray(doc.exceptions)) suite.exceptions = strings(doc.exceptions);
  for (const e of valuesShapeErrors(doc.values, 'values')) {
    const colon = e.indexOf(': ');
    errors.push({ field: e.slice(0, colon), message: e.slice(colon + 2) });
  }
  if (isObject(doc.values)) suite.values = parseValues(doc.values as JsonObject);
  return { suite, errors };
}
