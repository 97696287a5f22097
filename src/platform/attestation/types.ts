/**
 * What guest attestation keeps in the Store. The result record is the contract with the
 * Kubernetes node sync (issue 9): kind `attestationResult`, key = the VM's store key,
 * `{ status, findings: {id, component, message}[], at }` — the other fields are ours.
 */
import type { AttestationPolicy, Finding, StepResult } from '../../attestation/index.js';

export type AttestationStatus = 'Healthy' | 'Unhealthy' | 'PlatformError';

/**
 * Why a VM was attested: 'post-boot' (first after a boot), 'periodic' (its interval came, or it
 * was asked for: attestNow, `tl attestation show --refresh`), 'policy-change' (the cluster's
 * attestation policy changed since its last result).
 */
export type AttestationReason = 'post-boot' | 'periodic' | 'policy-change';

export interface AttestationRecord {
  readonly status: AttestationStatus;
  readonly findings: readonly Finding[];
  /** When the attestation ran (clock ms). */
  readonly at: number;
  readonly vmKey: string;
  readonly computerName: string;
  readonly vmId: string;
  readonly subscriptionId: string;
  readonly nodeResourceGroup: string;
  readonly clusterKey: string;
  readonly poolName: string;
  readonly nodeImage: string;
  /** The boot this attestation is about (the VM's lastBootAt). */
  readonly bootAt: number | undefined;
  readonly secureBoot: boolean;
  readonly vTpm: boolean;
  readonly policyHash: string;
  readonly steps: readonly StepResult[];
  readonly identity?: { readonly ekName: string; readonly akName: string };
  readonly reason: AttestationReason;
  readonly claims?: Record<string, unknown>;
  /**
   * The MAA-like token of a Healthy result, as what determines it: RS256 (RSASSA-PKCS1-v1_5) is
   * deterministic, so the token is minted from these and `claims` when it is asked for
   * (AttestationService.tokenOf) and is byte-identical whenever that happens.
   */
  readonly token?: { readonly kid: string; readonly issuer: string; readonly jti: string };
  readonly tokenExpiresAt?: number;
  readonly attestedPcrs?: readonly number[];
  /** Slot of this result in the history ring. */
  readonly seq: number;
}

/** One history entry (kind attestationHistory, key `{vmKey}/{slot}`, a ring of HISTORY_SLOTS). */
export interface AttestationHistoryEntry {
  readonly at: number;
  readonly seq: number;
  readonly status: AttestationStatus;
  readonly reason: AttestationReason;
  readonly bootAt: number | undefined;
  readonly policyHash: string;
  readonly findings: readonly Pick<Finding, 'id' | 'component' | 'message' | 'suppressed'>[];
}

export const HISTORY_SLOTS = 20;

/** Per cluster (kind attestationSettings, key = the cluster's store key). `quarantine` is read by issue 9. */
export interface AttestationSettings {
  readonly quarantine: boolean;
  readonly policy: AttestationPolicy;
  readonly updatedAt: number;
}

/** kind attestationBinding, key = EK Name (hex). */
export interface AttestationBinding {
  readonly ekName: string;
  readonly akNames: readonly string[];
  readonly at: number;
  readonly vmKey?: string;
}

/** kind attestationTrustAnchor, key = lower-case name. */
export interface TrustAnchorRecord {
  readonly name: string;
  /** DER, base64. */
  readonly certificate: string;
  readonly subject: string;
  readonly addedAt: number;
}
