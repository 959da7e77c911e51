// The one-line readiness verdict, shared by the console (`migrate run`) and the HTML banner so both
// say the same thing from the same summary.json data.

/** `Ready: …` or `Not ready: N blockers …`, from a readiness summary. */
export function verdictLine(r: { readonly ready: boolean; readonly blockers: readonly unknown[]; readonly warnings: readonly unknown[] }): string {
  const w = r.warnings.length > 0 ? `; ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}` : '';
  return r.ready ? `Ready: nothing blocks the switch to Kyverno${w}.` : `Not ready: ${r.blockers.length} blocker${r.blockers.length === 1 ? '' : 's'}${w}.`;
}
