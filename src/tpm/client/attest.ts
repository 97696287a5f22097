/** Attestation and signing commands (TPM 2.0 Part 3 §18, §20) for TpmClient. */
import * as C from '../commands/index.js';
import { parseTpmsAttest, type TPMS_ATTEST } from '../types/attest.js';
import { TPM_RH, TPM_ST } from '../types/constants.js';
import type { TPMT_TK } from '../types/creation.js';
import type { TPMS_PCR_SELECTION } from '../types/pcr.js';
import { SCHEME_NULL, type TPMT_SCHEME } from '../types/schemes.js';
import type { TPMT_SIGNATURE } from '../types/signature.js';
import { EMPTY, type HandleRef } from './core.js';
import type { Authorization } from './execute.js';
import { PolicyClient } from './policy.js';

export interface Attestation {
  /** The signed TPMS_ATTEST bytes. */
  readonly quoted: Uint8Array;
  /** `quoted`, parsed (not verified); parsed on first access. */
  readonly attest: TPMS_ATTEST;
  readonly signature: TPMT_SIGNATURE;
}

function attestation(quoted: Uint8Array, signature: TPMT_SIGNATURE): Attestation {
  let parsed: TPMS_ATTEST | undefined;
  return {
    quoted,
    signature,
    get attest() {
      return (parsed ??= parseTpmsAttest(quoted));
    },
  };
}

const NULL_TICKET = (tag: number): TPMT_TK => ({ tag, hierarchy: TPM_RH.NULL, digest: EMPTY });

export class AttestClient extends PolicyClient {
  /** TPM2_Quote over `pcrs` with `qualifyingData` (the verifier's nonce). */
  async quote(signHandle: HandleRef, qualifyingData: Uint8Array, pcrs: TPMS_PCR_SELECTION[], opts: { scheme?: TPMT_SCHEME; authorization?: Authorization } = {}): Promise<Attestation> {
    const { out } = await this.run(
      C.TPM2_Quote,
      { qualifyingData, inScheme: opts.scheme ?? SCHEME_NULL, PCRselect: pcrs },
      { handles: [signHandle], auth: opts.authorization ? [opts.authorization] : [] },
    );
    return attestation(out.quoted, out.signature);
  }

  /** TPM2_Certify: `signHandle` attests that `objectHandle` is loaded in this TPM. */
  async certify(
    objectHandle: HandleRef,
    signHandle: HandleRef,
    qualifyingData: Uint8Array,
    opts: { scheme?: TPMT_SCHEME; objectAuth?: Authorization; signAuth?: Authorization } = {},
  ): Promise<Attestation> {
    const { out } = await this.run(C.TPM2_Certify, { qualifyingData, inScheme: opts.scheme ?? SCHEME_NULL }, {
      handles: [objectHandle, signHandle],
      auth: [opts.objectAuth ?? { password: EMPTY }, opts.signAuth ?? { password: EMPTY }],
    });
    return attestation(out.certifyInfo, out.signature);
  }

  /** TPM2_CertifyCreation: `signHandle` attests the creation data of `objectHandle` (with its ticket). */
  async certifyCreation(
    signHandle: HandleRef,
    objectHandle: HandleRef,
    qualifyingData: Uint8Array,
    creationHash: Uint8Array,
    creationTicket: TPMT_TK,
    opts: { scheme?: TPMT_SCHEME; authorization?: Authorization } = {},
  ): Promise<Attestation> {
    const { out } = await this.run(
      C.TPM2_CertifyCreation,
      { qualifyingData, creationHash, inScheme: opts.scheme ?? SCHEME_NULL, creationTicket },
      { handles: [signHandle, objectHandle], auth: opts.authorization ? [opts.authorization] : [] },
    );
    return attestation(out.certifyInfo, out.signature);
  }

  /** TPM2_Sign a digest; restricted keys need the ticket from TPM2_Hash. */
  async sign(keyHandle: HandleRef, digest: Uint8Array, opts: { scheme?: TPMT_SCHEME; validation?: TPMT_TK; authorization?: Authorization } = {}): Promise<TPMT_SIGNATURE> {
    const { out } = await this.run(
      C.TPM2_Sign,
      { digest, inScheme: opts.scheme ?? SCHEME_NULL, validation: opts.validation ?? NULL_TICKET(TPM_ST.HASHCHECK) },
      { handles: [keyHandle], auth: opts.authorization ? [opts.authorization] : [] },
    );
    return out.signature;
  }

  async verifySignature(keyHandle: HandleRef, digest: Uint8Array, signature: TPMT_SIGNATURE): Promise<TPMT_TK> {
    return (await this.run(C.TPM2_VerifySignature, { digest, signature }, { handles: [keyHandle] })).out.validation;
  }
}

