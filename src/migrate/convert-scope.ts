// Who may use each PSP, as a Kyverno precondition: the RBAC `use` grants (whoCanUsePsp) become one JMESPath
// boolean over the requesting user/groups (`request.userInfo`) and the pod's own service account
// (`request.namespace` + `spec.serviceAccountName`), because PSP authorizes either identity
// (kubernetes@release-1.24 plugin/pkg/admission/security/podsecuritypolicy/admission.go isAuthorizedForPolicy).
import { buildSnapshot, type KubeObject } from '../kube/index.js';
import { type PspGrant, SYSTEM_MASTERS, whoCanUsePsp } from '../psp/index.js';
import { jpAny, jpString } from './convert-jmespath.js';

/** The RBAC scope of one PSP: a JMESPath boolean plus a readable account of it. */
export interface PspScope {
  psp: string;
  /** JMESPath boolean: the request (requesting identity or pod service account) may use the PSP. */
  expr: string;
  subjects: string[];
  /** Namespaces where the grants hold (`*` = every namespace). */
  namespaces: string[];
  note: string;
}

const SA_GROUP = 'system:serviceaccounts';
const NS = 'request.namespace';
const POD_SA = "(request.object.spec.serviceAccountName || 'default')";

const requesterUser = (u: string) => `request.userInfo.username == ${jpString(u)}`;
const requesterGroup = (g: string) => `contains(request.userInfo.groups || \`[]\`, ${jpString(g)})`;
const inNamespace = (ns: string) => `${NS} == ${jpString(ns)}`;

// The atoms one grant contributes, before its RoleBinding namespace (if any) is applied.
function grantAtoms(g: PspGrant): string[] {
  switch (g.subjectKind) {
    case 'User':
      return [requesterUser(g.subject)];
    case 'Group': {
      const atoms = [requesterGroup(g.subject)];
      // The pod's service-account identity carries system:serviceaccounts and system:serviceaccounts:<ns>.
      if (g.subject === SA_GROUP) atoms.push('`true`');
      else if (g.subject.startsWith(`${SA_GROUP}:`)) atoms.push(inNamespace(g.subject.slice(SA_GROUP.length + 1)));
      return atoms;
    }
    case 'ServiceAccount': {
      const saNs = g.serviceAccountNamespace ?? '';
      return [requesterUser(`system:serviceaccount:${saNs}:${g.subject}`), `(${inNamespace(saNs)} && ${POD_SA} == ${jpString(g.subject)})`];
    }
  }
}

function describeGrant(g: PspGrant): string {
  const who = g.subjectKind === 'ServiceAccount' ? `ServiceAccount:${g.serviceAccountNamespace ?? ''}/${g.subject}` : `${g.subjectKind}:${g.subject}`;
  return `${who} (${g.binding} → ${g.role}${g.clusterWide ? '' : `, pods in ${g.namespace ?? ''} only`})`;
}

/** Computes the scope of every PSP from RBAC objects; without RBAC every PSP is usable by everyone. */
export function computeScopes(pspNames: readonly string[], psps: readonly KubeObject[], rbac: readonly KubeObject[]): Map<string, PspScope> {
  const out = new Map<string, PspScope>();
  if (rbac.length === 0) {
    for (const psp of pspNames) {
      out.set(psp, { psp, expr: '`true`', subjects: ['*'], namespaces: ['*'], note: 'no RBAC objects were given: the policy applies to every request, as if everyone could use this PSP' });
    }
    return out;
  }
  const snap = buildSnapshot([...psps, ...rbac].map((object, document) => ({ object, source: { file: '<convert>', document, line: 1 } })));
  const grants = whoCanUsePsp(snap);
  for (const psp of pspNames) {
    const list = grants.get(psp) ?? [];
    const atoms = [requesterGroup(SYSTEM_MASTERS)];
    const namespaces = new Set<string>();
    for (const g of list) {
      const a = jpAny(grantAtoms(g));
      if (g.clusterWide) {
        atoms.push(a);
        // A cluster-wide grant to a namespaced identity still only reaches pods of that namespace via the SA.
        namespaces.add(g.subjectKind === 'Group' && g.subject.startsWith(`${SA_GROUP}:`) ? g.subject.slice(SA_GROUP.length + 1) : '*');
      } else {
        atoms.push(`(${inNamespace(g.namespace ?? '')} && ${a})`);
        namespaces.add(g.namespace ?? '');
      }
    }
    const subjects = [`Group:${SYSTEM_MASTERS} (always authorized)`, ...list.map(describeGrant)];
    const ns = namespaces.has('*') ? ['*'] : [...namespaces].sort();
    const note =
      list.length === 0
        ? 'no RBAC binding grants `use` of this PSP: only system:masters can use it'
        : 'usable by the requesting user/groups or by the pod’s service account (controller-created pods are authorized through their service account or group system:serviceaccounts:<ns>)';
    out.set(psp, { psp, expr: jpAny(atoms), subjects, namespaces: ns, note });
  }
  return out;
}
