// Kubernetes label selectors (matchLabels + matchExpressions) over a label map, used for the
// namespaceSelector of validationFailureActionOverrides.
// Mirrors k8s.io/apimachinery@v0.27:pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector).
/** A metav1.LabelSelector as JSON. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: readonly { key: string; operator: string; values?: readonly string[] }[];
}

/**
 * True when the labels satisfy the selector. A missing selector matches nothing and an empty one
 * matches everything, as in LabelSelectorAsSelector; an unknown operator matches nothing.
 */
export function matchesLabelSelector(selector: LabelSelector | undefined | null, labels: Readonly<Record<string, string>>): boolean {
  if (selector === null || typeof selector !== 'object') return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key]!)) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
