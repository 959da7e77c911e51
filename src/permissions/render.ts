// Renders every Kubernetes object a PermissionUser needs: the namespace, RBAC for the user, the
// per-user Kyverno ClusterPolicies (hostPath confinement and dropped privileges) and the equivalent
// PSP with its RBAC, so the migration can diff old (PSP) against new (Kyverno).
import type { KubeObject } from '../kube/index.js';
import type { JsonObject } from '../util/index.js';
import type { PermissionUser } from './user.js';

const MANAGED = { 'app.kubernetes.io/managed-by': 'podgate' };

/** Name of the per-user hostPath policy; its single rule has the same name (as BCM's does). */
export function hostPathPolicyName(u: PermissionUser): string {
  return `${u.name}-${u.releaseId}-lhv`;
}

/** Name of the per-user PSP (as BCM named them: `<user>-restricted`). */
export function userPspName(u: PermissionUser): string {
  return `${u.name}-restricted`;
}

/** Go's %v of a []string: `[a b]`. */
function goList(xs: readonly string[]): string {
  return `[${xs.join(' ')}]`;
}

function labels(u: PermissionUser): Record<string, string> {
  return { ...MANAGED, 'podgate.io/user': u.name };
}

function matchPods(u: PermissionUser): JsonObject {
  // Matched by namespace, never by requesting user: pods created by controllers (ReplicaSets, Jobs)
  // on the user's behalf are then checked too, and Kyverno's resourceFilters skip ReplicaSets.
  return { any: [{ resources: { kinds: ['Pod'], namespaces: [...u.namespaces] } }] };
}

// On DELETE Kyverno evaluates deny rules against the old object: a pod admitted before a rule existed
// could then never be deleted, by its user or its controller. The deny rules skip DELETE as the chart's do
// (a precondition, not `match.operations`, so background scans still report existing pods).
const NOT_DELETE: JsonObject = { all: [{ key: "{{ request.operation || 'BACKGROUND' }}", operator: 'NotEquals', value: 'DELETE' }] };

function clusterPolicy(u: PermissionUser, name: string, title: string, rules: JsonObject[], spec: JsonObject = { validationFailureAction: 'Enforce', background: true }): KubeObject {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: {
      name,
      labels: labels(u),
      annotations: { 'policies.kyverno.io/title': title, 'policies.kyverno.io/subject': 'Pod', 'podgate.io/user': u.name },
    },
    spec: { ...spec, rules },
  };
}

/** Pattern that applies `inner` to every container of all three lists. */
function everyContainer(inner: JsonObject): JsonObject {
  return {
    '=(ephemeralContainers)': [inner],
    '=(initContainers)': [inner],
    containers: [inner],
  };
}

/** Conditions that hold when the foreach element's canonical hostPath is outside every prefix. */
function outsideAll(prefixes: readonly string[]): JsonObject[] {
  return prefixes.flatMap((p) => [
    { key: '{{ path_canonicalize(element.hostPath.path) }}', operator: 'NotEquals', value: p },
    { key: `{{ starts_with(path_canonicalize(element.hostPath.path), '${p}/') }}`, operator: 'Equals', value: false },
  ]);
}

/** Conditions of which one holds when the foreach element's canonical hostPath is inside some prefix. */
function insideAny(prefixes: readonly string[]): JsonObject[] {
  return prefixes.flatMap((p) => [
    { key: '{{ path_canonicalize(element.hostPath.path) }}', operator: 'Equals', value: p },
    { key: `{{ starts_with(path_canonicalize(element.hostPath.path), '${p}/') }}`, operator: 'Equals', value: true },
  ]);
}

/**
 * The hostPath confinement policy: a foreach+deny over hostPath volumes, path canonicalised, segment-aware;
 * with read-only grants, a second rule makes every container mount them read-only (PSP's allowedHostPaths
 * `readOnly`: a path under a read-write grant too is writable, as PSP decides).
 */
export function hostPathPolicy(u: PermissionUser): KubeObject {
  const name = hostPathPolicyName(u);
  const prefixes = u.hostPaths.map((h) => h.pathPrefix);
  const readOnly = u.hostPaths.filter((h) => h.readOnly).map((h) => h.pathPrefix);
  const writable = u.hostPaths.filter((h) => !h.readOnly).map((h) => h.pathPrefix);
  const rules: JsonObject[] = [
    {
      name,
      match: matchPods(u),
      preconditions: NOT_DELETE,
      validate: {
        message: `hostPath volumes are confined to ${goList(prefixes)}.`,
        foreach: [{ list: 'request.object.spec.volumes[?hostPath]', deny: { conditions: { all: outsideAll(prefixes) } } }],
      },
    },
  ];
  if (readOnly.length > 0) {
    // Every mount of the volume, in every kind of container, must say readOnly: true.
    const writableMounts = "{{ request.object.spec.[containers, initContainers, ephemeralContainers][].volumeMounts[] | [?name == '{{ element.name }}' && readOnly != `true`] | length(@) }}";
    rules.push({
      name: 'read-only-host-paths',
      match: matchPods(u),
      preconditions: NOT_DELETE,
      validate: {
        message: `hostPath volumes under ${goList(readOnly)} must be mounted read-only (readOnly: true in every volumeMount).`,
        foreach: [
          {
            list: 'request.object.spec.volumes[?hostPath]',
            preconditions: { any: insideAny(readOnly), ...(writable.length > 0 ? { all: outsideAll(writable) } : {}) },
            deny: { conditions: { any: [{ key: writableMounts, operator: 'GreaterThan', value: 0 }] } },
          },
        ],
      },
    });
  }
  return clusterPolicy(u, name, `Confine hostPath volumes of ${u.name} to ${goList(prefixes)}`, rules);
}

/** The volume types the user's PSP allowed (`projected` only for what the API server mounts: tokens, CA, namespace). */
export const USER_VOLUME_TYPES: readonly string[] = ['secret', 'hostPath', 'configMap', 'emptyDir', 'persistentVolumeClaim'];
const PROJECTED_SOURCES: readonly string[] = ['serviceAccountToken', 'configMap', 'downwardAPI', 'secret'];

/**
 * The drop-privileges policies (BCM renders four from one template: privileges, host namespaces,
 * capabilities, uid), plus what the user's PSP also refused: other volume types and other groups.
 */
export function dropPrivilegesPolicies(u: PermissionUser): KubeObject[] {
  const base = `${u.name}-${u.releaseId}`;
  const m = matchPods(u);
  return [
    clusterPolicy(u, `${base}-dpc`, `No privileged containers or privilege escalation for ${u.name}`, [
      {
        name: 'privileged-containers',
        match: m,
        validate: {
          message: 'Privileged mode is not allowed. The fields spec.containers[*].securityContext.privileged, spec.initContainers[*].securityContext.privileged and spec.ephemeralContainers[*].securityContext.privileged must be unset or set to `false`.',
          pattern: { spec: everyContainer({ '=(securityContext)': { '=(privileged)': false } }) },
        },
      },
      {
        name: 'privilege-escalation',
        match: m,
        validate: {
          message: 'Privilege escalation is not allowed. The fields spec.containers[*].securityContext.allowPrivilegeEscalation, spec.initContainers[*].securityContext.allowPrivilegeEscalation and spec.ephemeralContainers[*].securityContext.allowPrivilegeEscalation must be set to `false`.',
          pattern: { spec: everyContainer({ securityContext: { allowPrivilegeEscalation: false } }) },
        },
      },
    ]),
    clusterPolicy(u, `${base}-dhn`, `No host namespaces or host ports for ${u.name}`, [
      {
        name: 'host-namespaces',
        match: m,
        validate: {
          message: 'Sharing the host namespaces is not allowed. The fields spec.hostNetwork, spec.hostIPC and spec.hostPID must be unset or set to `false`.',
          pattern: { spec: { '=(hostPID)': false, '=(hostIPC)': false, '=(hostNetwork)': false } },
        },
      },
      {
        name: 'host-ports',
        match: m,
        validate: {
          message: 'Use of host ports is not allowed. The fields spec.containers[*].ports[*].hostPort, spec.initContainers[*].ports[*].hostPort and spec.ephemeralContainers[*].ports[*].hostPort must be unset or set to `0`.',
          pattern: { spec: everyContainer({ '=(ports)': [{ '=(hostPort)': 0 }] }) },
        },
      },
    ]),
    clusterPolicy(u, `${base}-dac`, `No added capabilities for ${u.name}`, [
      {
        name: 'added-capabilities',
        match: m,
        validate: {
          message: 'Adding capabilities is not allowed. The fields spec.containers[*].securityContext.capabilities.add, spec.initContainers[*].securityContext.capabilities.add and spec.ephemeralContainers[*].securityContext.capabilities.add must be unset.',
          pattern: { spec: everyContainer({ '=(securityContext)': { '=(capabilities)': { 'X(add)': 'null' } } }) },
        },
      },
    ]),
    clusterPolicy(u, `${base}-rvt`, `Volume types of ${u.name}: ${USER_VOLUME_TYPES.join(', ')}`, [
      {
        // Anything else reaches the node: gitRepo runs the repository's hooks there (CVE-2024-10220 on
        // kubelets <= 1.28.11), nfs/iscsi/rbd mount what the head node exports, csi/flexVolume hand options to
        // root drivers. `projected` is the service-account token volume the API server adds.
        name: 'volume-types',
        match: m,
        preconditions: NOT_DELETE,
        validate: {
          message: `Only the following types of volumes may be used: ${USER_VOLUME_TYPES.join(', ')} (and projected service-account tokens).`,
          deny: { conditions: { all: [{ key: "{{ request.object.spec.volumes[].keys(@)[] || '' }}", operator: 'AnyNotIn', value: ['name', ...USER_VOLUME_TYPES, 'projected', ''] }] } },
        },
      },
      {
        name: 'projected-sources',
        match: m,
        preconditions: NOT_DELETE,
        validate: {
          message: `Projected volumes may only hold ${PROJECTED_SOURCES.join(', ')} sources.`,
          // One deny over every source (no foreach: a pod without projected volumes passes rather than
          // skips, so denials keep the seed KB's text, which lists every rule that did not pass).
          deny: { conditions: { all: [{ key: "{{ request.object.spec.volumes[?projected].projected.sources[].keys(@)[] || '' }}", operator: 'AnyNotIn', value: [...PROJECTED_SOURCES, ''] }] } },
        },
      },
    ]),
    clusterPolicy(u, `${base}-rag`, `Groups of ${u.name}: gid ${u.gid} only`, [
      {
        // The user's PSP had fsGroup and supplementalGroups MustRunAs [gid, gid]; runAsGroup, which it left
        // open, may be unset (the image's group) or the user's gid: gid 0 opens root-group files and sockets.
        name: 'groups',
        match: m,
        validate: {
          message: `Pods of ${u.name} may only use gid ${u.gid}: spec.securityContext.fsGroup, spec.securityContext.supplementalGroups and runAsGroup (pod and containers) must be unset or ${u.gid}.`,
          pattern: {
            spec: {
              '=(securityContext)': { '=(fsGroup)': u.gid, '=(supplementalGroups)': [u.gid], '=(runAsGroup)': u.gid },
              ...everyContainer({ '=(securityContext)': { '=(runAsGroup)': u.gid } }),
            },
          },
        },
      },
    ]),
    clusterPolicy(u, `${base}-rau`, `Run as ${u.name}'s uid ${u.uid}`, [
      {
        name: 'run-as-user',
        match: m,
        validate: {
          message: `Pods of ${u.name} must run as uid ${u.uid}: set spec.securityContext.runAsUser to ${u.uid}, or set securityContext.runAsUser to ${u.uid} in every container.`,
          anyPattern: [
            { spec: { securityContext: { runAsUser: u.uid }, ...everyContainer({ '=(securityContext)': { '=(runAsUser)': u.uid } }) } },
            { spec: { '=(securityContext)': { '=(runAsUser)': u.uid }, ...everyContainer({ securityContext: { runAsUser: u.uid } }) } },
          ],
        },
      },
    ]),
  ];
}

/**
 * The defaults the user's PSP applied (MustRunAs uid/gid, no privilege escalation), as a Kyverno mutate
 * policy with add-if-not-present anchors: pods that relied on PSP defaulting keep working, and the
 * validate policies above then see the defaulted values (Kyverno mutates before it validates).
 */
export function defaultsPolicy(u: PermissionUser): KubeObject {
  const name = `${u.name}-${u.releaseId}-def`;
  const container = { '(name)': '*', securityContext: { '+(allowPrivilegeEscalation)': false } };
  const rule: JsonObject = {
    name: 'psp-defaults',
    match: matchPods(u),
    mutate: {
      patchStrategicMerge: {
        spec: {
          securityContext: { '+(runAsUser)': u.uid, '+(fsGroup)': u.gid, '+(supplementalGroups)': [u.gid] },
          containers: [container],
          initContainers: [container],
        },
      },
    },
  };
  return clusterPolicy(u, name, `PSP defaults for ${u.name}`, [rule], { background: false });
}

/** The per-user PSP that BCM used before Kyverno, and the RBAC granting `use` on it in the user's namespaces. */
export function userPsp(u: PermissionUser): KubeObject[] {
  const name = userPspName(u);
  const psp: KubeObject = {
    apiVersion: 'policy/v1beta1',
    kind: 'PodSecurityPolicy',
    metadata: { name, labels: labels(u) },
    spec: {
      privileged: false,
      allowPrivilegeEscalation: false,
      hostNetwork: false,
      hostIPC: false,
      hostPID: false,
      seLinux: { rule: 'RunAsAny' },
      runAsUser: { rule: 'MustRunAs', ranges: [{ min: u.uid, max: u.uid }] },
      fsGroup: { rule: 'MustRunAs', ranges: [{ min: u.gid, max: u.gid }] },
      supplementalGroups: { rule: 'MustRunAs', ranges: [{ min: u.gid, max: u.gid }] },
      readOnlyRootFilesystem: false,
      // An empty allowedHostPaths is no restriction at all to PSP: a user without grants gets no hostPath
      // volume type instead (the Kyverno policy denies every hostPath for them).
      ...(u.hostPaths.length === 0
        ? { volumes: USER_VOLUME_TYPES.filter((v) => v !== 'hostPath') }
        : { volumes: [...USER_VOLUME_TYPES], allowedHostPaths: u.hostPaths.map((h) => (h.readOnly ? { pathPrefix: h.pathPrefix, readOnly: true } : { pathPrefix: h.pathPrefix })) }),
    },
  };
  const role: KubeObject = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: `psp:${name}`, labels: labels(u) },
    rules: [{ apiGroups: ['policy'], resources: ['podsecuritypolicies'], verbs: ['use'], resourceNames: [name] }],
  };
  const bindings: KubeObject[] = u.namespaces.map((ns) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `psp:${name}`, namespace: ns, labels: labels(u) },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `psp:${name}` },
    subjects: [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: u.name },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `system:serviceaccounts:${ns}` },
    ],
  }));
  return [psp, role, ...bindings];
}

/** Namespace, Role and RoleBinding that hand the user their namespaces. */
export function userNamespaces(u: PermissionUser): KubeObject[] {
  return u.namespaces.flatMap((ns): KubeObject[] => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...labels(u), 'kubernetes.io/metadata.name': ns } } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: `${u.name}-user`, namespace: ns, labels: labels(u) },
      rules: [
        { apiGroups: [''], resources: ['pods', 'pods/log', 'pods/exec', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'serviceaccounts'], verbs: ['*'] },
        { apiGroups: ['apps'], resources: ['deployments', 'statefulsets', 'replicasets', 'daemonsets'], verbs: ['*'] },
        { apiGroups: ['batch'], resources: ['jobs', 'cronjobs'], verbs: ['*'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${u.name}-user`, namespace: ns, labels: labels(u) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${u.name}-user` },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: u.name }],
    },
  ]);
}

/** Which objects to render. */
export interface RenderOptions {
  /** Include the legacy PSP and its RBAC (default true). */
  psp?: boolean;
}

/** Every object for one user, in apply order (namespaces first). */
export function renderUser(u: PermissionUser, opts: RenderOptions = {}): KubeObject[] {
  return [...userNamespaces(u), defaultsPolicy(u), hostPathPolicy(u), ...dropPrivilegesPolicies(u), ...(opts.psp === false ? [] : userPsp(u))];
}
