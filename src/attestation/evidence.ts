/**
 * Attestation evidence: what a guest attestation agent sends (the shape of Azure's
 * AttestationInfo.TpmInfo — AikCert, AikPub, PcrQuote, PcrSignature, PCRs — plus the TCG log,
 * azure-tl-facts.md §4.1, and the EK that credential activation binds the AK to).
 *
 * Everything here is *untrusted*: the types say so, and only `verify()` turns it into claims.
 * The JSON wire form (`parseEvidence`) carries bytes as base64url (MAA's encoding) and PCR
 * digests as hex; it is strict — unknown fields and wrong types are refused with the field's path.
 */
import { TlError } from '../core/errors.js';

export interface UntrustedPcrValue {
  readonly index: number;
  readonly digest: Uint8Array;
}

export interface UntrustedOsInfo {
  readonly type?: string;
  readonly distro?: string;
  readonly versionMajor?: number;
  readonly versionMinor?: number;
  readonly build?: string;
}

export interface UntrustedEvidence {
  /** The nonce the agent obtained from the service (it must also be the quote's qualifyingData). */
  readonly nonce?: Uint8Array;
  /** TPMT_PUBLIC or TPM2B_PUBLIC of the EK (what `tpm2_readpublic -f tss` writes). */
  readonly ekPublic: Uint8Array;
  /** DER, from the TCG EK certificate NV index. */
  readonly ekCertificate: Uint8Array;
  /** TPMT_PUBLIC or TPM2B_PUBLIC of the AK. */
  readonly akPublic: Uint8Array;
  /** DER, from NV 0x01C101D0 on an Azure-style vTPM; absent when the AK has no certificate. */
  readonly akCertificate?: Uint8Array;
  /** TPMS_ATTEST bytes (tpm2_quote -m). */
  readonly quote: Uint8Array;
  /** TPMT_SIGNATURE bytes (tpm2_quote -s). */
  readonly signature: Uint8Array;
  /** The SHA-256 PCR values the agent read; absent: the verifier replays them from the log. */
  readonly pcrs?: readonly UntrustedPcrValue[];
  /** binary_bios_measurements. */
  readonly tcgLog?: Uint8Array;
  /** IMA binary_runtime_measurements (or its ASCII form). */
  readonly imaLog?: Uint8Array;
  readonly os?: UntrustedOsInfo;
  readonly vmId?: string;
}

export class EvidenceError extends TlError {
  constructor(readonly field: string, message: string) {
    super('InvalidEvidence', `${field}: ${message}`);
  }
}

const B64URL = /^[A-Za-z0-9_-]*={0,2}$/;
/** Bound on any single evidence field (a TCG log is ~20-80 KB, an IMA list can be larger). */
export const MAX_FIELD_BYTES = 4 * 1024 * 1024;
const MAX_PCRS = 24;

function bytesField(o: Record<string, unknown>, name: string, required: true): Uint8Array;
function bytesField(o: Record<string, unknown>, name: string, required: false): Uint8Array | undefined;
function bytesField(o: Record<string, unknown>, name: string, required: boolean): Uint8Array | undefined {
  const v = o[name];
  if (v === undefined || v === null) {
    if (required) throw new EvidenceError(name, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') throw new EvidenceError(name, 'must be a base64url string');
  if (v.length > (MAX_FIELD_BYTES * 4) / 3 + 4) throw new EvidenceError(name, `is larger than ${MAX_FIELD_BYTES} bytes`);
  if (!B64URL.test(v)) throw new EvidenceError(name, 'is not base64url');
  return new Uint8Array(Buffer.from(v, 'base64url'));
}

function str(o: Record<string, unknown>, name: string, max = 256): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length > max) throw new EvidenceError(name, `must be a string of at most ${max} characters`);
  return v;
}

function int(o: Record<string, unknown>, name: string): number | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xffff) throw new EvidenceError(name, 'must be an integer 0-65535');
  return v;
}

function obj(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new EvidenceError(name, 'must be an object');
  return v as Record<string, unknown>;
}

function only(o: Record<string, unknown>, path: string, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new EvidenceError(path ? `${path}.${k}` : k, 'unknown field');
}

const FIELDS = ['nonce', 'ekPublic', 'ekCertificate', 'akPublic', 'akCertificate', 'quote', 'signature', 'pcrs', 'tcgLog', 'imaLog', 'os', 'vmId'] as const;

/** Decode the JSON wire form of evidence (the body of `POST /attest/Tpm`). */
export function parseEvidence(json: unknown): UntrustedEvidence {
  const o = obj(json, 'evidence');
  only(o, '', FIELDS);
  const pcrsRaw = o.pcrs;
  let pcrs: UntrustedPcrValue[] | undefined;
  if (pcrsRaw !== undefined && pcrsRaw !== null) {
    if (!Array.isArray(pcrsRaw) || pcrsRaw.length > MAX_PCRS) throw new EvidenceError('pcrs', `must be an array of at most ${MAX_PCRS} {index, digest}`);
    const seen = new Set<number>();
    pcrs = pcrsRaw.map((p, i) => {
      const e = obj(p, `pcrs[${i}]`);
      only(e, `pcrs[${i}]`, ['index', 'digest']);
      const index = e.index;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 23) throw new EvidenceError(`pcrs[${i}].index`, 'must be an integer 0-23');
      if (seen.has(index)) throw new EvidenceError(`pcrs[${i}].index`, `PCR ${index} is listed twice`);
      seen.add(index);
      const d = e.digest;
      if (typeof d !== 'string' || !/^(?:[0-9a-fA-F]{2}){32}$/.test(d)) throw new EvidenceError(`pcrs[${i}].digest`, 'must be 64 hex digits (a SHA-256 PCR value)');
      return { index, digest: new Uint8Array(Buffer.from(d, 'hex')) };
    });
  }
  let os: UntrustedOsInfo | undefined;
  if (o.os !== undefined && o.os !== null) {
    const x = obj(o.os, 'os');
    only(x, 'os', ['type', 'distro', 'versionMajor', 'versionMinor', 'build']);
    const [type, distro, build, versionMajor, versionMinor] = [str(x, 'type', 32), str(x, 'distro', 64), str(x, 'build', 64), int(x, 'versionMajor'), int(x, 'versionMinor')];
    os = {
      ...(type !== undefined ? { type } : {}),
      ...(distro !== undefined ? { distro } : {}),
      ...(build !== undefined ? { build } : {}),
      ...(versionMajor !== undefined ? { versionMajor } : {}),
      ...(versionMinor !== undefined ? { versionMinor } : {}),
    };
  }
  const nonce = bytesField(o, 'nonce', false);
  const akCertificate = bytesField(o, 'akCertificate', false);
  const tcgLog = bytesField(o, 'tcgLog', false);
  const imaLog = bytesField(o, 'imaLog', false);
  const vmId = str(o, 'vmId', 64);
  return {
    ekPublic: bytesField(o, 'ekPublic', true),
    ekCertificate: bytesField(o, 'ekCertificate', true),
    akPublic: bytesField(o, 'akPublic', true),
    quote: bytesField(o, 'quote', true),
    signature: bytesField(o, 'signature', true),
    ...(nonce ? { nonce } : {}),
    ...(akCertificate ? { akCertificate } : {}),
    ...(pcrs ? { pcrs } : {}),
    ...(tcgLog ? { tcgLog } : {}),
    ...(imaLog ? { imaLog } : {}),
    ...(os ? { os } : {}),
    ...(vmId !== undefined ? { vmId } : {}),
  };
}

/** The JSON wire form of evidence (inverse of parseEvidence). */
export function encodeEvidence(e: UntrustedEvidence): Record<string, unknown> {
  const b = (x: Uint8Array | undefined) => (x ? Buffer.from(x).toString('base64url') : undefined);
  const out: Record<string, unknown> = {
    ekPublic: b(e.ekPublic),
    ekCertificate: b(e.ekCertificate),
    akPublic: b(e.akPublic),
    quote: b(e.quote),
    signature: b(e.signature),
  };
  if (e.nonce) out.nonce = b(e.nonce);
  if (e.akCertificate) out.akCertificate = b(e.akCertificate);
  if (e.pcrs) out.pcrs = e.pcrs.map((p) => ({ index: p.index, digest: Buffer.from(p.digest).toString('hex') }));
  if (e.tcgLog) out.tcgLog = b(e.tcgLog);
  if (e.imaLog) out.imaLog = b(e.imaLog);
  if (e.os) out.os = e.os;
  if (e.vmId !== undefined) out.vmId = e.vmId;
  return out;
}
