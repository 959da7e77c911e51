// Check seLinuxOptions (baseline): seLinuxOptions.type from an allowed set (1.31 adds
// container_engine_t); user and role must be empty. Pod and container level.
// Mirrors kubernetes/pod-security-admission policy/check_seLinuxOptions.go.
import { FieldPath, type FieldError } from '../kube/index.js';
import type { JsonObject } from '../util/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, joinQuote, obj, pluralize, podSecurityContext, sortedSet, str, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

const TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_1_31 = [...TYPES_1_0, 'container_engine_t'];

function seLinuxOptions(allowedTypes: ReadonlySet<string>): CheckPodFn {
  return (_meta, spec) => {
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const errors: FieldError[] = [];
    const valid = (opts: JsonObject, base: FieldPath): boolean => {
      let ok = true;
      const type = str(opts.type);
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.add(type);
        errors.push(forbidden(base.child('type'), type));
      }
      if (str(opts.user) !== '') {
        ok = false;
        setUser = true;
        errors.push(forbidden(base.child('user'), str(opts.user)));
      }
      if (str(opts.role) !== '') {
        ok = false;
        setRole = true;
        errors.push(forbidden(base.child('role'), str(opts.role)));
      }
      return ok;
    };
    const setters: string[] = [];
    const podOpts = obj(podSecurityContext(spec)?.seLinuxOptions);
    if (podOpts && !valid(podOpts, FieldPath.of('spec', 'securityContext', 'seLinuxOptions'))) setters.push('pod');
    const badContainers: string[] = [];
    for (const c of visitContainers(spec)) {
      const opts = obj(c.securityContext?.seLinuxOptions);
      if (opts && !valid(opts, c.path.child('securityContext', 'seLinuxOptions'))) badContainers.push(c.name);
    }
    if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
    if (setters.length === 0) return ALLOWED;
    const data: string[] = [];
    if (badTypes.size > 0) data.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote(sortedSet(badTypes))}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return denied('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`, errors);
  };
}

function validOptions(opts: JsonObject | undefined, allowedTypes: ReadonlySet<string>): boolean {
  return opts === undefined || (allowedTypes.has(str(opts.type)) && str(opts.user) === '' && str(opts.role) === '');
}

function seLinuxAllows(allowedTypes: ReadonlySet<string>): AllowsPodFn {
  return (_meta, spec) => {
    if (!validOptions(obj(podSecurityContext(spec)?.seLinuxOptions), allowedTypes)) return false;
    for (const c of visitContainers(spec)) if (!validOptions(obj(c.securityContext?.seLinuxOptions), allowedTypes)) return false;
    return true;
  };
}

const SET_1_0: ReadonlySet<string> = new Set(TYPES_1_0);
const SET_1_31: ReadonlySet<string> = new Set(TYPES_1_31);

/** The seLinuxOptions check. */
export const checkSeLinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  versions: [
    { minimumVersion: 0, checkPod: seLinuxOptions(SET_1_0), allows: seLinuxAllows(SET_1_0) },
    { minimumVersion: 31, checkPod: seLinuxOptions(SET_1_31), allows: seLinuxAllows(SET_1_31) },
  ],
};
