// Child process for bench/webhook.ts and bench/soak.ts (BENCH_TSX=1 or no dist/): the podgate
// webhook on loopback with the given policy paths. Reports its port and RSS over IPC.
import { buildPolicySet, createLogger, createMetrics, generateCertificates, PolicySource, startWebhookServer } from '../src/webhook/index.js';

const paths = process.argv.slice(2);
const certs = generateCertificates({ service: 'podgate', namespace: 'bench', extraNames: ['127.0.0.1', 'localhost'] });
const source = new PolicySource(() => buildPolicySet(paths));
if (!(await source.reload())) throw new Error(source.status().lastError);
const server = await startWebhookServer({
  mode: 'enforce',
  tls: { cert: certs.cert, key: certs.key },
  engine: source,
  log: createLogger({ level: 'warn' }),
  metrics: createMetrics(),
  host: '127.0.0.1',
  port: 0,
});
process.send?.({ port: server.port, policies: source.status().policies });
process.on('message', (m) => {
  if (m === 'rss') process.send?.({ rss: process.memoryUsage().rss });
  if (m === 'stop') void server.close(1000).then(() => process.exit(0));
});
