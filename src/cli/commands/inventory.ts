// The `inventory` command: what a cluster dump (or a live cluster) holds that matters for the
// PSP → Kyverno migration: PSPs with the `kubectl get psp` columns (printPodSecurityPolicy in
// kubernetes@release-1.24 pkg/printers/internalversion/printers.go), who may `use` each PSP
// (RBAC), which pods each PSP admitted (`kubernetes.io/psp`), and workloads per component.
import type { Command } from 'commander';
import { describeProblem, type LiveProblem } from '../../cluster/index.js';
import { buildSnapshot, type ClusterSnapshot, type KubeObject, type LoadedObject } from '../../kube/index.js';
import { type PspGrant, whoCanUsePsp } from '../../psp/index.js';
import { isObject } from '../../util/index.js';
import { type ClusterOptions, clusterOptions, readCluster } from '../cluster-input.js';
import { type CliIO, EXIT } from '../io.js';
import { outputFormat, printData, table } from '../output.js';
import type { CliContext } from '../program.js';

/** The annotation PSP admission sets to the policy that admitted a pod. */
export const PSP_ANNOTATION = 'kubernetes.io/psp';

/** One PSP as `kubectl get psp` prints it, plus who may use it. */
export interface PspSummary {
  name: string;
  priv: string;
  caps: string;
  selinux: string;
  runAsUser: string;
  fsGroup: string;
  supGroup: string;
  readOnlyRootFs: string;
  volumes: string;
  usableBy: PspGrant[];
}

/** Workload counts of one component (Helm release / app) in one namespace. */
export interface ComponentSummary {
  component: string;
  /** Objects per kind: Deployment, DaemonSet, Pod, ... */
  kinds: Record<string, number>;
}

/** One namespace with its labels and components. */
export interface NamespaceSummary {
  name: string;
  labels: Record<string, string>;
  components: ComponentSummary[];
}

/** Everything the inventory prints. */
export interface Inventory {
  source: string;
  podSecurityPolicies: PspSummary[];
  /** PSP name → `namespace/pod` admitted by it; pods without the annotation under `""`. */
  admittedPods: Record<string, string[]>;
  namespaces: NamespaceSummary[];
  problems: LiveProblem[];
  notServed: string[];
}

/** Registers the inventory command. */
export function registerInventory(program: Command, ctx: CliContext): void {
  clusterOptions(program.command('inventory').description('PSPs and their settings, who can use them, which pods they admitted, workloads per namespace'))
    .addHelpText('after', '\nExample:\n  podgate inventory --cluster examples/bcm-9.2-k8s-1.24\n  podgate inventory --kubeconfig ~/.kube/config -o json\n')
    .action(async (opts: ClusterOptions, cmd: Command) => {
      const format = outputFormat(cmd, ['table', 'json', 'yaml']);
      const { inv, server } = await readInventory(ctx.io, opts);
      printData(ctx.io, format, inv, () => renderInventory(inv));
      // As `migrate audit`: a live cluster that cannot be read completely exits 2, naming each kind. The
      // report is still printed (it says what could not be listed), but it is not the cluster.
      if (inv.problems.length > 0) {
        ctx.io.stderr(`error: inventory: cannot read the cluster at ${server} completely: the inventory above is partial, not the cluster:\n  ${inv.problems.map(describeProblem).join('\n  ')}\n`);
        ctx.state.exitCode = EXIT.usage;
      }
    });
}

async function readInventory(io: CliIO, opts: ClusterOptions): Promise<{ inv: Inventory; server: string }> {
  // The inventory lists what could not be read in its own output, so a partial read is shown, never hidden.
  const read = await readCluster(io, opts, 'inventory', { partial: true });
  return { inv: buildInventory(read.objects, read.source, read.problems, read.notServed), server: read.server ?? read.source };
}

/** The RBAC kinds "who can use each PSP" is computed from. */
const RBAC_KINDS = ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];

/** Builds the inventory of a set of objects. */
export function buildInventory(objects: readonly LoadedObject[], source: string, problems: LiveProblem[], notServed: string[]): Inventory {
  const snap = buildSnapshot(objects);
  const grants = whoCanUsePsp(snap);
  const podSecurityPolicies = snap.podSecurityPolicies
    .map((l) => summarizePsp(l.object, grants.get(l.object.metadata.name ?? '') ?? []))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { source, podSecurityPolicies, admittedPods: admittedPods(snap), namespaces: namespaces(snap), problems, notServed };
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function joined(v: unknown): string {
  return Array.isArray(v) ? v.map(str).join(',') : '';
}

function rule(spec: Record<string, unknown>, field: string): string {
  const s = spec[field];
  return isObject(s) ? str(s.rule) : '';
}

function summarizePsp(o: KubeObject, usableBy: PspGrant[]): PspSummary {
  const spec = isObject(o.spec) ? o.spec : {};
  return {
    name: o.metadata.name ?? '',
    // Go prints the zero value for unset booleans: `false`.
    priv: String(spec.privileged === true),
    caps: joined(spec.allowedCapabilities),
    selinux: rule(spec, 'seLinux'),
    runAsUser: rule(spec, 'runAsUser'),
    fsGroup: rule(spec, 'fsGroup'),
    supGroup: rule(spec, 'supplementalGroups'),
    readOnlyRootFs: String(spec.readOnlyRootFilesystem === true),
    volumes: joined(spec.volumes),
    usableBy,
  };
}

function admittedPods(snap: ClusterSnapshot): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const l of snap.workloads) {
    const o = l.object;
    if (o.kind !== 'Pod') continue;
    const psp = o.metadata.annotations?.[PSP_ANNOTATION] ?? '';
    const pods = out[psp] ?? [];
    out[psp] = pods;
    pods.push(`${o.metadata.namespace ?? 'default'}/${o.metadata.name ?? o.metadata.generateName ?? ''}`);
  }
  return out;
}

// Helm and the recommended labels name the component; operator-made objects often carry only `app`.
const COMPONENT_KEYS = ['app.kubernetes.io/part-of', 'app.kubernetes.io/instance', 'release', 'app.kubernetes.io/name', 'k8s-app', 'app'] as const;

/** The component an object belongs to: its first recommended/Helm label, else its own name. */
export function componentOf(o: KubeObject): string {
  const labels = o.metadata.labels ?? {};
  for (const k of COMPONENT_KEYS) {
    const v = labels[k];
    if (v) return v;
  }
  const release = o.metadata.annotations?.['meta.helm.sh/release-name'];
  return release || (o.metadata.name ?? o.metadata.generateName ?? '');
}

function namespaces(snap: ClusterSnapshot): NamespaceSummary[] {
  const byNs = new Map<string, Map<string, Record<string, number>>>();
  for (const l of snap.workloads) {
    const o = l.object;
    const ns = o.metadata.namespace ?? 'default';
    const comps = byNs.get(ns) ?? new Map<string, Record<string, number>>();
    byNs.set(ns, comps);
    const c = componentOf(o);
    const kinds = comps.get(c) ?? {};
    comps.set(c, kinds);
    kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  }
  return snap.namespaces.map((n) => ({
    name: n.name,
    labels: n.labels,
    components: [...(byNs.get(n.name) ?? new Map<string, Record<string, number>>()).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([component, kinds]) => ({ component, kinds })),
  }));
}

/** `User ray`, `Group system:nodes`, `ServiceAccount gpu-operator/nvidia-device-plugin`. */
export function formatSubject(g: PspGrant): string {
  if (g.subjectKind === 'ServiceAccount') return `ServiceAccount ${g.serviceAccountNamespace ?? ''}/${g.subject}`;
  return `${g.subjectKind} ${g.subject}`;
}

const KIND_ORDER = ['CronJob', 'Job', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Pod'];

function formatKinds(kinds: Record<string, number>): string {
  return Object.entries(kinds)
    .sort(([a], [b]) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/** Renders the inventory as text tables, one section each. */
export function renderInventory(inv: Inventory): string {
  const out: string[] = [`Cluster: ${inv.source}\n`];
  out.push('\nPodSecurityPolicies\n');
  if (inv.podSecurityPolicies.length === 0) {
    out.push(inv.notServed.includes('PodSecurityPolicy') ? '  (PodSecurityPolicy is not served by this cluster)\n' : '  (none)\n');
  } else {
    out.push(
      table(
        ['NAME', 'PRIV', 'CAPS', 'SELINUX', 'RUNASUSER', 'FSGROUP', 'SUPGROUP', 'READONLYROOTFS', 'VOLUMES'],
        inv.podSecurityPolicies.map((p) => [p.name, p.priv, p.caps, p.selinux, p.runAsUser, p.fsGroup, p.supGroup, p.readOnlyRootFs, p.volumes]),
      ),
    );
    out.push('\nWho can use each PSP (RBAC verb "use")\n');
    // Grants from RBAC objects that could not be listed are unknown: an empty list would read as "nobody".
    const unreadRbac = inv.problems.filter((p) => RBAC_KINDS.includes(p.kind)).map((p) => p.kind);
    const rows = inv.podSecurityPolicies.flatMap((p) =>
      unreadRbac.length > 0
        ? [[p.name, `(unknown: ${unreadRbac.join(', ')} could not be listed)`, '', ''], ...p.usableBy.map((g) => [p.name, formatSubject(g), g.clusterWide ? 'all namespaces' : `namespace ${g.namespace ?? ''}`, g.binding])]
        : p.usableBy.length === 0
        ? [[p.name, '(nobody but system:masters)', '', '']]
        : p.usableBy.map((g) => [p.name, formatSubject(g), g.clusterWide ? 'all namespaces' : `namespace ${g.namespace ?? ''}`, g.binding]),
    );
    out.push(table(['PSP', 'SUBJECT', 'FOR PODS IN', 'VIA'], rows));
  }
  out.push('\nPods admitted by each PSP (annotation kubernetes.io/psp)\n');
  const admitted = Object.entries(inv.admittedPods).sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  if (admitted.length === 0) out.push('  (no pods)\n');
  else out.push(table(['PSP', 'POD'], admitted.flatMap(([psp, pods]) => pods.map((pod) => [psp || '(none)', pod]))));
  out.push('\nNamespaces and workloads per component\n');
  const nsRows = inv.namespaces.flatMap((n) =>
    n.components.length === 0 ? [[n.name, '-', '']] : n.components.map((c) => [n.name, c.component, formatKinds(c.kinds)]),
  );
  out.push(table(['NAMESPACE', 'COMPONENT', 'WORKLOADS'], nsRows));
  const total = inv.namespaces.reduce((s, n) => s + n.components.reduce((t, c) => t + Object.values(c.kinds).reduce((u, k) => u + k, 0), 0), 0);
  out.push(`\n${inv.namespaces.length} namespaces, ${total} workloads, ${inv.podSecurityPolicies.length} PodSecurityPolicies\n`);
  if (inv.problems.length > 0) out.push(`${inv.problems.length} kind(s) could not be listed: ${inv.problems.map((p) => `${p.kind} (${p.reason})`).join(', ')}\n`);
  return out.join('');
}
