// Kyverno 1.10.7 texts on the user's paths (`podgate admit`, `podgate apply`) where podgate's output
// differed from what the Go code prints. Each test names the upstream code it follows.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-kyverno-texts-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};

/** An AdmissionReview (JSON) creating the object. */
function review(object: Record<string, unknown>): string {
  const md = object.metadata as { name: string; namespace?: string };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      name: md.name,
      namespace: md.namespace,
      operation: 'CREATE',
      userInfo: { username: 'alice', groups: ['system:authenticated'] },
      object,
    },
  });
}

interface AppliedRule {
  rule: string;
  status: string;
  message: string;
}

/** `podgate apply POLICY --resource RESOURCE -o json [args]`: the exit code, stderr and every rule result. */
async function applyRules(policy: string, resource: string, ...args: string[]): Promise<{ code: number; stderr: string; rules: AppliedRule[] }> {
  const r = await runCli(['apply', policy, '--resource', resource, '-o', 'json', ...args]);
  // No output (an error before any result) gives no rules; the caller's code and stderr checks say why.
  const out = r.stdout.trim() === '' ? { results: [] } : (JSON.parse(r.stdout) as { results: { rules: AppliedRule[] }[] });
  return { code: r.code, stderr: r.stderr, rules: out.results.flatMap((x) => x.rules) };
}

interface Reply {
  response: { allowed: boolean; status?: { message: string } };
}

describe('the denial body (yaml.v2 v2.4.0, pkg/webhooks/utils/block.go)', () => {
  test('a message with U+2028 is single-quoted and the text after the break is indented (write_break, write_indent)', async () => {
    // emitterc.go yaml_emitter_write_single_quoted_scalar: a line break (U+2028 is printable, so single
    // quotes are allowed) is copied by write_break, which sets the column to 0; the next character
    // first writes the indentation of the value (4 at the rule level).
    const policy = write(
      'note-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-notes}
spec:
  validationFailureAction: Enforce
  rules:
  - name: no-note
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "note {{ request.object.metadata.annotations.note }}"
      deny: {}
`,
    );
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1', annotations: { note: 'first\u2028second' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const r = await runCli(['admit', '--policy', policy, '--request', '-'], { stdin: review(pod) });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Reply;
    assert.equal(
      out.response.status?.message,
      '\n\nresource Pod/ns1/p was blocked due to the following policies \n\nno-notes:\n  no-note: \'note first\u2028    second\'\n',
    );
  });
});

describe('foreach (pkg/engine/handlers/validation/validate_resource.go, pkg/engine/utils/foreach.go)', () => {
  test('elementScope: true over numbers names the element type float64, as after DocumentToUntyped', async () => {
    // AddElementToContext runs the element through jsonutils.DocumentToUntyped (json.Marshal, then
    // json.Unmarshal into interface{}), so a whole number is a float64 when its %T is printed.
    const policy = write(
      'ports-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ports}
spec:
  validationFailureAction: Enforce
  rules:
  - name: port-maps
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      foreach:
      - list: "request.object.spec.containers[].ports[].containerPort"
        elementScope: true
        pattern:
          x: 1
`,
    );
    const pod = write(
      'ports-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  containers:
  - name: c
    image: nginx
    ports: [{containerPort: 8080}]
`,
    );
    const r = await applyRules(policy, pod);
    assert.equal(r.code, 1, r.stderr);
    const rule = r.rules.find((x) => x.rule === 'port-maps');
    assert.deepEqual(rule && { status: rule.status, message: rule.message }, {
      status: 'error',
      message: 'failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=float64',
    });
  });
});

describe('validationFailureActionOverrides (pkg/engine/api/engineresponse.go GetValidationFailureAction)', () => {
  test('apply --audit-warn: an override with namespaces: [] never matches, even when its namespaceSelector does', async () => {
    // Only an entry whose Namespaces is nil is matched by its namespaceSelector alone; an empty list is
    // ranged over (no namespace matches) and the policy's own action applies: Enforce, a failure.
    const policy = write(
      'override-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-host-network}
spec:
  validationFailureAction: Enforce
  validationFailureActionOverrides:
  - action: Audit
    namespaces: []
    namespaceSelector:
      matchLabels: {team: a}
  rules:
  - name: host-network
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "no hostNetwork"
      pattern:
        spec:
          =(hostNetwork): false
`,
    );
    const pod = write(
      'override-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  hostNetwork: true
  containers:
  - name: c
    image: nginx
`,
    );
    const labels = write('override-labels.yaml', 'ns1: {team: a}\n');
    const r = await runCli(['apply', policy, '--resource', pod, '--namespace-labels', labels, '--audit-warn', '-o', 'json']);
    const out = JSON.parse(r.stdout) as { summary: { fail: number; warn: number } };
    assert.deepEqual({ fail: out.summary.fail, warn: out.summary.warn }, { fail: 1, warn: 0 });
    assert.equal(r.code, 1, r.stderr);
  });
});

describe('variables (pkg/engine/variables/vars.go substituteVarInPattern, go-jmespath to_string)', () => {
  test('a map spliced into a message is written as json.Marshal writes it: keys sorted, <, > and & escaped', async () => {
    // substituteVarInPattern marshals a non-string value with encoding/json (map keys sorted, HTML-safe
    // escaping); go-jmespath's to_string does the same.
    const policy = write(
      'annotations-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-annotations}
spec:
  validationFailureAction: Enforce
  rules:
  - name: none
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "annotations {{ request.object.metadata.annotations }} / {{ to_string(request.object.metadata.annotations) }}"
      deny: {}
`,
    );
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1', annotations: { zeta: 'a<b&c>', alpha: '1' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const r = await runCli(['admit', '--policy', policy, '--request', '-'], { stdin: review(pod) });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Reply;
    const json = '{"alpha":"1","zeta":"a\\u003cb\\u0026c\\u003e"}';
    assert.equal(out.response.status?.message, `\n\nresource Pod/ns1/p was blocked due to the following policies \n\nno-annotations:\n  none: annotations ${json} / ${json}\n`);
  });
});

describe('the images variable (pkg/utils/api/image.go, pkg/utils/image/infos.go, context AddImageInfos)', () => {
  const policy = () =>
    write(
      'digest-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-digest}
spec:
  validationFailureAction: Enforce
  rules:
  - name: check-image-digest
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "images must use a digest"
      deny:
        conditions:
          any:
          - key: "{{ images.containers.*.digest }}"
            operator: AnyNotIn
            value: ["?*"]
  - name: tag-is-absent
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "tag {{ images.containers.pinned.tag }}"
      deny: {}
  - name: pointer
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "{{ images.containers.pinned.jsonPointer }}"
      deny: {}
`,
    );
  const pod = () =>
    write(
      'digest-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  containers:
  - {name: web, image: "nginx:1.25"}
  - {name: pinned, image: "ghcr.io/org/app@sha256:0123456789012345678901234567890123456789012345678901234567890123"}
`,
    );

  test('an image without a digest has no digest key (omitempty), so *.digest leaves it out; jsonPointer names the field', async () => {
    // ImageInfo's Tag and Digest are `json:",omitempty"` and the context holds the marshalled value, so the
    // projection over one digest-less and one pinned image is one digest: AnyNotIn ["?*"] is false (pass).
    // The entry carries apiutils.ImageInfo's jsonPointer; a digest-only image has no tag (a missing key).
    const r = await applyRules(policy(), pod());
    const rules = Object.fromEntries(r.rules.map((x) => [x.rule, { status: x.status, message: x.message }]));
    assert.deepEqual(rules['check-image-digest'], { status: 'pass', message: "validation rule 'check-image-digest' passed." });
    assert.deepEqual(rules['tag-is-absent'], { status: 'fail', message: 'tag {{ images.containers.pinned.tag }}' });
    assert.deepEqual(rules.pointer, { status: 'fail', message: '/spec/containers/1/image' });
  });
});

// Verifier probe: the images rework kept `reference` and `referenceWithTag` in every entry, fields Kyverno
// added with kyverno PR #9147 (in 1.11.2). v1.10.7's ImageInfo (pkg/utils/image/infos.go) marshals registry,
// name, path, tag and digest only, so a 1.10 policy reading them sees a missing key: podgate denied (a
// registry check over `*.reference`) where Kyverno 1.10.7 has nothing to compare.
describe('images entries without reference fields in 1.10 (kyverno PR #9147 came with 1.11.2)', () => {
  const policy = () =>
    write(
      'reference-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: image-reference}
spec:
  validationFailureAction: Enforce
  rules:
  - name: show
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "{{ images.containers.web.reference || 'none' }} {{ images.containers.web.referenceWithTag || 'none' }} {{ images.containers.web.registry }}"
      deny: {}
`,
    );
  const pod = () => write('reference-pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns1}\nspec:\n  containers:\n  - {name: web, image: "nginx:1.25"}\n');
  for (const [version, message] of [
    ['1.10', 'none none docker.io'],
    ['1.12', 'docker.io/nginx:1.25 docker.io/nginx:1.25 docker.io'],
  ] as const) {
    test(`kyverno ${version}: ${message}`, async () => {
      const r = await applyRules(policy(), pod(), '--kyverno-version', version);
      assert.equal(r.rules.find((x) => x.rule === 'show')?.message, message);
    });
  }
});

describe('skipped rules in the denial body (pkg/webhooks/utils/block.go GetBlockedMessages)', () => {
  test('1.10 lists a skipped rule of the blocking policy; 1.12 leaves it out (kyverno PR #9719)', async () => {
    const policy = write(
      'skip-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: host-network}
spec:
  validationFailureAction: Enforce
  rules:
  - name: only-labelled
    match: {any: [{resources: {kinds: [Pod]}}]}
    preconditions:
      all:
      - key: "{{ request.object.metadata.labels.app || '' }}"
        operator: Equals
        value: web
    validate:
      message: "web pods only"
      deny: {}
  - name: no-host-network
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "no hostNetwork"
      pattern:
        spec:
          =(hostNetwork): false
`,
    );
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1' }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx' }] } };
    const header = '\n\nresource Pod/ns1/p was blocked due to the following policies \n\nhost-network:\n';
    const fail = "  no-host-network: 'validation error: no hostNetwork. rule no-host-network failed\n    at path /spec/hostNetwork/'\n";
    const denial = async (v: string) => {
      const r = await runCli(['admit', '--policy', policy, '--request', '-', '--kyverno-version', v], { stdin: review(pod) });
      assert.equal(r.code, 1, r.stderr);
      return (JSON.parse(r.stdout) as Reply).response.status?.message;
    };
    assert.equal(await denial('1.10'), `${header}${fail}  only-labelled: preconditions not met\n`);
    assert.equal(await denial('1.12'), `${header}${fail}`);
  });
});

describe('the admission request in the JSON context (pkg/engine/context/context.go AddRequest)', () => {
  test('request.name, request.kind, request.resource and request.uid are those of the AdmissionRequest', async () => {
    // The webhook's policy context marshals the whole AdmissionRequest under `request`, so its own fields
    // resolve; podgate had only object, oldObject, operation, namespace and the user info.
    const policy = write(
      'request-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: request-fields}
spec:
  validationFailureAction: Enforce
  rules:
  - name: fields
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "{{ request.kind.kind }} {{ request.name }} as {{ request.resource.resource }} in request {{ request.uid }}"
      deny: {}
`,
    );
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns1' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const r = await runCli(['admit', '--policy', policy, '--request', '-'], { stdin: review(pod) });
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as Reply;
    assert.equal(out.response.status?.message, '\n\nresource Pod/ns1/p was blocked due to the following policies \n\nrequest-fields:\n  fields: Pod p as pods in request u1\n');
  });
});

describe('foreach patterns see float64 numbers (pkg/engine/utils/foreach.go, pkg/engine/pattern/pattern.go)', () => {
  test('"!8080" passes on a foreach element under 1.10 (the string comparison sees 8.08E+03), fails on the pod itself', async () => {
    // The element went through DocumentToUntyped, so containerPort is a float64: convertNumberToString gives
    // "8080.000000" (an equal quantity, so != is false) and compareString gives "8.08E+03" (not "8080", so
    // != is true); 1.10 OR-s the three comparisons. On the pod itself the port is an int64 ("8080").
    const policy = write(
      'float-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: ports}
spec:
  validationFailureAction: Enforce
  rules:
  - name: each-container
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "port 8080 is reserved"
      foreach:
      - list: "request.object.spec.containers"
        pattern:
          =(ports):
          - =(containerPort): "!8080"
  - name: whole-pod
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "port 8080 is reserved"
      pattern:
        spec:
          containers:
          - =(ports):
            - =(containerPort): "!8080"
`,
    );
    const pod = write(
      'float-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  containers:
  - name: c
    image: nginx
    ports: [{containerPort: 8080}]
`,
    );
    const statuses = async (v: string) => {
      const r = await applyRules(policy, pod, '--kyverno-version', v);
      return Object.fromEntries(r.rules.map((x) => [x.rule, x.status]));
    };
    assert.deepEqual(await statuses('1.10'), { 'each-container': 'pass', 'whole-pod': 'fail' });
    // 1.12 stops at the quantity comparison, which parses: equal, so != fails in both.
    assert.deepEqual(await statuses('1.12'), { 'each-container': 'fail', 'whole-pod': 'fail' });
  });
});

describe('numbers of patterns and conditions are float64s (pkg/engine/pattern/pattern.go, variables/operator/equal.go)', () => {
  test('a whole-number pattern or condition key equals a string that parses as that float ("30.0")', async () => {
    // The policy's JSON is decoded into interface{}, so `30` is a float64: validateFloatPattern and
    // validateValueWithFloatPattern compare a string with strconv.ParseFloat, which reads "30.0" as 30.
    const policy = write(
      'float-pattern-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: grace}
spec:
  validationFailureAction: Enforce
  rules:
  - name: annotation-pattern
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "grace must be 30"
      pattern:
        metadata:
          annotations:
            grace: 30
  - name: condition-key
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "grace is 30"
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.terminationGracePeriodSeconds }}"
            operator: Equals
            value: "30.0"
`,
    );
    const pod = write(
      'float-pattern-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1, annotations: {grace: "30.0"}}
spec:
  terminationGracePeriodSeconds: 30
  containers:
  - {name: c, image: nginx}
`,
    );
    const r = await applyRules(policy, pod);
    assert.deepEqual(Object.fromEntries(r.rules.map((x) => [x.rule, x.status])), { 'annotation-pattern': 'pass', 'condition-key': 'fail' });
  });
});

describe('AnyIn and friends print numbers as fmt.Sprint prints a float64 (variables/operator/anyin.go)', () => {
  test('runAsUser 1000000 is "1e+06" to AnyIn, so it is not in ["1000000"]', async () => {
    // The key comes from the JSON context (a float64); anyin.go compares fmt.Sprint(key), "1e+06", with
    // each value by wildcard, both ways: "1000000" matches neither way.
    const policy = write(
      'sprint-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: uids}
spec:
  validationFailureAction: Enforce
  rules:
  - name: reserved-uid
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "uid 1000000 is reserved"
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.securityContext.runAsUser }}"
            operator: AnyIn
            value: ["1000000"]
`,
    );
    const pod = write(
      'sprint-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  securityContext: {runAsUser: 1000000}
  containers:
  - {name: c, image: nginx}
`,
    );
    const r = await applyRules(policy, pod);
    assert.deepEqual(Object.fromEntries(r.rules.map((x) => [x.rule, x.status])), { 'reserved-uid': 'pass' });
  });
});

describe('pattern values in messages (pkg/engine/validate/validate.go validateResourceElement)', () => {
  test('a numeric pattern prints as the float64 it is: 2000000 is 2e+06 in the skip message', async () => {
    // "resource value '%v' does not match '%v'": the resource's runAsUser is an int64 (1000000), the
    // pattern's 2000000 a float64, which %v prints in exponent form.
    const policy = write(
      'skip-message-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: big-uid}
spec:
  validationFailureAction: Enforce
  rules:
  - name: only-uid-2000000
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "m"
      pattern:
        spec:
          securityContext:
            (runAsUser): 2000000
          hostNetwork: false
`,
    );
    const pod = write(
      'skip-message-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  securityContext: {runAsUser: 1000000}
  containers:
  - {name: c, image: nginx}
`,
    );
    const r = await runCli(['apply', policy, '--resource', pod, '-o', 'json']);
    const out = JSON.parse(r.stdout) as { results: { rules: { status: string; message: string }[] }[] };
    assert.deepEqual(out.results[0]?.rules.map((x) => ({ status: x.status, message: x.message })), [
      { status: 'skip', message: "conditional anchor mismatch: resource value '1000000' does not match '2e+06' at path /spec/securityContext/runAsUser/" },
    ]);
  });
});

describe('nested foreach: element (pkg/engine/context/context.go AddElement, addJSON)', () => {
  test("an inner map element is merged onto the outer loop's element: element.name is the container's", async () => {
    // AddElement merges {element: …} into the JSON context with MergeMergePatches, so a port (no name)
    // merged onto its container keeps the container's name; element1 alone is the port.
    const policy = write(
      'nested-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: nested-merge}
spec:
  validationFailureAction: Enforce
  rules:
  - name: ports
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "{{ element.name }} exposes {{ element.containerPort }}"
      foreach:
      - list: "request.object.spec.containers"
        foreach:
        - list: "element.ports"
          deny:
            conditions:
              any:
              - key: "{{ element.containerPort }}"
                operator: Equals
                value: 80
`,
    );
    const pod = write(
      'nested-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  containers:
  - name: a
    image: nginx
    ports: [{containerPort: 8080}]
  - name: b
    image: nginx
    ports: [{containerPort: 9090}, {containerPort: 80}]
`,
    );
    const r = await runCli(['apply', policy, '--resource', pod, '-o', 'json']);
    const out = JSON.parse(r.stdout) as { results: { rules: { status: string; message: string }[] }[] };
    assert.deepEqual(out.results[0]?.rules.map((x) => ({ status: x.status, message: x.message })), [{ status: 'fail', message: 'validation failure: validation failure: b exposes 80' }]);
  });
});

describe('$() references (pkg/engine/variables/vars.go resolveReference, formAbsolutePath)', () => {
  // The example of Kyverno's documentation: a reference is relative to the path of the value holding it,
  // and an operator in front of the path stays in front of the value. podgate resolved it from one level
  // higher and dropped the operator, so a pod within its limits failed with the limit as an exact value.
  const policy = () =>
    write(
      'ref-policy.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: requests-within-limits}
spec:
  validationFailureAction: Enforce
  rules:
  - name: memory
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: requests must not exceed limits
      pattern:
        spec:
          containers:
          - name: "*"
            resources:
              requests: {memory: "$(<=./../../limits/memory)"}
              limits: {memory: "2048Mi"}
`,
    );
  const pod = (request: string) =>
    write(
      `ref-pod-${request}.yaml`,
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  containers:
  - name: c
    image: nginx
    resources: {requests: {memory: ${request}}, limits: {memory: 2048Mi}}
`,
    );
  for (const [request, status, message] of [
    ['1024Mi', 'pass', "validation rule 'memory' passed."],
    ['4096Mi', 'fail', 'validation error: requests must not exceed limits. rule memory failed at path /spec/containers/0/resources/requests/memory/'],
  ] as const) {
    test(`a request of ${request} against "$(<=./../../limits/memory)" and a 2048Mi limit: ${status}`, async () => {
      const r = await applyRules(policy(), pod(request));
      const rule = r.rules.find((x) => x.rule === 'memory');
      assert.deepEqual(rule && { status: rule.status, message: rule.message }, { status, message }, r.stderr);
    });
  }
});

describe('mutate foreach order and a mutation that removes metadata (pkg/engine/mutate, unstructured GetName)', () => {
  const pod = () =>
    write(
      'order-pod.yaml',
      `apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns1}
spec:
  containers: [{name: a, image: nginx}, {name: b, image: nginx}]
`,
    );
  const orderPolicy = (order: string) =>
    write(
      `order-${order || 'none'}.yaml`,
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: order}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      foreach:
      - list: request.object.spec.containers
${order ? `        order: ${order}\n` : ''}        patchStrategicMerge:
          spec:
            containers:
            - (name): "{{ element.name }}"
              image: replaced
`,
    );
  // A strategic-merge foreach runs over the elements in reverse unless `order` says otherwise (kyverno PR
  // #7336, in 1.10 through #7558; Test_patchStrategicMerge_ascending): the patched elements come first, in the
  // order they were patched.
  for (const [order, names] of [
    ['', ['a', 'b']],
    ['Descending', ['a', 'b']],
    ['Ascending', ['b', 'a']],
  ] as const) {
    test(`a patchStrategicMerge foreach with order ${order || '(none)'} gives containers ${names.join(', ')}`, async () => {
      const r = await runCli(['apply', orderPolicy(order), '--resource', pod(), '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { mutated: { resource: { spec: { containers: { name: string; image: string }[] } } }[] };
      const containers = out.mutated[0]?.resource.spec.containers ?? [];
      assert.deepEqual(containers.map((c) => [c.name, c.image]), names.map((n) => [n, 'replaced']));
    });
  }

  test('a mutation that removes metadata is applied (the name reads ""), not an internal error', async () => {
    const policy = write(
      'md-null.yaml',
      `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: md-null}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge:
        metadata: null
`,
    );
    const r = await applyRules(policy, pod());
    assert.doesNotMatch(r.stderr, /internal error/);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.rules.map((x) => [x.status, x.message]), [['pass', 'mutated Pod/']]);
  });
});
