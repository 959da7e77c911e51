// Values files carried over the Kyverno upgrade the KB ends with: the kyverno chart 3.0.9 → 3.2.6 and
// kyverno-policies 3.0.7 → 3.2.5 values, as `helm get values` returns them. Keys the new chart reads in
// another place are moved, defaults whose change would alter what Kyverno enforces are pinned to the
// old behaviour (with a comment saying how to opt in), and every key the new chart does not read is
// warned about. The text is edited through yaml's Document API, so the user's comments and order stay.
// The facts come from the charts' values.yaml (reference copies; see src/chart/data).
import { isMap, isScalar, parseDocument, Scalar, type Document } from 'yaml';
import { chartData, kyvernoChartDefaults } from '../chart/index.js';
import { filteredBy, kyvernoConfigFromValues } from '../kyverno/config/index.js';
import { isObject, type JsonObject, type JsonValue } from '../util/index.js';
import { usesIndentedSequences } from './values-merge.js';
import { HELM_YAML } from '../kube/index.js';

/** One change the translation made or wants the admin to know about. */
export interface ValuesChange {
  /** Dotted values path. */
  path: string;
  /** moved: the key was moved/reshaped; pinned: the old default was written to keep behaviour; default: a default changed (not written); new: a key the new chart adds; no-effect: the new chart does not read it. */
  kind: 'moved' | 'pinned' | 'default' | 'new' | 'no-effect';
  message: string;
}

/** A translated values file. */
export interface TranslatedValues {
  chart: 'kyverno' | 'kyverno-policies';
  from: string;
  to: string;
  text: string;
  changes: ValuesChange[];
  /** The `no-effect` changes, worded as warnings. */
  warnings: string[];
}

type Doc = Document.Parsed;

function parseValues(text: string, what: string): Doc {
  const doc = parseDocument(text, HELM_YAML);
  if (doc.errors.length > 0) throw new Error(`${what}: ${doc.errors[0]!.message.split('\n')[0]}`);
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({}) as unknown as Doc['contents'];
  if (!isMap(doc.contents)) throw new Error(`${what}: the values file must be a mapping at the top level`);
  return doc;
}

/** Adds a `# podgate: …` comment before the key at `path` (the pair's key node). */
function comment(doc: Doc, path: readonly string[], text: string): void {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return;
  const name = path[path.length - 1];
  const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value === name : p.key === name));
  if (!pair) return;
  // A key setIn added to a map the user wrote is a plain string: a node carries the comment.
  if (typeof pair.key === 'string') pair.key = new Scalar(pair.key);
  if (!isScalar(pair.key)) return;
  const line = ` podgate: ${text}`;
  pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}\n${line}` : line;
}

/**
 * Keys of `user` that `defaults` does not have: the new chart never reads them. Free-form maps (a default of
 * `{}`, `null`, a list or a scalar) are not descended into: everything under them is the user's.
 */
function noEffectKeys(user: JsonValue, defaults: JsonValue, prefix: string[], out: string[][]): string[][] {
  if (!isObject(user) || !isObject(defaults) || Object.keys(defaults).length === 0) return out;
  for (const [k, v] of Object.entries(user)) {
    if (!Object.hasOwn(defaults, k)) {
      out.push([...prefix, k]);
      continue;
    }
    noEffectKeys(v, defaults[k] as JsonValue, [...prefix, k], out);
  }
  return out;
}

function getPath(v: JsonValue, path: readonly string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = v;
  for (const k of path) {
    if (!isObject(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k] as JsonValue;
  }
  return cur;
}

const show = (v: JsonValue | undefined) => JSON.stringify(v ?? null);

/** Defaults that changed between the charts, found from the data: [path, old, new]. */
function changedDefaults(before: JsonObject, after: JsonObject): [string[], JsonValue, JsonValue][] {
  const out: [string[], JsonValue, JsonValue][] = [];
  const walk = (a: JsonValue, b: JsonValue, p: string[]) => {
    if (isObject(a) && isObject(b) && Object.keys(a).length > 0) {
      for (const k of Object.keys(a)) if (Object.hasOwn(b, k)) walk(a[k] as JsonValue, b[k] as JsonValue, [...p, k]);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push([p, a, b]);
  };
  walk(before, after, []);
  return out;
}

function finish(doc: Doc, original: string, base: Omit<TranslatedValues, 'text' | 'warnings'>, userBefore: JsonObject, defaultsAfter: JsonObject, extraWarnings: readonly string[] = []): TranslatedValues {
  const changes = base.changes;
  const user = doc.toJS() as JsonObject;
  for (const path of noEffectKeys(user, defaultsAfter, [], [])) {
    const existed = getPath(userBefore, path) !== undefined;
    comment(doc, path, `not a value of ${base.chart} chart ${base.to}: no effect`);
    changes.push({ path: path.join('.'), kind: 'no-effect', message: `${path.join('.')} is not a value of the ${base.chart} chart ${base.to}${existed ? '' : ' (added by the translation)'}: it has no effect; remove it or find where the new chart reads it` });
  }
  // `helm get values` writes sequences at the parent's indentation ("- effect"): keep the file's style.
  const text = doc.toString({ lineWidth: 0, indentSeq: usesIndentedSequences(original) });
  return { ...base, text, warnings: [...changes.filter((c) => c.kind === 'no-effect').map((c) => c.message), ...extraWarnings] };
}

/**
 * Keys whose change of default alters what Kyverno enforces or lets through: the translation writes the
 * old value (unless the user set one) so the upgrade changes nothing the admin did not choose.
 */
const KYVERNO_PINNED: Record<string, string> = {
  'features.policyExceptions.enabled':
    'chart 3.2.6 enables PolicyExceptions by default (anyone allowed to create one can exempt a workload from any policy); 3.0.9 had them off, kept off here. Set true, with features.policyExceptions.namespace, to opt in',
};

const WEBHOOKS_PINNED =
  "chart 3.2.6's default namespaceSelector sends nothing of kube-system to Kyverno, and these values have Kyverno 1.10 evaluate kube-system (no resource filter covers it), so the default would end that enforcement; 3.0.9's [] kept here. Remove this to take the new default on purpose";

/** Translates the kyverno chart's values from 3.0.9 to 3.2.6. */
export function translateKyvernoValues(text: string, file = 'kyverno values'): TranslatedValues {
  const doc = parseValues(text, file);
  const userBefore = doc.toJS() as JsonObject;
  const before = kyvernoChartDefaults('3.0.9');
  const after = kyvernoChartDefaults('3.2.6');
  const changes: ValuesChange[] = [];

  // webhooksCleanup.image was one "repository:tag" string; 3.2.6 reads registry/repository/tag.
  const image = doc.getIn(['webhooksCleanup', 'image']);
  if (typeof image === 'string') {
    const oldNode = doc.getIn(['webhooksCleanup', 'image'], true);
    const kept = isScalar(oldNode) && oldNode.comment ? ` (your comment: ${oldNode.comment.trim()})` : '';
    const at = image.lastIndexOf(':');
    const slash = image.lastIndexOf('/');
    const [repoPart, tag] = at > slash ? [image.slice(0, at), image.slice(at + 1)] : [image, undefined];
    const first = repoPart.split('/')[0] ?? '';
    const hasRegistry = repoPart.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
    const node: Record<string, string> = hasRegistry ? { registry: first, repository: repoPart.slice(first.length + 1) } : { repository: repoPart };
    if (tag !== undefined) node.tag = tag;
    doc.setIn(['webhooksCleanup', 'image'], doc.createNode(node));
    comment(doc, ['webhooksCleanup', 'image'], `was "${image}" (chart 3.0.9); chart 3.2.6 reads image.registry/repository/tag${kept}`);
    changes.push({ path: 'webhooksCleanup.image', kind: 'moved', message: `webhooksCleanup.image "${image}" → webhooksCleanup.image.{${Object.keys(node).join(', ')}}` });
  }

  // Chart 3.2.6's default webhook namespaceSelector leaves kube-system out of every Kyverno webhook. Where
  // the 3.0.9 values have Kyverno evaluate kube-system (no resource filter covers it), that would remove
  // enforcement there: the translation keeps 3.0.9's `webhooks: []` for those values only.
  const kubeSystemEvaluated = filteredBy(kyvernoConfigFromValues(userBefore, '3.0.9').config, 'Pod', 'kube-system', 'x') === undefined;
  for (const [path, old, now] of changedDefaults(before, after)) {
    const key = path.join('.');
    if (key === 'webhooksCleanup.image') continue;
    const pinned = KYVERNO_PINNED[key] ?? (key === 'config.webhooks' && kubeSystemEvaluated ? WEBHOOKS_PINNED : undefined);
    if (pinned && getPath(userBefore, path) === undefined) {
      doc.setIn(path, doc.createNode(old));
      comment(doc, path, pinned);
      changes.push({ path: key, kind: 'pinned', message: `${key}: kept ${show(old)} (chart 3.2.6 default ${show(now)}): ${pinned}` });
    } else if (getPath(userBefore, path) === undefined) {
      changes.push({ path: key, kind: 'default', message: `${key}: default ${show(old)} → ${show(now)} (not set in your values; the new default applies)` });
    }
  }
  const warnings = carryTolerations(doc, userBefore, changes);
  // Kept in 3.2.6's values.yaml, but its ConfigMap template reads `.Values.annotations` (top level).
  const configAnnotations = getPath(userBefore, ['config', 'annotations']);
  if (isObject(configAnnotations) && Object.keys(configAnnotations).length > 0) {
    warnings.push('config.annotations: chart 3.2.6 still lists it but its ConfigMap template reads top-level `annotations` instead, so these annotations would no longer be set on the kyverno ConfigMap; add them as top-level `annotations` too if something relies on them');
  }
  return finish(doc, text, { chart: 'kyverno', from: '3.0.9', to: '3.2.6', changes }, userBefore, after, warnings);
}

// The pod-bearing components of each chart (values paths with `tolerations`). Chart 3.2.6 adds some; the
// crds.migration hook runs during the upgrade itself, so a Pending hook pod fails `helm upgrade --wait`.
const PODS_3_0_9 = ['admissionController', 'backgroundController', 'cleanupController', 'reportsController', 'webhooksCleanup', 'cleanupJobs.admissionReports', 'cleanupJobs.clusterAdmissionReports'];
const NEW_PODS_3_2_6 = ['crds.migration', 'policyReportsCleanup', 'cleanupJobs.updateRequests', 'cleanupJobs.ephemeralReports', 'cleanupJobs.clusterEphemeralReports'];

/**
 * Gives the components new in chart 3.2.6 the tolerations every component of the user's values has (the
 * KB's control-plane tolerations), unless the user set theirs; when the components' tolerations differ,
 * nothing is guessed and a warning names the new components. Returns the warnings.
 */
function carryTolerations(doc: Doc, userBefore: JsonObject, changes: ValuesChange[]): string[] {
  const set = PODS_3_0_9.map((c) => getPath(userBefore, [...c.split('.'), 'tolerations'])).filter((t) => t !== undefined);
  if (set.length === 0) return [];
  const missing = NEW_PODS_3_2_6.filter((c) => getPath(userBefore, [...c.split('.'), 'tolerations']) === undefined);
  if (missing.length === 0) return [];
  const first = JSON.stringify(set[0]);
  if (set.length !== PODS_3_0_9.length || set.some((t) => JSON.stringify(t) !== first)) {
    return [`chart 3.2.6 adds pods without tolerations in your values: ${missing.map((c) => `${c}.tolerations`).join(', ')}; your components' tolerations differ, so none were copied: set them where those pods must schedule (crds.migration is a hook of this upgrade: a Pending hook pod fails helm upgrade --wait)`];
  }
  for (const c of missing) {
    const path = [...c.split('.'), 'tolerations'];
    doc.setIn(path, doc.createNode(set[0]));
    comment(doc, path, 'new in chart 3.2.6: the tolerations every other Kyverno component has in these values');
    changes.push({ path: path.join('.'), kind: 'pinned', message: `${path.join('.')}: set to the tolerations of every other Kyverno component (new in chart 3.2.6; ${c === 'crds.migration' ? 'a hook of this very upgrade: ' : ''}a pod that cannot schedule ${c === 'crds.migration' ? 'fails helm upgrade --wait' : 'stays Pending'})` });
  }
  return [];
}

/** Translates the kyverno-policies chart's values from 3.0.7 to 3.2.5. */
export function translatePoliciesValues(text: string, file = 'kyverno-policies values'): TranslatedValues {
  const doc = parseValues(text, file);
  const userBefore = doc.toJS() as JsonObject;
  const before = chartData('3.0.7').defaults;
  const after = chartData('3.2.5').defaults;
  const changes: ValuesChange[] = [];
  for (const [path, old, now] of changedDefaults(before, after)) {
    const key = path.join('.');
    if (getPath(userBefore, path) !== undefined) continue;
    // `audit` → `Audit`: the same action spelled as Kyverno 1.12 documents it.
    const same = typeof old === 'string' && typeof now === 'string' && old.toLowerCase() === now.toLowerCase();
    changes.push({ path: key, kind: 'default', message: `${key}: default ${show(old)} → ${show(now)}${same ? ' (the same action)' : ''}` });
  }
  for (const k of Object.keys(after)) {
    if (Object.hasOwn(before, k) || Object.hasOwn(userBefore, k)) continue;
    changes.push({ path: k, kind: 'new', message: `${k}: new in chart 3.2.5 (default ${show(after[k] as JsonValue)}); not set` });
  }
  return finish(doc, text, { chart: 'kyverno-policies', from: '3.0.7', to: '3.2.5', changes }, userBefore, after);
}
