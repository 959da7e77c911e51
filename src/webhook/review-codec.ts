// Reads an AdmissionReview request body and writes the response envelope: checks kind,
// apiVersion (v1 or v1beta1) and the request fields podgate relies on, with a reason for 400s.
// Mirrors kyverno@v1.10.7:pkg/webhooks/handlers/admission.go (decode) and pkg/utils/admission/response.go.
import type { AdmissionRequest, AdmissionResponse, AdmissionReview } from '../kube/index.js';
import { isObject, type JsonValue, setOwn } from '../util/index.js';
import type { AdmissionDecision } from './decision.js';

/** The AdmissionReview apiVersions podgate answers. */
export const REVIEW_API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;

/** A review podgate can evaluate, or why it cannot (an HTTP 400). */
export type DecodedReview =
  | { ok: true; apiVersion: AdmissionReview['apiVersion']; request: AdmissionRequest }
  | {
      ok: false;
      reason: string;
      /** Set when the envelope (apiVersion, request.uid) is readable: the answer is then an AdmissionReview error, not an HTTP 400. */
      envelope?: { apiVersion: AdmissionReview['apiVersion']; uid: string };
    };

const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Why userInfo does not have the API server's types (authentication/v1 UserInfo), if it does not. */
function userInfoProblem(u: unknown): string | undefined {
  if (u === undefined || u === null) return undefined;
  if (!isObject(u)) return 'request.userInfo must be an object';
  for (const f of ['username', 'uid'] as const) {
    if (u[f] !== undefined && u[f] !== null && typeof u[f] !== 'string') return `request.userInfo.${f} must be a string`;
  }
  if (u.groups !== undefined && u.groups !== null && !isStringArray(u.groups)) return 'request.userInfo.groups must be an array of strings';
  if (u.extra !== undefined && u.extra !== null) {
    if (!isObject(u.extra)) return 'request.userInfo.extra must be a map of string arrays';
    for (const [k, v] of Object.entries(u.extra)) if (!isStringArray(v)) return `request.userInfo.extra[${JSON.stringify(k)}] must be an array of strings`;
  }
  return undefined;
}

const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

function isGvk(v: unknown): boolean {
  return isObject(v) && typeof v.group === 'string' && typeof v.version === 'string' && typeof v.kind === 'string';
}

function isGvr(v: unknown): boolean {
  return isObject(v) && typeof v.group === 'string' && typeof v.version === 'string' && typeof v.resource === 'string';
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
  if (r.uid === undefined || r.uid === null || r.uid === '') return { ok: false, reason: 'request.uid is missing' };
  if (typeof r.uid !== 'string') return { ok: false, reason: `request.uid must be a string, found ${Array.isArray(r.uid) ? 'a list' : typeof r.uid === 'object' ? 'a map' : `a ${typeof r.uid}`}` };
  const envelope = { apiVersion: apiVersion as AdmissionReview['apiVersion'], uid: r.uid };
  const bad = (reason: string): DecodedReview => ({ ok: false, reason, envelope });
  if (!isGvk(r.kind)) return bad('request.kind must be {group, version, kind}');
  // The API server always sends the resource; the parent kind of a subresource request is read from it.
  if (r.resource !== undefined && r.resource !== null && !isGvr(r.resource)) return bad('request.resource must be {group, version, resource}');
  if ((r.resource === undefined || r.resource === null) && typeof r.subResource === 'string' && r.subResource !== '') return bad('request.resource must be {group, version, resource} with a subResource');
  if (typeof r.operation !== 'string' || !OPERATIONS.has(r.operation)) return bad('request.operation must be CREATE, UPDATE, DELETE or CONNECT');
  for (const f of ['object', 'oldObject'] as const) {
    const o = r[f];
    if (o !== undefined && o !== null && !isObject(o)) return bad(`request.${f} must be an object`);
  }
  if (r.object == null && r.oldObject == null && r.operation !== 'CONNECT') return bad('request has neither object nor oldObject');
  for (const f of ['namespace', 'name', 'subResource'] as const) {
    if (r[f] !== undefined && r[f] !== null && typeof r[f] !== 'string') return bad(`request.${f} must be a string`);
  }
  if (r.dryRun !== undefined && r.dryRun !== null && typeof r.dryRun !== 'boolean') return bad('request.dryRun must be a boolean');
  const userProblem = userInfoProblem(r.userInfo);
  if (userProblem) return bad(userProblem);
  // Go decodes JSON null as the zero value: drop nulls of optional fields so the engine sees "unset".
  const userInfo: Record<string, unknown> = {};
  // setOwn: a `__proto__` key (which Go ignores as an unknown field) must not become the copy's prototype.
  if (isObject(r.userInfo)) for (const [k, v] of Object.entries(r.userInfo)) if (v !== null) setOwn(userInfo, k, v as JsonValue);
  const request = { ...r, userInfo } as unknown as AdmissionRequest;
  for (const f of ['namespace', 'name', 'subResource', 'dryRun'] as const) if ((request as unknown as Record<string, unknown>)[f] === null) delete (request as unknown as Record<string, unknown>)[f];
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

/**
 * Reads `apiVersion` and `request.uid` from the first `limit` bytes of a body without parsing the
 * rest, so the main thread can answer a review whose evaluation never finished (the API server
 * writes both before the object). Undefined when they are not found there or not valid.
 */
export function peekEnvelope(body: Uint8Array, limit = 64 * 1024): { apiVersion: AdmissionReview['apiVersion']; uid: string } | undefined {
  const s = Buffer.from(body.buffer, body.byteOffset, Math.min(body.byteLength, limit)).toString('utf8');
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\n' || s[i] === '\r' || s[i] === '\t')) i++;
  };
  /** A JSON string at i, decoded; undefined when malformed or cut off. */
  const str = (): string | undefined => {
    if (s[i] !== '"') return undefined;
    const start = i;
    let end = s.indexOf('"', i + 1);
    // A quote preceded by an odd number of backslashes is escaped.
    for (;;) {
      if (end < 0) return undefined;
      let k = end - 1;
      while (s[k] === '\\') k--;
      if ((end - 1 - k) % 2 === 0) break;
      end = s.indexOf('"', end + 1);
    }
    i = end + 1;
    try {
      return JSON.parse(s.slice(start, i)) as string;
    } catch {
      return undefined;
    }
  };
  /** Skips any JSON value at i; false when cut off or malformed. */
  const skip = (): boolean => {
    ws();
    const c = s[i];
    if (c === '"') return str() !== undefined;
    if (c === '{' || c === '[') {
      let depth = 0;
      while (i < s.length) {
        const d = s[i];
        if (d === '"') {
          if (str() === undefined) return false;
          continue;
        }
        if (d === '{' || d === '[') depth++;
        else if (d === '}' || d === ']') depth--;
        i++;
        if (depth === 0) return true;
      }
      return false;
    }
    while (i < s.length && !',}] \n\r\t'.includes(s[i]!)) i++;
    return i < s.length;
  };
  /** Walks the members of the object at i, calling `on` with each key (positioned at its value); `on` returns true when it consumed the value. */
  const members = (on: (key: string) => boolean): boolean => {
    ws();
    if (s[i] !== '{') return false;
    i++;
    for (;;) {
      ws();
      if (s[i] === '}') {
        i++;
        return true;
      }
      const key = str();
      if (key === undefined) return false;
      ws();
      if (s[i] !== ':') return false;
      i++;
      ws();
      if (!on(key) && !skip()) return false;
      ws();
      if (s[i] === ',') i++;
      else if (s[i] !== '}') return false;
    }
  };
  let apiVersion: string | undefined;
  let uid: string | undefined;
  members((key) => {
    if (key === 'apiVersion') {
      const v = str();
      if (v === undefined) return false;
      apiVersion = v;
      return true;
    }
    if (key === 'request' && s[i] === '{') {
      return members((k) => {
        if (k !== 'uid') return false;
        const v = str();
        if (v === undefined) return false;
        uid = v;
        return true;
      });
    }
    return false;
  });
  if (!apiVersion || !uid || !(REVIEW_API_VERSIONS as readonly string[]).includes(apiVersion)) return undefined;
  return { apiVersion: apiVersion as AdmissionReview['apiVersion'], uid };
}
