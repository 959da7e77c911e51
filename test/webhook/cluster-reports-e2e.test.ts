// `podgate serve --mode audit --kubeconfig K`: an admission request reaches the webhook over HTTPS and
// its results land as a PolicyReport in the (local HTTPS test) API server; SIGTERM writes the rest.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { type ObjectsServer, startObjectsServer, writeTokenKubeconfig } from '../../src/cluster/testdata/objects-api-server.js';
import { generateCertificates } from '../../src/webhook/index.js';
import { runCli } from '../helpers/cli.js';

const root = new URL('../../', import.meta.url).pathname;
const data = (f: string) => new URL(`../../src/webhook/testdata/${f}`, import.meta.url).pathname;
let api: ObjectsServer;
let kubeconfig: string;

before(async () => {
  const c = generateCertificates({ service: 'api', namespace: 'test', extraNames: ['127.0.0.1'] });
  api = await startObjectsServer({ cert: c.cert, key: c.key }, 'serve-token');
  kubeconfig = writeTokenKubeconfig(api.url, c.caCert, 'serve-token');
});
after(() => api.close());

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

function post(port: number, path: string, body: unknown): Promise<{ status: number; body: string }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path, method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

test('serve --kubeconfig writes the PolicyReport of an admitted request to the cluster', { timeout: 60_000 }, async () => {
  const args = ['--import', 'tsx', 'src/bin.ts', 'serve', '--mode', 'audit', '--policy', data('require-run-as-non-root.yaml'), '--tls-self-signed', '--port', '0', '--metrics-port', '0', '--host', '127.0.0.1', '--kubeconfig', kubeconfig, '--report-interval', '0.2', '--no-watch'];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    out += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const line = out.split('\n').find((l) => l.includes('"listening"'));
        if (line) {
          clearInterval(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
        if (child.exitCode !== null) reject(new Error(out));
      }, 50);
    });
    assert.match(out, /writing PolicyReports to the cluster/);
    for (let i = 0; i < 200 && (await get(port, '/readyz')) !== 200; i++) await new Promise((res) => setTimeout(res, 100));
    const review = parse(readFileSync(data('ray-host-mount-pod-review.yaml'), 'utf8'));
    const r = await post(port, '/validate/fail', review);
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /"allowed":true/); // audit mode: a warning, not a denial
    const key = '/apis/wgpolicyk8s.io/v1alpha2/namespaces/ray-restricted/policyreports/cpol-require-run-as-non-root';
    for (let i = 0; i < 100 && !api.objects.has(key); i++) await new Promise((res) => setTimeout(res, 100));
    // biome-ignore lint/suspicious/noExplicitAny: stored object walked by field name
    const report = api.objects.get(key) as any;
    assert.ok(report, `no report at ${key}; seen ${JSON.stringify(api.seen)}\n${out}`);
    assert.equal(report.kind, 'PolicyReport');
    assert.equal(report.summary.fail, 1);
    assert.equal(report.results[0].policy, 'require-run-as-non-root');
    assert.equal(report.results[0].resources[0].namespace, 'ray-restricted');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0, out);
});

const usage: { name: string; argv: string[]; err: RegExp }[] = [
  { name: '--kubeconfig and --in-cluster together are refused', argv: ['--in-cluster', '--kubeconfig', '/nonexistent'], err: /either --kubeconfig or --in-cluster/ },
  { name: 'an unreadable --kubeconfig is a usage error naming it', argv: ['--kubeconfig', '/nonexistent/kubeconfig'], err: /serve: cannot read kubeconfig \/nonexistent\/kubeconfig/ },
];
for (const c of usage) {
  test(c.name, async () => {
    const r = await runCli(['serve', '--mode', 'audit', '--policy', data('require-run-as-non-root.yaml'), '--tls-self-signed', '--port', '0', '--metrics-port', '0', ...c.argv]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, c.err);
  });
}
