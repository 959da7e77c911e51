// Test helper for matching probes: a policy whose one rule denies whatever it matches (`validate: {deny: {}}`),
// so a result or a denial says the rule matched, and a writer of numbered files in a fresh temporary folder.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Obj = Record<string, unknown>;

/** Writes `text` to `<n>-<name>` in a folder made once for `prefix`; returns the path. */
export function tempWriter(prefix: string): (name: string, text: string) => string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let seq = 0;
  return (name, text) => {
    const p = join(dir, `${seq++}-${name}`);
    writeFileSync(p, text);
    return p;
  };
}

/** A ClusterPolicy (JSON) named `name` with one Enforce rule `r` of this match and exclude that denies everything it matches. */
export function denyAllPolicy(name: string, match: Obj, exclude?: Obj): string {
  const rule: Obj = { name: 'r', match, ...(exclude ? { exclude } : {}), validate: { deny: {} } };
  return JSON.stringify({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name }, spec: { validationFailureAction: 'Enforce', background: false, rules: [rule] } });
}
