/**
 * The only place where Kubernetes-face errors become HTTP: metav1.Status bodies with the code
 * each StatusReason has in k8s.io/apimachinery/pkg/api/errors, which is what kubectl and
 * client-node read (`Error from server (NotFound): pods "web" not found`).
 */
import { KubeError, type StatusDetails, type StatusReason } from '../../platform/kube/errors.js';
import { BodyTooLargeError } from '../http/server.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';

const CODES: Record<StatusReason, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  Invalid: 422,
  BadRequest: 400,
  Forbidden: 403,
  Unauthorized: 401,
  MethodNotAllowed: 405,
  Gone: 410,
  Expired: 410,
  TooManyRequests: 429,
  UnsupportedMediaType: 415,
  NotAcceptable: 406,
  RequestEntityTooLarge: 413,
  InternalError: 500,
};

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export function statusBody(reason: StatusReason, message: string, details?: StatusDetails): Status {
  // `details` is present when given (even empty, as the API server's 404 for unknown paths has it); empty fields are omitted.
  const d = details ? { details: Object.fromEntries(Object.entries(details).filter(([, v]) => v !== '' && v !== undefined)) as StatusDetails } : {};
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...d, code: CODES[reason] };
}

export function statusResponse(reason: StatusReason, message: string, details?: StatusDetails, headers: Record<string, string> = {}): ApiResponse {
  return { status: CODES[reason], body: statusBody(reason, message, details), headers: { 'content-type': 'application/json', ...headers } };
}

/** Map anything a Kubernetes handler throws to a Status response. */
export function kubeErrorResponse(err: unknown, req: ApiRequest): ApiResponse {
  if (err instanceof KubeError) return statusResponse(err.reason, err.message, err.details);
  if (err instanceof BodyTooLargeError) return statusResponse('RequestEntityTooLarge', `Request entity too large: limit is ${err.limit}`);
  return statusResponse('InternalError', `Internal error occurred: request ${req.requestId} failed`);
}

/** metav1.Status for a successful delete of a resource whose delete returns Status (none here, kept for collections). */
export function successStatus(details: StatusDetails): ApiResponse {
  return { status: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details }, headers: { 'content-type': 'application/json' } };
}
