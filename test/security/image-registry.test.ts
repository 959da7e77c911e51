// Image references as Kyverno 1.10.7 reads them into the `images` variable (pkg/utils/image/infos.go,
// GetImageInfo and addDefaultRegistry): the first path component is the registry when it holds a `.` or a
// `:`, is `localhost`, or is not all lower-case. `Registry/nginx` is pulled from the host `Registry` by the
// container runtime (the same rule in distribution's splitDockerDomain), and Kyverno names that registry,
// so a registry allow-list denies it; podgate read it as docker.io and admitted it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'podgate-image-'));
const policy = join(dir, 'allowed-registries.yaml');
writeFileSync(
  policy,
  `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: allowed-registries
spec:
  validationFailureAction: Enforce
  background: false
  rules:
    - name: registries
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: images must come from docker.io or ghcr.io
        deny:
          conditions:
            any:
              - key: "{{ images.containers.*.registry }}"
                operator: AnyNotIn
                value: [docker.io, ghcr.io]
`,
);

function review(image: string): string {
  const f = join(dir, `review-${Math.random().toString(36).slice(2)}.json`);
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image }] } };
  const request = { uid: 'img-1', kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, namespace: 'team-a', operation: 'CREATE', userInfo: { username: 'mallory' }, object: pod };
  writeFileSync(f, JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }));
  return f;
}

const cases: { image: string; allowed: boolean }[] = [
  { image: 'nginx', allowed: true },
  { image: 'library/nginx:1.25', allowed: true },
  { image: 'ghcr.io/org/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', allowed: true },
  { image: 'registry.evil/nginx', allowed: false },
  // An upper-case first component is a host name, not a docker.io repository.
  { image: 'Registry/nginx', allowed: false },
  { image: 'LOCALHOST/x:1', allowed: false },
  { image: 'eVil/team/app:v1', allowed: false },
];

for (const c of cases) {
  test(`admit --policy: a registry allow-list ${c.allowed ? 'admits' : 'denies'} ${c.image}`, async () => {
    const r = await runCli(['-o', 'json', 'admit', '--policy', policy, '--request', review(c.image)]);
    const response = (JSON.parse(r.stdout) as { response: { allowed: boolean; status?: { message: string } } }).response;
    assert.equal(response.allowed, c.allowed, response.status?.message);
    assert.equal(r.code, c.allowed ? 0 : 1);
    if (!c.allowed) assert.match(response.status?.message ?? '', /registries: images must come from docker\.io or ghcr\.io/);
  });
}
