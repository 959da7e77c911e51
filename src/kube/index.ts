// Public surface of kube/: JSON Kubernetes objects, parsing with positions, field paths,
// pod-spec views, cluster snapshots and AdmissionReview shapes.
export type { AdmissionRequest, AdmissionResponse, AdmissionReview, UserInfo } from './admission.js';
export type { FieldError, FieldErrorType } from './field-path.js';
export { dns1123SubdomainErrors, FieldPath, formatFieldError, goValue } from './field-path.js';
export type { KubeObject, LoadedObject, ObjectMeta, Source } from './object.js';
export { formatSource, objectKey, splitApiVersion } from './object.js';
export type { InputError, ParseOptions, ParseResult } from './parse.js';
export { formatInputError, lineAt, parseObjects } from './parse.js';
export { cutEndError } from './cut-end.js';
export { checkDepth, checkObjectTypes, jsonDuplicateKey, MAX_DEPTH, normaliseObject } from './input-checks.js';
export { builtinKind, requestMatchKind } from './resources.js';
export type { ContainerRef, PodBearingKind, PodView } from './pod-spec.js';
export { allContainers, CONTAINER_FIELDS, isPodBearingKind, POD_CONTROLLER_KINDS, podView } from './pod-spec.js';
export type { ClusterSnapshot, NamespaceInfo } from './snapshot.js';
export { allObjects, buildSnapshot, namespaceDifferences, namespaceInfo, namespaceLabels, POD_GROUPS } from './snapshot.js';
export type { Quantity, QuantityFormat } from './quantity.js';
export {
  addQuantities,
  compareQuantities,
  divideQuantities,
  formatQuantity,
  isZeroQuantity,
  makeQuantity,
  multiplyQuantity,
  parseQuantity,
  quantityToNumber,
  quotientQuantity,
  subtractQuantities,
} from './quantity.js';
export { formatGoDuration, goBytes, goTimeQuote, goTimeQuoteBytes, MAX_DURATION, MIN_DURATION, parseGoDuration, parseGoDurationOrError, wrapDuration } from './duration.js';
export { HELM_YAML, toYamlText } from './yaml-text.js';
