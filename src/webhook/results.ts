// The slice of the engine's PolicyResult the admission decision reads, declared structurally so
// the decision layer can be built and tested apart from src/kyverno (whose PolicyResult fits it).
// Mirrors kyverno@v1.10.7:pkg/engine/api/engineresponse.go (EngineResponse, RuleResponse).

/** A rule status, as the engine reports it. */
export type RuleStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

/** One rule's verdict. */
export interface RuleVerdict {
  policy: string;
  rule: string;
  status: RuleStatus;
  message: string;
}

/** One policy's verdict on one resource. */
export interface PolicyVerdict {
  policy: { name: string; namespace?: string };
  resource: { kind: string; apiVersion: string; namespace?: string; name: string };
  rules: readonly RuleVerdict[];
  action: 'Audit' | 'Enforce';
  failurePolicy: 'Fail' | 'Ignore';
}

/** `ns/name` for a namespaced Policy, `name` for a ClusterPolicy: the key reports and overrides use. */
export function policyKey(p: { name: string; namespace?: string }): string {
  return p.namespace ? `${p.namespace}/${p.name}` : p.name;
}
