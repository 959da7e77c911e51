// Applies `validate.podSecurity.exclude` entries: each entry re-evaluates either the pod without its
// containers (no `images`) or only the containers whose image matches, and removes from the
// pod's failures the field errors that this exclusion run also reports (optionally only for one
// `restrictedField` and only when every bad value matches `values`).
// Mirrors kyverno@v1.10.7:pkg/pss/evaluate.go (ApplyPodSecurityExclusion, GetPodWithMatchingContainers, exemptExclusions).
import type { PssPod, PssVersion } from '../../pss/index.js';
import { type JsonObject, isObject, wildcardMatch } from '../../util/index.js';
import { checkIdsOfControl } from './controls.js';
import { evaluateKyvernoChecks, type KyvernoCheckResult, type KyvernoFieldError } from './checks.js';

/** One `exclude` entry of a podSecurity rule. */
export interface PodSecurityExclude {
  controlName: string;
  images?: string[];
  restrictedField?: string;
  values?: string[];
}

const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'] as const;

function matchesAny(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => wildcardMatch(p, value));
}

/** The pod used for a pod-level exclusion: the same pod with one empty container named `fake`. */
function podLevelPod(pod: PssPod): PssPod {
  const spec: JsonObject = { ...pod.spec, containers: [{ name: 'fake' }] };
  delete spec.initContainers;
  delete spec.ephemeralContainers;
  return { metadata: pod.metadata, spec };
}

/** The pod used for a container-level exclusion: only the containers whose image matches, and no pod-level fields. */
function matchingContainersPod(pod: PssPod, images: readonly string[]): PssPod {
  const spec: JsonObject = {};
  for (const field of CONTAINER_LISTS) {
    const list = pod.spec[field];
    if (!Array.isArray(list)) continue;
    const kept = list.filter((c) => isObject(c) && matchesAny(images, typeof c.image === 'string' ? c.image : ''));
    if (kept.length > 0) spec[field] = kept;
  }
  return { metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace }, spec };
}

interface ParsedField {
  /** The field with every run of digits replaced by `*`. */
  field: string;
  /** Container list and index when the field is inside a container. */
  container?: { list: string; index: number };
}

// Parsed fields of the errors being compared, per field, for pod- and container-level exclusions:
// exemptExclusions compares every excluded error with every remaining one. Bounded (cleared when full):
// fields come from pods.
const parsedPodFields = new Map<string, ParsedField>();
const parsedContainerFields = new Map<string, ParsedField>();

/** Kyverno's parseField: digits become `*`; the second word decides whether it is a container field. */
function parseField(field: string, containerLevel: boolean): ParsedField {
  const parsedFields = containerLevel ? parsedContainerFields : parsedPodFields;
  let parsed = parsedFields.get(field);
  if (parsed === undefined) {
    parsed = parseFieldUncached(field, containerLevel);
    if (parsedFields.size >= 4096) parsedFields.clear();
    parsedFields.set(field, parsed);
  }
  return parsed;
}

function parseFieldUncached(field: string, containerLevel: boolean): ParsedField {
  const generic = field.replace(/\d+/g, '*');
  if (!containerLevel) return { field: generic };
  const words = field.match(/[a-zA-Z]+/g) ?? [];
  const index = field.match(/\d+/);
  const list = words[1];
  if (list && (CONTAINER_LISTS as readonly string[]).includes(list) && index) return { field: generic, container: { list, index: Number(index[0]) } };
  return { field: generic };
}

function containerName(pod: PssPod, ref: { list: string; index: number }): string | undefined {
  const list = pod.spec[ref.list];
  const c = Array.isArray(list) ? list[ref.index] : undefined;
  return isObject(c) && typeof c.name === 'string' ? c.name : undefined;
}

/** The bad values an exclusion's `values` are matched against. */
function badValues(e: KyvernoFieldError): string[] {
  const v = e.badValue;
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (typeof v === 'boolean' || typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) return v.map(String);
  return [];
}

/** Removes from `defaults` the errors the exclusion run reports for the control; checks left without errors disappear. */
function exemptExclusions(
  defaults: KyvernoCheckResult[],
  excluded: readonly KyvernoCheckResult[],
  exclude: PodSecurityExclude,
  pod: PssPod,
  matching: PssPod,
  containerLevel: boolean,
): KyvernoCheckResult[] {
  // Kyverno keys results by check ID, so a check failing at two version steps keeps only the last.
  const byId = new Map<string, KyvernoCheckResult>();
  for (const r of defaults) byId.set(r.id, r);
  const ids = checkIdsOfControl(exclude.controlName);
  for (const ex of excluded) {
    if (!ids.includes(ex.id)) continue;
    for (const exErr of ex.errors) {
      const exField = parseField(exErr.field, containerLevel);
      const exContainer = exField.container ? containerName(matching, exField.container) : undefined;
      if (exclude.restrictedField && exField.field !== exclude.restrictedField) continue;
      const values = exclude.values ?? [];
      if (values.length > 0 && !badValues(exErr).every((v) => matchesAny(values, v))) continue;
      const target = byId.get(ex.id);
      if (!target) continue;
      const errs = [...target.errors];
      for (let i = 0; i < errs.length; i++) {
        const defField = parseField(errs[i]!.field, containerLevel);
        if (defField.field !== exField.field) continue;
        if (defField.container && containerName(pod, defField.container) !== exContainer) continue;
        // Kyverno removes by swapping in the last element, which reorders the remaining errors.
        errs[i] = errs[errs.length - 1]!;
        errs.pop();
        break;
      }
      if (errs.length === 0) byId.delete(ex.id);
      else byId.set(ex.id, { ...target, errors: errs });
    }
  }
  return [...byId.values()];
}

/** True when one of the failed checks has one of the IDs. */
function failsAny(failed: readonly KyvernoCheckResult[], ids: readonly string[]): boolean {
  for (const c of failed) if (ids.includes(c.id)) return true;
  return false;
}

/** The failed checks keyed by check ID as exemptExclusions keys them (first position, last result); the same list when no ID repeats. */
function uniqueById(failed: KyvernoCheckResult[]): KyvernoCheckResult[] {
  for (let i = 1; i < failed.length; i++) {
    for (let j = 0; j < i; j++) {
      if (failed[j]!.id !== failed[i]!.id) continue;
      const byId = new Map<string, KyvernoCheckResult>();
      for (const r of failed) byId.set(r.id, r);
      return [...byId.values()];
    }
  }
  return failed;
}

/** Applies every exclude entry in order to the pod's failed checks. */
export function applyPodSecurityExclusion(
  defaults: KyvernoCheckResult[],
  excludes: readonly PodSecurityExclude[],
  pod: PssPod,
  level: 'baseline' | 'restricted',
  version: PssVersion,
  psaMax?: number,
  /** Run every check for each exclusion, as Kyverno does (tests compare the two). */
  everyCheck = false,
): KyvernoCheckResult[] {
  let out = defaults;
  for (const exclude of excludes) {
    const images = exclude.images ?? [];
    // Kyverno evaluates every check on the reduced pod, but only the control's checks are read from that
    // run (exemptExclusions), so only they run here; an unknown control name runs none (exemptExclusions
    // still keys the results by check ID, as Kyverno does).
    const ids = everyCheck ? undefined : checkIdsOfControl(exclude.controlName);
    // exemptExclusions only edits the failed checks of the control: when none of them failed (a passing
    // pod, or failures in other controls), the run on the reduced pod cannot change anything, and only
    // the keying by check ID is left.
    if (ids !== undefined && !failsAny(out, ids)) {
      out = uniqueById(out);
      continue;
    }
    if (images.length === 0) {
      const podOnly = podLevelPod(pod);
      out = exemptExclusions(out, evaluateKyvernoChecks(podOnly, level, version, psaMax, ids), exclude, pod, podOnly, false);
    } else {
      const matching = matchingContainersPod(pod, images);
      out = exemptExclusions(out, evaluateKyvernoChecks(matching, level, version, psaMax, ids), exclude, pod, matching, true);
    }
  }
  return out;
}
