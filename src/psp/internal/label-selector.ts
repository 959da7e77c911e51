// metav1.LabelSelector matching (matchLabels + matchExpressions), used to expand aggregated
// ClusterRoles. Mirrors k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector):
// an empty selector matches everything, an unknown operator matches nothing.
import { isObject } from '../../util/index.js';

/** True when labels satisfy the selector (a JSON LabelSelector). */
export function matchesLabelSelector(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  const ml = selector.matchLabels;
  if (isObject(ml)) {
    for (const [k, v] of Object.entries(ml)) {
      if (labels[k] !== v) return false;
    }
  }
  const exprs = selector.matchExpressions;
  if (Array.isArray(exprs)) {
    for (const e of exprs) {
      if (!isObject(e) || typeof e.key !== 'string') return false;
      const values = Array.isArray(e.values) ? e.values.filter((x): x is string => typeof x === 'string') : [];
      const has = Object.hasOwn(labels, e.key);
      const value = labels[e.key];
      switch (e.operator) {
        case 'In':
          if (!has || !values.includes(value ?? '')) return false;
          break;
        case 'NotIn':
          if (has && values.includes(value ?? '')) return false;
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
  }
  return true;
}
