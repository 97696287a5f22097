/**
 * Hash algorithms by their TPM_ALG_ID (TPM 2.0 Part 2 §6.3, TCG Algorithm Registry).
 *
 * The TCG event log (crypto-agile format, PC Client PFP §10.4), the TPM and attestation all
 * identify digests by TPM_ALG_ID, so the mapping lives here in core and no pure library has to
 * import another to hash.
 */
import { createHash } from 'node:crypto';

export const TPM_ALG_SHA1 = 0x0004;
export const TPM_ALG_SHA256 = 0x000b;
export const TPM_ALG_SHA384 = 0x000c;
export const TPM_ALG_SHA512 = 0x000d;
export const TPM_ALG_SM3_256 = 0x0012;

export interface HashAlgorithm {
  readonly algId: number;
  /** Name as TCG tools print it (`sha1`, `sha256`, …). */
  readonly name: string;
  /** node:crypto algorithm name; undefined when node:crypto lacks it (SM3 on most builds). */
  readonly nodeName: string | undefined;
  readonly digestSize: number;
  readonly blockSize: number;
}

const ALGORITHMS: readonly HashAlgorithm[] = [
  { algId: TPM_ALG_SHA1, name: 'sha1', nodeName: 'sha1', digestSize: 20, blockSize: 64 },
  { algId: TPM_ALG_SHA256, name: 'sha256', nodeName: 'sha256', digestSize: 32, blockSize: 64 },
  { algId: TPM_ALG_SHA384, name: 'sha384', nodeName: 'sha384', digestSize: 48, blockSize: 128 },
  { algId: TPM_ALG_SHA512, name: 'sha512', nodeName: 'sha512', digestSize: 64, blockSize: 128 },
  { algId: TPM_ALG_SM3_256, name: 'sm3_256', nodeName: undefined, digestSize: 32, blockSize: 64 },
];

const BY_ID = new Map(ALGORITHMS.map((a) => [a.algId, a]));
const BY_NAME = new Map(ALGORITHMS.map((a) => [a.name, a]));

/** The hash algorithm for a TPM_ALG_ID, or undefined when it is not a hash we know. */
export function hashById(algId: number): HashAlgorithm | undefined {
  return BY_ID.get(algId);
}

/** The hash algorithm for a TCG name (`sha256`), case-insensitive. */
export function hashByName(name: string): HashAlgorithm | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Digest size in bytes of a TPM_ALG_ID hash, or undefined. */
export function digestSize(algId: number): number | undefined {
  return BY_ID.get(algId)?.digestSize;
}

/** Hash the concatenation of `parts` with the algorithm `algId`. Throws for an unknown or unsupported hash. */
export function hash(algId: number, ...parts: readonly Uint8Array[]): Uint8Array {
  const alg = BY_ID.get(algId);
  if (!alg?.nodeName) throw new RangeError(`unsupported hash algorithm 0x${algId.toString(16).padStart(4, '0')}`);
  const h = createHash(alg.nodeName);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/** PCR extend: H(old || digest) (TPM 2.0 Part 1 §17.3). */
export function extend(algId: number, pcr: Uint8Array, digest: Uint8Array): Uint8Array {
  return hash(algId, pcr, digest);
}
