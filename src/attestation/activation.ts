/**
 * Binding the AK to the EK by credential activation (TPM 2.0 Part 1 §24; keylime
 * `encrypt_aik_with_ek`, go-attestation `ActivationParameters`):
 *
 *   1. the verifier checks the AK is a restricted signing key that cannot leave its TPM
 *      (fixedTPM, fixedParent, sensitiveDataOrigin, restricted, sign — go-attestation
 *      CheckAKParameters) and computes its Name from the public area it was sent;
 *   2. it seals a random secret to (EK public area, AK Name) with MakeCredential;
 *   3. only the TPM holding that EK can unwrap it, and TPM2_ActivateCredential releases it only
 *      when an object with that Name is loaded in the same TPM;
 *   4. the secret coming back proves the AK lives beside the EK: the pair is recorded as bound.
 *
 * Challenges are single use and expire (like nonces). The store of bindings belongs to the caller.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeCredentialFile, makeCredential, type MadeCredential } from '../tpm/crypto/make-credential.js';
import { objectName } from '../tpm/crypto/name.js';
import { TPM_ALG, TPMA_OBJECT } from '../tpm/types/constants.js';
import type { TPMT_PUBLIC } from '../tpm/types/public.js';

/** TPMA_OBJECT bits an attestation key must have (go-attestation attest/activation.go). */
export const AK_REQUIRED_ATTRIBUTES = TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.sensitiveDataOrigin | TPMA_OBJECT.restricted | TPMA_OBJECT.sign;

/** Why a public area cannot be an AK, or undefined when it can. */
export function akAttributesProblem(ak: TPMT_PUBLIC): string | undefined {
  if (ak.type !== TPM_ALG.RSA && ak.type !== TPM_ALG.ECC) return `type 0x${ak.type.toString(16)} is not an asymmetric signing key`;
  const missing = AK_REQUIRED_ATTRIBUTES & ~ak.objectAttributes;
  if (missing) {
    const names = Object.entries(TPMA_OBJECT).filter(([n, bit]) => n !== 'reserved' && missing & bit).map(([n]) => n);
    return `objectAttributes 0x${ak.objectAttributes.toString(16).padStart(8, '0')} lack ${names.join(', ')}`;
  }
  if (ak.objectAttributes & TPMA_OBJECT.decrypt) return 'a restricted signing key must not also decrypt';
  return undefined;
}

export interface ActivationChallenge {
  readonly id: string;
  /** TPM2B_ID_OBJECT payload for TPM2_ActivateCredential. */
  readonly credentialBlob: Uint8Array;
  /** TPM2B_ENCRYPTED_SECRET payload. */
  readonly encryptedSecret: Uint8Array;
  /** The same as tpm2-tools' credential file (`tpm2_activatecredential -i`). */
  readonly credentialFile: Uint8Array;
  readonly expiresAt: number;
}

interface Pending {
  readonly secret: Uint8Array;
  readonly ekName: string;
  readonly akName: string;
  readonly expiresAt: number;
}

export type ActivationResult = { readonly ok: true; readonly ekName: string; readonly akName: string } | { readonly ok: false; readonly reason: string };

/** TPM2_MakeCredential in software (tpm/crypto/make-credential.ts `makeCredential`), possibly elsewhere. */
export type MakeCredentialFn = (ekPublic: TPMT_PUBLIC, secret: Uint8Array, akName: Uint8Array) => Promise<MadeCredential>;

export class ActivationBook {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly now: () => number,
    private readonly lifetimeMs = 5 * 60_000,
    private readonly max = 50_000,
  ) {}

  /** Steps 1–2. Throws RangeError when the AK is unsuitable or the EK cannot protect a credential. */
  begin(ekPublic: TPMT_PUBLIC, akPublic: TPMT_PUBLIC): ActivationChallenge {
    const c = this.prepare(ekPublic, akPublic);
    return this.register(c, makeCredential(ekPublic, c.secret, c.akName));
  }

  /**
   * Steps 1–2 with MakeCredential computed by `make` — the same function of (EK public area,
   * secret, AK Name), run elsewhere (the platform runs it in its verifier thread). The checks,
   * the random secret and the single-use entry stay here; the entry exists once the challenge does.
   */
  async beginWith(ekPublic: TPMT_PUBLIC, akPublic: TPMT_PUBLIC, make: MakeCredentialFn): Promise<ActivationChallenge> {
    const c = this.prepare(ekPublic, akPublic);
    return this.register(c, await make(ekPublic, c.secret, c.akName));
  }

  private prepare(ekPublic: TPMT_PUBLIC, akPublic: TPMT_PUBLIC): { secret: Uint8Array; akName: Uint8Array; ekName: string; at: number } {
    const problem = akAttributesProblem(akPublic);
    if (problem) throw new RangeError(`the AK cannot be activated: ${problem}`);
    const t = this.now();
    for (const [k, p] of this.pending) {
      if (p.expiresAt >= t) break;
      this.pending.delete(k);
    }
    return { secret: new Uint8Array(randomBytes(32)), akName: objectName(akPublic), ekName: Buffer.from(objectName(ekPublic)).toString('hex'), at: t };
  }

  private register(c: { secret: Uint8Array; akName: Uint8Array; ekName: string; at: number }, made: MadeCredential): ActivationChallenge {
    const id = randomBytes(16).toString('hex');
    if (this.pending.size >= this.max) this.pending.delete(this.pending.keys().next().value!);
    const expiresAt = c.at + this.lifetimeMs;
    this.pending.set(id, { secret: c.secret, ekName: c.ekName, akName: Buffer.from(c.akName).toString('hex'), expiresAt });
    return { id, credentialBlob: made.credentialBlob, encryptedSecret: made.secret, credentialFile: encodeCredentialFile(made), expiresAt };
  }

  /** Steps 3–4: the secret the TPM released. Single use. */
  complete(id: string, secret: Uint8Array): ActivationResult {
    const p = this.pending.get(id);
    if (!p) return { ok: false, reason: 'no such activation challenge (it was already used, expired or never issued)' };
    this.pending.delete(id);
    if (this.now() > p.expiresAt) return { ok: false, reason: 'the activation challenge expired' };
    if (secret.length !== p.secret.length || !timingSafeEqual(secret, p.secret)) return { ok: false, reason: 'the returned secret is wrong: the AK is not in the TPM that holds this EK' };
    return { ok: true, ekName: p.ekName, akName: p.akName };
  }
}
