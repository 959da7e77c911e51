// Check hostProbesAndHostLifecycle (baseline, 1.34+): probes and lifecycle handlers must not set
// httpGet.host or tcpSocket.host.
// Mirrors kubernetes/pod-security-admission policy/check_hostProbesAndhostLifecycle.go.
import type { FieldError, FieldPath } from '../kube/index.js';
import type { JsonObject } from '../util/index.js';
import { ALLOWED, containersPhrase, denied, forbidden, joinQuote, obj, pluralize, sortedSet, str, visitContainers } from './internal/helpers.js';
import type { Check, CheckPodFn } from './types.js';

function badHosts(handler: JsonObject | undefined, path: FieldPath, errors: FieldError[]): string[] {
  if (!handler) return [];
  const out: string[] = [];
  for (const kind of ['httpGet', 'tcpSocket'] as const) {
    const host = str(obj(handler[kind])?.host);
    if (host === '') continue;
    out.push(host);
    errors.push(forbidden(path.child(kind, 'host'), host));
  }
  return out;
}

const hostProbes1_34: CheckPodFn = (_meta, spec) => {
  const containers = new Set<string>();
  const hosts = new Set<string>();
  const errors: FieldError[] = [];
  for (const c of visitContainers(spec)) {
    const found: string[] = [];
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      found.push(...badHosts(obj(c.container[probe]), c.path.child(probe), errors));
    }
    const lifecycle = obj(c.container.lifecycle);
    for (const hook of ['postStart', 'preStop'] as const) {
      found.push(...badHosts(obj(lifecycle?.[hook]), c.path.child('lifecycle', hook), errors));
    }
    if (found.length === 0) continue;
    containers.add(c.name);
    for (const h of found) hosts.add(h);
  }
  if (containers.size === 0) return ALLOWED;
  const names = sortedSet(containers);
  return denied(
    'probe or lifecycle host',
    `${containersPhrase(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hosts.size)} ${joinQuote(sortedSet(hosts))}`,
    errors,
  );
};

/** The hostProbesAndHostLifecycle check. */
export const checkHostProbesAndHostLifecycle: Check = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  versions: [{ minimumVersion: 34, checkPod: hostProbes1_34 }],
};
