// Reads an AdmissionReview request body and writes the response envelope: checks kind,
// apiVersion (v1 or v1beta1) and the request fields podgate relies on, with a reason for 400s.
// Mirrors kyverno@v1.10.7:pkg/webhooks/handlers/admission.go (decode) and pkg/utils/admission/response.go.
import type { AdmissionRequest, AdmissionResponse, AdmissionReview } from '../kube/index.js';
import { isObject } from '../util/index.js';
import type { AdmissionDecision } from './decision.js';

/** The AdmissionReview apiVersions podgate answers. */
export const REVIEW_API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;

/** A review podgate can evaluate, or why it cannot (an HTTP 400). */
export type DecodedReview =
  | { ok: true; apiVersion: AdmissionReview['apiVersion']; request: AdmissionRequest }
  | { ok: false; reason: string };

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

function isGvk(v: unknown): boolean {
  return isObject(v) && typeof v.group === 'string' && typeof v.version === 'string' && typeof v.kind === 'string';
}

/** Checks a parsed body; never throws. */
export function decodeReview(body: unknown): DecodedReview {
  if (!isObject(body)) return { ok: false, reason: 'body is not a JSON object' };
  if (body.kind !== 'AdmissionReview') return { ok: false, reason: `kind must be AdmissionReview, got ${JSON.stringify(body.kind ?? null)}` };
  const apiVersion = body.apiVersion;
  if (typeof apiVersion !== 'string' || !(REVIEW_API_VERSIONS as readonly string[]).includes(apiVersion)) {
    return { ok: false, reason: `apiVersion must be one of ${REVIEW_API_VERSIONS.join(', ')}, got ${JSON.stringify(apiVersion ?? null)}` };
  }
  const r = body.request;
  if (!isObject(r)) return { ok: false, reason: 'request is missing' };
  if (typeof r.uid !== 'string' || r.uid === '') return { ok: false, reason: 'request.uid is missing' };
  if (!isGvk(r.kind)) return { ok: false, reason: 'request.kind must be {group, version, kind}' };
  if (typeof r.operation !== 'string' || !OPERATIONS.has(r.operation)) return { ok: false, reason: 'request.operation must be CREATE, UPDATE, DELETE or CONNECT' };
  for (const f of ['object', 'oldObject'] as const) {
    const o = r[f];
    if (o !== undefined && o !== null && !isObject(o)) return { ok: false, reason: `request.${f} must be an object` };
  }
  if (r.object == null && r.oldObject == null && r.operation !== 'CONNECT') return { ok: false, reason: 'request has neither object nor oldObject' };
  for (const f of ['namespace', 'name', 'subResource'] as const) {
    if (r[f] !== undefined && typeof r[f] !== 'string') return { ok: false, reason: `request.${f} must be a string` };
  }
  if (r.userInfo !== undefined && !isObject(r.userInfo)) return { ok: false, reason: 'request.userInfo must be an object' };
  const request = { ...r, userInfo: isObject(r.userInfo) ? r.userInfo : {} } as unknown as AdmissionRequest;
  return { ok: true, apiVersion: apiVersion as AdmissionReview['apiVersion'], request };
}

/** Builds the response envelope for a decision, in the request's apiVersion. */
export function encodeReview(apiVersion: AdmissionReview['apiVersion'], uid: string, d: AdmissionDecision): AdmissionReview {
  const response: AdmissionResponse = { uid, allowed: d.allowed };
  if (!d.allowed) {
    // Kyverno sends status Failure with the message; 403 is the code the API server would fill in.
    response.status = { status: 'Failure', message: d.message ?? '', code: d.code ?? 403 };
  }
  if (d.patch && d.patch.length > 0) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(d.patch)).toString('base64');
  }
  if (d.warnings.length > 0) response.warnings = d.warnings;
  return { apiVersion, kind: 'AdmissionReview', response };
}
