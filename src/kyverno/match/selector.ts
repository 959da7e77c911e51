// Label selectors with Kyverno's wildcard expansion, plus annotation matching.
// Mirrors kyverno@v1.10.7:pkg/utils/match/labels.go (CheckSelector), pkg/utils/wildcard/replace.go
// (ReplaceInSelector) and match/annotations.go (CheckAnnotations).
import { dns1123SubdomainErrors } from '../../kube/index.js';
import { hasWildcard, wildcardMatch } from '../../util/index.js';
import type { LabelSelector } from '../model/index.js';

/** The outcome of a selector check: matched, or an invalid selector. */
export type SelectorOutcome = { ok: true; matched: boolean } | { ok: false; error: string };

/**
 * Evaluates a LabelSelector against labels; wildcard matchLabels keys/values match any fitting label.
 * As kyverno@v1.10.7 CheckSelector builds the selector with metav1.LabelSelectorAsSelector (after
 * wildcard.ReplaceInSelector), a selector labels.NewRequirement refuses is an error, whatever the labels:
 * an invalid label key or value, In/NotIn without values, Exists/DoesNotExist with values, another operator.
 */
export function checkSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): SelectorOutcome {
  const entries = Object.entries(labels);
  let matched = true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    const value = String(v);
    let key = k;
    let val = value;
    if (hasWildcard(k) || hasWildcard(value)) {
      // ReplaceInSelector: the first fitting label, else the pattern with `*` and `?` written as `0`.
      const hit = entries.find(([lk, lv]) => wildcardMatch(k, lk) && wildcardMatch(value, lv));
      if (hit) [key, val] = hit;
      else {
        key = k.replace(/[*?]/g, '0');
        val = value.replace(/[*?]/g, '0');
        matched = false;
      }
    } else if (labels[k] !== value) matched = false;
    const err = labelKeyError(key) ?? labelValueError(val, 'values[0]');
    if (err) return { ok: false, error: err };
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = (e.values ?? []).map(String);
    const keyErr = labelKeyError(e.key);
    if (keyErr) return { ok: false, error: keyErr };
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return { ok: false, error: `values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty` };
        if (e.operator === 'In' ? !has || !values.includes(labels[e.key] ?? '') : has && values.includes(labels[e.key] ?? '')) matched = false;
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) return { ok: false, error: `values: Invalid value: ${goStrings(values)}: values set must be empty for exists and does not exist` };
        if (e.operator === 'Exists' ? !has : has) matched = false;
        break;
      default:
        return { ok: false, error: `"${e.operator}" is not a valid label selector operator` };
    }
    for (const [i, v] of values.entries()) {
      const err = labelValueError(v, `values[${i}]`);
      if (err) return { ok: false, error: err };
    }
  }
  return { ok: true, matched };
}

// k8s.io/apimachinery/pkg/util/validation (IsQualifiedName, IsValidLabelValue, IsDNS1123Subdomain).
const QNAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const QNAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

function qualifiedNameErrors(key: string): string[] {
  const parts = key.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) name = parts[0] ?? '';
  else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of dns1123SubdomainErrors(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [`a qualified name ${QNAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (!QNAME.test(name)) errs.push(`name part ${QNAME_MSG}`);
  return errs;
}

/** labels.NewRequirement's key check (validateLabelKey), as field.Invalid's text, or undefined. */
function labelKeyError(key: string): string | undefined {
  const errs = qualifiedNameErrors(key);
  return errs.length > 0 ? `key: Invalid value: ${JSON.stringify(key)}: ${errs.join('; ')}` : undefined;
}

/** labels.NewRequirement's value check (validateLabelValue), or undefined. */
function labelValueError(value: string, path: string): string | undefined {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (value !== '' && !QNAME.test(value)) errs.push(LABEL_VALUE_MSG);
  return errs.length > 0 ? `${path}: Invalid value: ${JSON.stringify(value)}: ${errs.join('; ')}` : undefined;
}

/** A []string as Go's %#v writes it. */
function goStrings(values: readonly string[]): string {
  return `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** True when every expected annotation key/value wildcard-matches some annotation of the object. */
export function checkAnnotations(expected: Readonly<Record<string, string>>, actual: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(actual);
  return Object.entries(expected).every(([k, v]) => entries.some(([ak, av]) => wildcardMatch(k, ak) && wildcardMatch(String(v), av)));
}
