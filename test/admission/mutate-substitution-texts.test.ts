// The texts and values of `{{ }}` substitution in mutate rules on `podgate apply`, as Kyverno 1.10.7 gives
// them. Mirrors kyverno@v1.10.7:
// - pkg/engine/mutate/mutation.go: Mutate substitutes the whole rule (variables.SubstituteAllInRule), so a
//   patch's document path starts at `/mutate`; ForEach substitutes the foreach declaration alone
//   (substituteAllInForEach), so its path starts at `/patchStrategicMerge` or `/patchesJson6902`. Both wrap
//   the failure as `variable substitution failed: <err>` (NewErrorResponse).
// - pkg/engine/variables/vars.go substituteVariablesIfAny: `failed to resolve <var> at path <path>: <err>`;
//   `{{@}}` is the document path past any `foreach`, without its first two parts, read under `target` when
//   the context has one, else under `request.object` (jsonpointer SkipPast("foreach").SkipN(2)).
// - pkg/engine/jsonutils/traverse.go: the path is `/`-joined keys and list indices.
// - pkg/engine/handlers/mutation/common.go mutateForEach: `failed to mutate elements` (podgate keeps the
//   element's error after it: docs/compatibility.md, "failed to mutate elements").
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-mutate-subst-'));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const pod = write(
  'pod.yaml',
  `apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: ns1
  labels: {app: web}
spec:
  containers:
  - name: c
    image: nginx:1.25
`,
);

/** A ClusterPolicy with one mutate rule `r` whose `mutate` block is `mutate` (YAML, indented 6). */
function policy(name: string, mutate: string): string {
  return write(
    `${name}.yaml`,
    `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: m}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
${mutate}`,
  );
}

interface Applied {
  results: { rules: { rule: string; status: string; message: string }[] }[];
  mutated: { resource: { metadata: Record<string, unknown>; spec: { containers: { image: string }[] } } }[];
}

async function apply(policyFile: string): Promise<Applied> {
  const r = await runCli(['apply', policyFile, '--resource', pod, '-o', 'json']);
  assert.notEqual(r.stdout.trim(), '', r.stderr);
  return JSON.parse(r.stdout) as Applied;
}

/** The error for `{{ request.object.metadata.labels.missing }}` at a document path. */
const missing = (at: string) => `failed to resolve request.object.metadata.labels.missing at path ${at}: JMESPath query failed: Unknown key "missing" in path`;

const errors: { name: string; mutate: string; message: string }[] = [
  {
    name: 'patchStrategicMerge: the path starts at /mutate (the whole rule is substituted)',
    mutate: `      patchStrategicMerge:
        metadata:
          labels:
            copy: "{{ request.object.metadata.labels.missing }}"
`,
    message: `variable substitution failed: ${missing('/mutate/patchStrategicMerge/metadata/labels/copy')}`,
  },
  {
    name: 'patchesJson6902: the path is the patch string, under /mutate',
    mutate: `      patchesJson6902: |-
        - op: add
          path: /metadata/labels/copy
          value: "{{ request.object.metadata.labels.missing }}"
`,
    message: `variable substitution failed: ${missing('/mutate/patchesJson6902')}`,
  },
  {
    name: 'foreach patchStrategicMerge: the path starts at the declaration',
    mutate: `      foreach:
      - list: request.object.spec.containers
        patchStrategicMerge:
          metadata:
            labels:
              copy: "{{ request.object.metadata.labels.missing }}"
`,
    message: `failed to mutate elements: variable substitution failed: ${missing('/patchStrategicMerge/metadata/labels/copy')}`,
  },
  {
    name: 'foreach patchesJson6902: the path is the declaration’s patch string',
    mutate: `      foreach:
      - list: request.object.spec.containers
        patchesJson6902: |-
          - op: add
            path: /metadata/labels/copy
            value: "{{ request.object.metadata.labels.missing }}"
`,
    message: `failed to mutate elements: variable substitution failed: ${missing('/patchesJson6902')}`,
  },
  {
    name: 'nested foreach patchStrategicMerge: the path starts at the innermost declaration',
    mutate: `      foreach:
      - list: request.object.spec.containers
        foreach:
        - list: "['x']"
          patchStrategicMerge:
            metadata:
              labels:
                copy: "{{ request.object.metadata.labels.missing }}"
`,
    message: `failed to mutate elements: failed to mutate elements: variable substitution failed: ${missing('/patchStrategicMerge/metadata/labels/copy')}`,
  },
  {
    // The declaration's document has no `foreach` in its path, so the cut drops `patchStrategicMerge` and
    // `spec`: `@` reads request.object.containers[0].image (not the element, not spec.containers).
    name: 'foreach patchStrategicMerge {{@}}: the first two parts of the declaration path are dropped',
    mutate: `      foreach:
      - list: request.object.spec.containers
        patchStrategicMerge:
          spec:
            containers:
            - name: "{{ element.name }}"
              image: "mirror.io/{{@}}"
`,
    message:
      'failed to mutate elements: variable substitution failed: failed to resolve request.object.containers[0].image at path /patchStrategicMerge/spec/containers/0/image: JMESPath query failed: Unknown key "containers" in path',
  },
];

describe('mutate substitution failures (kyverno@v1.10.7 mutation.go, vars.go)', () => {
  for (const c of errors) {
    test(c.name, async () => {
      const out = await apply(policy(c.name.replace(/[^a-z0-9]+/gi, '-'), c.mutate));
      const rules = out.results.flatMap((r) => r.rules);
      assert.deepEqual(rules, [{ policy: 'm', rule: 'r', ruleType: 'mutate', status: 'error', message: c.message }] as unknown as typeof rules);
    });
  }
});

describe('{{@}} outside foreach (kyverno@v1.10.7 vars.go: /mutate/<patch>/… without its first two parts)', () => {
  test('patchStrategicMerge: the value at the same path of request.object', async () => {
    const out = await apply(
      policy(
        'self-psm',
        `      patchStrategicMerge:
        spec:
          containers:
          - (name): "*"
            image: "mirror.io/{{@}}"
`,
      ),
    );
    assert.equal(out.results[0]?.rules[0]?.status, 'pass');
    assert.equal(out.mutated[0]?.resource.spec.containers[0]?.image, 'mirror.io/nginx:1.25');
  });

  test('patchesJson6902: the path /mutate/patchesJson6902 has two parts, so @ is request.object itself', async () => {
    const out = await apply(
      policy(
        'self-json',
        `      patchesJson6902: |-
        - op: add
          path: /metadata/annotations
          value: {"kind": {{@}}}
`,
      ),
    );
    assert.equal(out.results[0]?.rules[0]?.status, 'pass');
    const annotations = out.mutated[0]?.resource.metadata.annotations as { kind?: { kind: string; metadata: { name: string } } } | undefined;
    assert.deepEqual([annotations?.kind?.kind, annotations?.kind?.metadata.name], ['Pod', 'p']);
  });
});
