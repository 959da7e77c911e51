// A cluster dump cut short (a full disk, an interrupted copy) must not be audited as if complete: the
// signals that can be trusted are detected and named (file, document), the rest is documented
// (docs/compatibility.md, "Cut dumps").
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

/** Two server-read objects as `kubectl get -o yaml` prints them (keys sorted, so `status` comes last). */
const namespace = `apiVersion: v1
kind: Namespace
metadata:
  creationTimestamp: "2024-01-01T00:00:00Z"
  name: apps
  resourceVersion: "10"
  uid: 11111111-1111-4111-8111-111111111111
spec:
  finalizers:
  - kubernetes
status:
  phase: Active
`;
const podText = `apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: "2024-01-01T00:00:00Z"
  name: web
  namespace: apps
  resourceVersion: "11"
  uid: 22222222-2222-4222-8222-222222222222
spec:
  containers:
  - image: nginx:1.25
    name: web
  dnsPolicy: ClusterFirst
  hostNetwork: true
  restartPolicy: Always
status:
  phase: Running
`;
/** A document as an item of a List's `items`. */
const asItem = (doc: string) => doc.replace(/^(?=.)/gm, '  ').replace(/^ {2}/, '- ');

const multiDoc = `${namespace}---\n${podText}`;
/** kubectl get -A -o yaml: one List, its kind after its items. */
const kubectlList = `apiVersion: v1\nitems:\n${asItem(namespace)}${asItem(podText)}kind: List\nmetadata:\n  resourceVersion: ""\n`;
/** A List written kind first (as some tools and hand-made dumps do). */
const kindFirstList = `apiVersion: v1\nkind: List\nmetadata:\n  resourceVersion: ""\nitems:\n${asItem(namespace)}${asItem(podText)}`;
const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }).slice(0, -3);

/** A YAML document as JSON, its status (and its items' statuses) dropped. */
function withoutStatus(doc: string): unknown {
  const o = parse(doc) as { status?: unknown; items?: { status?: unknown }[] };
  delete o.status;
  for (const i of o.items ?? []) delete i.status;
  return o;
}

/** The text up to (not including) the line holding `marker` (its last occurrence). */
const cutBefore = (text: string, marker: string) => text.slice(0, text.lastIndexOf('\n', text.lastIndexOf(marker)) + 1);

const cases: { name: string; text: string; error?: RegExp }[] = [
  { name: 'a complete multi-document dump', text: multiDoc },
  { name: 'a complete kubectl List', text: kubectlList },
  { name: 'a complete kind-first List', text: kindFirstList },
  { name: 'the last document cut inside its spec (before hostNetwork)', text: cutBefore(multiDoc, 'dnsPolicy'), error: /dump\.yaml:\d+: document 2: status: .*cut/ },
  { name: 'the last document cut inside a value of its spec', text: `${cutBefore(multiDoc, 'dnsPolicy')}  dnsPolicy: Clus`, error: /dump\.yaml:\d+: document 2: status: .*cut/ },
  { name: 'the last document cut inside a key of its spec', text: `${cutBefore(multiDoc, 'dnsPolicy')}  dnsPol`, error: /dump\.yaml:\d+: document 2: YAML syntax error/ },
  { name: 'a kubectl List cut inside its items', text: cutBefore(kubectlList, 'dnsPolicy'), error: /dump\.yaml:1: document 1: kind: .*items.*cut/ },
  { name: 'a kind-first List cut inside its last item', text: cutBefore(kindFirstList, 'dnsPolicy'), error: /dump\.yaml:\d+: document 1: items\[1\]\.status: .*cut/ },
  { name: 'a JSON dump cut', text: json, error: /dump\.yaml/ },
  // Verifier probe: JSON has an end marker (a cut one does not parse), so an object without status in a
  // JSON file was written that way (a backup tool that drops status, `jq 'del(.status)'`), never cut.
  { name: 'a JSON dump whose objects were written without status', text: `${JSON.stringify(withoutStatus(kubectlList), null, 2)}\n` },
  { name: 'a JSON object written without status', text: JSON.stringify(withoutStatus(podText)) },
];

for (const c of cases) {
  test(`migrate audit --cluster: ${c.name}${c.error ? ' is an input error naming file and document, not a clean audit' : ' is audited'}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-cut-'));
    writeFileSync(join(dir, 'dump.yaml'), c.text);
    const r = await runCli(['migrate', 'audit', '--cluster', join(dir, 'dump.yaml'), '-o', 'json']);
    if (c.error) {
      assert.equal(r.code, 2, `${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, c.error);
      assert.equal(r.stdout, '');
    } else {
      assert.equal(r.code, 0, r.stderr);
      const a = JSON.parse(r.stdout) as { violations: { name: string; policy: string }[] };
      assert.ok(a.violations.some((v) => v.name === 'web' && v.policy === 'disallow-host-namespaces'), r.stdout);
    }
  });
}

test('migrate run --cluster: a cut file in a dump folder stops the run before anything is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-cut-run-'));
  writeFileSync(join(dir, 'a.yaml'), namespace);
  writeFileSync(join(dir, 'b.yaml'), cutBefore(podText, 'hostNetwork'));
  const out = join(dir, 'out');
  const r = await runCli(['migrate', 'run', '--cluster', dir, '--out-dir', out]);
  assert.equal(r.code, 2, r.stdout);
  assert.match(r.stderr, /b\.yaml:\d+: document 1: status: .*cut/);
});
