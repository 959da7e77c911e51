// Session 5 webhook probe, through `podgate admit` (the same decoding and engine as `serve`): a
// subresource request without request.resource answered with a JavaScript error text ("Cannot read
// properties of undefined (reading 'group')"); an object whose kind is missing, null or a number was
// denied as "resource undefined/…", "null/…", "5/…". Kyverno reads such fields as "" (unstructured).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src/webhook/index.js';
import { runCli } from '../helpers/cli.js';
import { call, memoryLog, podReview, startKyvernoServer } from './helpers.js';

const policy = new URL('../security/testdata/team-label-json6902.yaml', import.meta.url).pathname;

/** The helpers' Pod review, made privileged (the policy file denies it) and then edited. */
function review(edit: (r: Record<string, unknown>, o: Record<string, unknown>) => void): string {
  const body = podReview({ uid: 'u-1', name: 'p' });
  const request = body.request as Record<string, unknown>;
  const object = request.object as Record<string, unknown>;
  (object.metadata as Record<string, unknown>).annotations = { 'example.com/team': 'platform' };
  object.spec = { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] };
  edit(request, object);
  return JSON.stringify(body);
}

interface Answer {
  response: { allowed: boolean; status?: { code: number; message: string } };
}

const invalid: { name: string; edit: (r: Record<string, unknown>, o: Record<string, unknown>) => void; message: RegExp }[] = [
  {
    name: 'a subresource request without request.resource',
    edit: (r) => {
      delete r.resource;
      r.subResource = 'ephemeralcontainers';
      r.operation = 'UPDATE';
    },
    message: /request\.resource must be \{group, version, resource\} with a subResource/,
  },
  { name: 'a request.resource that is a string', edit: (r) => Object.assign(r, { resource: 'pods' }), message: /request\.resource must be \{group, version, resource\}/ },
];

for (const c of invalid) {
  test(`admit: ${c.name} is an invalid review named as such (no JavaScript error text)`, async () => {
    const r = await runCli(['admit', '--policy', policy, '--request', '-'], { stdin: review(c.edit) });
    assert.doesNotMatch(r.stdout + r.stderr, /Cannot read properties|undefined \(reading/);
    assert.match(r.stdout + r.stderr, c.message);
  });
}

const kinds: { name: string; kind: unknown; shown: string }[] = [
  { name: 'missing', kind: undefined, shown: '' },
  { name: 'null', kind: null, shown: '' },
  { name: 'a number', kind: 5, shown: '' },
  { name: 'Pod', kind: 'Pod', shown: 'Pod' },
];

for (const c of kinds) {
  test(`admit: an object whose kind is ${c.name} is denied as "resource ${c.shown}/team-a/p"`, async () => {
    const r = await runCli(['admit', '--policy', policy, '--request', '-'], {
      stdin: review((_r, o) => {
        if (c.kind === undefined) delete o.kind;
        else o.kind = c.kind;
      }),
    });
    const a = JSON.parse(r.stdout) as Answer;
    assert.equal(a.response.allowed, false, r.stdout);
    assert.match(a.response.status?.message ?? '', new RegExp(`^\\n\\nresource ${c.shown}/team-a/p was blocked`));
  });
}

// A 100,000-character request.uid made a 100 KB log line: logged request fields are clipped.
test('serve: a huge uid, name or namespace is clipped in the log line, and answered in full', async () => {
  const mem = memoryLog();
  const server = await startKyvernoServer('enforce', [policy], { log: createLogger({ destination: mem.stream }) });
  try {
    const long = 'u'.repeat(100_000);
    const a = await call(
      server.port,
      '/validate',
      review((r, o) => {
        r.uid = long;
        r.name = 'n'.repeat(5000);
        (o.metadata as Record<string, unknown>).name = 'n'.repeat(5000);
      }),
    );
    assert.equal(a.status, 200, a.body);
    assert.equal((a.json() as Answer & { response: { uid: string } }).response.uid, long);
    await new Promise((r) => setTimeout(r, 50));
    const lines = mem.lines().filter((l) => l.endpoint === 'validate');
    assert.ok(lines.length > 0);
    for (const l of lines) {
      assert.ok(JSON.stringify(l).length < 2000, `a ${JSON.stringify(l).length}-character log line`);
      assert.match(String(l.uid), /^u{256}…\(99744 more\)$/);
    }
  } finally {
    await server.close();
  }
});
