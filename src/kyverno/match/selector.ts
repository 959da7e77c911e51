// Label selectors with Kyverno's wildcard expansion, plus annotation matching.
// Mirrors kyverno@v1.10.7:pkg/utils/match/labels.go (CheckSelector), pkg/utils/wildcard/replace.go
// (ReplaceInSelector) and match/annotations.go (CheckAnnotations).
import { hasWildcard, wildcardMatch } from '../../util/index.js';
import type { LabelSelector } from '../model/index.js';

/** The outcome of a selector check: matched, or an invalid selector. */
export type SelectorOutcome = { ok: true; matched: boolean } | { ok: false; error: string };

/** Evaluates a LabelSelector against labels; wildcard matchLabels keys/values match any fitting label. */
export function checkSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): SelectorOutcome {
  const entries = Object.entries(labels);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const value = String(v);
    if (hasWildcard(k) || hasWildcard(value)) {
      if (!entries.some(([lk, lv]) => wildcardMatch(k, lk) && wildcardMatch(value, lv))) return { ok: true, matched: false };
    } else if (labels[k] !== value) return { ok: true, matched: false };
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = (e.values ?? []).map(String);
    switch (e.operator) {
      case 'In':
        if (values.length === 0) return { ok: false, error: `values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'` };
        if (!has || !values.includes(labels[e.key] ?? '')) return { ok: true, matched: false };
        break;
      case 'NotIn':
        if (values.length === 0) return { ok: false, error: `values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'` };
        if (has && values.includes(labels[e.key] ?? '')) return { ok: true, matched: false };
        break;
      case 'Exists':
        if (!has) return { ok: true, matched: false };
        break;
      case 'DoesNotExist':
        if (has) return { ok: true, matched: false };
        break;
      default:
        return { ok: false, error: `"${e.operator}" is not a valid label selector operator` };
    }
  }
  return { ok: true, matched: true };
}

/** True when every expected annotation key/value wildcard-matches some annotation of the object. */
export function checkAnnotations(expected: Readonly<Record<string, string>>, actual: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(actual);
  return Object.entries(expected).every(([k, v]) => entries.some(([ak, av]) => wildcardMatch(k, ak) && wildcardMatch(String(v), av)));
}
