// Generates a synthetic cluster dump (`kubectl get -A -o yaml` shape: one List) of N workloads with
// realistic pod specs: a mix of Deployments, DaemonSets, StatefulSets, Jobs, CronJobs and bare Pods,
// some compliant with the restricted profile, some with host access. Deterministic for a given N.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

/** Builds the dump object. */
export function generateDump(n: number): unknown {
  const kinds = ['Deployment', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob', 'Pod', 'Pod'] as const;
  const namespaces = Array.from({ length: 50 }, (_, i) => `team-${i}`);
  const items: unknown[] = namespaces.map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } }));
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length]!;
    const ns = namespaces[i % namespaces.length]!;
    const risky = i % 5 === 0;
    const spec = {
      serviceAccountName: `sa-${i % 7}`,
      ...(risky ? { hostNetwork: true } : {}),
      securityContext: risky ? {} : { runAsNonRoot: true, runAsUser: 1000 + (i % 100), seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: `registry.example.com/team/app-${i % 40}:1.${i % 9}.0`,
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          env: [{ name: 'MODE', value: 'prod' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          securityContext: risky ? { privileged: true, capabilities: { add: ['NET_ADMIN'] } } : { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          volumeMounts: [{ name: 'data', mountPath: '/data' }],
        },
      ],
      volumes: [risky ? { name: 'data', hostPath: { path: '/var/lib/app' } } : { name: 'data', emptyDir: {} }],
    };
    const metadata = { name: `w-${i}`, namespace: ns, labels: { app: `app-${i % 40}`, 'app.kubernetes.io/part-of': `suite-${i % 11}` }, uid: `uid-${i}`, resourceVersion: String(1000 + i) };
    const template = { metadata: { labels: { app: `app-${i % 40}` } }, spec };
    const body =
      kind === 'Pod'
        ? { spec }
        : kind === 'CronJob'
          ? { spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template } } } }
          : kind === 'Job'
            ? { spec: { template } }
            : { spec: { selector: { matchLabels: { app: `app-${i % 40}` } }, template } };
    const apiVersion = kind === 'Pod' ? 'v1' : kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
    items.push({ apiVersion, kind, metadata, ...body });
  }
  return { apiVersion: 'v1', kind: 'List', items };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 10000);
  const out = process.argv[3] ?? `/tmp/podgate-dump-${n}.yaml`;
  writeFileSync(out, stringify(generateDump(n), { lineWidth: 0 }));
  console.log(out);
}
