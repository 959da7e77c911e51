import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../test/helpers/cli.js';

const chartTd = (f: string) => new URL(`../../chart/testdata/${f}`, import.meta.url).pathname;

// The seed's node-feature-discovery worker: a DaemonSet in gpu-operator mounting host paths.
const NFD_WORKER = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: gpu-operator-node-feature-discovery-worker, namespace: gpu-operator}
spec:
  selector: {matchLabels: {app: nfd-worker}}
  template:
    metadata: {labels: {app: nfd-worker}}
    spec:
      containers:
        - {name: worker, image: registry.k8s.io/nfd/node-feature-discovery:v0.12.1}
      volumes:
        - {name: host-boot, hostPath: {path: /boot}}
`;

interface ApplyJson {
  summary: Record<string, number>;
  results: { policy: { name: string }; rules: { rule: string; status: string; message: string }[] }[];
}

test('apply --chart-values renders the seed values and denies the hostPath DaemonSet with autogen-host-path', async () => {
  const r = await runCli(['-o', 'json', 'apply', '--chart-values', chartTd('kyverno-policies-values-minimal.yaml'), '-r', '-'], { stdin: NFD_WORKER });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout) as ApplyJson;
  const hostPath = out.results.find((x) => x.policy.name === 'disallow-host-path')?.rules.find((x) => x.rule === 'autogen-host-path');
  assert.deepEqual(hostPath && { status: hostPath.status, message: hostPath.message }, {
    status: 'fail',
    message:
      'validation error: HostPath volumes are forbidden. The field spec.volumes[*].hostPath must be unset. rule autogen-host-path failed at path /spec/template/spec/volumes/0/hostPath/',
  });
  assert.equal(out.results.length, 11);
});

test('apply --chart-values adds the chart policies to the given policy files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-apply-'));
  const policy = join(dir, 'require-team.yaml');
  writeFileSync(policy, REQUIRE_TEAM);
  const r = await runCli(['-o', 'json', 'apply', policy, '--chart-values', chartTd('kyverno-policies-values-minimal.yaml'), '--chart-version', '3.2.5', '-r', '-'], { stdin: NFD_WORKER });
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as ApplyJson;
  assert.equal(out.results.length, 12);
  assert.equal(out.results.at(-1)?.policy.name, 'require-team-label');
  assert.equal(out.results.find((x) => x.policy.name === 'disallow-host-path')?.rules.find((x) => x.rule === 'autogen-host-path')?.status, 'fail');
});

const REQUIRE_TEAM = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team-label}
spec:
  rules:
    - name: team
      match: {any: [{resources: {kinds: [DaemonSet]}}]}
      validate: {message: a team label is required, pattern: {metadata: {labels: {team: '?*'}}}}
`;

const scratch = mkdtempSync(join(tmpdir(), 'podgate-chart-values-'));
const unrenderable = join(scratch, 'values.yaml');
writeFileSync(unrenderable, 'policyExclude: 5\n');

test('apply --chart-values prints chart warnings on stderr and still evaluates', async () => {
  const values = join(scratch, 'rule-key.yaml');
  writeFileSync(values, 'policyExclude:\n  host-path:\n    any:\n      - resources: {namespaces: [gpu-operator]}\n');
  const r = await runCli(['-o', 'json', 'apply', '--chart-values', values, '-r', '-'], { stdin: NFD_WORKER });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^warning: policyExclude\.host-path: .* \[CHART_RULE_KEY_IGNORED\]\n$/);
  assert.equal((JSON.parse(r.stdout) as ApplyJson).results.find((x) => x.policy.name === 'disallow-host-path')?.rules[0]?.status, 'fail');
});

const errorCases = [
  { name: 'a values file with a YAML error is a usage error naming the file and line', args: ['--chart-values', chartTd('bad-values.yaml')], want: /--chart-values .*bad-values\.yaml:\d+: YAML syntax error/ },
  { name: 'values the chart cannot render are a usage error naming the file', args: ['--chart-values', unrenderable], want: new RegExp(`--chart-values ${unrenderable}: kyverno-policies 3\\.0\\.7: policyExclude: error calling index: cannot index int64 with string`) },
  { name: 'a missing values file is a usage error naming the file', args: ['--chart-values', '/nonexistent/values.yaml'], want: /--chart-values \/nonexistent\/values\.yaml: cannot read values file: ENOENT/ },
  { name: 'an unknown chart version is refused', args: ['--chart-values', chartTd('kyverno-policies-values-minimal.yaml'), '--chart-version', '9.9.9'], want: /chart-version/ },
  { name: 'neither policies nor chart values is a usage error', args: [], want: /give one or more policy files or directories, or --chart-values/ },
];
for (const c of errorCases) {
  test(`apply: ${c.name} (exit 2)`, async () => {
    const r = await runCli(['apply', ...c.args, '-r', '-'], { stdin: NFD_WORKER });
    assert.equal(r.code, 2);
    assert.match(r.stderr, c.want);
    assert.equal(r.stdout, '');
  });
}
