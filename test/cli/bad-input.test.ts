// Every bad input of issue 18 through the user's path (the CLI): exit code and message. Table-driven:
// each row writes its files into a fresh folder, runs podgate in-process and checks code and output.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const sample = new URL('../../examples/bcm-9.2-k8s-1.24/', import.meta.url).pathname;
const review = new URL('../../src/webhook/testdata/ray-host-mount-pod-review.yaml', import.meta.url).pathname;
const bin = new URL('../../bin/podgate.js', import.meta.url).pathname;

// The issue's policy: two typos; without them it would deny hostPath in Enforce mode.
const TYPO_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-host-path}
spec:
  validationFailureActon: Enforce
  background: true
  rules:
    - name: host-path
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        mesage: hostPath is forbidden
        pattern:
          spec:
            =(volumes):
              - X(hostPath): "null"
`;
const WRONG_TYPE_POLICY = TYPO_POLICY.replace('validationFailureActon: Enforce', 'validationFailureAction: Enforce').replace('mesage', 'message').replace('background: true', 'background: "yes"');
const GOOD_POLICY = TYPO_POLICY.replace('validationFailureActon', 'validationFailureAction').replace('mesage', 'message');
const POD = `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default}
spec:
  containers: [{name: c, image: busybox}]
`;
const NS = (name: string, level: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: {kubernetes.io/metadata.name: ${name}, pod-security.kubernetes.io/enforce: ${level}}
`;
const deepJson = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const deepYaml = `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`;
let bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\n';
for (let i = 1, prev = 'a'; i < 10; prev = `b${i}`, i++) bomb += `b${i}: &b${i} [${Array(9).fill(`*${prev}`).join(', ')}]\n`;

interface Case {
  name: string;
  files?: Record<string, string | Buffer>;
  argv: (dir: string) => string[];
  stdin?: string;
  code: number;
  stderr?: RegExp;
  stdout?: RegExp;
  /** Must not appear on stderr. */
  notStderr?: RegExp;
}

const cases: Case[] = [
  {
    name: 'admit: a policy with typos (validationFailureActon, mesage) is refused, not run as Audit',
    files: { 'p.yaml': TYPO_POLICY },
    argv: (d) => ['admit', '--policy', join(d, 'p.yaml'), '--request', review],
    code: 2,
    stderr: /p\.yaml:5: document 1: spec\.validationFailureActon: unknown field "validationFailureActon"[\s\S]*p\.yaml:11: document 1: spec\.rules\[0\]\.validate\.mesage: unknown field "mesage"/,
  },
  {
    name: 'apply: the same policy is refused under the default --validate=strict',
    files: { 'p.yaml': TYPO_POLICY, 'pod.yaml': POD },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', join(d, 'pod.yaml')],
    code: 2,
    stderr: /spec\.validationFailureActon: unknown field/,
  },
  {
    name: 'apply --validate=warn: printed as warnings, unknown fields dropped, the policy runs',
    files: { 'p.yaml': TYPO_POLICY, 'pod.yaml': POD },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', join(d, 'pod.yaml'), '--validate=warn'],
    code: 0,
    stderr: /^warning: .*p\.yaml:5: document 1: spec\.validationFailureActon: unknown field "validationFailureActon"\nwarning: .*spec\.rules\[0\]\.validate\.mesage: unknown field "mesage"\n$/,
  },
  {
    name: 'apply --validate=ignore: no check at all',
    files: { 'p.yaml': TYPO_POLICY, 'pod.yaml': POD },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', join(d, 'pod.yaml'), '--validate', 'ignore'],
    code: 0,
    notStderr: /unknown field/,
  },
  {
    name: 'apply: a wrong type is an error naming file, line and field',
    files: { 'p.yaml': WRONG_TYPE_POLICY, 'pod.yaml': POD },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', join(d, 'pod.yaml')],
    code: 2,
    stderr: /p\.yaml:6: document 1: spec\.background: Invalid value: "yes": must be of type boolean/,
  },
  {
    name: 'apply --kyverno-version 1.12: checked against the 1.12.5 CRD',
    files: { 'p.yaml': TYPO_POLICY, 'pod.yaml': POD },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', join(d, 'pod.yaml'), '--kyverno-version', '1.12'],
    code: 2,
    stderr: /spec\.validationFailureActon: unknown field/,
  },
  {
    name: 'lint: a policy with typos is refused (strict)',
    files: { 'p.yaml': TYPO_POLICY },
    argv: (d) => ['lint', join(d, 'p.yaml')],
    code: 2,
    stderr: /lint: invalid policy:[\s\S]*unknown field "mesage"/,
  },
  {
    name: 'test: a suite with a typo policy runs with warnings (default --validate=warn, like the kyverno CLI)',
    files: {
      'p.yaml': GOOD_POLICY.replace('background: true', 'background: true\n  unknownThing: 1'),
      'r.yaml': POD,
      'kyverno-test.yaml': 'name: t\npolicies: [p.yaml]\nresources: [r.yaml]\nresults:\n  - {policy: no-host-path, rule: host-path, resources: [p], kind: Pod, result: pass}\n',
    },
    argv: (d) => ['test', d],
    code: 0,
    stderr: /warning: .*p\.yaml:7: document 1: spec\.unknownThing: unknown field "unknownThing"/,
  },
  // Session 5 CLI probe: output paths podgate cannot write were "internal error … please report this as a
  // bug" (exit 1); `migrate report --out` replaced an existing file without --force.
  {
    name: 'migrate report --out into a folder that does not exist names the path (exit 2)',
    argv: (d) => ['migrate', 'report', '-o', 'html', '--cluster', sample, '--out', join(d, 'missing', 'r.html')],
    code: 2,
    stderr: /^error: cannot open .*missing\/r\.html: no such file or directory\n$/,
    notStderr: /internal error/,
  },
  {
    name: 'migrate run --out-dir on a file names the path (exit 2)',
    files: { afile: 'x' },
    argv: (d) => ['migrate', 'run', '--cluster', sample, '--out-dir', join(d, 'afile')],
    code: 2,
    stderr: /error: cannot list .*afile: a part of the path is not a directory/,
    notStderr: /internal error/,
  },
  {
    name: 'migrate report --out over an existing file needs --force',
    files: { 'r.html': 'mine' },
    argv: (d) => ['migrate', 'report', '-o', 'html', '--cluster', sample, '--out', join(d, 'r.html')],
    code: 2,
    stderr: /migrate report: .*r\.html exists; pass --force to overwrite it/,
  },
  {
    name: 'serve: an unknown --log-level is a usage error naming the choices (was an internal error)',
    argv: () => ['serve', '--log-level', 'loud', '--policy', 'x.yaml'],
    code: 2,
    stderr: /--log-level <level>' argument 'loud' is invalid\. Allowed choices are fatal, error, warn, info, debug, trace, silent/,
    notStderr: /internal error/,
  },
  // Session 5 CLI probe: a misspelt workload kind was skipped without a word ("0 checked", exit 0; a
  // `Daemonset` dropped two workloads from an audit).
  {
    name: 'pss check names an object whose kind is a misspelt workload kind',
    files: { 'pod.yaml': POD.replace('kind: Pod', 'kind: Pood') },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'pod.yaml')],
    code: 0,
    stderr: /^warning: .*pod\.yaml:1 \(document 1\): kind "Pood" is not a Kubernetes kind, so p is skipped \(did you mean "Pod"\?\)\nnote: no Pod or pod template was found in the input: nothing was checked\n$/,
  },
  {
    name: 'pss check names a kind with two letters swapped (Deploymnet)',
    files: { 'd.yaml': 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: web, namespace: default}\nspec: {template: {spec: {containers: [{name: c, image: x}]}}}\n' },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'd.yaml')],
    code: 0,
    stderr: /kind "Deploymnet" is not a Kubernetes kind, so web is skipped \(did you mean "Deployment"\?\)/,
  },
  {
    name: 'an object given twice is named (two dumps concatenated)',
    files: { 'a.yaml': POD, 'b.yaml': POD.replace('image: busybox', 'image: nginx') },
    argv: (d) => ['pss', 'check', '--level', 'privileged', join(d, 'a.yaml'), join(d, 'b.yaml')],
    code: 0,
    stderr: /^warning: .*b\.yaml:1 \(document 1\): Pod default\/p is given a second time \(first at .*a\.yaml:1 \(document 1\)\); both copies are read and counted\n$/,
  },
  {
    // The snapshot keeps the first copy of a Namespace (its labels decide namespaceSelector matches and PSA):
    // "both copies are read and counted" was not true of it, and the copies' differences went unsaid.
    name: 'a Namespace given twice with other labels: the warning says the first copy is used and what differs',
    files: {
      'a.yaml': `${NS('team-a', 'baseline')}---\n${POD.replaceAll('default', 'team-a')}`,
      'b.yaml': NS('team-a', 'restricted'),
    },
    argv: (d) => ['migrate', 'audit', '--cluster', join(d, 'a.yaml'), '--cluster', join(d, 'b.yaml')],
    code: 0,
    stderr:
      /warning: .*b\.yaml:1 \(document 1\): Namespace team-a is given a second time \(first at .*a\.yaml:1 \(document 1\)\); only the first copy is used \(its labels decide namespaceSelector matches and Pod Security Admission\), and the copies differ: label pod-security\.kubernetes\.io\/enforce: "baseline" \/ "restricted"; keep the copy the cluster has now\n/,
    notStderr: /both copies are read/,
  },
  {
    name: 'a Namespace given twice alike: the warning says the first copy is used, and nothing differs',
    files: { 'a.yaml': `${NS('team-a', 'baseline')}---\n${POD.replaceAll('default', 'team-a')}`, 'b.yaml': NS('team-a', 'baseline') },
    argv: (d) => ['migrate', 'audit', '--cluster', join(d, 'a.yaml'), '--cluster', join(d, 'b.yaml')],
    code: 0,
    stderr: /Namespace team-a is given a second time \(first at .*\); the copies are alike and the first is used\n/,
    notStderr: /both copies are read/,
  },
  {
    // An upstream policy once wrote `preconditions: {conditions: {any: [...]}}`: Kyverno refuses such a policy;
    // podgate read the block as empty, so the preconditions held and the deny rule denied every ConfigMap.
    name: 'a policy whose preconditions hold a key other than any/all is refused, naming the field',
    files: {
      'p.yaml': `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  validationFailureAction: Enforce
  rules:
    - name: r
      match: {any: [{resources: {kinds: [ConfigMap]}}]}
      preconditions:
        conditions:
          any: [{key: a, operator: Equals, value: b}]
      validate: {message: no, deny: {}}
`,
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: default}\n',
    },
    argv: (d) => ['apply', join(d, 'p.yaml'), '--resource', join(d, 'cm.yaml')],
    code: 2,
    stderr: /p\.yaml:1: document 1: spec\.rules\[0\]\.preconditions\.conditions: Forbidden: unknown field 'conditions' found under preconditions\/validate\.deny\.conditions/,
  },
  {
    name: 'versions refuses a Kubernetes version that is not 1.x',
    argv: () => ['versions', '--kubernetes', '2.0'],
    code: 2,
    stderr: /"2\.0" is not a Kubernetes version like 1\.24/,
  },
  {
    name: 'migrate audit names a Daemonset (case) in a cluster folder; a custom resource of another group is not named',
    files: {
      'ds.yaml': 'apiVersion: apps/v1\nkind: Daemonset\nmetadata: {name: agent, namespace: default}\nspec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: x}]}}}\n',
      'cr.yaml': 'apiVersion: example.com/v1\nkind: Pods\nmetadata: {name: mine, namespace: default}\n',
    },
    argv: (d) => ['-o', 'json', 'migrate', 'audit', '--cluster', d],
    code: 0,
    stderr: /^warning: .*ds\.yaml:1 \(document 1\): kind "Daemonset" is not a Kubernetes kind, so agent is skipped \(did you mean "DaemonSet"\?\)\n$/,
  },
  // Session 5 CLI probe, round 2: the plan's copy-paste commands carried paths unquoted (a space broke
  // them; `; rm -rf ~` or `$(…)` would have run).
  {
    name: 'migrate plan shell-quotes the paths in its commands',
    argv: () => ['migrate', 'plan', '--values', 'a b; rm -rf ~', '--cluster', 'cl $(id) x'],
    code: 0,
    stdout: /podgate migrate exceptions --cluster 'cl \$\(id\) x' --values 'a b; rm -rf ~' --chart-version 3\.0\.7 --out 'a b; rm -rf ~'\.new && mv 'a b; rm -rf ~'\.new 'a b; rm -rf ~'/,
  },
  // Session 5 CLI probe: `results: "oops"` gave "0 tests passed and 0 tests failed", exit 0.
  {
    name: 'test: results that are not a list are an error, not a suite that checks nothing',
    files: { 'p.yaml': GOOD_POLICY, 'r.yaml': POD, 'kyverno-test.yaml': 'name: t\npolicies: [p.yaml]\nresources: [r.yaml]\nresults: oops\n' },
    argv: (d) => ['test', d],
    code: 2,
    stderr: /kyverno-test\.yaml: results: must be a list, found a string \("oops"\)/,
  },
  // Session 9: a values file of the wrong shape was read as if empty (every value silently missing).
  {
    name: 'test: a values file whose policies is not a list is an error naming the file and field',
    files: { 'p.yaml': GOOD_POLICY, 'r.yaml': POD, 'values.yaml': 'policies: oops\n', 'kyverno-test.yaml': 'name: t\npolicies: [p.yaml]\nresources: [r.yaml]\nvariables: values.yaml\nresults:\n  - {policy: no-host-path, rule: host-path, resources: [p], kind: Pod, result: pass}\n' },
    argv: (d) => ['test', d],
    code: 2,
    stderr: /values\.yaml: policies: must be a list, found a string \("oops"\)/,
  },
  {
    name: 'test: a values rule whose values is not a map is an error naming its path',
    files: { 'p.yaml': GOOD_POLICY, 'r.yaml': POD, 'values.yaml': 'policies:\n  - name: no-host-path\n    rules:\n      - name: host-path\n        values: 3\n', 'kyverno-test.yaml': 'name: t\npolicies: [p.yaml]\nresources: [r.yaml]\nvariables: values.yaml\nresults:\n  - {policy: no-host-path, rule: host-path, resources: [p], kind: Pod, result: pass}\n' },
    argv: (d) => ['test', d],
    code: 2,
    stderr: /values\.yaml: policies\[0\]\.rules\[0\]\.values: must be a map, found a number \(3\)/,
  },
  {
    name: 'apply: a --values file whose rules is not a list is an error naming the field',
    files: { 'p.yaml': GOOD_POLICY, 'r.yaml': POD, 'values.yaml': 'policies:\n  - name: no-host-path\n    rules: oops\nnamespaceSelector:\n  - {name: default, labels: [a]}\n' },
    argv: (d) => ['apply', join(d, 'p.yaml'), '--resource', join(d, 'r.yaml'), '--values', join(d, 'values.yaml')],
    code: 2,
    stderr: /--values .*values\.yaml:\n {2}policies\[0\]\.rules: must be a list, found a string \("oops"\)\n {2}namespaceSelector\[0\]\.labels: must be a map, found a list/,
  },
  {
    name: 'test: a cli.kyverno.io file whose kind is not Test is an error',
    files: { 'p.yaml': GOOD_POLICY, 'r.yaml': POD, 'kyverno-test.yaml': 'apiVersion: cli.kyverno.io/v1alpha1\nkind: Tset\nmetadata: {name: t}\npolicies: [p.yaml]\nresources: [r.yaml]\nresults:\n  - {policy: no-host-path, rule: host-path, resources: [p], kind: Pod, result: pass}\n' },
    argv: (d) => ['test', d],
    code: 2,
    stderr: /kyverno-test\.yaml: kind: must be Test for cli\.kyverno\.io\/v1alpha1, found "Tset"/,
  },
  {
    name: 'test: a test file that is not a mapping names no empty field',
    files: { 'kyverno-test.yaml': '- a\n' },
    argv: (d) => ['test', d],
    code: 2,
    stderr: /kyverno-test\.yaml: a test file must be a mapping/,
    notStderr: /: : /,
  },
  {
    name: 'a duplicate YAML key is an error',
    files: { 'pod.yaml': POD.replace('metadata: {name: p, namespace: default}', 'metadata: {name: p, namespace: default, name: q}') },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'pod.yaml')],
    code: 2,
    stderr: /pod\.yaml:3: document 1: duplicate key: Map keys must be unique/,
  },
  {
    name: 'a duplicate JSON key is an error naming the key and its path',
    files: { 'pod.json': '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "name": "q"}, "spec": {"containers": []}}' },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'pod.json')],
    code: 2,
    stderr: /pod\.json:1: document 1: metadata\.name: duplicate key "name"/,
  },
  {
    // `kubectl get pods -A -o json` prints a List over many lines: the error names the bad item's line.
    name: 'a bad field in a pretty-printed JSON List names the line of its item',
    files: {
      'pods.json': JSON.stringify(
        {
          apiVersion: 'v1',
          kind: 'List',
          items: [
            { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
            { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: 'yes' } }] } },
          ],
        },
        null,
        2,
      ),
    },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'pods.json')],
    code: 2,
    stderr: /pods\.json:21: document 1: items\[1\]\.spec\.containers\[0\]\.securityContext\.privileged: must be a boolean, found "yes"/,
  },
  {
    name: 'an empty file is an error, not "0 violations"',
    files: { 'p.yaml': GOOD_POLICY, 'empty.yaml': '' },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', join(d, 'empty.yaml')],
    code: 2,
    stderr: /^error: no objects found in .*empty\.yaml\n$/,
  },
  {
    name: 'empty stdin is an error',
    files: { 'p.yaml': GOOD_POLICY },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', '-'],
    stdin: '',
    code: 2,
    stderr: /^error: no objects found in stdin\n$/,
  },
  {
    name: 'pss check on empty stdin is an error',
    argv: () => ['pss', 'check', '--level', 'restricted', '-'],
    stdin: '---\n',
    code: 2,
    stderr: /no objects found in stdin/,
  },
  {
    name: 'lint on an empty file is an error, not "0 policies"',
    files: { 'empty.yaml': '\n' },
    argv: (d) => ['lint', join(d, 'empty.yaml')],
    code: 2,
    stderr: /no objects found in .*empty\.yaml/,
  },
  {
    name: 'Latin-1 text is an error naming the file and line, never U+FFFD',
    files: { 'pod.yaml': Buffer.from(`${POD.replace('name: p,', 'name: p,')}# caf\xe9\n`, 'latin1') },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'pod.yaml')],
    code: 2,
    stderr: /pod\.yaml:6: not UTF-8 text/,
  },
  {
    name: 'a Latin-1 AdmissionReview (--request) is an error naming the file',
    files: { 'p.yaml': GOOD_POLICY, 'r.yaml': Buffer.from('kind: AdmissionReview # caf\xe9\n', 'latin1') },
    argv: (d) => ['admit', '--policy', join(d, 'p.yaml'), '--request', join(d, 'r.yaml')],
    code: 2,
    stderr: /r\.yaml:1: not UTF-8 text/,
  },
  {
    name: '100,000-deep JSON gives a clear limit message',
    files: { 'deep.json': deepJson },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'deep.json')],
    code: 2,
    stderr: /deep\.json: document 1: nesting deeper than 1000 levels/,
    notStderr: /call stack|internal error/,
  },
  {
    name: '100,000-deep YAML gives a clear limit message',
    files: { 'deep.yaml': deepYaml },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'deep.yaml')],
    code: 2,
    stderr: /deep\.yaml:1: document 1: nesting deeper than 1000 levels/,
    notStderr: /call stack|internal error/,
  },
  {
    name: 'chart render -f with a YAML bomb is refused clearly',
    files: { 'bomb.yaml': bomb },
    argv: (d) => ['chart', 'render', '-f', join(d, 'bomb.yaml')],
    code: 2,
    stderr: /bomb\.yaml:1: YAML aliases expand past the limit of 100/,
    notStderr: /internal error|report this as a bug/,
  },
  {
    name: 'a YAML bomb as a resource is refused clearly',
    files: { 'p.yaml': GOOD_POLICY, 'bomb.yaml': bomb.replace('a: &a', 'apiVersion: v1\nkind: Pod\nmetadata: {name: x}\na: &a') },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', join(d, 'bomb.yaml')],
    code: 2,
    stderr: /bomb\.yaml:1: document 1: YAML error: Excessive alias count/,
  },
  {
    name: 'versions --kubernetes banana is a usage error',
    argv: () => ['versions', '--kubernetes', 'banana'],
    code: 2,
    stderr: /"banana" is not a Kubernetes version like 1\.24/,
    notStderr: /internal error|report this as a bug/,
  },
  {
    name: 'migrate plan --kubernetes banana is a usage error',
    argv: () => ['migrate', 'plan', '--cluster', sample, '--kubernetes', 'banana'],
    code: 2,
    stderr: /podgate plans migrations for Kubernetes 1\.21 to 1\.29/,
    notStderr: /internal error|report this as a bug/,
  },
  {
    name: 'webhook remove --kubeconfig /nonexistent is a usage error',
    argv: () => ['webhook', 'remove', '--kubeconfig', '/nonexistent/kubeconfig'],
    code: 2,
    stderr: /webhook remove: --kubeconfig \/nonexistent\/kubeconfig: no such file/,
    notStderr: /internal error|report this as a bug/,
  },
  {
    name: 'spec: null — pss refuses the pod as a missing spec',
    files: { 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: null\n' },
    argv: (d) => ['pss', 'check', '--level', 'restricted', join(d, 'pod.yaml')],
    code: 2,
    stderr: /pod\.yaml:1: document 1: spec: Required value: a pod spec with containers is required/,
  },
  {
    name: 'spec: null — apply refuses it the same way',
    files: { 'p.yaml': GOOD_POLICY, 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: null\n' },
    argv: (d) => ['apply', join(d, 'p.yaml'), '-r', join(d, 'pod.yaml')],
    code: 2,
    stderr: /pod\.yaml:1: document 1: spec: Required value: a pod spec with containers is required/,
  },
  {
    name: 'null where a map or list is expected is dropped, not an error',
    files: { 'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default, labels: null}\nspec:\n  securityContext: null\n  volumes: null\n  containers: [{name: c, image: busybox, securityContext: null}]\n' },
    argv: (d) => ['-o', 'json', 'pss', 'check', '--level', 'baseline', join(d, 'pod.yaml')],
    code: 0,
    stdout: /"allowed": true/,
  },
  {
    name: 'a wrong type in a field podgate reads is an error with its field path',
    files: { 'pod.yaml': POD.replace('image: busybox}', 'image: busybox, securityContext: {privileged: "yes"}}') },
    argv: (d) => ['pss', 'check', '--level', 'baseline', join(d, 'pod.yaml')],
    code: 2,
    stderr: /pod\.yaml:1: document 1: spec\.containers\[0\]\.securityContext\.privileged: must be a boolean, found "yes"/,
  },
  {
    name: 'psp check --cluster with --psp keeps the cluster RBAC',
    files: { 'psps.yaml': readFileSync(join(sample, 'cluster/01-podsecuritypolicies.yaml'), 'utf8') },
    argv: (d) => [
      'psp', 'check', '--pod', join(sample, 'inputs/pod.yaml'), '--cluster', sample, '--psp', join(d, 'psps.yaml'),
      '--user', 'system:serviceaccount:kube-system:x', '--group', 'system:serviceaccounts:kube-system', '--namespace', 'kube-system',
    ],
    code: 0,
    stdout: /^admitted by PodSecurityPolicy "privileged"/,
  },
  {
    name: 'psp check with a PSP given twice with different specs is refused clearly',
    files: { 'psps.yaml': readFileSync(join(sample, 'cluster/01-podsecuritypolicies.yaml'), 'utf8').replace(/privileged: true/g, 'privileged: false') },
    argv: (d) => [
      'psp', 'check', '--pod', join(sample, 'inputs/pod.yaml'), '--cluster', sample, '--psp', join(d, 'psps.yaml'),
      '--user', 'system:serviceaccount:kube-system:x', '--group', 'system:serviceaccounts:kube-system', '--namespace', 'kube-system',
    ],
    code: 2,
    stderr: /PodSecurityPolicy "privileged" is given twice with different specs/,
  },
  {
    // ValidateAppArmorProfileFormat accepts "": the PSP was left out as invalid and the pod refused with
    // "no providers available to validate pod request".
    name: 'psp check: an AppArmor list ending in a comma is a valid PSP that admits the pod',
    files: {
      'psp.yaml': `apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata:
  name: apparmor-list
  annotations: {apparmor.security.beta.kubernetes.io/allowedProfileNames: "runtime/default,"}
spec:
  seLinux: {rule: RunAsAny}
  runAsUser: {rule: RunAsAny}
  supplementalGroups: {rule: RunAsAny}
  fsGroup: {rule: RunAsAny}
  volumes: ['*']
`,
      'rbac.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: use-apparmor-list}
rules: [{apiGroups: [policy], resources: [podsecuritypolicies], verbs: [use], resourceNames: [apparmor-list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: use-apparmor-list}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: use-apparmor-list}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: 'system:authenticated'}]
`,
      'pod.yaml': POD.replace('namespace: default}', 'namespace: default, annotations: {container.apparmor.security.beta.kubernetes.io/c: runtime/default}}').replace('spec:', 'spec:\n  automountServiceAccountToken: false'),
    },
    argv: (d) => ['psp', 'check', '--pod', join(d, 'pod.yaml'), '--psp', join(d, 'psp.yaml'), '--rbac', join(d, 'rbac.yaml'), '--user', 'alice'],
    code: 0,
    stdout: /^admitted by PodSecurityPolicy "apparmor-list"/,
    notStderr: /left out/,
  },
  {
    name: 'psp check --psp without RBAC says why nothing is authorized',
    files: { 'psps.yaml': readFileSync(join(sample, 'cluster/01-podsecuritypolicies.yaml'), 'utf8') },
    argv: (d) => ['psp', 'check', '--pod', join(sample, 'inputs/pod.yaml'), '--psp', join(d, 'psps.yaml'), '--user', 'alice'],
    code: 1,
    stderr: /note: no RoleBinding or ClusterRoleBinding was given/,
  },
];

for (const c of cases) {
  test(c.name, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podgate-bad-'));
    for (const [f, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, f), text);
    const r = await runCli(c.argv(dir), c.stdin !== undefined ? { stdin: c.stdin } : {});
    assert.equal(r.code, c.code, `exit code; stderr:\n${r.stderr}`);
    if (c.stderr) assert.match(r.stderr, c.stderr);
    if (c.stdout) assert.match(r.stdout, c.stdout);
    if (c.notStderr) assert.doesNotMatch(r.stderr, c.notStderr);
    assert.doesNotMatch(r.stderr, /report this as a bug/);
  });
}

test('the issue\'s typo policy: admit --validate=ignore shows what strict prevents (the pod is allowed)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-bad-'));
  writeFileSync(join(dir, 'p.yaml'), TYPO_POLICY);
  const loose = await runCli(['admit', '--policy', join(dir, 'p.yaml'), '--request', review, '--validate=ignore']);
  assert.equal(loose.code, 0);
  assert.equal((JSON.parse(loose.stdout) as { response: { allowed: boolean } }).response.allowed, true);
  writeFileSync(join(dir, 'good.yaml'), GOOD_POLICY);
  const fixed = await runCli(['admit', '--policy', join(dir, 'good.yaml'), '--request', review]);
  assert.equal(fixed.code, 1, fixed.stderr);
  assert.equal((JSON.parse(fixed.stdout) as { response: { allowed: boolean } }).response.allowed, false);
});

test('certs twice into one folder refuses to overwrite the CA key; --force replaces it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-certs-'));
  const args = ['certs', '--service', 'podgate', '--namespace', 'podgate', '--out', dir];
  assert.equal((await runCli(args)).code, 0);
  const key = readFileSync(join(dir, 'ca.key'), 'utf8');
  const again = await runCli(args);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /certs: .*ca\.key.* already exist; pass --force/);
  assert.equal(readFileSync(join(dir, 'ca.key'), 'utf8'), key);
  assert.equal((await runCli([...args, '--force'])).code, 0);
  assert.notEqual(readFileSync(join(dir, 'ca.key'), 'utf8'), key);
  assert.ok(existsSync(join(dir, 'tls.key')));
});

// Session 5 CLI probe: secret.yaml (the serving key, base64) was world-readable (0644), and a service
// name with spaces and slashes went into the certificate's DNS names.
// Session 5 CLI probe: a FIFO named *.yaml in a --cluster folder hung the command forever.
// In a child process: the read it replaces blocks the thread, which no test timeout can interrupt.
test('a FIFO in a folder is an error naming it, not a read that never ends', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-fifo-'));
  writeFileSync(join(dir, 'pod.yaml'), POD);
  const mk = spawnSync('mkfifo', [join(dir, 'pipe.yaml')]);
  assert.equal(mk.status, 0, String(mk.stderr));
  const r = spawnSync(process.execPath, [bin, 'pss', 'check', '--level', 'restricted', dir], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, 'podgate did not finish within 30 s');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /pipe\.yaml: not a regular file \(a FIFO, socket or device\): a folder is read for its files only/);
});

test('test: a FIFO named kyverno-test.yaml in a searched folder is an error naming it, not a read that never ends', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-fifo-test-'));
  mkdirSync(join(dir, 't1'));
  assert.equal(spawnSync('mkfifo', [join(dir, 't1', 'kyverno-test.yaml')]).status, 0);
  const r = spawnSync(process.execPath, [bin, 'test', dir], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.signal, null, 'podgate did not finish within 30 s');
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /t1\/kyverno-test\.yaml: not a regular file \(a FIFO, socket or device\)/);
});

test('certs: every file holding a private key is 0600, also after --force over looser files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-certs-'));
  const args = ['certs', '--service', 'podgate', '--namespace', 'podgate', '--out', dir];
  assert.equal((await runCli(args)).code, 0);
  for (const f of ['ca.key', 'tls.key', 'secret.yaml']) chmodSync(join(dir, f), 0o644);
  assert.equal((await runCli([...args, '--force'])).code, 0);
  for (const f of ['ca.key', 'tls.key', 'secret.yaml']) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
});

const badNames: { name: string; argv: string[]; message: RegExp }[] = [
  { name: 'a service name with a space and slashes', argv: ['--service', 'a b/../c', '--namespace', 'n'], message: /--service "a b\/\.\.\/c": a Service name must be a DNS-1035 label/ },
  { name: 'a service name starting with a digit', argv: ['--service', '1web', '--namespace', 'n'], message: /DNS-1035 label/ },
  { name: 'an upper-case namespace', argv: ['--service', 'podgate', '--namespace', 'Podgate'], message: /--namespace "Podgate": a namespace must be a DNS-1123 label/ },
  { name: 'an --exclude-namespace with a space', argv: ['--service', 'podgate', '--namespace', 'podgate', '--exclude-namespace', 'x y'], message: /--exclude-namespace "x y": a namespace must be a DNS-1123 label/ },
];
for (const c of badNames) {
  test(`certs: ${c.name} is a usage error and writes nothing`, async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'podgate-certs-')), 'out');
    const r = await runCli(['certs', ...c.argv, '--out', dir]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, c.message);
    assert.ok(!existsSync(dir));
  });
}

test('Latin-1 on the real stdin is an error naming stdin (the binary)', () => {
  const r = spawnSync(process.execPath, [bin, 'pss', 'check', '--level', 'restricted', '-'], { input: Buffer.from(`${POD}# caf\xe9\n`, 'latin1'), encoding: 'utf8' });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /^error: <stdin>:6: not UTF-8 text/);
});

test('admit: an empty, a too-deep and a wrongly typed AdmissionReview are input errors (exit 2)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podgate-bad-'));
  writeFileSync(join(dir, 'p.yaml'), GOOD_POLICY);
  const run = (request: string) => {
    writeFileSync(join(dir, 'r.json'), request);
    return runCli(['admit', '--policy', join(dir, 'p.yaml'), '--request', join(dir, 'r.json')]);
  };
  const empty = await run('');
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /^error: no objects found in .*r\.json\n$/);
  const deep = await run(`{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
  assert.equal(deep.code, 2);
  assert.match(deep.stderr, /r\.json: nesting (deeper than 1000 levels|too deep)/);
  const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', operation: 'CREATE', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: 'default', userInfo: { username: 'ray' }, object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: null }, spec: { hostNetwork: 'true', containers: [{ name: 'c', image: 'busybox' }] } } } };
  const typed = await run(JSON.stringify(review));
  assert.equal(typed.code, 2);
  assert.match(typed.stderr, /r\.json: request\.object\.spec\.hostNetwork: must be a boolean, found "true"/);
});
