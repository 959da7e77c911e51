// Finds and runs kyverno-test.yaml suites: loads policies, resources and values, evaluates every
// policy on every resource it names, and compares each expected row with the engine's verdict.
// Mirrors kyverno@v1.10.7:cmd/cli/kubectl-kyverno/test/test_command.go (applyPoliciesFromPath,
// buildPolicyResults: `rule`, `autogen-rule` and `autogen-cronjob-rule` all answer for a rule; a rule
// without a response counts as skip, or as excluded (a pass, 1.11+ printTestResult) when other rules answered) and utils/common (ApplyPolicyOnResource: each policy mutates, then
// validates its own mutated output). A mutate row that passes is checked against its patched resource.
// As the 1.10 CLI (utils/common/fetch.go convertResourceToUnstructured), a resource without
// metadata.namespace is in `default`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadObjects } from '../cluster/index.js';
import { formatInputError, type KubeObject } from '../kube/index.js';
import {
  type CompiledPolicy,
  compilePolicy,
  DEFAULT_PROFILE,
  type EngineProfile,
  type EvaluationContext,
  evaluatePolicy,
  loadPolicyException,
  loadPolicyObjects,
  type PolicyValidation,
  mutatePolicy,
  type PolicyMutation,
  type PolicyException,
  type PolicyResult,
  patchedResourceDiff,
  type RequestInfo,
  valueKeyPath,
} from '../kyverno/index.js';
import { clone, getOwn, isObject, type JsonObject, type JsonValue, setOwn } from '../util/index.js';
import { type ExpectedResult, parseSuite, parseValues, type SuiteSpec, type SuiteValues, valuesShapeErrors } from './suite.js';
import { valueKeyErrors, valuesContext } from './values-context.js';

/** PolicyException versions a 1.11+ test file may name (1.12.5 serves v2beta1; the CLI reads v2alpha1 too). */
const TEST_EXCEPTION_API_VERSIONS = ['kyverno.io/v2alpha1', 'kyverno.io/v2beta1'];

/** The outcome of one expected row (one resource name of one result entry). */
export interface TestRow {
  /** Path of the kyverno-test.yaml. */
  suite: string;
  policy: string;
  rule: string;
  kind: string;
  resource: string;
  namespace?: string;
  expected: string;
  /**
   * The engine's status (`fail` also when a mutated resource differs from the expected one), `not found`,
   * `not evaluated` (generate rules), or `excluded` (other rules of the policy answered, this one did not: ok).
   */
  actual: string;
  ok: boolean;
  message: string;
  /** Where the mutated resource differs from the expected patched resource, one JSON pointer per line. */
  diff?: string[];
}

/** One suite's run. */
export interface SuiteRun {
  file: string;
  name: string;
  rows: TestRow[];
  /** Load problems (the suite's rows may be incomplete). */
  errors: string[];
  /** Schema problems that `--validate=warn` reports without failing (unknown fields are dropped). */
  warnings?: string[];
  /**
   * Problems Kyverno prints and carries on from (an unreadable patchedResource file makes its rows fail
   * the comparison): reported, but not input errors.
   */
  reported: string[];
  policyCount: number;
  resourceCount: number;
}

/** Finds test files under the paths (a file path is taken as is), sorted. Hidden directories are searched. */
export function findSuites(paths: readonly string[], fileName = 'kyverno-test.yaml'): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        if (name === 'node_modules' || name === '.git') continue;
        walk(join(p, name));
      }
    } else if (p.endsWith(`/${fileName}`) || p === fileName) out.push(p);
  };
  for (const p of paths) {
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isFile()) out.push(p);
    else walk(p);
  }
  return out;
}

function readYaml(file: string): unknown {
  // A FIFO named kyverno-test.yaml in a searched folder would block the read forever.
  if (!statSync(file).isFile()) throw new Error('not a regular file (a FIFO, socket or device)');
  return parse(readFileSync(file, 'utf8'), { uniqueKeys: false });
}

function splitName(qualified: string): { namespace?: string; name: string } {
  const i = qualified.indexOf('/');
  return i < 0 ? { name: qualified } : { namespace: qualified.slice(0, i), name: qualified.slice(i + 1) };
}

function requestInfoFrom(doc: unknown): RequestInfo | undefined {
  if (!isObject(doc)) return undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const ui = isObject(doc.userInfo) ? doc.userInfo : undefined;
  const roles = list(doc.roles);
  const clusterRoles = list(doc.clusterRoles);
  return {
    ...(roles ? { roles } : {}),
    ...(clusterRoles ? { clusterRoles } : {}),
    ...(ui ? { userInfo: { ...(typeof ui.username === 'string' ? { username: ui.username } : {}), ...(Array.isArray(ui.groups) ? { groups: ui.groups.map(String) } : {}) } } : {}),
  };
}

/** Runs one kyverno-test.yaml file. Never throws for bad input: problems land in `errors`. */
/**
 * The profile decides how the CLI applies policies (engine/profile.ts: testChainsMutations,
 * applyRequestObjectValues, testRowWithoutResponse, testUpdateFromValues, testExceptions); `validation`
 * how policy files are checked against the Kyverno CRD schema.
 */
export function runSuiteFile(file: string, profile: EngineProfile = DEFAULT_PROFILE, validation: PolicyValidation = { validate: 'warn' }): SuiteRun {
  const run: SuiteRun = { file, name: '', rows: [], errors: [], warnings: [], reported: [], policyCount: 0, resourceCount: 0 };
  let doc: unknown;
  try {
    doc = readYaml(file);
  } catch (err) {
    run.errors.push(`${file}: ${(err as Error).message.split('\n')[0]}`);
    return run;
  }
  const parsed = parseSuite(doc);
  for (const e of parsed.errors) run.errors.push(e.field === '' ? `${file}: ${e.message}` : `${file}: ${e.field}: ${e.message}`);
  const suite = parsed.suite;
  if (!suite) return run;
  run.name = suite.name;
  const dir = dirname(file);
  const rel = (p: string) => resolve(dir, p);

  // The kyverno CLI reads suites as unstructured objects: no type checks, empty files allowed.
  const loadedPolicies = loadObjects(suite.policies.map(rel), { requireName: false, allowEmpty: true, checkTypes: false });
  for (const e of loadedPolicies.errors) run.errors.push(formatInputError(e));
  const { policies: loaded, problems, warnings } = loadPolicyObjects(loadedPolicies.objects, validation);
  run.errors.push(...problems);
  run.warnings!.push(...warnings);
  const policies = loaded.map(compilePolicy);
  const loadedResources = loadObjects(suite.resources.map(rel), { requireName: false, allowEmpty: true, checkTypes: false });
  for (const e of loadedResources.errors) run.errors.push(formatInputError(e));
  const resources = loadedResources.objects.map((o) => inDefaultNamespace(o.object));
  run.policyCount = policies.length;
  run.resourceCount = resources.length;

  let values: SuiteValues | undefined = suite.values;
  if (suite.variables) {
    try {
      const doc = readYaml(rel(suite.variables));
      for (const e of valuesShapeErrors(doc)) run.errors.push(`${rel(suite.variables)}: ${e}`);
      values = parseValues(doc);
      for (const e of valueKeyErrors(values, profile)) run.errors.push(`${rel(suite.variables)}: ${e}`);
    } catch (err) {
      run.errors.push(`${rel(suite.variables)}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  let requestInfo: RequestInfo | undefined;
  if (suite.userinfo) {
    try {
      requestInfo = requestInfoFrom(readYaml(rel(suite.userinfo)));
    } catch (err) {
      run.errors.push(`${rel(suite.userinfo)}: ${(err as Error).message.split('\n')[0]}`);
    }
  }

  // The 1.11+ CLI applies the PolicyExceptions a test file names (no feature flag: the CLI has none); 1.10 test
  // files have no such field, so there it is an error rather than a silently wrong row.
  const exceptions: PolicyException[] = [];
  if (suite.exceptions && suite.exceptions.length > 0) {
    if (!profile.testExceptions) run.errors.push(`${file}: exceptions: test files carry PolicyExceptions from Kyverno 1.11 on; run with --kyverno-version 1.12`);
    else {
      const loaded = loadObjects(suite.exceptions.map(rel));
      for (const e of loaded.errors) run.errors.push(formatInputError(e));
      for (const o of loaded.objects) {
        const r = loadPolicyException(o.object, TEST_EXCEPTION_API_VERSIONS);
        if (r.exception) exceptions.push(r.exception);
        for (const e of r.errors) run.errors.push(`${o.source.file}: ${e.path.toString()}: ${e.detail}`);
      }
    }
  }
  const cache = new Map<string, Outcome>();
  const outcomeOf = (p: CompiledPolicy, r: KubeObject): Outcome => {
    const ctx = contextFor(p, r, values, requestInfo, suite.format, profile);
    if (exceptions.length > 0) ctx.exceptions = exceptions;
    const subject = requestSubject(r, ctx, profile);
    const mutation = mutatePolicy(p, subject, ctx);
    return { mutation, validation: evaluatePolicy(p, mutation.patched, ctx) };
  };
  const evaluate = (p: CompiledPolicy, ri: number, r: KubeObject): Outcome => {
    const key = `${p.policy.namespace ?? ''}/${p.policy.name}#${ri}`;
    const hit = cache.get(key);
    if (hit) return hit;
    if (!profile.testChainsMutations) {
      const res = outcomeOf(p, r);
      cache.set(key, res);
      return res;
    }
    // The 1.12 CLI chains the policies: each one mutates (and validates) the previous one's output.
    let current = r;
    for (const q of policies) {
      const res = outcomeOf(q, current);
      cache.set(`${q.policy.namespace ?? ''}/${q.policy.name}#${ri}`, res);
      current = res.mutation.patched;
    }
    return cache.get(key) ?? outcomeOf(p, r);
  };
  // An expected patched resource file, or why it could not be read (Kyverno prints "failed to load
  // resources" and the comparison fails).
  const patchedFiles = new Map<string, { docs: KubeObject[]; error?: string }>();
  const expectedPatched = (path: string): { docs: KubeObject[]; error?: string } => {
    const file = rel(path);
    let entry = patchedFiles.get(file);
    if (!entry) {
      const loaded = loadObjects([file], { requireName: false, allowEmpty: true, checkTypes: false });
      const problems = loaded.errors.map(formatInputError);
      entry = { docs: loaded.objects.map((o) => inDefaultNamespace(o.object)), ...(problems.length > 0 ? { error: problems.join('; ') } : {}) };
      if (entry.error !== undefined) run.reported.push(`failed to load resources (${entry.error})`);
      patchedFiles.set(file, entry);
    }
    return entry;
  };

  for (const exp of suite.results) {
    const pref = splitName(exp.policy);
    const policy = policies.find((p) => p.policy.name === pref.name && (pref.namespace === undefined || p.policy.namespace === pref.namespace));
    for (const resName of exp.resources) {
      const rref = splitName(resName);
      const row: TestRow = {
        suite: file,
        policy: exp.policy,
        rule: exp.rule,
        kind: exp.kind,
        resource: rref.name,
        ...(exp.namespace ?? rref.namespace ? { namespace: exp.namespace ?? rref.namespace } : {}),
        expected: exp.result,
        actual: 'not found',
        ok: false,
        message: '',
      };
      run.rows.push(row);
      const ns = row.namespace;
      const ri = resources.findIndex(
        (o) => (o.metadata?.name ?? '') === rref.name && (exp.kind === '' || o.kind === exp.kind) && (ns === undefined || (o.metadata?.namespace ?? 'default') === ns),
      );
      const resource = resources[ri];
      if (!policy) {
        row.message = `policy ${exp.policy} not found in the suite's policies`;
        continue;
      }
      if (!resource) {
        row.message = `resource ${exp.kind}/${resName} not found in the suite's resources`;
        continue;
      }
      const outcome = evaluate(policy, ri, resource);
      const fromMutation = fillRow(row, exp, outcome, policy, profile);
      if (fromMutation && row.actual === 'pass' && exp.patchedResource !== undefined) {
        const want = expectedPatched(exp.patchedResource);
        if (want.error !== undefined) {
          row.actual = 'fail';
          row.message = `failed to load resources (${want.error})`;
          row.ok = row.actual === row.expected;
        } else checkPatched(row, resource, outcome.mutation.patched, exp.patchedResource, want.docs);
      }
    }
  }
  return run;
}

/** One policy on one resource, as the kyverno CLI applies it: mutation, then validation of the mutated resource. */
interface Outcome {
  mutation: PolicyMutation;
  validation: PolicyResult;
}

// The policy's final output is compared with the document of the same kind and name in the expected file.
function checkPatched(row: TestRow, resource: KubeObject, patched: KubeObject, file: string, expected: readonly KubeObject[]): void {
  const name = resource.metadata?.name ?? '';
  const want = expected.find((o) => o.kind === resource.kind && (o.metadata?.name ?? '') === name);
  if (!want) {
    row.actual = 'fail';
    row.message = `no ${resource.kind}/${name} in patched resource file ${file}`;
  } else {
    const diff = patchedResourceDiff(patched, want);
    if (diff.length === 0) return;
    row.actual = 'fail';
    row.message = `mutated resource differs from ${file}`;
    row.diff = diff;
  }
  row.ok = row.actual === row.expected;
}

/** The rule type podgate does not evaluate, as `podgate test` names it: `generate`, `verifyImages`, `validate.manifests`. */
function unsupportedRuleType(policy: CompiledPolicy, names: readonly string[]): string | undefined {
  const rule = policy.rules.find((r) => names.includes(r.name));
  if (!rule) return undefined;
  if (rule.generate !== undefined) return 'generate';
  if (rule.verifyImages !== undefined) return 'verifyImages';
  if (rule.validate?.manifests !== undefined) return 'validate.manifests';
  return undefined;
}

const SCORED = 'policies.kyverno.io/scored';

/** Fills the row's actual status from the rule's response; true when that response is a mutate rule's. */
function fillRow(row: TestRow, exp: ExpectedResult, outcome: Outcome, policy: CompiledPolicy, profile: EngineProfile): boolean {
  const names = [exp.rule, `autogen-${exp.rule}`, `autogen-cronjob-${exp.rule}`];
  const mutated = outcome.mutation.rules.find((r) => names.includes(r.rule));
  const rr = outcome.validation.rules.find((r) => names.includes(r.rule)) ?? mutated;
  // Rules of a type podgate does not evaluate that matched the resource (unmatched ones answer as usual).
  const unsupported = outcome.validation.unevaluated.some((u) => u.ruleType !== 'mutate' && names.includes(u.rule)) ? unsupportedRuleType(policy, names) : undefined;
  if (rr) {
    // A policy annotated `policies.kyverno.io/scored: "false"` reports its failures as warnings, in test
    // results as in policy reports (1.10 policyreport results: scored false turns fail into warn).
    row.actual = rr.status === 'fail' && policy.policy.annotations?.[SCORED] === 'false' ? 'warn' : rr.status;
    row.message = rr.message;
  } else if (unsupported !== undefined || exp.generatedResource !== undefined) {
    row.actual = 'not evaluated';
    row.message = `${unsupported ?? 'generate'} rules are not supported by podgate`;
  } else if (profile.testRowWithoutResponse === 'excluded' && (outcome.mutation.rules.length > 0 || outcome.validation.rules.length > 0)) {
    // The kyverno CLI from 1.11 (printTestResult): the policy answered for this resource, but with no
    // response for this rule, so the resource counts as excluded from it: a pass whatever was expected.
    row.actual = 'excluded';
    row.message = `the policy has no response from rule ${exp.rule} for this resource: excluded, which counts as a pass`;
    row.ok = true;
    return false;
  } else {
    row.actual = 'skip';
    row.message = 'rule did not match the resource';
  }
  row.ok = row.actual === row.expected;
  return rr !== undefined && rr === mutated;
}

/** The resource as the 1.10 CLI loads it: without a namespace it is in `default`. */
function inDefaultNamespace(o: KubeObject): KubeObject {
  if (typeof o.metadata?.namespace === 'string' && o.metadata.namespace !== '') return o;
  return { ...o, metadata: { ...o.metadata, namespace: 'default' } };
}

/**
 * The resource with the values file's `request.object.<path>` variables written into it (1.12 CLI), so that
 * patterns see them as well as variables; with `oldObject`, the `request.oldObject.<path>` ones, for the old
 * object. A copy: the loaded resource is never changed.
 */
export function withRequestObjectValues(resource: KubeObject, global: Readonly<Record<string, JsonValue>> | undefined, profile: EngineProfile, which: 'object' | 'oldObject' = 'object'): KubeObject {
  const prefix = `request.${which}.`;
  const entries = Object.entries(global ?? {}).filter(([k]) => k.startsWith(prefix) && k.length > prefix.length);
  if (entries.length === 0) return resource;
  const out = clone(resource) as unknown as JsonObject;
  for (const [k, v] of entries) {
    // The key is read as the CLI's AddVariable reads it (`annotations."example.com/team"` is one segment).
    const path = valueKeyPath(k, profile);
    if (!path.ok) continue;
    const keys = path.path.slice(2);
    if (keys.length === 0) continue;
    let node = out;
    for (const key of keys.slice(0, -1)) {
      const next = getOwn(node, key);
      if (isObject(next)) node = next;
      else {
        const created: JsonObject = {};
        setOwn(node, key, created);
        node = created;
      }
    }
    setOwn(node, keys[keys.length - 1]!, clone(v));
  }
  return out as unknown as KubeObject;
}

/**
 * The resource a policy is evaluated on, with the values file's request objects as the 1.12 CLI reads them
 * back from the context (processor makePolicyContext): on DELETE the resource is the old object and takes
 * the `request.oldObject.*` values (applyRequestOldObjectValues), not the `request.object.*` ones; otherwise
 * it takes the `request.object.*` values (applyRequestObjectValues). Needs the context's operation set.
 */
export function requestSubject(resource: KubeObject, ctx: EvaluationContext, profile: EngineProfile): KubeObject {
  const global = ctx.values?.global;
  if (ctx.operation === 'DELETE') return profile.applyRequestOldObjectValues ? withRequestObjectValues(resource, global, profile, 'oldObject') : resource;
  return profile.applyRequestObjectValues ? withRequestObjectValues(resource, global, profile) : resource;
}

function contextFor(
  p: CompiledPolicy,
  r: KubeObject,
  values: SuiteValues | undefined,
  requestInfo: RequestInfo | undefined,
  format: SuiteSpec['format'],
  profile: EngineProfile,
): EvaluationContext {
  const ctx = valuesContext(p.policy.name, r, values, profile);
  ctx.profile = profile;
  // Suites in the 1.11+ format were written for a CLI that skips a mutate foreach that changes nothing.
  if (format === 'v1alpha1') ctx.skipUnchangedForeach = true;
  if (profile.testUpdateFromValues) updateFromValues(ctx, r, profile);
  if (requestInfo) ctx.requestInfo = requestInfo;
  return ctx;
}

/**
 * `request.operation: UPDATE` in the values: like the Kyverno CLI from 1.11 (processor makePolicyContext:
 * WithOldResource on UPDATE), an UPDATE of the resource by itself, as no separate old object is given. The
 * 1.12 CLI then reads the old object back from the context's request.oldObject, so the values'
 * request.oldObject.* are in it (applyRequestOldObjectValues). Shared by `podgate test` and `apply`.
 */
export function updateFromValues(ctx: EvaluationContext, resource: KubeObject, profile: EngineProfile): void {
  if (ctx.values?.global?.['request.operation'] !== 'UPDATE') return;
  ctx.operation = 'UPDATE';
  ctx.oldObject = profile.applyRequestOldObjectValues ? withRequestObjectValues(resource, ctx.values.global, profile, 'oldObject') : resource;
}
