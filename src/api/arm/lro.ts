/**
 * Long-running operation headers as AKS sends them (reference/ecosystem.md §2.3, aks-api.md §6):
 * PUT → 201/200 with `Azure-AsyncOperation`; DELETE → 202 with `Location` (and
 * `Azure-AsyncOperation`). `Retry-After` tells clients how often to poll.
 */
import type { Operation } from '../../platform/model/types.js';
import type { ApiRequest } from '../http/types.js';

export interface LroOptions {
  /** Seconds clients should wait between polls. */
  readonly retryAfterSeconds: number;
}

function apiVersion(req: ApiRequest): string {
  return encodeURIComponent(req.query.get('api-version') ?? '');
}

export function asyncOperationUrl(req: ApiRequest, op: Operation): string {
  return `${req.baseUrl}/subscriptions/${op.subscriptionId}/providers/Microsoft.ContainerService/locations/${op.location}/operations/${op.id}?api-version=${apiVersion(req)}`;
}

export function operationResultUrl(req: ApiRequest, op: Operation): string {
  return `${req.baseUrl}/subscriptions/${op.subscriptionId}/providers/Microsoft.ContainerService/locations/${op.location}/operationresults/${op.id}?api-version=${apiVersion(req)}`;
}

export function lroHeaders(req: ApiRequest, op: Operation, o: LroOptions, withLocation: boolean): Record<string, string> {
  return {
    'azure-asyncoperation': asyncOperationUrl(req, op),
    ...(withLocation ? { location: operationResultUrl(req, op) } : {}),
    'retry-after': String(o.retryAfterSeconds),
  };
}
