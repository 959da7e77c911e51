// The set operators In, NotIn (deprecated), AnyIn, AllIn, AnyNotIn, AllNotIn. Mirrors
// kyverno@v1.10.7:pkg/engine/variables/operator/{in,notin,anyin,allin,anynotin,allnotin}.go: keys are
// stringified, values may be a list, a JSON-array string, a plain string or a range string `a-b`.

import { hasWildcard, wildcardMatch } from '../../util/index.js';
import { matchValue, operatorOf } from '../pattern/index.js';
import { isSprintScalar, parseStringList, sprint } from './go-values.js';

/**
 * The value elements prepared for membership tests: the plain ones in a set (an equal key matches in O(1)),
 * the ones with `*` or `?` in a list (only they can match a different key).
 */
interface ValueIndex {
  all: readonly string[];
  /** Absent for short lists, where a scan is cheaper than building a set. */
  plain: ReadonlySet<string> | undefined;
  wild: readonly string[];
}

// Up to this many values a list is scanned; longer ones get a set (and are cached when they are arrays).
const SCAN_MAX = 16;

function indexValues(values: readonly string[]): ValueIndex {
  const wild: string[] = [];
  for (const v of values) if (hasWildcard(v)) wild.push(v);
  return { all: values, plain: values.length > SCAN_MAX ? new Set(values) : undefined, wild };
}

// Long value lists usually come from the compiled policy (the same array for every request and foreach
// element): their index is built once per array. Short lists, often made per evaluation by a variable,
// are not cached: a weak map entry per fresh array costs more than scanning it.
const indexCache = new WeakMap<readonly unknown[], ValueIndex>();

/**
 * Whether the key element matches some value element, wildcards in either direction: an equal value (set
 * lookup), a wildcard value matching the key, or, when the key has a wildcard, a value the key matches.
 * Large lists (thousands of ports or volume names) cost one lookup per key instead of a scan.
 */
function someMatches(k: string, index: ValueIndex): boolean {
  if (index.plain !== undefined ? index.plain.has(k) : index.all.includes(k)) return true;
  if (hasWildcard(k)) {
    for (const v of index.all) if (wildcardMatch(k, v)) return true;
  }
  for (const v of index.wild) if (wildcardMatch(v, k)) return true;
  return false;
}

/** someMatches over a short list (up to SCAN_MAX values) without building its index: the same tests. */
function someMatchesList(k: string, values: readonly string[]): boolean {
  if (values.includes(k)) return true;
  if (hasWildcard(k)) {
    for (const v of values) if (wildcardMatch(k, v)) return true;
  }
  for (const v of values) if (hasWildcard(v) && wildcardMatch(v, k)) return true;
  return false;
}

/** fmt.Sprint of each element; a list of strings is its own rendering (and is not copied). */
function sprintAll(list: readonly unknown[]): readonly string[] {
  for (const v of list) if (typeof v !== 'string') return list.map(sprint);
  return list as readonly string[];
}

/** The value as a list of strings, or undefined for an unsupported value type or a non-array JSON string. */
function valueList(value: unknown): readonly string[] | undefined {
  if (Array.isArray(value)) return sprintAll(value);
  if (typeof value === 'number') return [sprint(value)];
  if (typeof value === 'string') {
    const parsed = parseStringList(value);
    if (parsed.kind === 'invalid') return undefined;
    return parsed.kind === 'list' ? parsed.items : [value];
  }
  return undefined;
}

type Quantifier = 'any' | 'all';
type Sense = 'in' | 'notIn';

/**
 * Evaluates AnyIn/AllIn/AnyNotIn/AllNotIn. any+in: some key element matches; all+in: every key element
 * matches; any+notIn: some key element matches nothing; all+notIn: no key element matches. A scalar key
 * is one key element (kept as a string, not put in a list); a list key is stringified element by element.
 */
export function evaluateSetOperator(q: Quantifier, sense: Sense, key: unknown, value: unknown): boolean {
  let single: string | undefined;
  let keys: readonly string[] | undefined;
  if (isSprintScalar(key)) single = typeof key === 'string' ? key : sprint(key);
  else if (Array.isArray(key)) keys = sprintAll(key);
  else return false;
  if (typeof value === 'string') {
    if (single !== undefined ? single === value || wildcardMatch(value, single) : keys!.length === 1 && keys![0] === value) return sense === 'in';
    if (operatorOf(value) === '-') {
      // Upstream checks a list key for AnyNotIn against the `a!-b` form of the range.
      if (keys !== undefined && q === 'any' && sense === 'notIn') return keys.some((k) => matchValue(k, value.replace('-', '!-')));
      const inRange = (keys ?? [single as string]).map((k) => matchValue(k, value));
      if (q === 'any') return sense === 'in' ? inRange.some(Boolean) : inRange.some((x) => !x);
      return sense === 'in' ? inRange.every(Boolean) : !inRange.some(Boolean);
    }
  }
  // Long lists are indexed (once per array); short ones are scanned as they are.
  let index: ValueIndex | undefined;
  let list: readonly string[] | undefined;
  if (Array.isArray(value) && value.length > SCAN_MAX) {
    index = indexCache.get(value);
    if (index === undefined) {
      index = indexValues(sprintAll(value));
      indexCache.set(value, index);
    }
  } else {
    list = valueList(value);
    if (list === undefined) return false;
    // A number or a string value can make a list longer than SCAN_MAX only from a JSON-array string.
    if (list.length > SCAN_MAX) index = indexValues(list);
  }
  let anyFound = false;
  let anyMissing = false;
  if (single !== undefined) {
    if (index !== undefined ? someMatches(single, index) : someMatchesList(single, list!)) anyFound = true;
    else anyMissing = true;
  } else {
    for (const k of keys!) {
      if (index !== undefined ? someMatches(k, index) : someMatchesList(k, list!)) anyFound = true;
      else anyMissing = true;
      // The answer is known once both kinds were seen (any: either; all: neither can change back).
      if (anyFound && anyMissing) break;
    }
  }
  if (q === 'any') return sense === 'in' ? anyFound : anyMissing;
  return sense === 'in' ? !anyMissing : !anyFound;
}

/** Exact membership for the deprecated In/NotIn: the value must be a list of strings or a JSON-array string. */
function exactValues(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  if (typeof value === 'string') {
    const parsed = parseStringList(value);
    return parsed.kind === 'list' ? parsed.items : undefined;
  }
  return undefined;
}

/** Deprecated In (every key element is in the value) and NotIn (some key element is not). */
export function evaluateIn(sense: Sense, key: unknown, value: unknown): boolean {
  const values = exactValues(value);
  if (values === undefined) return false;
  const keys = typeof key === 'string' ? [key] : Array.isArray(key) ? key.map(sprint) : undefined;
  if (keys === undefined) return false;
  const set = new Set(values);
  const allPresent = keys.every((k) => set.has(k));
  return sense === 'in' ? allPresent : !allPresent;
}
