// `podgate serve --client-ca FILE` on the user's path (its own process): only a client presenting a
// certificate signed by that CA gets a review evaluated (the API server, configured through its
// AdmissionConfiguration kubeConfigFile). Anyone else who can reach the Service gets 403 before the body is
// read, so forged reviews cannot fill shadow-mode records, PolicyReports or metrics. The probes (/healthz,
// /readyz) stay open: the kubelet presents no certificate.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { generateCertificates, generateClientCertificate } from '../../src/webhook/index.js';
import { runCli } from '../helpers/cli.js';
import { podReview } from './helpers.js';
import { type ServeProcess, startServe } from './serve-process.js';

const POLICY = new URL('../../src/webhook/testdata/disallow-host-path.yaml', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Reply {
  status: number;
  body: string;
}

function call(port: number, path: string, body: string | undefined, client?: { cert: string; key: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' }, agent: false, ...(client ?? {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve --client-ca', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-client-ca-'));
  // The CA the API server's client certificate comes from, and another CA nobody configured.
  const apiServerCa = generateCertificates({ service: 'apiserver-client', namespace: 'kube-system' });
  const otherCa = generateCertificates({ service: 'intruder', namespace: 'default' });
  const apiServer = generateClientCertificate({ caCert: apiServerCa.caCert, caKey: apiServerCa.caKey, commonName: 'kube-apiserver' });
  const intruder = generateClientCertificate({ caCert: otherCa.caCert, caKey: otherCa.caKey, commonName: 'kube-apiserver' });
  const caFile = join(dir, 'client-ca.crt');
  writeFileSync(caFile, apiServerCa.caCert);
  let s: ServeProcess | undefined;
  let port = 0;
  const review = JSON.stringify(podReview({ uid: 'c0ffee00-0000-4000-8000-000000000001' }));

  before(async () => {
    s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--client-ca', caFile, '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '0s']);
    const l = await s.waitFor((x) => x.msg === 'listening');
    port = l.port as number;
    for (let i = 0; i < 600 && (await call(port, '/readyz', undefined)).status !== 200; i++) await sleep(50);
  });
  after(async () => {
    s?.kill();
    await s?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  const cases: { name: string; client?: { cert: string; key: string }; status: number; body: RegExp }[] = [
    { name: 'no client certificate', status: 403, body: /client certificate required: only a caller presenting a certificate signed by --client-ca may send reviews/ },
    { name: 'a certificate from another CA', client: intruder, status: 403, body: /client certificate required: .*\(/ },
    { name: "the API server's certificate", client: apiServer, status: 200, body: /"uid":"c0ffee00-0000-4000-8000-000000000001"/ },
  ];
  for (const c of cases) {
    test(`POST /validate with ${c.name}: ${c.status}`, async () => {
      const r = await call(port, '/validate', review, c.client);
      assert.equal(r.status, c.status, r.body);
      assert.match(r.body, c.body);
    });
  }

  test('the probes answer without a client certificate', async () => {
    assert.equal((await call(port, '/healthz', undefined)).status, 200);
    assert.equal((await call(port, '/readyz', undefined)).status, 200);
  });

  test('a --client-ca that is not a PEM certificate exits 2 naming the flag and the file', async () => {
    const bad = join(dir, 'not-a-ca.crt');
    writeFileSync(bad, 'hello\n');
    const r = await runCli(['serve', '--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--client-ca', bad]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`--client-ca ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no PEM certificate in the file`));
    const missing = await runCli(['serve', '--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--client-ca', join(dir, 'absent.crt')]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /--client-ca .*absent\.crt: ENOENT/);
  });

  test('after the serving certificate is rotated, the API server is still let in and others still refused', async () => {
    const tlsDir = mkdtempSync(join(tmpdir(), 'podgate-client-ca-rotate-'));
    const a = generateCertificates({ service: 'podgate', namespace: 'a', extraNames: ['127.0.0.1'] });
    const b = generateCertificates({ service: 'podgate', namespace: 'b', extraNames: ['127.0.0.1'] });
    writeFileSync(join(tlsDir, 'tls.crt'), a.cert);
    writeFileSync(join(tlsDir, 'tls.key'), a.key);
    const r = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-cert', join(tlsDir, 'tls.crt'), '--tls-key', join(tlsDir, 'tls.key'), '--client-ca', caFile, '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '0s']);
    try {
      const l = await r.waitFor((x) => x.msg === 'listening');
      const p = l.port as number;
      for (let i = 0; i < 600 && (await call(p, '/readyz', undefined)).status !== 200; i++) await sleep(50);
      writeFileSync(join(tlsDir, 'tls.key'), b.key);
      writeFileSync(join(tlsDir, 'tls.crt'), b.cert);
      await r.waitFor((x) => x.msg === 'TLS certificate reloaded', 15_000);
      assert.equal((await call(p, '/validate', review, apiServer)).status, 200);
      assert.equal((await call(p, '/validate', review)).status, 403);
      assert.equal((await call(p, '/validate', review, intruder)).status, 403);
    } finally {
      r.kill();
      await r.exited;
      rmSync(tlsDir, { recursive: true, force: true });
    }
  });
});

describe('podgate certs --api-server-client, then serve --client-ca ca.crt', () => {
  test('the kubeconfig it writes lets its holder (the API server) in, for the Service name the webhooks call', async () => {
    const out = mkdtempSync(join(tmpdir(), 'podgate-certs-client-'));
    try {
      const r = await runCli(['certs', '--service', 'podgate', '--namespace', 'podgate', '--out', out, '--api-server-client']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /kube-apiserver: --admission-control-config-file=\/etc\/kubernetes\/podgate\/admission-configuration\.yaml/);
      assert.match(r.stdout, /--client-ca=\/etc\/podgate\/tls\/ca\.crt/);
      for (const secret of ['apiserver-client.key', 'admission-kubeconfig.yaml']) assert.equal(statSync(join(out, secret)).mode & 0o777, 0o600, secret);
      const admission = parse(readFileSync(join(out, 'admission-configuration.yaml'), 'utf8')) as { apiVersion: string; kind: string; plugins: { name: string; configuration: { kind: string; kubeConfigFile: string } }[] };
      assert.equal(admission.kind, 'AdmissionConfiguration');
      assert.deepEqual(admission.plugins.map((p) => [p.name, p.configuration.kind, p.configuration.kubeConfigFile]), [
        ['ValidatingAdmissionWebhook', 'WebhookAdmissionConfiguration', '/etc/kubernetes/podgate/admission-kubeconfig.yaml'],
        ['MutatingAdmissionWebhook', 'WebhookAdmissionConfiguration', '/etc/kubernetes/podgate/admission-kubeconfig.yaml'],
      ]);
      const kubeconfig = parse(readFileSync(join(out, 'admission-kubeconfig.yaml'), 'utf8')) as { users: { name: string; user: Record<string, string> }[] };
      assert.deepEqual(kubeconfig.users.map((u) => u.name), ['podgate.podgate.svc']);
      const user = kubeconfig.users[0]?.user ?? {};
      const client = { cert: Buffer.from(user['client-certificate-data'] ?? '', 'base64').toString('utf8'), key: Buffer.from(user['client-key-data'] ?? '', 'base64').toString('utf8') };
      const ca = new X509Certificate(readFileSync(join(out, 'ca.crt')));
      assert.ok(new X509Certificate(client.cert).verify(ca.publicKey), 'the client certificate is signed by ca.crt');
      assert.equal(client.cert, readFileSync(join(out, 'apiserver-client.crt'), 'utf8'));

      // serve as deploy/base runs it, plus --client-ca: the kubeconfig's holder gets an answer, nobody else.
      const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-cert', join(out, 'tls.crt'), '--tls-key', join(out, 'tls.key'), '--client-ca', join(out, 'ca.crt'), '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '0s']);
      try {
        const l = await s.waitFor((x) => x.msg === 'listening');
        const port = l.port as number;
        for (let i = 0; i < 600 && (await call(port, '/readyz', undefined)).status !== 200; i++) await sleep(50);
        const review = JSON.stringify(podReview({ uid: 'c0ffee00-0000-4000-8000-000000000002' }));
        assert.equal((await call(port, '/validate', review, client)).status, 200);
        assert.equal((await call(port, '/validate', review)).status, 403);
      } finally {
        s.kill();
        await s.exited;
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('without --api-server-client, certs writes none of those files', async () => {
    const out = mkdtempSync(join(tmpdir(), 'podgate-certs-noclient-'));
    try {
      const r = await runCli(['certs', '--service', 'podgate', '--namespace', 'podgate', '--out', out]);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /apiserver-client|admission-/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

