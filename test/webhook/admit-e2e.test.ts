// The seed KB's two denials reproduced byte for byte with the Kyverno engine: by `podgate admit`
// in-process, and by the HTTPS webhook on 127.0.0.1 with a throwaway certificate.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import type { WebhookServer } from '../../src/webhook/index.js';
import { runCli } from '../helpers/cli.js';
import { call, startKyvernoServer } from './helpers.js';

const data = (f: string) => new URL(`../../src/webhook/testdata/${f}`, import.meta.url).pathname;
const policies = [data('disallow-host-path.yaml'), data('hostpath-confined-ray.yaml')];

const cases = [
  {
    name: "the gpu-operator node-feature-discovery DaemonSet is denied by disallow-host-path's autogen rule, folded as yaml.v2 folds it",
    request: 'nfd-worker-daemonset-review.yaml',
    message:
      '\n\nresource DaemonSet/gpu-operator/gpu-operator-node-feature-discovery-worker was blocked due to the following policies \n\n' +
      'disallow-host-path:\n' +
      "  autogen-host-path: 'validation error: HostPath volumes are forbidden. The field\n" +
      '    spec.volumes[*].hostPath must be unset. rule autogen-host-path failed at path\n' +
      "    /spec/template/spec/volumes/0/hostPath/'\n",
  },
  {
    name: "ray's hostPath /etc Pod is denied by the per-user foreach+deny policy",
    request: 'ray-host-mount-pod-review.yaml',
    message:
      '\n\nresource Pod/ray-restricted/host-mount-pod was blocked due to the following policies \n\n' +
      "ray-l9x71kv-lhv:\n  ray-l9x71kv-lhv: 'validation failure: hostPath volumes are confined to [/home/ray].'\n",
  },
];

/** The KB prints the API server's error flattened onto one line. */
const flattened = (m: string) => m.trim().replace(/\s*\n\s*/g, ' ');

describe('podgate admit', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const r = await runCli(['admit', ...policies.flatMap((p) => ['--policy', p]), '--request', data(c.request)]);
      assert.equal(r.code, 1, r.stderr);
      const out = JSON.parse(r.stdout) as { response: { allowed: boolean; status: { code: number; message: string } } };
      assert.equal(out.response.allowed, false);
      assert.equal(out.response.status.code, 403);
      assert.equal(out.response.status.message, c.message);
      assert.match(r.stderr, /validate\.kyverno\.svc-fail/);
    });
  }

  test('the denial text matches the seed KB line once flattened', async () => {
    const seed = new URL('../../../shared/seed/000_891f9780211ca736.txt', import.meta.url);
    assert.ok(existsSync(seed), `seed KB article not found at ${seed.pathname}`);
    const kb = readFileSync(seed, 'utf8');
    for (const c of cases) assert.ok(kb.includes(flattened(c.message)), flattened(c.message));
  });

  test('reads the review as JSON from stdin', async () => {
    const review = parse(readFileSync(data('ray-host-mount-pod-review.yaml'), 'utf8'));
    const r = await runCli(['admit', '--policy', policies[1]!, '--request', '-'], { stdin: JSON.stringify(review) });
    assert.equal(r.code, 1);
    assert.equal((JSON.parse(r.stdout) as { response: { status: { message: string } } }).response.status.message, cases[1]!.message);
  });

  test('audit mode allows with the failures as warnings', async () => {
    const r = await runCli(['admit', '--policy', policies[0]!, '--request', data('nfd-worker-daemonset-review.yaml'), '--mode', 'audit']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { response: { allowed: boolean; warnings: string[] } };
    assert.equal(out.response.allowed, true);
    assert.deepEqual(out.response.warnings, [
      'policy disallow-host-path.autogen-host-path: validation error: HostPath volumes are forbidden. The field spec.volumes[*].hostPath must be unset. rule autogen-host-path failed at path /spec/template/spec/volumes/0/hostPath/',
    ]);
  });

  const usage = [
    { name: 'a missing request file is a usage error', argv: ['admit', '--policy', policies[0]!, '--request', '/nonexistent.yaml'], err: /nonexistent/ },
    { name: 'a request that is not an AdmissionReview is a usage error naming the reason', argv: ['admit', '--policy', policies[0]!, '--request', policies[0]!], err: /kind must be AdmissionReview/ },
    { name: 'a file without policies is a usage error', argv: ['admit', '--policy', data('not-a-policy.yaml'), '--request', data('ray-host-mount-pod-review.yaml')], err: /no Kyverno ClusterPolicy/ },
  ];
  for (const u of usage) {
    test(u.name, async () => {
      const r = await runCli(u.argv);
      assert.equal(r.code, 2);
      assert.match(r.stderr, u.err);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });
  }
});

describe('the HTTPS webhook with the Kyverno engine', () => {
  let server: WebhookServer;
  before(async () => {
    server = await startKyvernoServer('enforce', policies);
  });
  after(() => server.close(1000));

  for (const c of cases) {
    test(`over HTTPS: ${c.name}`, async () => {
      const review = parse(readFileSync(data(c.request), 'utf8'));
      const a = await call(server.port, '/validate', JSON.stringify(review));
      assert.equal(a.status, 200);
      const out = a.json() as { response: { uid: string; allowed: boolean; status: { code: number; message: string } } };
      assert.equal(out.response.uid, review.request.uid);
      assert.equal(out.response.allowed, false);
      assert.equal(out.response.status.message, c.message);
    });
  }

  test('over HTTPS: a Pod without hostPath volumes in gpu-operator is allowed', async () => {
    const review = parse(readFileSync(data('ray-host-mount-pod-review.yaml'), 'utf8'));
    review.request.namespace = 'gpu-operator';
    review.request.object.metadata.namespace = 'gpu-operator';
    review.request.object.spec.volumes = [{ name: 'scratch', emptyDir: {} }];
    review.request.object.spec.containers[0].volumeMounts = [{ name: 'scratch', mountPath: '/test' }];
    const out = (await call(server.port, '/validate', JSON.stringify(review))).json() as { response: { allowed: boolean } };
    assert.equal(out.response.allowed, true);
  });
});
