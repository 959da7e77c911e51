// admission.k8s.io AdmissionReview shapes (v1 and v1beta1 share them).
import type { JsonObject } from '../util/index.js';
import type { KubeObject } from './object.js';

/** The requesting user, as the API server sends it. */
export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** An admission request. */
export interface AdmissionRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  requestKind?: { group: string; version: string; kind: string };
  name?: string;
  namespace?: string;
  operation: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  userInfo: UserInfo;
  object?: KubeObject | null;
  oldObject?: KubeObject | null;
  dryRun?: boolean;
  options?: JsonObject | null;
}

/** An admission response. */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string; status?: string; metadata?: JsonObject };
  warnings?: string[];
  patchType?: 'JSONPatch';
  patch?: string;
  auditAnnotations?: Record<string, string>;
}

/** An AdmissionReview envelope. */
export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1' | 'admission.k8s.io/v1beta1';
  kind: 'AdmissionReview';
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}
