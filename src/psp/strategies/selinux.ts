// The SELinux strategy: MustRunAs fills the PSP's seLinuxOptions and requires each of level/role/
// type/user to match (levels compared semantically); RunAsAny checks nothing. Mirrors
// kubernetes@release-1.24 pkg/security/podsecuritypolicy/selinux/{mustrunas,runasany}.go.
import type { FieldError, FieldPath } from '../../kube/index.js';
import { isObject, type JsonObject, type JsonValue } from '../../util/index.js';
import { invalid, required } from '../errors.js';
import type { PspSpec, SeLinuxOptions } from '../model.js';

/** The seLinuxOptions MustRunAs fills in, as JSON (undefined for RunAsAny). */
export function generateSeLinux(s: PspSpec['seLinux']): JsonObject | undefined {
  if (s.rule !== 'MustRunAs' || !s.seLinuxOptions) return undefined;
  const out: JsonObject = {};
  for (const k of ['user', 'role', 'type', 'level'] as const) {
    const v = s.seLinuxOptions[k];
    if (v !== undefined && v !== '') out[k] = v;
  }
  return out;
}

// "s0:c6,c0" equals "s0:c0,c6": same sensitivity, same category set in any order.
function equalLevels(expected: string, actual: string): boolean {
  if (expected === actual) return true;
  const e = splitLevel(expected);
  const a = splitLevel(actual);
  if (!e || !a || e[0] !== a[0]) return false;
  const ec = e[1].split(',').sort();
  const ac = a[1].split(',').sort();
  return ec.length === ac.length && ec.every((c, i) => c === ac[i]);
}

function splitLevel(l: string): [string, string] | undefined {
  const i = l.indexOf(':');
  return i < 0 ? undefined : [l.slice(0, i), l.slice(i + 1)];
}

/** Validates effective seLinuxOptions (pod or container) against the strategy. */
export function validateSeLinux(path: FieldPath, s: PspSpec['seLinux'], actual: JsonValue | undefined): FieldError[] {
  if (s.rule !== 'MustRunAs') return [];
  if (!isObject(actual)) return [required(path)];
  const want: SeLinuxOptions = s.seLinuxOptions ?? {};
  const got = (k: string) => (typeof actual[k] === 'string' ? (actual[k] as string) : '');
  const errs: FieldError[] = [];
  if (!equalLevels(want.level ?? '', got('level'))) errs.push(invalid(path.child('level'), got('level'), `must be ${want.level ?? ''}`));
  for (const k of ['role', 'type', 'user'] as const) {
    if (got(k) !== (want[k] ?? '')) errs.push(invalid(path.child(k), got(k), `must be ${want[k] ?? ''}`));
  }
  return errs;
}
