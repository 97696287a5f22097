/**
 * The attestation service for evidence produced outside the platform (MAA's shared-provider
 * face: a fixed policy, the default one): a TPM driven by tpm2-tools, swtpm, a real host.
 *
 *   1. `nonce()` — a fresh single-use nonce to quote with;
 *   2. `beginActivation(ek, ekCert, ak)` — the EK certificate must chain to a trusted CA (the
 *      platform's vTPM CA or one an administrator added) and certify the EK; the AK must be a
 *      restricted signing key; returns a MakeCredential challenge (tpm2-tools' file format too);
 *   3. `completeActivation(id, secret)` — the secret TPM2_ActivateCredential released binds the AK;
 *   4. `attest(evidence)` — verify; a Healthy result gets a token.
 *
 * Anyone may call this face, so it keeps its own NonceBook and ActivationBook: they are bounded
 * (the oldest entry is forgotten past their capacity), and a flood of anonymous requests must not
 * evict a nonce or an activation the platform's agents are between issuing and using — that would
 * make a healthy node fail attestation. Evidence sent here consumes only this face's nonces: a
 * platform nonce is unknown here, and a nonce issued here is unknown to the platform's verifier.
 */
import {
  ActivationBook,
  DEFAULT_POLICY,
  NonceBook,
  parsePublicArea,
  policyHash,
  policyText,
  signToken,
  verify,
  type ActivationChallenge,
  type IssuedNonce,
  type UntrustedEvidence,
  type VerifyResult,
} from '../../attestation/index.js';
import { invalid } from '../errors.js';
import type { AttestationService } from './service.js';

export interface ExternalFaceOptions {
  /** Outstanding nonces of this face (default 100,000; past it the oldest is forgotten). */
  readonly nonceCapacity?: number;
  /** Pending credential activations of this face (default 50,000). */
  readonly activationCapacity?: number;
  readonly nonceLifetimeMs?: number;
}

export const EXTERNAL_NONCE_CAPACITY = 100_000;
export const EXTERNAL_ACTIVATION_CAPACITY = 50_000;

export class ExternalAttestation {
  /** This face's nonces (not the platform agents': AttestationService.nonces). */
  readonly nonces: NonceBook;
  /** This face's credential activations (not the platform agents'). */
  readonly activations: ActivationBook;
  readonly nonceCapacity: number;
  readonly activationCapacity: number;

  constructor(
    private readonly svc: AttestationService,
    private readonly now: () => number,
    o: ExternalFaceOptions = {},
  ) {
    this.nonceCapacity = o.nonceCapacity ?? EXTERNAL_NONCE_CAPACITY;
    this.activationCapacity = o.activationCapacity ?? EXTERNAL_ACTIVATION_CAPACITY;
    this.nonces = new NonceBook(now, o.nonceLifetimeMs, this.nonceCapacity);
    this.activations = new ActivationBook(now, undefined, this.activationCapacity);
  }

  nonce(): IssuedNonce {
    return this.nonces.issue();
  }

  beginActivation(ekPublic: Uint8Array, ekCertificate: Uint8Array, akPublic: Uint8Array): ActivationChallenge {
    const ek = parsePublicArea(ekPublic);
    if ('error' in ek) throw invalid('InvalidEvidence', `ekPublic: ${ek.error}`, 'ekPublic');
    const ak = parsePublicArea(akPublic);
    if ('error' in ak) throw invalid('InvalidEvidence', `akPublic: ${ak.error}`, 'akPublic');
    const cert = this.svc.state.trust.check(ekCertificate, 'ek', this.now());
    if (!cert.ok) throw invalid(cert.problem === 'untrusted' ? 'UntrustedEndorsementKey' : 'InvalidEndorsementKeyCertificate', `The EK certificate ${cert.message}.`, 'ekCertificate');
    if (Buffer.from(cert.cert.spki).toString('hex') !== ek.spki) throw invalid('EndorsementKeyMismatch', 'The EK certificate certifies another key than ekPublic.', 'ekPublic');
    try {
      return this.activations.begin(ek.public, ak.public);
    } catch (e) {
      throw invalid('InvalidAttestationKey', (e as Error).message, 'akPublic');
    }
  }

  async completeActivation(id: string, secret: Uint8Array): Promise<{ ekName: string; akName: string }> {
    const r = this.activations.complete(id, secret);
    if (!r.ok) throw invalid('ActivationFailed', `Credential activation failed: ${r.reason}.`, 'secret');
    await this.svc.ctxStore().commit([this.svc.state.bind(r.ekName, r.akName, this.now())]);
    return { ekName: r.ekName, akName: r.akName };
  }

  attest(evidence: UntrustedEvidence): { result: VerifyResult; token?: string } {
    const now = this.now();
    const hash = policyHash(policyText(DEFAULT_POLICY));
    const result = verify(evidence, DEFAULT_POLICY, undefined, this.nonces.consume(evidence.nonce), { trust: this.svc.state.trust, boundAks: this.svc.state.boundAks, now, policyHash: hash });
    if (result.verdict !== 'Healthy' || !result.claims) return { result };
    return { result, token: signToken(result.claims, this.svc.keys.current(), { issuer: this.svc.issuer, now }) };
  }
}
