/** AKS's answer to a second mutating operation while one is running (HTTP 409, reference/aks-api.md §5.3). */
import { conflict, DomainError } from '../errors.js';
import type { AgentPool, ManagedCluster } from '../model/types.js';

export function poolBusy(pool: AgentPool): DomainError {
  return conflict(
    'OperationNotAllowed',
    `Operation is not allowed: Another agentpool operation (${pool.name} - ${pool.provisioningState}) is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details`,
  );
}

export function clusterBusy(cluster: ManagedCluster, operationId: string): DomainError {
  return conflict(
    'OperationNotAllowed',
    `Operation is not allowed because there's an in progress ${cluster.provisioningState.toLowerCase()} managed cluster operation (operation ID: ${operationId}) on the managed cluster. Please wait for it to finish before starting a new operation.`,
  );
}

export function preconditionFailed(what: string): DomainError {
  return new DomainError('PreconditionFailed', 'PreconditionFailed', `The condition on ${what} (If-Match / If-None-Match) was not met: the resource has changed or does not match. Read it again and retry with its current eTag.`);
}

export interface Preconditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
}

/** HTTP conditional request semantics on eTags (RFC 9110 §13.1.1–2). */
export function checkPreconditions(what: string, current: { eTag: string } | undefined, p: Preconditions): void {
  if (p.ifMatch !== undefined && (!current || (p.ifMatch !== '*' && p.ifMatch.replace(/"/g, '') !== current.eTag))) throw preconditionFailed(what);
  if (p.ifNoneMatch !== undefined && current && (p.ifNoneMatch === '*' || p.ifNoneMatch.replace(/"/g, '') === current.eTag)) throw preconditionFailed(what);
}
