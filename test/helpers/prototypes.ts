// Detects prototype pollution: the own property names (and descriptors' values) of the built-in prototypes
// a JSON walk could reach through `__proto__`, `constructor` or `prototype`.
import assert from 'node:assert/strict';

const TARGETS: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Object', Object],
];

function snapshot(): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [name, o] of TARGETS) {
    for (const k of Reflect.ownKeys(o)) out.set(`${name}.${String(k)}`, Object.getOwnPropertyDescriptor(o, k)?.value);
  }
  return out;
}

const CLEAN = snapshot();

/** Fails naming each built-in prototype property that was added, removed or replaced since the module loaded. */
export function assertPrototypesClean(): void {
  const now = snapshot();
  const changed: string[] = [];
  for (const [k, v] of now) if (!CLEAN.has(k) || CLEAN.get(k) !== v) changed.push(k);
  for (const k of CLEAN.keys()) if (!now.has(k)) changed.push(k);
  if (changed.length > 0) {
    // Undo the damage so one failure does not cascade into every later test of the process.
    for (const k of changed) {
      const [name, prop] = [k.slice(0, k.lastIndexOf('.')), k.slice(k.lastIndexOf('.') + 1)];
      const target = TARGETS.find(([n]) => n === name)?.[1];
      if (target && !CLEAN.has(k)) Reflect.deleteProperty(target, prop);
    }
  }
  assert.deepEqual(changed, [], 'built-in prototypes were modified');
}
