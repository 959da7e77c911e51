// Memoizes expressions that read a single top-level context key (`request.object.spec.volumes[].name`): their
// result depends only on that key's object, which stays the same object for every rule, foreach element and
// nesting level of one request (contexts are copied, never changed in place — docs/architecture.md). A nested
// foreach comparing each of 20,000 elements with such a list then evaluates the list once, not 20,000 times.
// Expressions that read the whole context (`@`, `$`, variables, `let`) or the clock/random source are not
// memoized. Results are shared between callers, which never mutate them (the engine copies before patching).
import type { compile } from '@jmespath-community/jmespath';
import { RecentMap } from '../../util/index.js';

type Node = ReturnType<typeof compile>;
type AnyNode = { type: string; [k: string]: unknown };

// Functions whose result depends on more than their arguments.
const IMPURE = new Set(['time_now', 'time_now_utc', 'random', 'time_since']);

/** Adds the context keys `node` reads at the top level to `acc`; false when it may read anything else. */
function collect(node: AnyNode, atRoot: boolean, acc: Set<string>): boolean {
  const n = (x: unknown, root: boolean) => collect(x as AnyNode, root, acc);
  switch (node.type) {
    case 'Field':
      if (atRoot) acc.add(node.name as string);
      return true;
    case 'Literal':
    case 'Index':
    case 'Slice':
      return true;
    case 'Current':
    case 'Identity':
      return !atRoot;
    case 'Subexpression':
    case 'IndexExpression':
    case 'Pipe':
    case 'Projection':
    case 'ValueProjection':
      return n(node.left, atRoot) && n(node.right, false);
    case 'FilterProjection':
      return n(node.left, atRoot) && n(node.right, false) && n(node.condition, false);
    case 'Flatten':
    case 'NotExpression':
      return n(node.child, atRoot);
    case 'ExpressionReference':
      return n(node.child, false);
    case 'Comparator':
    case 'OrExpression':
    case 'AndExpression':
      return n(node.left, atRoot) && n(node.right, atRoot);
    case 'Ternary':
      return n(node.condition, atRoot) && n(node.trueExpr, atRoot) && n(node.falseExpr, atRoot);
    case 'MultiSelectList':
      return (node.children as unknown[]).every((c) => n(c, atRoot));
    case 'MultiSelectHash':
      return (node.children as { value: unknown }[]).every((c) => n(c.value, atRoot));
    case 'Function':
      return !IMPURE.has(node.name as string) && (node.children as unknown[]).every((c) => n(c, atRoot));
    default:
      return false;
  }
}

/** The one top-level context key the expression reads, when its result depends on nothing else. */
export function soleRootKey(ast: Node): string | undefined {
  const acc = new Set<string>();
  if (!collect(ast as unknown as AnyNode, true, acc) || acc.size !== 1) return undefined;
  return [...acc][0];
}

// One memo per root object, shared by every memoized expression (each has a numeric id), for the most
// recently used roots (util/recent.ts): a request evaluates many expressions on a few roots (its
// `request`, the foreach elements), so a root's memo is found in a short scan rather than one weak-map
// lookup per expression, and fresh roots cost no weak-map inserts (expensive for the collector too).
let memos = new RecentMap<object, Map<number, unknown>>(32);

/**
 * Drops every root's memo. The engine calls it when it builds the context of a new request: the
 * previous requests' roots (their `request` maps, their elements) are not evaluated again, and keeping
 * them until 32 newer roots push them out kept whole requests alive across young-generation collections
 * (promoted, then collected by full mark-compacts): several hundred KiB copied per scavenge with the
 * kyverno-policies set on a pod.
 */
export function forgetRootMemos(): void {
  if (memos.size > 0) memos = new RecentMap<object, Map<number, unknown>>(32);
}
let nextId = 0;

function memoOf(root: object): Map<number, unknown> {
  let memo = memos.get(root);
  if (memo === undefined) {
    memo = new Map();
    memos.set(root, memo);
  }
  return memo;
}

// An expression whose first MISSES_BEFORE_GIVING_UP memo lookups all missed mostly goes without the memo
// from then on: it reads a root that is new every time (a foreach `element`, a merged copy per element), so
// the memo only cost a map per root and the lookups. Every PROBE_EVERY-th call still goes through the memo,
// so an expression that starts being repeated on one root (a nested foreach over a long list, where the
// memo is what keeps the cost linear) finds a hit within two probes and keeps the memo for good. Results
// are the same either way (the memo holds what the expression gives); only the cost differs.
const MISSES_BEFORE_GIVING_UP = 64;
const PROBE_EVERY = 16;

/** Wraps an evaluator with a per-root-object memo when the expression reads one top-level key only. */
export function memoizeByRoot(ast: Node, run: (data: unknown) => unknown): (data: unknown) => unknown {
  const key = soleRootKey(ast);
  if (key === undefined) return run;
  const id = nextId++;
  let misses = 0;
  let calls = 0;
  return (data) => {
    if (misses >= MISSES_BEFORE_GIVING_UP && ++calls % PROBE_EVERY !== 0) return run(data);
    const root = data !== null && typeof data === 'object' && !Array.isArray(data) && Object.hasOwn(data, key) ? (data as Record<string, unknown>)[key] : undefined;
    if (root === null || typeof root !== 'object') return run(data);
    const memo = memoOf(root);
    const hit = memo.get(id);
    if (hit !== undefined || memo.has(id)) {
      misses = -Infinity;
      return hit;
    }
    misses++;
    const out = run(data);
    memo.set(id, out);
    return out;
  };
}
