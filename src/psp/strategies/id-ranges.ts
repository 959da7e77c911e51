// The user and group ID strategies: RunAsAny, MustRunAs, MayRunAs (groups) and MustRunAsNonRoot
// (users), with their defaults and exact error texts. Mirrors kubernetes@release-1.24
// pkg/security/podsecuritypolicy/group/{mustrunas,mayrunas,runasany}.go and user/{mustrunas,nonroot,runasany}.go.
import type { FieldError, FieldPath } from '../../kube/index.js';
import { goInt64Slice, goRanges, invalid, invalidText, required } from '../errors.js';
import type { IdRange, RuleWithRanges } from '../model.js';

const inRanges = (id: number, ranges: readonly IdRange[]) => ranges.some((r) => id >= r.min && id <= r.max);

/** Default groups for supplementalGroups: MustRunAs gives `[ranges[0].min]`, others nothing. */
export function generateGroups(g: RuleWithRanges | undefined): number[] | undefined {
  const first = g?.ranges[0];
  return g?.rule === 'MustRunAs' && first ? [first.min] : undefined;
}

/** Default single group (fsGroup, runAsGroup): MustRunAs gives `ranges[0].min`. */
export function generateSingleGroup(g: RuleWithRanges | undefined): number | undefined {
  const first = g?.ranges[0];
  return g?.rule === 'MustRunAs' && first ? first.min : undefined;
}

/** Validates groups (undefined = Go nil slice) against a group strategy; a missing strategy is RunAsAny. */
export function validateGroups(path: FieldPath, g: RuleWithRanges | undefined, groups: number[] | undefined): FieldError[] {
  if (!g || (g.rule !== 'MustRunAs' && g.rule !== 'MayRunAs')) return [];
  const errs: FieldError[] = [];
  const shown = goInt64Slice(groups);
  if (g.rule === 'MustRunAs' && (groups === undefined || groups.length === 0)) {
    errs.push(invalidText(path, shown, 'unable to validate empty groups against required ranges'));
  }
  for (const id of groups ?? []) {
    if (!inRanges(id, g.ranges)) errs.push(invalidText(path, shown, `group ${id} must be in the ranges: ${goRanges(g.ranges)}`));
  }
  return errs;
}

/** Default runAsUser: MustRunAs gives `ranges[0].min`, others nothing. */
export function generateUser(u: RuleWithRanges): number | undefined {
  const first = u.ranges[0];
  return u.rule === 'MustRunAs' && first ? first.min : undefined;
}

/** Validates the effective runAsNonRoot/runAsUser of a container against the runAsUser strategy. */
export function validateUser(scPath: FieldPath, u: RuleWithRanges, runAsNonRoot: boolean | undefined, runAsUser: number | undefined): FieldError[] {
  if (u.rule === 'MustRunAs') {
    if (runAsUser === undefined) return [required(scPath.child('runAsUser'))];
    return inRanges(runAsUser, u.ranges) ? [] : [invalid(scPath.child('runAsUser'), runAsUser, `must be in the ranges: ${goRanges(u.ranges)}`)];
  }
  if (u.rule === 'MustRunAsNonRoot') {
    if (runAsNonRoot === undefined && runAsUser === undefined) return [required(scPath.child('runAsNonRoot'), 'must be true')];
    if (runAsNonRoot === false) return [invalid(scPath.child('runAsNonRoot'), false, 'must be true')];
    if (runAsUser === 0) return [invalid(scPath.child('runAsUser'), 0, 'running with the root UID is forbidden')];
  }
  return [];
}
