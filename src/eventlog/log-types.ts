/**
 * The parsed shape of a TCG PC Client event log. Everything here is *unverified*: it is what the
 * log claims. Only `verify()` (verify.ts) tells which events are backed by quoted PCR values.
 */

/** One digest of an event in one PCR bank (TPMT_HA in a TCG_PCR_EVENT2). */
export interface TcgDigest {
  /** TPM_ALG_ID of the bank. */
  readonly algId: number;
  readonly digest: Uint8Array;
}

/** One event record: TCG_PCClientPCREvent (SHA-1 format) or TCG_PCR_EVENT2 (crypto-agile). */
export interface TcgEvent {
  /** Position in the log, counting the Spec ID event as 0 (tpm2_eventlog's `EventNum`). */
  readonly index: number;
  readonly pcrIndex: number;
  /** Untrusted: the type the log claims (PFP §10.4.1). */
  readonly eventType: number;
  readonly digests: readonly TcgDigest[];
  /** The event data (`Event[EventSize]`); a view into the log bytes. */
  readonly data: Uint8Array;
  /** Absolute offset of the record in the log. */
  readonly offset: number;
  /** Offset of the event data in the log. */
  readonly dataOffset: number;
}

/** TCG_EfiSpecIdEventAlgorithmSize (PFP §10.4.5.1). */
export interface TcgSpecIdAlgorithm {
  readonly algorithmId: number;
  readonly digestSize: number;
}

/** TCG_EfiSpecIDEvent (PFP §10.4.5.1, "Spec ID Event03"). */
export interface TcgEfiSpecIdEvent {
  readonly signature: string;
  readonly platformClass: number;
  readonly specVersionMinor: number;
  readonly specVersionMajor: number;
  readonly specErrata: number;
  readonly uintnSize: number;
  readonly algorithms: readonly TcgSpecIdAlgorithm[];
  readonly vendorInfo: Uint8Array;
}

export type TcgLogFormat = 'sha1' | 'crypto-agile';

export interface TcgEventLog {
  /** `sha1`: TCG 1.2 EFI format, every record a TCG_PCClientPCREvent; `crypto-agile`: PFP §10.2.2. */
  readonly format: TcgLogFormat;
  /** Present in crypto-agile logs: the first record's payload. */
  readonly specId?: TcgEfiSpecIdEvent;
  /** All records in order, the Spec ID record included (index 0) when present. */
  readonly events: readonly TcgEvent[];
  /** TPM_ALG_IDs of the banks the log declares (crypto-agile) or [SHA1]. */
  readonly banks: readonly number[];
  /** The whole log. */
  readonly bytes: Uint8Array;
  /** Tolerated deviations from the spec found while parsing (never silently ignored). */
  readonly warnings: readonly TcgLogWarning[];
}

export interface TcgLogWarning {
  readonly code: string;
  readonly offset: number;
  readonly message: string;
}
