// The kind behind a request's resource: Kubernetes' built-in resources (group + plural name → kind), and
// the kind a subresource request is matched as. Kyverno 1.10.7 matches a subresource request against the
// parent resource's kind, found by discovery from request.resource (its AdmissionHandler's top-level GVK
// step), together with request.subResource: a `deployments/scale` request, whose `kind` is the
// `autoscaling/v1 Scale` sent, is matched as `apps/v1 Deployment` + `scale`. Offline there is no discovery,
// so the built-in resources are listed here (Kubernetes 1.24–1.26 API groups).
import type { AdmissionRequest } from './admission.js';

const BUILTIN: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  '': {
    pods: 'Pod',
    podtemplates: 'PodTemplate',
    replicationcontrollers: 'ReplicationController',
    services: 'Service',
    endpoints: 'Endpoints',
    nodes: 'Node',
    namespaces: 'Namespace',
    configmaps: 'ConfigMap',
    secrets: 'Secret',
    serviceaccounts: 'ServiceAccount',
    persistentvolumes: 'PersistentVolume',
    persistentvolumeclaims: 'PersistentVolumeClaim',
    resourcequotas: 'ResourceQuota',
    limitranges: 'LimitRange',
    events: 'Event',
    bindings: 'Binding',
    componentstatuses: 'ComponentStatus',
  },
  apps: { deployments: 'Deployment', replicasets: 'ReplicaSet', statefulsets: 'StatefulSet', daemonsets: 'DaemonSet', controllerrevisions: 'ControllerRevision' },
  batch: { jobs: 'Job', cronjobs: 'CronJob' },
  autoscaling: { horizontalpodautoscalers: 'HorizontalPodAutoscaler' },
  policy: { poddisruptionbudgets: 'PodDisruptionBudget', podsecuritypolicies: 'PodSecurityPolicy' },
  'networking.k8s.io': { ingresses: 'Ingress', ingressclasses: 'IngressClass', networkpolicies: 'NetworkPolicy' },
  'certificates.k8s.io': { certificatesigningrequests: 'CertificateSigningRequest' },
  'apiextensions.k8s.io': { customresourcedefinitions: 'CustomResourceDefinition' },
  'apiregistration.k8s.io': { apiservices: 'APIService' },
  'rbac.authorization.k8s.io': { roles: 'Role', rolebindings: 'RoleBinding', clusterroles: 'ClusterRole', clusterrolebindings: 'ClusterRoleBinding' },
  'storage.k8s.io': { storageclasses: 'StorageClass', volumeattachments: 'VolumeAttachment', csidrivers: 'CSIDriver', csinodes: 'CSINode' },
  'flowcontrol.apiserver.k8s.io': { flowschemas: 'FlowSchema', prioritylevelconfigurations: 'PriorityLevelConfiguration' },
  'coordination.k8s.io': { leases: 'Lease' },
  'discovery.k8s.io': { endpointslices: 'EndpointSlice' },
  'scheduling.k8s.io': { priorityclasses: 'PriorityClass' },
  'node.k8s.io': { runtimeclasses: 'RuntimeClass' },
};

/** The kind of a built-in resource (`apps` + `deployments` → `Deployment`), or undefined. */
export function builtinKind(group: string, resource: string): string | undefined {
  // Own keys only: a group `__proto__` would otherwise find Object.prototype (and `constructor` in it).
  const byName = Object.hasOwn(BUILTIN, group) ? BUILTIN[group] : undefined;
  return byName !== undefined && Object.hasOwn(byName, resource) ? byName[resource] : undefined;
}

/**
 * The group/version/kind an admission request is matched as. Without a subresource it is `request.kind`.
 * With one, it is the parent resource's kind in the requested group and version (`deployments/scale` →
 * `apps/v1 Deployment`); for a resource this table does not know (a custom resource), `request.kind`.
 */
export function requestMatchKind(request: Pick<AdmissionRequest, 'kind' | 'resource' | 'subResource'>): { group: string; version: string; kind: string } {
  if (!request.subResource) return request.kind;
  const kind = builtinKind(request.resource.group, request.resource.resource);
  return kind === undefined ? request.kind : { group: request.resource.group, version: request.resource.version, kind };
}
