/**
 * The only place where domain errors become ARM HTTP responses: the CloudError envelope
 * `{"error":{"code","message","target","details"}}` (2024-09-01 CloudError / common-types
 * ErrorResponse) with the status each kind of failure gets.
 */
import { TlError, WireError } from '../../core/errors.js';
import { DomainError, type DomainErrorKind } from '../../platform/errors.js';
import { BodyTooLargeError } from '../http/server.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';

const STATUS: Record<DomainErrorKind, number> = {
  Invalid: 400,
  NotFound: 404,
  Conflict: 409,
  PreconditionFailed: 412,
  Unauthorized: 401,
  Forbidden: 403,
  Internal: 500,
};

export interface CloudErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: CloudErrorBody[];
}

export function armErrorBody(code: string, message: string, target?: string, details?: CloudErrorBody[]): { error: CloudErrorBody } {
  return { error: { code, message, ...(target !== undefined ? { target } : {}), ...(details?.length ? { details } : {}) } };
}

function bodyOf(e: DomainError): CloudErrorBody {
  return armErrorBody(e.code, e.message, e.target, e.details.map(bodyOf)).error;
}

/** Map anything thrown by a handler to an ARM error response. */
export function armErrorResponse(err: unknown, req: ApiRequest): ApiResponse {
  if (err instanceof DomainError) {
    const headers: Record<string, string> = err.kind === 'Unauthorized' ? { 'www-authenticate': 'Bearer authorization_uri="' + req.baseUrl + '/oauth2/token", error="invalid_token"' } : {};
    return { status: STATUS[err.kind], body: { error: bodyOf(err) }, headers: { ...headers, 'x-ms-failure-cause': err.kind === 'Internal' ? 'service' : 'gateway' } };
  }
  if (err instanceof BodyTooLargeError) {
    return { status: 400, body: armErrorBody('InvalidRequestContent', `The request content was invalid and could not be deserialized: the request body is larger than the ${err.limit}-byte limit.`) };
  }
  if (err instanceof WireError || (err instanceof TlError && err.code === 'InvalidRequestContent')) {
    return { status: 400, body: armErrorBody('InvalidRequestContent', `The request content was invalid and could not be deserialized: ${err.message}`) };
  }
  return { status: 500, body: armErrorBody('InternalServerError', `An internal error occurred while processing the request. Request id: ${req.requestId}.`) };
}

export const invalidContent = (message: string, path: string) => new DomainError('Invalid', 'InvalidRequestContent', `The request content was invalid and could not be deserialized: ${message}. Path '${path}'.`, { target: path });
