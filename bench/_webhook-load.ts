// Shared by bench/webhook.ts and bench/soak.ts: the realistic review mix, a server child process,
// and an autocannon run against it.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';

// The server's certificate is a throwaway self-signed one.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const restricted = ['disallow-capabilities-strict', 'disallow-privilege-escalation', 'require-run-as-non-root-user', 'require-run-as-nonroot', 'restrict-seccomp-strict', 'restrict-volume-types'];
const baseline = ['disallow-capabilities', 'disallow-host-namespaces', 'disallow-host-path', 'disallow-host-ports', 'disallow-host-process', 'disallow-privileged-containers', 'disallow-proc-mount', 'disallow-selinux', 'restrict-apparmor-profiles', 'restrict-seccomp', 'restrict-sysctls'];
const root = new URL('../../shared/conformance/kyverno-policies/pod-security/', import.meta.url).pathname;

/** The 17 PSS restricted-profile ClusterPolicies, from the conformance folder. */
export const PSS_RESTRICTED = [...baseline.map((n) => `${root}baseline/${n}/${n}.yaml`), ...restricted.map((n) => `${root}restricted/${n}/${n}.yaml`)];

const goodSpec = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'pause', image: 'registry.k8s.io/pause', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } }],
};
const badSpec = { containers: [{ name: 'c', image: 'busybox', securityContext: { privileged: true } }], volumes: [{ name: 'h', hostPath: { path: '/etc' } }] };

function review(uid: string, kind: string, group: string, object: Record<string, unknown>): string {
  const md = object.metadata as { name: string; namespace: string };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid, kind: { group, version: 'v1', kind }, resource: { group, version: 'v1', resource: `${kind.toLowerCase()}s` }, name: md.name, namespace: md.namespace, operation: 'CREATE', userInfo: { username: 'load', groups: ['system:authenticated'] }, object },
  });
}

/** Good and bad Pods and a Deployment, as the API server would send them. */
export const BODIES = [
  review('a1', 'Pod', '', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'test-abcdefgh', namespace: 'load-tests', labels: { app: 'k6-test' } }, spec: goodSpec }),
  review('a2', 'Pod', '', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'test-bad', namespace: 'load-tests' }, spec: badSpec }),
  review('a3', 'Deployment', 'apps', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'load-tests' }, spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: goodSpec } } }),
  review('a4', 'Pod', '', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'test-ijklmnop', namespace: 'load-tests', labels: { app: 'k6-test' } }, spec: goodSpec }),
];

/** A server child process. */
export interface ServerChild {
  port: number;
  /** How the server runs: `dist` (`node dist/bin.js serve`) or `tsx` (sources through tsx). */
  runtime: 'dist' | 'tsx';
  /** The server's process id (CLI servers). */
  pid?: number;
  /** The metrics port (CLI servers). */
  metricsPort?: number;
  /** Log lines of reviews answered past their budget (CLI servers). */
  overruns?: () => Record<string, unknown>[];
  rss(): Promise<number>;
  stop(): Promise<void>;
}

const repo = new URL('../', import.meta.url).pathname;
const distBin = join(repo, 'dist', 'bin.js');
/** The "no policies" baseline: a policy matching no request, so only the evaluation is missing. */
export const NO_MATCH = [new URL('./testdata/no-match-policy.yaml', import.meta.url).pathname];

/** Starts the webhook in a child process with these policy files (none: NO_MATCH): the built CLI when dist/ exists (BENCH_TSX=1 forces tsx). */
export function startServer(policies: readonly string[]): Promise<ServerChild> {
  const files = policies.length > 0 ? policies : NO_MATCH;
  return existsSync(distBin) && process.env.BENCH_TSX !== '1' ? startDist(files) : startTsx(files);
}

function vmRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

/** `podgate serve` as deployed (dist/, or the sources through tsx), with extra serve flags. */
export function startServe(policies: readonly string[], extra: readonly string[] = []): Promise<ServerChild> {
  const tsx = !existsSync(distBin) || process.env.BENCH_TSX === '1';
  return startDist(policies, extra, tsx);
}

/** `node dist/bin.js serve` as deployed: info-level JSON logs to stdout, metrics listener on. */
function startDist(policies: readonly string[], extra: readonly string[] = [], tsx = false): Promise<ServerChild> {
  // BENCH_SERVER_NODE_ARGS: extra node flags for the server (e.g. --cpu-prof).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const entry = [...nodeArgs, ...(tsx ? ['--import', 'tsx', join(repo, 'src', 'bin.ts')] : [distBin])];
  const args = [...entry, 'serve', '--mode', 'enforce', '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--no-watch', '--log-level', 'info', ...extra];
  for (const p of policies) args.push('--policy', p);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let port = 0;
    let metricsPort = 0;
    let buf = '';
    let rest = '';
    const overruns: Record<string, unknown>[] = [];
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    const onData = (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
        let entry: { msg?: string; port?: number; metricsPort?: number; level?: number };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if (entry.msg === 'listening' && entry.port) {
          port = entry.port;
          metricsPort = entry.metricsPort ?? 0;
        }
        if (entry.msg === 'policy set failed to load') reject(new Error(line));
        if (entry.msg === 'policy set loaded' && port > 0) {
          // Keep draining stdout (request logs) so the server never blocks on a full pipe; keep
          // the answers given without a verdict (their time from arrival, measured by the server).
          child.stdout?.off('data', onData);
          child.stdout?.on('data', (c: Buffer) => {
            rest += c.toString('utf8');
            const parts = rest.split('\n');
            rest = parts.pop() ?? '';
            for (const l of parts) if (l.includes('"evaluation budget exceeded"')) overruns.push(JSON.parse(l) as Record<string, unknown>);
          });
          resolve({
            port,
            runtime: tsx ? 'tsx' : 'dist',
            pid: child.pid ?? 0,
            metricsPort,
            overruns: () => overruns,
            rss: async () => vmRss(child.pid ?? 0),
            stop: () =>
              new Promise((r) => {
                child.removeAllListeners('exit');
                child.once('exit', () => r());
                child.kill('SIGTERM');
              }),
          });
        }
      }
    };
    child.stdout?.on('data', onData);
  });
}

function startTsx(policies: readonly string[]): Promise<ServerChild> {
  // BENCH_CPU_PROF=<dir>: the server writes V8 CPU profiles there (one per thread) when it stops.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = fork(new URL('./_webhook-server.ts', import.meta.url).pathname, [...policies], { execArgv: [...prof, '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    child.once('message', (m: { port: number }) => {
      resolve({
        port: m.port,
        runtime: 'tsx',
        pid: child.pid ?? 0,
        rss: () =>
          new Promise((r) => {
            child.once('message', (x: { rss: number }) => r(x.rss));
            child.send('rss');
          }),
        stop: () =>
          new Promise((r) => {
            child.removeAllListeners('exit');
            child.once('exit', () => r());
            child.send('stop');
          }),
      });
    });
  });
}

/** CPU seconds (user + system, all threads) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 of /proc/pid/stat, in clock ticks (100 per second here).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Load results. */
export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Runs autocannon against /validate (or `path`); `rate` undefined means saturate. */
export async function load(port: number, seconds: number, rate?: number, connections = 16, path = '/validate'): Promise<LoadResult> {
  const r = await autocannon({
    url: `https://127.0.0.1:${port}`,
    connections,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    requests: BODIES.map((body) => ({ method: 'POST' as const, path, headers: { 'content-type': 'application/json' }, body })),
  });
  return { requests: r.requests.total, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}
