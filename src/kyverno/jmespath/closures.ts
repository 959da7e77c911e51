// Turns a parsed JMESPath expression into nested closures, so that the hot expressions of policies
// (field paths, projections, flattens, `||` defaults, plain function calls) skip the interpreter's
// per-node dispatch. Each case repeats the semantics of @jmespath-community/jmespath 1.3.0's
// TreeInterpreter.visit (dist/index.mjs) exactly, null handling included; any other node type (slices,
// `$`, let/variables, expression references, arithmetic, ternaries, multiselect hashes, ...) makes the
// whole expression stay with the library's interpreter.
import {
  type compile,
  type FunctionSignature,
  type JSONValue,
  TreeInterpreter,
  TYPE_ANY,
  TYPE_ARRAY,
  TYPE_BOOLEAN,
  TYPE_EXPREF,
  TYPE_NULL,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_STRING,
} from '@jmespath-community/jmespath';
import { deepEqual } from '../../util/index.js';
import { ownField } from './own-keys.js';

type Node = ReturnType<typeof compile>;

/** The parts of the library's Runtime (1.3.0, dist/index.mjs) that a compiled function call uses. */
interface FunctionRuntime {
  _functionTable: Record<string, FunctionSignature | undefined>;
  callFunction(name: string, args: JSONValue[]): JSONValue;
  validateTypes(name: string, args: JSONValue[], signature: FunctionSignature['_signature']): void;
}

/** An evaluator made from an AST; throws what the interpreter would throw. */
export type CompiledExpression = (value: JSONValue) => JSONValue;

/** JMESPath falsiness, as the library's isFalse: null, false, "", [] and {} are false. */
function isFalse(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return true;
  if (typeof v === 'string') return v === '';
  if (typeof v === 'object') return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
  return false;
}

/**
 * `list.flat()` (one level, holes skipped), written out: V8's Array.prototype.flat costs about half a
 * microsecond even on tiny lists, and Flatten is in most policy expressions. With dropNulls, null items
 * are left out as the projection over the flattened list would.
 */
function flattenOnce(list: readonly JSONValue[], dropNulls = false): JSONValue[] {
  const out: JSONValue[] = [];
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) continue;
    const item = list[i] as JSONValue;
    if (!Array.isArray(item)) {
      if (!dropNulls || item !== null) out.push(item);
      continue;
    }
    for (let j = 0; j < item.length; j++) {
      if (!(j in item)) continue;
      const inner = item[j] as JSONValue;
      if (!dropNulls || inner !== null) out.push(inner);
    }
  }
  return out;
}

/** Closures for the whole AST, or undefined when any node needs the library's interpreter. */
export function compileToClosures(node: Node): CompiledExpression | undefined {
  switch (node.type) {
    case 'Field': {
      const name = node.name;
      // Own keys only, as Go reads a map (own-keys.ts): `constructor` of a map without it is null.
      return (v) => ownField(v, name);
    }
    case 'Current':
    case 'Identity':
      return (v) => v;
    case 'Literal': {
      const literal = node.value;
      return () => literal;
    }
    case 'Index': {
      const index = node.value;
      return (v) => {
        if (!Array.isArray(v)) return null;
        return v[index < 0 ? v.length + index : index] ?? null;
      };
    }
    case 'Subexpression': {
      const names = fieldChain(node);
      if (names) return fieldPath(names);
      const [left, right] = pair(node.left, node.right);
      if (!left || !right) return undefined;
      return (v) => {
        const r = left(v);
        return r != null ? (right(r) ?? null) : null;
      };
    }
    case 'IndexExpression':
    case 'Pipe': {
      const [left, right] = pair(node.left, node.right);
      if (!left || !right) return undefined;
      return (v) => right(left(v));
    }
    case 'Projection': {
      // `x[]` parses as a projection of @ over a flatten: one pass that flattens and drops nulls.
      if (node.left.type === 'Flatten' && (node.right.type === 'Identity' || node.right.type === 'Current')) {
        const child = compileToClosures(node.left.child);
        if (!child) return undefined;
        return (v) => {
          const original = child(v);
          return Array.isArray(original) ? flattenOnce(original, true) : null;
        };
      }
      // A projection over a slice may take a string: left with the interpreter (Slice is not compiled).
      const [left, right] = pair(node.left, node.right);
      if (!left || !right) return undefined;
      return (v) => {
        const base = left(v);
        if (!Array.isArray(base)) return null;
        const collected: JSONValue[] = [];
        for (const elem of base) {
          const current = right(elem);
          if (current !== null) collected.push(current);
        }
        return collected;
      };
    }
    case 'FilterProjection': {
      const left = compileToClosures(node.left);
      const right = left ? compileToClosures(node.right) : undefined;
      const condition = right ? compileToClosures(node.condition) : undefined;
      if (!left || !right || !condition) return undefined;
      return (v) => {
        const base = left(v);
        if (!Array.isArray(base)) return null;
        const results: JSONValue[] = [];
        for (const elem of base) {
          if (isFalse(condition(elem))) continue;
          const result = right(elem);
          if (result !== null) results.push(result);
        }
        return results;
      };
    }
    case 'ValueProjection': {
      const [left, right] = pair(node.left, node.right);
      if (!left || !right) return undefined;
      return (v) => {
        const base = left(v);
        if (base === null || typeof base !== 'object' || Array.isArray(base)) return null;
        const collected: JSONValue[] = [];
        for (const elem of Object.values(base)) {
          const current = right(elem);
          if (current !== null) collected.push(current);
        }
        return collected;
      };
    }
    case 'Comparator': {
      const [left, right] = pair(node.left, node.right);
      if (!left || !right) return undefined;
      switch (node.name) {
        case 'EQ':
          // The library's strictDeepEqual: on JSON values (all a policy query sees) the same as util's deepEqual.
          return (v) => deepEqual(left(v), right(v));
        case 'NE':
          return (v) => !deepEqual(left(v), right(v));
        case 'GT':
          return (v) => {
            const first = left(v);
            const second = right(v);
            return typeof first === 'number' && typeof second === 'number' ? first > second : null;
          };
        case 'GTE':
          return (v) => {
            const first = left(v);
            const second = right(v);
            return typeof first === 'number' && typeof second === 'number' ? first >= second : null;
          };
        case 'LT':
          return (v) => {
            const first = left(v);
            const second = right(v);
            return typeof first === 'number' && typeof second === 'number' ? first < second : null;
          };
        case 'LTE':
          return (v) => {
            const first = left(v);
            const second = right(v);
            return typeof first === 'number' && typeof second === 'number' ? first <= second : null;
          };
        default:
          return undefined;
      }
    }
    case 'Flatten': {
      const child = compileToClosures(node.child);
      if (!child) return undefined;
      return (v) => {
        const original = child(v);
        return Array.isArray(original) ? flattenOnce(original) : null;
      };
    }
    case 'MultiSelectList': {
      const children = all(node.children);
      if (!children) return undefined;
      return (v) => children.map((c) => c(v));
    }
    case 'OrExpression': {
      const [left, right] = pair(node.left, node.right);
      if (!left || !right) return undefined;
      return (v) => {
        const r = left(v);
        return isFalse(r) ? right(v) : r;
      };
    }
    case 'AndExpression': {
      const [left, right] = pair(node.left, node.right);
      if (!left || !right) return undefined;
      return (v) => {
        const r = left(v);
        return isFalse(r) ? r : right(v);
      };
    }
    case 'NotExpression': {
      const child = compileToClosures(node.child);
      if (!child) return undefined;
      return (v) => isFalse(child(v));
    }
    case 'Function': {
      // Arguments are plain values here (an expression reference is not compiled), so the call is the
      // interpreter's own: the same function table, signature checks and errors (callFunction below).
      const children = all(node.children);
      if (!children) return undefined;
      const name = node.name;
      // callFunction checks the signature's shape and the number of arguments on every call; neither
      // changes between calls of this node (its argument count is fixed), so once a signature has
      // passed them through callFunction, later calls with the same entry check only the argument
      // types, as callFunction would, and call the function as callFunction does.
      // The types are checked first by the signature's accepted-type masks (typeMasks); only arguments the
      // masks do not accept (a type error, or a list checked element by element) go to validateTypes.
      const runtime = TreeInterpreter.runtime as unknown as FunctionRuntime;
      let checked: unknown;
      let masks: readonly number[] = NO_MASKS;
      return (v) => {
        const args: JSONValue[] = new Array(children.length);
        for (let i = 0; i < children.length; i++) args[i] = (children[i] as CompiledExpression)(v);
        const entry = runtime._functionTable[name];
        if (entry === undefined || entry._signature !== checked) {
          const out = runtime.callFunction(name, args);
          if (entry !== undefined) {
            checked = entry._signature;
            masks = typeMasks(entry._signature);
          }
          return out;
        }
        if (!masksAccept(masks, args)) runtime.validateTypes(name, args, entry._signature);
        return entry._func.call(runtime, args);
      };
    }
    default:
      return undefined;
  }
}

/**
 * The library's getTypeName (1.3.0) as a bit: number, string, array, object, boolean, expression (an
 * object with a truthy `expref`), null; 0 for a value it gives no type (its check skips the argument).
 */
function typeBit(v: unknown): number {
  if (v === null) return 1 << TYPE_NULL;
  switch (typeof v) {
    case 'string':
      return 1 << TYPE_STRING;
    case 'number':
      return 1 << TYPE_NUMBER;
    case 'boolean':
      return 1 << TYPE_BOOLEAN;
    case 'object':
      if (Array.isArray(v)) return 1 << TYPE_ARRAY;
      return (v as { expref?: unknown }).expref ? 1 << TYPE_EXPREF : 1 << TYPE_OBJECT;
    default:
      return 0;
  }
}

const ANY_TYPE = -1;
const NO_MASKS: readonly number[] = [];

/**
 * Per signature position, the bits of the types validateTypes accepts without looking further: `any`
 * accepts all, a plain type itself (typeMatches: actual === expected; `array` only a list). Typed lists
 * (`array[string]`, …) add no bit: their lists are left to validateTypes, which checks the elements.
 */
function typeMasks(signature: FunctionSignature['_signature']): readonly number[] {
  return signature.map((arg) => {
    const types: readonly number[] = Array.isArray(arg.types) ? arg.types : [];
    if (types.includes(TYPE_ANY)) return ANY_TYPE;
    let mask = 0;
    for (const t of types) if (t === TYPE_NUMBER || t === TYPE_STRING || t === TYPE_ARRAY || t === TYPE_OBJECT || t === TYPE_BOOLEAN || t === TYPE_EXPREF || t === TYPE_NULL) mask |= 1 << t;
    return mask;
  });
}

/** True when validateTypes would accept every argument by the masks alone (it checks signature positions only). */
function masksAccept(masks: readonly number[], args: readonly JSONValue[]): boolean {
  for (let i = 0; i < masks.length; i++) {
    const mask = masks[i] as number;
    if (mask === ANY_TYPE) continue;
    const bit = typeBit(args[i]);
    if (bit !== 0 && (mask & bit) === 0) return false;
  }
  return true;
}

/** The names of `a.b.c` (Subexpressions of Fields only), else undefined. */
function fieldChain(node: Node): string[] | undefined {
  if (node.type === 'Field') return [node.name];
  if (node.type !== 'Subexpression' || node.right.type !== 'Field') return undefined;
  const left = fieldChain(node.left);
  if (left) left.push(node.right.name);
  return left;
}

// `a.b.c` as one loop: a Field of a non-map is null and a Subexpression stops at null, so the nested
// closures reduce to "null as soon as the current value is not a map".
function fieldPath(names: readonly string[]): CompiledExpression {
  return (v) => {
    let cur = v;
    for (const name of names) {
      cur = ownField(cur, name);
      if (cur === null) return null;
    }
    return cur;
  };
}

function pair(a: Node, b: Node): [CompiledExpression | undefined, CompiledExpression | undefined] {
  const left = compileToClosures(a);
  return [left, left ? compileToClosures(b) : undefined];
}

function all(nodes: readonly Node[]): CompiledExpression[] | undefined {
  const out: CompiledExpression[] = [];
  for (const n of nodes) {
    const c = compileToClosures(n);
    if (!c) return undefined;
    out.push(c);
  }
  return out;
}
