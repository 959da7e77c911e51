// Property: backup → restore → backup through the CLI loses and changes nothing, for any valid set of users
// (names with digits first and up to the length limit, any uid/gid, several grants read-only or not, prefixes
// with a trailing slash, fields podgate does not know in spec and in grants), and a second restore of the
// same backup changes nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { fcParams } from '../../test/helpers/fc.js';
import { runCli } from '../../test/helpers/cli.js';

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const segment = fc.stringMatching(/^[A-Za-z0-9._@+~-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).chain((segs) => fc.constantFrom(`/${segs.join('/')}`, `/${segs.join('/')}/`));
const grant = fc.record({ pathPrefix: path, readOnly: fc.option(fc.boolean(), { nil: undefined }), note: fc.option(fc.string({ maxLength: 5 }), { nil: undefined }) }, { requiredKeys: ['pathPrefix'] });
const user = fc.record({
  name: fc.oneof(label, fc.stringMatching(/^[0-9][a-z0-9]{30,41}[a-z]$/)),
  uid: fc.integer({ min: 1, max: 2147483647 }),
  gid: fc.integer({ min: 1, max: 2147483647 }),
  releaseId: fc.stringMatching(/^[a-z0-9]{4,10}$/),
  hostPaths: fc.option(fc.array(grant, { maxLength: 3 }), { nil: undefined }),
  extra: fc.option(fc.dictionary(fc.constantFrom('quota', 'team', 'notes'), fc.string({ maxLength: 5 })).map((d) => ({ ...d })), { nil: undefined }),
});

test('backup → restore → backup is identical, keeps every user and field, and a second restore changes nothing', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(user, { minLength: 1, maxLength: 4, selector: (u) => u.name }), async (users) => {
      const dir = mkdtempSync(join(tmpdir(), 'podgate-users-prop-'));
      const records = users.map((u) => ({
        apiVersion: 'podgate.io/v1',
        kind: 'PermissionUser',
        metadata: { name: u.name },
        spec: {
          uid: u.uid,
          gid: u.gid,
          releaseId: u.releaseId,
          ...(u.hostPaths ? { hostPaths: u.hostPaths.map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined))) } : {}),
          ...(u.extra ? { extra: u.extra } : {}),
        },
      }));
      const input = join(dir, 'users.yaml');
      writeFileSync(input, records.map((r) => stringify(r)).join('---\n'));
      const b1 = join(dir, 'b1.yaml');
      const store = join(dir, 'store.yaml');
      const b2 = join(dir, 'b2.yaml');
      const backup = await runCli(['users', 'backup', input, '--out', b1]);
      assert.equal(backup.code, 0, backup.stderr);
      const restore = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
      assert.equal(restore.code, 0, restore.stderr);
      assert.equal((await runCli(['users', 'backup', store, '--out', b2])).code, 0);
      assert.equal(readFileSync(b2, 'utf8'), readFileSync(b1, 'utf8'));
      const listed = async (f: string) => JSON.parse((await runCli(['-o', 'json', 'users', 'list', f])).stdout) as { name: string }[];
      const byName = (xs: { name: string }[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : 1));
      assert.deepEqual(byName(await listed(b1)), byName(await listed(input)));
      const backedUp = (parse(readFileSync(b1, 'utf8')) as { items: { metadata: { name: string }; spec: { extra?: unknown; hostPaths?: { note?: string }[] } }[] }).items;
      for (const u of users) {
        const item = backedUp.find((i) => i.metadata.name === u.name);
        assert.ok(item, u.name);
        assert.deepEqual(item.spec.extra, u.extra);
        if (u.hostPaths) assert.deepEqual(item.spec.hostPaths?.map((h) => h.note), u.hostPaths.map((h) => h.note));
      }
      const again = await runCli(['users', 'restore', b1, '--into', store, '--apply']);
      assert.match(again.stdout, /\n0 change\(s\)\n$/);
    }),
    fcParams(25),
  );
});
