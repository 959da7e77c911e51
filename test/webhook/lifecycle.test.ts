// Issue 13 point 4 on the user's path, `podgate serve` as its own process: listeners that cannot
// start exit 2 naming the port; SIGTERM turns /readyz 503, keeps serving for the drain period with
// `Connection: close`, finishes what is in flight and exits 0 without resetting a request; the
// serving certificate is reloaded when Kubernetes swaps the Secret volume's `..data` symlink, and a
// bad pair keeps the old one; the policy watcher reloads for policy files only.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { get as httpGet, createServer as createHttpServer } from 'node:http';
import { Agent, request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { describe, test } from 'node:test';
import { generateCertificates } from '../../src/webhook/index.js';
import { runCli } from '../helpers/cli.js';
import { podReview } from './helpers.js';
import { type ServeProcess, startServe } from './serve-process.js';

const POLICY = new URL('../../src/webhook/testdata/disallow-host-path.yaml', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function post(port: number, path: string, body: string | undefined, agent: Agent | false = false): Promise<{ status: number; body: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: body === undefined ? 'GET' : 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(res.headers.connection ? { connection: res.headers.connection } : {}) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function metrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    httpGet(`http://127.0.0.1:${port}/metrics`, (res) => {
      let t = '';
      res.on('data', (c) => {
        t += c;
      });
      res.on('end', () => resolve(t));
    }).on('error', reject);
  });
}

async function ready(s: ServeProcess): Promise<{ port: number; metricsPort: number }> {
  const l = await s.waitFor((x) => x.msg === 'listening');
  await s.waitFor((x) => x.msg === 'policy set loaded');
  const port = l.port as number;
  for (let i = 0; i < 600 && (await post(port, '/readyz', undefined)).status !== 200; i++) await sleep(50);
  return { port, metricsPort: l.metricsPort as number };
}

/** A port something else is listening on. */
async function busyPort(): Promise<{ port: number; close(): void }> {
  const s = createHttpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return { port: (s.address() as AddressInfo).port, close: () => s.close() };
}

describe('listeners that cannot start', () => {
  for (const which of ['--port', '--metrics-port'] as const) {
    test(`a busy ${which} exits 2 with a message naming the port`, async () => {
      const busy = await busyPort();
      try {
        const other = which === '--port' ? ['--metrics-port', '0'] : ['--port', '0'];
        const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--host', '127.0.0.1', which, String(busy.port), ...other]);
        const code = await Promise.race([s.exited, sleep(60_000).then(() => 'still running')]);
        if (code === 'still running') s.kill('SIGKILL');
        assert.equal(code, 2, s.stderr());
        assert.match(s.stderr(), new RegExp(`error: serve: cannot listen on 127\\.0\\.0\\.1:${busy.port} for ${which === '--port' ? 'HTTPS' : 'metrics'}: address already in use \\(${which}\\)`));
        assert.doesNotMatch(s.stderr(), /internal error|report this as a bug/);
      } finally {
        busy.close();
      }
    });
  }

  test('--eval-timeout at or above the webhook timeout is refused (exit 2)', async () => {
    const r = await runCli(['serve', '--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--eval-timeout', '10s', '--webhook-timeout', '10s']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--eval-timeout 10s must be below the webhook timeout \(--webhook-timeout 10s\)/);
    const bad = await runCli(['serve', '--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--drain-period', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--drain-period: invalid duration "soon"/);
  });
});

describe('SIGTERM under keep-alive load', () => {
  test('readyz turns 503, reviews keep being answered with Connection: close for the drain period, no request is reset, exit 0', async () => {
    const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '1500ms']);
    const { port } = await ready(s);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const body = JSON.stringify(podReview({ labels: { ok: 'true' } }));
    let stopping = false;
    let listenerClosed = false;
    let sent = Number.POSITIVE_INFINITY;
    // When the drain period ends the listener closes: a connection the kernel accepted a moment before
    // (still in its accept queue) is reset by the kernel, and new ones are refused. Real clients have
    // stopped by then (readyz 503 removes the endpoint), so such errors are fine for requests started
    // at the end of the drain (a 300 ms margin for this loaded test process), and a failure otherwise.
    const DRAIN_MS = 1500;
    const outcomes = { ok: 0, closeHeaders: 0, refused: 0, other: [] as string[] };
    const client = async () => {
      while (!listenerClosed) {
        const started = Date.now();
        try {
          const a = await post(port, '/validate', body, agent);
          assert.equal(a.status, 200);
          outcomes.ok++;
          if (stopping && a.connection === 'close') outcomes.closeHeaders++;
        } catch (err) {
          const code = (err as { code?: string }).code ?? String(err);
          const atDrainEnd = started - sent >= DRAIN_MS - 300;
          if (atDrainEnd && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code)) {
            outcomes.refused++;
            listenerClosed = true;
          } else outcomes.other.push(`${code} (request started ${started - sent} ms after SIGTERM)`);
        }
      }
    };
    const clients = Array.from({ length: 4 }, client);
    await sleep(300);
    sent = Date.now();
    stopping = true;
    s.kill('SIGTERM');
    let readyz503At: number | undefined;
    while (readyz503At === undefined && Date.now() - sent < 1400) {
      const r = await post(port, '/readyz', undefined).catch(() => ({ status: 0 }));
      if (r.status === 503) readyz503At = Date.now() - sent;
      else await sleep(20);
    }
    const code = await s.exited;
    const exitedAfter = Date.now() - sent;
    listenerClosed = true;
    await Promise.all(clients);
    agent.destroy();
    assert.equal(code, 0, s.stderr());
    assert.ok(readyz503At !== undefined && readyz503At < 1000, `readyz 503 after ${readyz503At} ms`);
    assert.ok(exitedAfter >= 1500, `exited ${exitedAfter} ms after SIGTERM, before the drain period ended`);
    assert.deepEqual(outcomes.other, [], `errors during the drain (or other than a refused/reset connection at its end): ${outcomes.other.join(', ')}`);
    assert.ok(outcomes.closeHeaders > 0, 'answers during the drain close their keep-alive connection');
  });
});

// podgate_ready stayed 1 while /readyz answered 503 (draining after SIGTERM): an alert or dashboard on the
// metric saw a ready replica that the Service had already taken out. Both now say the same.
describe('podgate_ready follows /readyz', () => {
  test('1 while /readyz is 200; 0 once SIGTERM starts the drain (readyz 503)', async () => {
    const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '5s']);
    try {
      const { port, metricsPort } = await ready(s);
      assert.match(await metrics(metricsPort), /^podgate_ready 1$/m);
      s.kill('SIGTERM');
      for (let i = 0; i < 200 && (await post(port, '/readyz', undefined)).status !== 503; i++) await sleep(20);
      assert.equal((await post(port, '/readyz', undefined)).status, 503);
      assert.match(await metrics(metricsPort), /^podgate_ready 0$/m);
      assert.equal(await s.exited, 0, s.stderr());
    } finally {
      s.kill('SIGKILL');
    }
  });
});

describe('SIGHUP', () => {
  test('reloads the policies (also with --no-watch) while reviews keep being answered; the process keeps running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-hup-'));
    const file = join(dir, 'policy.yaml');
    copyFileSync(POLICY, file);
    const s = startServe(['--mode', 'enforce', '--policy', file, '--no-watch', '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '0s']);
    try {
      const { port } = await ready(s);
      const hostPathPod = podReview();
      (hostPathPod.request as { object: { spec: Record<string, unknown> } }).object.spec.volumes = [{ name: 'h', hostPath: { path: '/etc' } }];
      const denied = JSON.parse((await post(port, '/validate', JSON.stringify(hostPathPod))).body) as { response: { allowed: boolean; status?: { message?: string } } };
      assert.equal(denied.response.allowed, false);
      writeFileSync(file, readFileSync(POLICY, 'utf8').replace('HostPath volumes are forbidden', 'HostPath volumes are forbidden after SIGHUP'));
      // Reviews in flight while the signal arrives are all answered.
      const inFlight = Array.from({ length: 8 }, (_, i) => post(port, '/validate', JSON.stringify(podReview({ uid: `hup-${i}` }))));
      s.kill('SIGHUP');
      const answers = await Promise.all(inFlight);
      assert.deepEqual(answers.map((a) => a.status), Array(8).fill(200));
      await s.waitFor((l) => l.msg === 'policy set loaded' && l.generation === 2, 15_000);
      const after = JSON.parse((await post(port, '/validate', JSON.stringify(hostPathPod))).body) as { response: { allowed: boolean; status?: { message?: string } } };
      assert.equal(after.response.allowed, false);
      assert.match(after.response.status?.message ?? '', /forbidden after SIGHUP/);
      assert.ok(s.lines().some((l) => l.msg === 'reloading on SIGHUP' && l.signal === 'SIGHUP'));
      assert.equal(s.child.exitCode, null, 'still running');
    } finally {
      s.kill();
      assert.equal(await s.exited, 0, s.stderr());
    }
  });
});

/** The SHA-256 fingerprint of the certificate a new TLS connection is served. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fp = sock.getPeerCertificate().fingerprint256;
      sock.end();
      resolve(fp);
    });
    sock.on('error', reject);
  });
}


describe('TLS certificate hot reload (a Secret volume: ..data symlink swap)', () => {
  test('a new pair is served after the swap; a mismatched pair is refused, counted, and the current one kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-tls-'));
    const a = generateCertificates({ service: 'podgate', namespace: 'a', extraNames: ['127.0.0.1'] });
    const b = generateCertificates({ service: 'podgate', namespace: 'b', extraNames: ['127.0.0.1'] });
    // As the kubelet's atomic writer lays out a Secret volume.
    const version = (name: string, cert: string, key: string) => {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'tls.crt'), cert);
      writeFileSync(join(dir, name, 'tls.key'), key);
    };
    const swap = (name: string) => {
      symlinkSync(name, join(dir, '..data_tmp'));
      renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
    };
    version('..2026_12_06_01', a.cert, a.key);
    symlinkSync('..2026_12_06_01', join(dir, '..data'));
    symlinkSync('..data/tls.crt', join(dir, 'tls.crt'));
    symlinkSync('..data/tls.key', join(dir, 'tls.key'));
    const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0']);
    try {
      const { port, metricsPort } = await ready(s);
      const { X509Certificate } = await import('node:crypto');
      const fp = (pem: string) => new X509Certificate(pem).fingerprint256;
      assert.equal(await servedFingerprint(port), fp(a.cert));

      version('..2026_12_06_02', b.cert, b.key);
      swap('..2026_12_06_02');
      await s.waitFor((l) => l.msg === 'TLS certificate reloaded', 15_000);
      assert.equal(await servedFingerprint(port), fp(b.cert));

      version('..2026_12_06_03', a.cert, b.key);
      swap('..2026_12_06_03');
      const rejected = await s.waitFor((l) => l.msg === 'new TLS certificate rejected; keeping the current one', 15_000);
      assert.match(String(rejected.err), /does not match/);
      assert.equal(await servedFingerprint(port), fp(b.cert));
      const text = await metrics(metricsPort);
      assert.match(text, /podgate_tls_reloads_total\{result="success"\} 1/);
      assert.match(text, /podgate_tls_reloads_total\{result="failure"\} 1/);
      // The server still answers reviews on the kept pair.
      assert.equal((await post(port, '/validate', JSON.stringify(podReview()))).status, 200);
    } finally {
      s.kill();
      await s.exited;
    }
  });

  test('files rewritten one after the other (key, then certificate) are one rotation: no rejection, no failure counted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-tls-inplace-'));
    const a = generateCertificates({ service: 'podgate', namespace: 'a', extraNames: ['127.0.0.1'] });
    const b = generateCertificates({ service: 'podgate', namespace: 'b', extraNames: ['127.0.0.1'] });
    writeFileSync(join(dir, 'tls.crt'), a.cert);
    writeFileSync(join(dir, 'tls.key'), a.key);
    const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--log-level', 'debug', '--drain-period', '0s']);
    try {
      const { port, metricsPort } = await ready(s);
      const { X509Certificate } = await import('node:crypto');
      // A writer that renews the key first (Vault agent templates, a deploy hook copying two files).
      writeFileSync(join(dir, 'tls.key'), b.key);
      const seen = await s.waitFor((l) => l.msg === 'new TLS certificate rejected; keeping the current one' || l.msg === 'new TLS files do not form a usable pair yet; reading them again shortly', 15_000);
      assert.equal(seen.msg, 'new TLS files do not form a usable pair yet; reading them again shortly');
      writeFileSync(join(dir, 'tls.crt'), b.cert);
      await s.waitFor((l) => l.msg === 'TLS certificate reloaded', 15_000);
      assert.equal(await servedFingerprint(port), new X509Certificate(b.cert).fingerprint256);
      assert.equal(s.lines().filter((l) => l.msg === 'new TLS certificate rejected; keeping the current one').length, 0);
      assert.doesNotMatch(await metrics(metricsPort), /podgate_tls_reloads_total\{result="failure"\} [1-9]/);
    } finally {
      s.kill();
      await s.exited;
    }
  });

  test('an expired certificate is not swapped in: the API server would refuse every handshake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-tls-expired-'));
    const a = generateCertificates({ service: 'podgate', namespace: 'a', extraNames: ['127.0.0.1'] });
    // Valid for a day, a year ago (a restored backup of the Secret, or a renewal that failed upstream).
    const old = generateCertificates({ service: 'podgate', namespace: 'a', extraNames: ['127.0.0.1'], now: new Date(Date.now() - 365 * 86_400_000), caDays: 2, certDays: 1 });
    writeFileSync(join(dir, 'tls.crt'), a.cert);
    writeFileSync(join(dir, 'tls.key'), a.key);
    const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0']);
    try {
      const { port, metricsPort } = await ready(s);
      const { X509Certificate } = await import('node:crypto');
      const fp = (pem: string) => new X509Certificate(pem).fingerprint256;
      // Written in place, key first: the watcher sees the expired pair once both are there.
      writeFileSync(join(dir, 'tls.key'), old.key);
      writeFileSync(join(dir, 'tls.crt'), old.cert);
      const rejected = await s.waitFor((l) => l.msg === 'new TLS certificate rejected; keeping the current one' && /expired/.test(String(l.err)), 15_000);
      assert.match(String(rejected.err), new RegExp(`expired on ${new X509Certificate(old.cert).validTo}`));
      assert.equal(await servedFingerprint(port), fp(a.cert));
      assert.equal(s.lines().filter((l) => l.msg === 'TLS certificate reloaded').length, 0);
      assert.match(await metrics(metricsPort), /podgate_tls_reloads_total\{result="failure"\} [1-9]/);
    } finally {
      s.kill();
      await s.exited;
    }
  });

  test('an expired certificate at start is a usage error (exit 2): a replica the API server cannot talk to never turns ready', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-tls-expired-start-'));
    const old = generateCertificates({ service: 'podgate', namespace: 'a', extraNames: ['127.0.0.1'], now: new Date(Date.now() - 365 * 86_400_000), caDays: 2, certDays: 1 });
    writeFileSync(join(dir, 'tls.crt'), old.cert);
    writeFileSync(join(dir, 'tls.key'), old.key);
    const s = startServe(['--mode', 'enforce', '--policy', POLICY, '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key'), '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '0s']);
    try {
      const first = await Promise.race([s.exited.then((code) => `exited ${code}`), s.waitFor((l) => l.msg === 'listening').then(() => 'listening')]);
      assert.equal(first, 'exited 2');
      assert.match(s.stderr(), /--tls-cert \S+tls\.crt: the certificate expired on /);
    } finally {
      s.kill();
      await s.exited;
    }
  });

  test('a pair that does not match at start is a usage error (exit 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-tls-bad-'));
    const a = generateCertificates({ service: 'podgate', namespace: 'a' });
    const b = generateCertificates({ service: 'podgate', namespace: 'b' });
    writeFileSync(join(dir, 'tls.crt'), a.cert);
    writeFileSync(join(dir, 'tls.key'), b.key);
    const r = await runCli(['serve', '--mode', 'enforce', '--policy', POLICY, '--tls-cert', join(dir, 'tls.crt'), '--tls-key', join(dir, 'tls.key')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /the private key does not match the certificate/);
  });
});

describe('policy watcher', () => {
  test('a policy file emptied in a watched folder (truncated, its new content not yet written) keeps the last good set serving', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-policies-empty-'));
    copyFileSync(POLICY, join(dir, 'a-host-path.yaml'));
    // The second policy denies what the first does not: pods labelled forbidden=true.
    writeFileSync(
      join(dir, 'b-label.yaml'),
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-forbidden-label}
spec:
  validationFailureAction: Enforce
  rules:
  - name: label
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: the forbidden label is forbidden
      pattern: {metadata: {=(labels): {X(forbidden): "null"}}}
`,
    );
    const s = startServe(['--mode', 'enforce', '--policy', dir, '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '0s']);
    try {
      const { port, metricsPort } = await ready(s);
      const review = JSON.stringify(podReview({ labels: { forbidden: 'true' } }));
      const allowed = async () => (JSON.parse((await post(port, '/validate', review)).body) as { response: { allowed: boolean } }).response.allowed;
      assert.equal(await allowed(), false);
      // What `kubectl get cpol … -o yaml > b-label.yaml` leaves while kubectl is still talking to the API server.
      writeFileSync(join(dir, 'b-label.yaml'), '');
      const next = await s.waitFor((l) => l.msg === 'policy set failed to load; keeping the last good set' || (l.msg === 'policy set loaded' && l.generation === 2), 15_000);
      assert.equal(next.msg, 'policy set failed to load; keeping the last good set', `reloaded with ${String(next.policies)} policies`);
      assert.match(String(next.err), /no objects found in \S*b-label\.yaml \(in folder /);
      assert.equal(await allowed(), false, 'the last good set (both policies) still decides');
      const readyz = JSON.parse((await post(port, '/readyz', undefined)).body) as { ready: boolean; policies: number; lastError?: string };
      assert.equal(readyz.ready, true);
      assert.equal(readyz.policies, 2);
      assert.match(readyz.lastError ?? '', /b-label\.yaml/);
      assert.match(await metrics(metricsPort), /podgate_policy_load_failing 1/);
    } finally {
      s.kill();
      await s.exited;
    }
  });

  test('a policy file deleted from a watched folder is named in the logs: the set it leaves no longer has that policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-policies-removed-'));
    copyFileSync(POLICY, join(dir, 'a-host-path.yaml'));
    writeFileSync(join(dir, 'b-other.yaml'), readFileSync(POLICY, 'utf8').replace('name: disallow-host-path', 'name: disallow-host-path-b'));
    const s = startServe(['--mode', 'enforce', '--policy', dir, '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0', '--drain-period', '0s']);
    try {
      await ready(s);
      rmSync(join(dir, 'b-other.yaml'));
      const loaded = await s.waitFor((l) => l.msg === 'policy set loaded' && l.generation === 2, 15_000);
      assert.equal(loaded.policies, 1);
      assert.deepEqual(loaded.removed, ['disallow-host-path-b']);
      const warned = s.lines().find((l) => l.msg === 'policies removed from the served set');
      assert.equal(warned?.level, 40);
      assert.deepEqual(warned?.removed, ['disallow-host-path-b']);
    } finally {
      s.kill();
      await s.exited;
    }
  });

  test('a log file written next to the policies causes no reload; a policy change causes one (debounced)', async () => {
    const dirA = mkdtempSync(join(tmpdir(), 'podgate-policies-'));
    const dirB = mkdtempSync(join(tmpdir(), 'podgate-policy-file-'));
    copyFileSync(POLICY, join(dirA, 'host-path.yaml'));
    const renamed = (text: string) => text.replace('name: disallow-host-path', 'name: disallow-host-path-b');
    writeFileSync(join(dirB, 'policy.yaml'), renamed(readFileSync(POLICY, 'utf8')));
    writeFileSync(join(dirB, 'other.yaml'), 'not: watched\n');
    const s = startServe(['--mode', 'enforce', '--policy', dirA, '--policy', join(dirB, 'policy.yaml'), '--tls-self-signed', '--host', '127.0.0.1', '--port', '0', '--metrics-port', '0']);
    try {
      await ready(s);
      const loads = () => s.lines().filter((l) => l.msg === 'policy set loaded').length;
      assert.equal(loads(), 1);
      for (let i = 0; i < 30; i++) {
        appendFileSync(join(dirA, 'server.log'), `line ${i}\n`);
        appendFileSync(join(dirB, 'server.log'), `line ${i}\n`);
        if (i % 10 === 0) writeFileSync(join(dirB, 'other.yaml'), `not: watched ${i}\n`);
        await sleep(30);
      }
      await sleep(1000);
      assert.equal(loads(), 1, 'no reload for log files or unnamed files');
      const text = readFileSync(POLICY, 'utf8').replace('HostPath volumes are forbidden', 'HostPath volumes are forbidden here');
      for (let i = 0; i < 5; i++) writeFileSync(join(dirA, 'host-path.yaml'), text);
      await s.waitFor((l) => l.msg === 'policy set loaded' && l.generation === 2, 10_000);
      writeFileSync(join(dirB, 'policy.yaml'), renamed(text));
      await s.waitFor((l) => l.msg === 'policy set loaded' && l.generation === 3, 10_000);
      await sleep(800);
      assert.equal(loads(), 3, 'one reload per burst of writes');
    } finally {
      s.kill();
      await s.exited;
    }
  });
});
