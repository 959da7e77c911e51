// Check hostPorts (baseline, 1.0+): containers[*].ports[*].hostPort must be unset or 0.
// Mirrors kubernetes/pod-security-admission policy/check_hostPorts.go.
import type { FieldError } from '../kube/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, list, obj, pluralize, sortedSet, visitContainers } from './internal/helpers.js';
import type { AllowsPodFn, Check, CheckPodFn } from './types.js';

const hostPorts1_0: CheckPodFn = (_meta, spec) => {
  const bad: string[] = [];
  const ports: string[] = [];
  const errors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    let valid = true;
    list(c.container.ports).forEach((p, i) => {
      const hostPort = obj(p)?.hostPort;
      if (typeof hostPort !== 'number' || hostPort === 0) return;
      valid = false;
      ports.push(String(hostPort));
      errors.push(forbidden(c.path.child('ports').index(i).child('hostPort'), hostPort));
    });
    if (!valid) bad.push(c.name);
  }
  if (bad.length === 0) return ALLOWED;
  // Go sorts the port strings lexically (sets.NewString().List()), so "10" precedes "9".
  const sorted = sortedSet(ports);
  return denied(
    'hostPort',
    `${containersPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', sorted.length)} ${sorted.join(', ')}`,
    errors,
  );
};

const allows1_0: AllowsPodFn = (_meta, spec) => {
  for (const c of visitContainers(spec)) {
    for (const p of list(c.container.ports)) {
      const hostPort = obj(p)?.hostPort;
      if (typeof hostPort === 'number' && hostPort !== 0) return false;
    }
  }
  return true;
};

/** The hostPorts check. */
export const checkHostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  versions: [{ minimumVersion: 0, checkPod: hostPorts1_0, allows: allows1_0 }],
};
