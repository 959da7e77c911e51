// A PodSecurityPolicy in the input that the API server would have refused (a list given as a string, a
// rule it does not know) is not what the cluster holds: PSP's decision cannot be known from the input.
// `migrate diff` must say so (undecidable, naming the PSP, where it is and the field), not compare pods
// as if that PSP did not exist.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.js';

const fixture = fileURLToPath(new URL('../../src/psp/testdata/fidelity/unreadable-psp/', import.meta.url));

test('migrate diff: a PodSecurityPolicy the API server would have refused makes the PSP comparison undecidable, naming it', async (t) => {
  const cluster = mkdtempSync(join(tmpdir(), 'podgate-unreadable-'));
  t.after(() => rmSync(cluster, { recursive: true, force: true }));
  cpSync(join(fixture, 'cluster'), cluster, { recursive: true });
  cpSync(join(fixture, 'pod.yaml'), join(cluster, 'pod.yaml'));
  const r = await runCli(['-o', 'json', 'migrate', 'diff', '--cluster', cluster]);
  assert.equal(r.code, 1, r.stderr);
  const d = JSON.parse(r.stdout) as { entries: unknown[]; summary: { undecidable?: boolean; skipped?: string; total: number } };
  assert.equal(d.summary.undecidable, true);
  assert.equal(d.entries.length, 0);
  assert.match(d.summary.skipped ?? '', /PodSecurityPolicy "a-open" \(.*objs\.yaml.*\) cannot be read: spec\.volumes: Invalid value: "\*": must be a list of strings/);
});
