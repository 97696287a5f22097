/** AKS's answer to a second mutating operation while one is running (HTTP 409, reference/aks-api.md §5.3). */
import { conflict, DomainError } from '../errors.js';
import type { AgentPool, ManagedCluster } from '../model/types.js';
import { StoreConflictError } from '../store/store.js';

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

/**
 * Admit a mutating operation: `attempt` reads the cluster and its pools, refuses with 409 when one
 * of them has an operation running, and commits with every record it decided on guarded (a `put`
 * with expectRev, or a `check`). When two requests race, one commit loses with StoreConflictError;
 * running the attempt again lets it see the winner's operation and answer 409 OperationNotAllowed,
 * as AKS does — never two operations at once, never a 500 (a benign change of a guarded record,
 * such as a reconcile pass writing status, simply passes on the next attempt).
 */
export async function admit<T>(attempt: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof StoreConflictError)) throw e;
      if (i >= attempts) throw conflict('OperationNotAllowed', `Operation is not allowed: the resource kept changing while this operation was being accepted (${e.kind} ${e.key}). Please retry.`);
    }
  }
}
