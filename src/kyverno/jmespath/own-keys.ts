// Go's JMESPath reads map keys, never a prototype chain: `a.constructor`, `a.__proto__` or `a.toString` of a map
// without such a key is null, and objects built from data keys (`merge`, `group_by`, `{__proto__: x}`) keep
// them as ordinary keys. The community library reads `value[name]` and writes `obj[key] = v`, so its
// interpreter's Field and MultiSelectHash visits and its merge/group_by functions are replaced here (once, on
// the library's interpreter class, so scoped interpreters of `let` get them too).
import { type JSONValue, registerFunction, TreeInterpreter, TYPE_ARRAY, TYPE_EXPREF, TYPE_OBJECT, TYPE_STRING } from '@jmespath-community/jmespath';

const OBJECT_PROTOTYPE: unknown = Object.prototype;

/** value[name] when value is a map holding that key, else null (JMESPath's Field). */
export function ownField(value: unknown, name: string): JSONValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = (value as Record<string, unknown>)[name];
  return v === undefined || typeof v === 'function' || v === OBJECT_PROTOTYPE ? null : (v as JSONValue);
}

/** Sets an own enumerable data property (a `__proto__` key stays a key). */
export function defineOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

interface AstNode {
  type: string;
  name?: string;
  value?: AstNode;
  children?: AstNode[];
}
interface Visitor {
  visit(node: AstNode, value: unknown): unknown;
}
interface KeyRuntime {
  createKeyFunction(node: unknown, types: number[]): (x: unknown) => unknown;
}

let installed = false;

/** Installs the own-key Field/MultiSelectHash visits and merge/group_by (idempotent). */
export function installOwnKeySemantics(): void {
  if (installed) return;
  installed = true;
  const proto = Object.getPrototypeOf(TreeInterpreter) as Visitor;
  const visit = proto.visit;
  proto.visit = function (this: Visitor, node: AstNode, value: unknown): unknown {
    if (node.type === 'Field') return ownField(value, node.name as string);
    if (node.type === 'MultiSelectHash') {
      const out: Record<string, unknown> = {};
      for (const child of node.children ?? []) defineOwn(out, child.name as string, this.visit(child.value as AstNode, value));
      return out;
    }
    return visit.call(this, node, value);
  };
  registerFunction(
    'merge',
    (args) => {
      const out: Record<string, unknown> = {};
      (args as unknown[]).forEach((o, i) => {
        // The library checks only the first variadic argument; Go checks each.
        if (o === null || typeof o !== 'object' || Array.isArray(o)) {
          const got = o === null ? 'null' : Array.isArray(o) ? 'array' : typeof o;
          throw new Error(`Invalid type: merge() expected argument ${i + 1} to be type (object) but received type ${got} instead.`);
        }
        for (const k of Object.keys(o)) defineOwn(out, k, (o as Record<string, unknown>)[k]);
      });
      return out as JSONValue;
    },
    [{ types: [TYPE_OBJECT], variadic: true }],
    { override: true },
  );
  registerFunction(
    'group_by',
    function (this: KeyRuntime, args) {
      const [list, expref] = args as [unknown[], unknown];
      const key = this.createKeyFunction(expref, [TYPE_STRING]);
      const groups = new Map<string, unknown[]>();
      for (const item of list) {
        const k = key(item ?? {}) as string;
        const g = groups.get(k);
        if (g) g.push(item);
        else groups.set(k, [item]);
      }
      const out: Record<string, unknown> = {};
      for (const [k, g] of groups) defineOwn(out, k, g);
      return out as JSONValue;
    },
    [{ types: [TYPE_ARRAY] }, { types: [TYPE_EXPREF] }],
    { override: true },
  );
}
