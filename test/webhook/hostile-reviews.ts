// Pathological AdmissionReviews of issue 13 point 3, as bodies the API server could send: a 1.4 MB
// pod with 20,000 volumeMounts, 60,000 ports, a 2.9 MB label value, and a 3 MiB pod.
export const HOSTILE_POLICIES = new URL('./testdata/hostile-policies.yaml', import.meta.url).pathname;

/** A Pod CREATE review (uid first, as the API server writes it). */
export function podReviewBody(uid: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): string {
  return JSON.stringify({
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'team-a',
      name: uid,
      operation: 'CREATE',
      userInfo: { username: 'mallory', groups: ['system:authenticated'] },
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: uid, namespace: 'team-a', labels }, spec },
    },
  });
}

/** A pod every hostile policy admits quickly. */
export const goodPod = (uid: string) =>
  podReviewBody(uid, { containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'v', mountPath: '/v' }], ports: [{ containerPort: 80 }] }], volumes: [{ name: 'v', emptyDir: {} }] }, { tier: `${'a'.repeat(120)}b` });

/** 20,000 volumeMounts (~1.4 MB) against the nested foreach + AnyNotIn rule. */
export const mountsPod = (uid: string) =>
  podReviewBody(uid, { containers: [{ name: 'c', image: 'nginx', volumeMounts: Array.from({ length: 20_000 }, (_, i) => ({ name: `volume-${i}`, mountPath: `/var/lib/app/data/${i}`, readOnly: true })) }] });

/** 60,000 ports against AnyIn. */
export const portsPod = (uid: string) =>
  podReviewBody(uid, { containers: [{ name: 'c', image: 'nginx', ports: Array.from({ length: 60_000 }, (_, i) => ({ containerPort: (i % 65535) + 1, hostPort: 70_000 + i })) }] });

/** A 2.9 MB label value against the `*aaa…b` wildcard. */
export const labelPod = (uid: string) => podReviewBody(uid, { containers: [{ name: 'c', image: 'nginx' }] }, { tier: 'a'.repeat(2_900_000) });

/** A 2.9 MB label value against the `?`-heavy wildcard: seconds of work in any linear-space matcher. */
export const slowLabelPod = (uid: string) => podReviewBody(uid, { containers: [{ name: 'c', image: 'nginx' }] }, { zone: 'a'.repeat(2_900_000), tier: `${'a'.repeat(120)}b` });

/** A pod of about `mib` MiB (many environment variables), within the 3 MiB body cap. */
export const bigPod = (uid: string, mib = 2.85) => {
  const env: { name: string; value: string }[] = [];
  const target = Math.floor(mib * 1024 * 1024);
  let size = 600;
  for (let i = 0; size < target; i++) {
    const e = { name: `VAR_${i}`, value: 'x'.repeat(200) };
    env.push(e);
    size += 230 + String(i).length;
  }
  return podReviewBody(uid, { containers: [{ name: 'c', image: 'nginx', env }] }, { tier: `${'a'.repeat(120)}b` });
};
