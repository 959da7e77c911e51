// CLI commands of the webhook area: `serve` (the HTTPS admission webhook), `certs` (a CA, a
// serving certificate and webhook configurations carrying its caBundle) and `webhook remove`
// (break glass: delete podgate's webhook configurations).
import { kyvernoVersionOption, profileFor } from '../kyverno-version.js';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { CHART_VERSIONS, type ChartVersion } from '../../chart/index.js';
import { ClusterCache, connectKube, LiveClusterError } from '../../cluster/index.js';
import { parseGoDuration, parseQuantity, quantityToNumber, toYamlText } from '../../kube/index.js';
import { configMapRefs, DEFAULT_EXCLUDE_GROUPS, DEFAULT_RESOURCE_FILTERS, type KyvernoConfig, parseResourceFilters, policiesUseRoles } from '../../kyverno/config/index.js';
import {
  type BuildOptions,
  breakGlassCommand,
  buildPolicySet,
  type CaBundleTarget,
  certsComponent,
  cacheContextProvider,
  contextResources,
  type ContextFeed,
  type EngineProvider,
  withClusterContext,
  createLogger,
  createMetrics,
  generateCertificates,
  generateClientCertificate,
  expiryProblem,
  keyPairProblem,
  ListenError,
  type PolicySources,
  PolicySource,
  ReportStore,
  removeWebhookConfigurations,
  SERVER_DEFAULTS,
  startWebhookServer,
  type WebhookLogger,
  type WebhookMetrics,
  type WebhookServer,
  watchTlsFiles,
  type WebhookMode,
  sourcePaths,
  webhookConfigurations,
} from '../../webhook/index.js';
import { startClusterReports } from '../cluster-reports.js';
import { contextFromObjects, readExceptionFeatures, readExceptionFiles } from '../cluster-context-input.js';
import { EXIT, UsageError } from '../io.js';
import type { CliContext } from '../program.js';
import { policyValidation, type ValidateOptions, validateOptions } from '../validate-input.js';

const DNS1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const collect = (v: string, prev: string[] = []) => [...prev, v];

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`invalid port ${JSON.stringify(v)}`);
  return n;
}

/** A Go duration flag (`2s`, `500ms`, `1m`) in milliseconds; positive. */
function durationMs(flag: string, v: string, allowZero = false): number {
  const ns = parseGoDuration(v.trim());
  if (ns === undefined || ns < 0n || (ns === 0n && !allowZero)) throw new UsageError(`${flag}: invalid duration ${JSON.stringify(v)} (a ${allowZero ? 'non-negative' : 'positive'} Go duration such as 2s, 500ms, 1m)`);
  return Number(ns / 1_000_000n);
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag}: must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** A byte count: an integer or a Kubernetes quantity (64Mi, 1Gi). */
function bytes(flag: string, v: string): number {
  const q = parseQuantity(v.trim());
  const n = q ? quantityToNumber(q) : Number.NaN;
  if (!Number.isFinite(n) || n < 1) throw new UsageError(`${flag}: invalid size ${JSON.stringify(v)} (bytes, or a quantity such as 64Mi)`);
  return Math.floor(n);
}

interface ServeOptions {
  policy?: string[];
  chartValues?: string;
  chartVersion: ChartVersion;
  kyvernoVersion?: string;
  users?: string[];
  pspCluster?: string;
  mode: WebhookMode;
  tlsCert?: string;
  tlsKey?: string;
  tlsSelfSigned?: boolean;
  clientCa?: string;
  host: string;
  port: string;
  metricsPort: string;
  reportDir?: string;
  reportInterval: string;
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
  resourceFilter?: string[];
  defaultFilters: boolean;
  excludeGroup?: string[];
  excludeUsername?: string[];
  watch: boolean;
  logLevel: string;
  kyvernoValues?: string;
  exception?: string[];
  evalTimeout: string;
  webhookTimeout: string;
  drainPeriod: string;
  workers: string;
  maxQueue: string;
  maxInflightBytes: string;
  maxConnections: string;
  handshakeTimeout: string;
  headerTimeout: string;
  requestTimeout: string;
  clusterRetry?: string;
  clusterWatchTimeout?: string;
}

/** Registers the webhook commands. */
export function registerWebhook(program: Command, ctx: CliContext): void {
  const serveCmd = program
    .command('serve')
    .description('run the admission webhook (HTTPS): POST /validate, /validate/fail, /validate/ignore, /mutate; GET /healthz, /readyz')
    .option('--policy <path>', 'Kyverno policy file or directory (repeatable); watched and reloaded', collect)
    .option('--chart-values <file>', 'kyverno-policies chart values to render policies from (watched)')
    .addOption(new Option('--chart-version <v>', 'kyverno-policies chart version for --chart-values').choices(CHART_VERSIONS).default('3.0.7'))
    .addOption(kyvernoVersionOption())
    .option('--users <path>', 'PermissionUser records (or backups, BCM user objects) whose per-user policies to serve (repeatable; watched)', collect)
    .option('--psp-cluster <path>', 'shadow mode: cluster dump whose PodSecurityPolicies and RBAC decide alongside; disagreements are logged and reported')
    .addOption(new Option('--mode <mode>', 'enforce: deny as Kyverno; audit: allow with warnings; shadow: allow silently and record').choices(['enforce', 'audit', 'shadow']).makeOptionMandatory())
    .option('--tls-cert <file>', 'serving certificate (PEM)')
    .option('--tls-key <file>', 'serving key (PEM)')
    .option('--tls-self-signed', 'generate a throwaway CA and certificate in memory')
    .option('--client-ca <file>', 'CA bundle (PEM): evaluate reviews only from a caller presenting a client certificate it signed (the API server); others get 403, probes stay open')
    .option('--host <addr>', 'address to bind', '0.0.0.0')
    .option('--port <n>', 'HTTPS port', '9443')
    .option('--metrics-port <n>', 'Prometheus metrics port (plain HTTP, GET /metrics)', '8000')
    .option('--report-dir <dir>', 'write PolicyReports (per namespace and policy) here')
    .option('--report-interval <seconds>', 'how often changed reports are written', '10')
    .option('--resource-filter <filter>', 'Kyverno resourceFilters entry [Kind,Namespace,Name] (repeatable)', collect)
    .option('--no-default-filters', "drop Kyverno's default resourceFilters")
    .option('--exclude-group <group>', 'skip requests from this group (repeatable; default system:nodes)', collect)
    .option('--exclude-username <user>', 'skip requests from this user (repeatable; wildcards allowed)', collect)
    .option('--no-watch', 'do not reload policy files when they change')
    .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
    .option('--kubeconfig <file>', 'the cluster to watch (Namespaces, the ConfigMaps policies read, PolicyExceptions when enabled; /readyz is 503 until synced) and to write PolicyReports to (wgpolicyk8s.io/v1alpha2, as Kyverno 1.10 lays them out)')
    .option('--context <name>', 'kubeconfig context for --kubeconfig')
    .option('--in-cluster', "use the pod's service account (in-cluster config) instead of --kubeconfig, for both")
    .option('--kyverno-values <file>', "the kyverno chart's values file (features.policyExceptions; chart 3.0.9 defaults when absent)")
    .option('--exception <file>', 'Kyverno PolicyException file or folder, in effect when --kyverno-values enables them (repeatable); read once at start: removing an exception from the file takes effect at restart', collect)
    .option('--eval-timeout <duration>', "each review's budget from arrival, queue included (Go duration); on overrun the endpoint's failurePolicy answers", '2s')
    .option('--webhook-timeout <duration>', 'timeoutSeconds of the registered webhooks; --eval-timeout must be below it', '10s')
    .option('--drain-period <duration>', 'on SIGTERM: /readyz 503 and keep serving this long (as a preStop hook would; 0s with a preStop sleep), then finish in-flight requests and exit 0', '5s')
    .option('--workers <n>', 'evaluation worker threads', String(SERVER_DEFAULTS.workers))
    .option('--max-queue <n>', 'reviews waiting for a worker before 429 Too Many Requests', String(SERVER_DEFAULTS.maxQueue))
    .option('--max-inflight-bytes <size>', 'request bytes held at once before 429 (bytes or a quantity like 64Mi)', '64Mi')
    .option('--max-connections <n>', 'open HTTPS connections; more are closed at accept', String(SERVER_DEFAULTS.maxConnections))
    .option('--handshake-timeout <duration>', 'TLS handshake deadline from connect (a client sending no ClientHello is closed)', '5s')
    .option('--header-timeout <duration>', 'deadline for request headers', '10s')
    .option('--request-timeout <duration>', 'deadline for the whole request (headers and body)', '10s')
    // First delay before a cluster list or watch is retried (doubled up to 30x that, capped at 30s); for tests.
    .addOption(new Option('--cluster-retry <duration>', 'first retry delay of the cluster cache').hideHelp())
    // How long the API server is asked to keep a watch open before a stream still open is taken for dead; for tests.
    .addOption(new Option('--cluster-watch-timeout <duration>', 'watch timeout of the cluster cache').hideHelp())
    .action(async (o: ServeOptions) => {
      await serve(o, ctx);
    });
  validateOptions(serveCmd, 'strict');

  program
    .command('certs')
    .description('generate a self-signed CA and serving certificate, and webhook configurations with its caBundle')
    .requiredOption('--service <name>', 'webhook Service name')
    .requiredOption('--namespace <ns>', 'namespace of the Service')
    .requiredOption('--out <dir>', 'directory to write ca.crt, ca.key, tls.crt, tls.key, secret.yaml, webhook-configurations.yaml, kustomization.yaml (a kustomize Component)')
    .addOption(new Option('--mode <mode>', 'failurePolicy of the configurations: shadow registers Ignore everywhere').choices(['enforce', 'audit', 'shadow']).default('enforce'))
    .option('--timeout-seconds <n>', 'webhook timeoutSeconds (1-30)', '10')
    .option('--exclude-namespace <ns>', 'extra namespace never sent to podgate (repeatable)', collect)
    .option('--force', 'overwrite existing files in --out (a new CA: every caBundle must be updated)')
    .option('--api-server-client', 'also a client certificate for the API server (same CA), its admission kubeconfig and AdmissionConfiguration, for `serve --client-ca ca.crt`')
    .action((o: { service: string; namespace: string; out: string; mode: WebhookMode; timeoutSeconds: string; excludeNamespace?: string[]; force?: boolean; apiServerClient?: boolean }) => {
      const timeoutSeconds = Number(o.timeoutSeconds);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 30) throw new UsageError('--timeout-seconds must be an integer from 1 to 30');
      // The names go into the certificate's DNS names and the webhook configurations: the API server's rules.
      if (!DNS1035_LABEL.test(o.service)) throw new UsageError(`--service ${JSON.stringify(o.service)}: a Service name must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter, at most 63 characters)`);
      for (const [flag, ns] of [['--namespace', o.namespace] as const, ...(o.excludeNamespace ?? []).map((n) => ['--exclude-namespace', n] as const)]) {
        if (!DNS1123_LABEL.test(ns)) throw new UsageError(`${flag} ${JSON.stringify(ns)}: a namespace must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters)`);
      }
      if (timeoutSeconds !== 10) {
        // deploy/base's Deployment is tuned to 10 s (--webhook-timeout=10s, --eval-timeout=2s).
        ctx.io.stderr(`note: deploy/base runs serve with --webhook-timeout=10s and --eval-timeout=2s; with --timeout-seconds ${timeoutSeconds}, set --webhook-timeout=${timeoutSeconds}s${timeoutSeconds <= 2 ? ` and an --eval-timeout below ${timeoutSeconds}s` : ''} in your overlay\n`);
      }
      const c = generateCertificates({ service: o.service, namespace: o.namespace });
      const configs = webhookConfigurations({ service: o.service, namespace: o.namespace, caBundlePem: c.caCert, mode: o.mode, timeoutSeconds, excludeNamespaces: o.excludeNamespace ?? [] });
      mkdirSync(o.out, { recursive: true });
      const files: [string, string][] = [
        ['ca.crt', c.caCert],
        ['ca.key', c.caKey],
        ['tls.crt', c.cert],
        ['tls.key', c.key],
        [
          'secret.yaml',
          toYamlText({
            apiVersion: 'v1',
            kind: 'Secret',
            type: 'kubernetes.io/tls',
            metadata: { name: `${o.service}-tls`, namespace: o.namespace },
            data: { 'tls.crt': Buffer.from(c.cert).toString('base64'), 'tls.key': Buffer.from(c.key).toString('base64'), 'ca.crt': Buffer.from(c.caCert).toString('base64') },
          }),
        ],
        [
          'webhook-configurations.yaml',
          configs.map((d) => toYamlText(d, { aliasDuplicateObjects: false })).join('---\n'),
        ],
        // The same Secret and CA bundle as a kustomize Component for deploy/overlays/<mode> (deploy/README.md).
        ['kustomization.yaml', certsComponent({ secretFile: 'secret.yaml', caBundlePem: c.caCert, targets: configs.map(caBundleTarget) })],
        ...(o.apiServerClient ? apiServerClientFiles(o.service, o.namespace, c) : []),
      ];
      // A second run would replace the CA key the cluster's caBundle trusts: never without --force.
      const existing = files.map(([name]) => join(o.out, name)).filter((p) => existsSync(p));
      if (existing.length > 0 && !o.force) throw new UsageError(`certs: ${existing.join(', ')} already exist; pass --force to replace them (the webhook configurations' caBundle must then be updated too)`);
      // Files holding a private key are the owner's only, also when --force replaces a looser file.
      for (const [name, text] of files) {
        const path = join(o.out, name);
        const secret = name.endsWith('.key') || name === 'secret.yaml' || name === 'admission-kubeconfig.yaml';
        writeFileSync(path, text, secret ? { mode: 0o600 } : {});
        if (secret) chmodSync(path, 0o600);
      }
      ctx.io.stdout(`wrote ${files.map(([n]) => join(o.out, n)).join(', ')}\n`);
      if (o.apiServerClient) {
        ctx.io.stdout(
          [
            'API server client authentication (deploy/README.md, --client-ca):',
            `  1. on every control-plane node: copy ${join(o.out, 'admission-kubeconfig.yaml')} and ${join(o.out, 'admission-configuration.yaml')} to ${ADMISSION_DIR}/ (mode 0600)`,
            `  2. kube-apiserver: --admission-control-config-file=${ADMISSION_DIR}/admission-configuration.yaml (already set? add its two plugins entries to your file)`,
            '  3. podgate serve: --client-ca=/etc/podgate/tls/ca.crt (the Secret carries ca.crt), after the API servers have restarted',
            '',
          ].join('\n'),
        );
      }
    });

  const webhook = program.command('webhook').description('manage the webhook registration');
  webhook
    .command('remove')
    .description("break glass: remove podgate's webhook configurations (prints the kubectl command, or deletes them with --kubeconfig)")
    .option('--kubeconfig <file>', 'delete through this cluster instead of printing the command')
    .option('--context <name>', 'kubeconfig context')
    .action(async (o: { kubeconfig?: string; context?: string }) => {
      if (!o.kubeconfig) {
        ctx.io.stdout(`${breakGlassCommand()}\n`);
        return;
      }
      if (!existsSync(o.kubeconfig)) throw new UsageError(`webhook remove: --kubeconfig ${o.kubeconfig}: no such file; without --kubeconfig the kubectl command to run is printed`);
      let results: Awaited<ReturnType<typeof removeWebhookConfigurations>>;
      try {
        results = await removeWebhookConfigurations(o.kubeconfig, o.context);
      } catch (err) {
        throw new UsageError(`webhook remove: --kubeconfig ${o.kubeconfig}: ${(err as Error).message}; run by hand:\n  ${breakGlassCommand()}`);
      }
      for (const r of results) ctx.io.stdout(`${r.kind}/${r.name}: ${r.outcome}${r.error ? ` (${r.error})` : ''}\n`);
      if (results.some((r) => r.outcome === 'failed')) {
        ctx.io.stderr(`some deletions failed; run by hand:\n  ${breakGlassCommand()}\n`);
        ctx.state.exitCode = EXIT.failures;
      }
    });
}

/** Where `certs --api-server-client` tells the admin to put the admission files on control-plane nodes. */
const ADMISSION_DIR = '/etc/kubernetes/podgate';

/**
 * The API server's side of `serve --client-ca`: a client certificate signed by the webhook CA, the kubeconfig
 * the API server picks it from (users[].name is the host it calls, the Service's DNS name; port 443 is left
 * out), and the AdmissionConfiguration naming that kubeconfig for both webhook plugins.
 */
function apiServerClientFiles(service: string, namespace: string, c: { caCert: string; caKey: string }): [string, string][] {
  const client = generateClientCertificate({ caCert: c.caCert, caKey: c.caKey, commonName: 'kube-apiserver' });
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    users: [{ name: `${service}.${namespace}.svc`, user: { 'client-certificate-data': Buffer.from(client.cert).toString('base64'), 'client-key-data': Buffer.from(client.key).toString('base64') } }],
  };
  const plugin = (name: string) => ({ name, configuration: { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'WebhookAdmissionConfiguration', kubeConfigFile: `${ADMISSION_DIR}/admission-kubeconfig.yaml` } });
  const admission = { apiVersion: 'apiserver.config.k8s.io/v1', kind: 'AdmissionConfiguration', plugins: [plugin('ValidatingAdmissionWebhook'), plugin('MutatingAdmissionWebhook')] };
  return [
    ['apiserver-client.crt', client.cert],
    ['apiserver-client.key', client.key],
    ['admission-kubeconfig.yaml', toYamlText(kubeconfig)],
    [
      'admission-configuration.yaml',
      `# kube-apiserver --admission-control-config-file=${ADMISSION_DIR}/admission-configuration.yaml\n# The API server presents admission-kubeconfig.yaml's certificate to ${service}.${namespace}.svc (podgate serve --client-ca).\n${toYamlText(admission)}`,
    ],
  ];
}

function caBundleTarget(d: Record<string, unknown>): CaBundleTarget {
  const doc = d as { kind: CaBundleTarget['kind']; metadata: { name: string }; webhooks: { name: string; timeoutSeconds?: number; namespaceSelector?: unknown }[] };
  return { kind: doc.kind, name: doc.metadata.name, webhooks: doc.webhooks.map((w) => ({ name: w.name, timeoutSeconds: w.timeoutSeconds, namespaceSelector: w.namespaceSelector })) };
}

function clusterError(err: unknown): never {
  if (err instanceof LiveClusterError) throw new UsageError(`serve: ${err.message}`);
  throw err;
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${what} ${path}: ${(err as Error).message}`);
  }
}

/** The --client-ca bundle: every PEM certificate of the file must parse, and there must be one. */
function readClientCa(path: string): string {
  const text = readPem(path, '--client-ca');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new UsageError(`--client-ca ${path}: no PEM certificate in the file (expected -----BEGIN CERTIFICATE-----)`);
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b);
    } catch (err) {
      throw new UsageError(`--client-ca ${path}: certificate ${i + 1} of ${blocks.length} does not parse: ${(err as Error).message}`);
    }
  });
  return text;
}

/** Kyverno's filter configuration from the flags: the chart's defaults unless dropped, plus extra entries. */
function filterConfig(o: ServeOptions): KyvernoConfig {
  const parsed = parseResourceFilters([...(o.defaultFilters ? DEFAULT_RESOURCE_FILTERS : []), ...(o.resourceFilter ?? [])]);
  if (parsed.errors.length > 0) throw new UsageError(`--resource-filter: ${parsed.errors.join('\n')}`);
  return { resourceFilters: parsed.filters, excludeGroups: o.excludeGroup ?? [...DEFAULT_EXCLUDE_GROUPS], excludeUsernames: o.excludeUsername ?? [] };
}

/**
 * The admission context of `serve`: a watch cache through --kubeconfig or --in-cluster (Namespaces at once,
 * the ConfigMaps each loaded policy set reads, PolicyExceptions when enabled), plus --exception files.
 */
async function clusterContext(o: ServeOptions, ctx: CliContext, log: WebhookLogger, metrics: WebhookMetrics): Promise<{ cache?: ClusterCache; feed?: ContextFeed; build: BuildOptions }> {
  if (o.kubeconfig && o.inCluster) throw new UsageError('serve: use either --kubeconfig or --in-cluster');
  if (o.context && !o.kubeconfig) throw new UsageError('serve: --context needs --kubeconfig');
  const features = readExceptionFeatures(ctx.io, o.kyvernoValues, 'serve');
  const files = await readExceptionFiles(ctx.io, o.exception, 'serve');
  if (files.length > 0) log.info({ exceptions: files.length }, '--exception files are read once, at start: an exception removed from them keeps exempting until podgate restarts (PolicyExceptions in the cluster are watched)');
  if (!o.kubeconfig && !o.inCluster) {
    if (files.length === 0) return { build: {} };
    const fixed = contextFromObjects(ctx.io, files, features, 'serve', false);
    const provider = { snapshot: () => fixed };
    return { build: { context: provider }, feed: { provider, subscribe: () => () => {} } };
  }
  const listeners = new Set<() => void>();
  let cache: ClusterCache;
  try {
    const conn = await connectKube({
      ...(o.kubeconfig ? { kubeconfig: o.kubeconfig } : {}),
      ...(o.context ? { context: o.context } : {}),
      ...(o.inCluster === true ? { inCluster: true } : {}),
      timeoutMs: 30_000,
    });
    const retryMs = o.clusterRetry !== undefined ? durationMs('--cluster-retry', o.clusterRetry) : undefined;
    cache = await ClusterCache.create(conn, {
      ...(retryMs !== undefined ? { retryMs, maxRetryMs: Math.min(30 * retryMs, 30_000) } : {}),
      ...(o.clusterWatchTimeout !== undefined ? { watchTimeoutMs: durationMs('--cluster-watch-timeout', o.clusterWatchTimeout) } : {}),
      log,
      onChange: () => {
        for (const l of listeners) l();
      },
    });
  } catch (err) {
    if (err instanceof LiveClusterError) throw new UsageError(`serve: ${err.message}`);
    throw err;
  }
  if (!features.enabled) log.info({}, 'policy exceptions are disabled (features.policyExceptions.enabled is false, the kyverno chart 3.0.9 default): PolicyExceptions are not read, as Kyverno ignores them');
  cache.watch(contextResources(features, []));
  const c = cache;
  metrics.addClusterStatus(() => c.status());
  const provider = cacheContextProvider(cache, features, files.map((l) => l.object), log);
  return {
    cache,
    feed: {
      provider,
      cache,
      subscribe: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
    build: { context: provider, onPolicies: (policies) => c.watch(contextResources(features, configMapRefs(policies), policiesUseRoles(policies))) },
  };
}

async function serve(o: ServeOptions & ValidateOptions, ctx: CliContext): Promise<void> {
  if (o.pspCluster !== undefined && o.mode !== 'shadow') throw new UsageError('serve: --psp-cluster compares PSP with Kyverno in --mode shadow only');
  const sources: PolicySources = {
    policies: o.policy ?? [],
    validation: policyValidation(o),
    ...(o.chartValues !== undefined ? { chartValues: o.chartValues, chartVersion: o.chartVersion } : {}),
    ...(o.users ? { users: o.users } : {}),
    ...(o.pspCluster !== undefined ? { pspCluster: o.pspCluster } : {}),
    profile: profileFor(o.kyvernoVersion, o.chartVersion),
  };
  if ((o.policy ?? []).length === 0 && o.chartValues === undefined && !o.users) throw new UsageError('serve: give at least one --policy PATH, --chart-values FILE or --users PATH');
  if (o.tlsSelfSigned && (o.tlsCert || o.tlsKey)) throw new UsageError('serve: use either --tls-self-signed or --tls-cert/--tls-key');
  if (!o.tlsSelfSigned && (!o.tlsCert || !o.tlsKey)) throw new UsageError('serve: HTTPS only: give --tls-cert and --tls-key, or --tls-self-signed');
  const tls = o.tlsSelfSigned
    ? (() => {
        const c = generateCertificates({ service: 'podgate', namespace: 'podgate', extraNames: ['localhost', '127.0.0.1'] });
        return { cert: c.cert, key: c.key };
      })()
    : { cert: readPem(o.tlsCert!, '--tls-cert'), key: readPem(o.tlsKey!, '--tls-key') };
  if (!o.tlsSelfSigned) {
    const problem = keyPairProblem(tls);
    if (problem) throw new UsageError(`--tls-cert ${o.tlsCert} / --tls-key ${o.tlsKey}: ${problem}`);
    // The API server would refuse every handshake: this replica must not turn ready (a rollout would replace
    // working replicas with it). A renewal written later is picked up on the next start.
    const expired = expiryProblem(tls.cert);
    if (expired) throw new UsageError(`--tls-cert ${o.tlsCert}: ${expired}; the API server refuses it: renew it (podgate certs --force, or your cert-manager Certificate)`);
  }
  const clientCa = o.clientCa !== undefined ? readClientCa(o.clientCa) : undefined;
  const config = filterConfig(o);
  const interval = Number(o.reportInterval);
  if (!(interval > 0)) throw new UsageError('--report-interval must be a positive number of seconds');
  const evalTimeoutMs = durationMs('--eval-timeout', o.evalTimeout);
  const webhookTimeoutMs = durationMs('--webhook-timeout', o.webhookTimeout);
  if (evalTimeoutMs >= webhookTimeoutMs) {
    throw new UsageError(`--eval-timeout ${o.evalTimeout} must be below the webhook timeout (--webhook-timeout ${o.webhookTimeout}): the API server would give up first and apply failurePolicy without podgate's answer`);
  }
  const drainMs = durationMs('--drain-period', o.drainPeriod, true);
  const limits = {
    evalTimeoutMs,
    workers: positiveInt('--workers', o.workers),
    maxQueue: positiveInt('--max-queue', o.maxQueue),
    maxInflightBytes: bytes('--max-inflight-bytes', o.maxInflightBytes),
    maxConnections: positiveInt('--max-connections', o.maxConnections),
    handshakeTimeoutMs: durationMs('--handshake-timeout', o.handshakeTimeout),
    headersTimeoutMs: durationMs('--header-timeout', o.headerTimeout),
    requestTimeoutMs: durationMs('--request-timeout', o.requestTimeout),
  };

  const log = createLogger({ level: o.logLevel });
  const metrics = createMetrics({ defaults: true });
  const toCluster = o.kubeconfig !== undefined || o.inCluster === true;
  const cluster = await clusterContext(o, ctx, log, metrics);
  const source = new PolicySource(() => buildPolicySet(sources, cluster.build), { log, metrics });
  // Evaluation workers get the cluster context inside their recipe; without a cache the source serves as is.
  const engine: EngineProvider & { close?(): void } = cluster.feed ? withClusterContext(source, cluster.feed) : source;
  const reports = o.reportDir || toCluster ? new ReportStore() : undefined;
  const clusterReports = reports && toCluster ? await startClusterReports(reports, { ...o, env: ctx.io.env, metrics }, log).catch(clusterError) : undefined;
  let server: WebhookServer;
  try {
    server = await startWebhookServer({
      mode: o.mode,
      tls,
      ...(clientCa !== undefined ? { clientCa } : {}),
      engine,
      log,
      metrics,
      ...(reports ? { reports } : {}),
      config,
      host: o.host,
      port: port(o.port),
      metricsPort: port(o.metricsPort),
      ...limits,
    });
  } catch (err) {
    // A port that is taken or not allowed is a usage problem: name it and exit 2.
    if (err instanceof ListenError) throw new UsageError(`serve: ${err.message} (${err.what === 'HTTPS' ? '--port' : '--metrics-port'})`);
    throw err;
  }
  log.info({ port: server.port, metricsPort: server.metricsPort, mode: o.mode, ...limits, drainMs }, 'listening');
  const stopTls = o.tlsSelfSigned ? undefined : watchTlsFiles({ certFile: o.tlsCert!, keyFile: o.tlsKey!, current: tls, apply: (pair) => server.setTls(pair), log, metrics });
  // Signals are handled from here on, the first load included: SIGTERM/SIGINT drain and stop; SIGHUP (a
  // terminal closing, or `kill -HUP` to reload) reloads the policies and the certificate. Node's default
  // for SIGHUP ended the process at once, resetting every review in flight.
  let stopSignal: string | undefined;
  let onStop: (() => void) | undefined;
  const stop = (signal: string) => {
    stopSignal = signal;
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    onStop?.();
  };
  const hup = () => {
    log.info({ signal: 'SIGHUP' }, 'reloading on SIGHUP');
    void source.reload();
    stopTls?.check();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', hup);
  // Listening before the first load is fine: /readyz stays 503 and enforce mode denies until then.
  await source.reload();
  if (o.watch) source.watch(sourcePaths(sources));
  const flush = () => {
    clusterReports?.sync().catch((err: Error) => log.error({ err: err.message }, 'writing policy reports to the cluster failed'));
    if (reports && o.reportDir) {
      try {
        reports.flush(o.reportDir);
      } catch (err) {
        log.error({ err: (err as Error).message }, 'writing policy reports failed');
      }
    }
  };
  const timer = setInterval(flush, interval * 1000);
  timer.unref();
  await new Promise<void>((resolveStop) => {
    if (stopSignal) resolveStop();
    else onStop = resolveStop;
  });
  log.info({ signal: stopSignal, inFlight: server.inFlight(), drainMs }, 'shutting down: /readyz 503, serving for the drain period');
  clearInterval(timer);
  source.close();
  stopTls?.();
  // After the drain period: stop accepting, finish what is in flight (its budget bounds it), exit 0.
  await server.close(evalTimeoutMs + 1000, drainMs);
  process.off('SIGHUP', hup);
  engine.close?.();
  await cluster.cache?.close();
  flush();
  await clusterReports?.close();
  log.info('stopped');
  ctx.state.exitCode = EXIT.ok;
}
