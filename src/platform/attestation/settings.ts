/**
 * Per-cluster attestation settings (policy and quarantine), the trust anchors, and the AK↔EK
 * bindings credential activation produced — the state the verifier reads besides the evidence.
 * Bindings and anchors are held in memory (the verifier is synchronous and runs thousands of
 * times per second) and written through to the Store.
 */
import { DEFAULT_POLICY, TrustStore, type AttestationPolicy, type TrustAnchorInput } from '../../attestation/index.js';
import { formatName, parseCertificate } from '../../core/asn1/index.js';
import { conflict, invalid, notFound } from '../errors.js';
import { KIND } from '../model/keys.js';
import type { Store, WriteOp } from '../store/store.js';
import type { AttestationBinding, AttestationSettings, TrustAnchorRecord } from './types.js';

export const DEFAULT_SETTINGS: Omit<AttestationSettings, 'updatedAt'> = { quarantine: false, policy: DEFAULT_POLICY };

export class AttestationState {
  private readonly bindings = new Map<string, AttestationBinding>();
  private anchors: TrustAnchorRecord[] = [];
  private trustStore: TrustStore | undefined;

  constructor(
    private readonly store: Store,
    /** The platform's vTPM CA certificate (always trusted). */
    private readonly platformCa: Uint8Array,
  ) {}

  async load(): Promise<void> {
    for (const b of await this.store.list<AttestationBinding>(KIND.attestationBinding)) this.bindings.set(b.key, b.value);
    this.anchors = (await this.store.list<TrustAnchorRecord>(KIND.attestationTrustAnchor)).map((r) => r.value);
    this.trustStore = undefined;
  }

  // ---- trust anchors --------------------------------------------------------------------------

  /** The TrustStore of the current anchors (a new object whenever they change). */
  get trust(): TrustStore {
    this.trustStore ??= new TrustStore(this.anchorInputs());
    return this.trustStore;
  }

  /** The anchors `trust` was built from: the platform's vTPM CA, then the administrators' anchors. */
  anchorInputs(): TrustAnchorInput[] {
    return [
      { name: 'platform vTPM CA', certificate: this.platformCa },
      ...this.anchors.map((a): TrustAnchorInput => ({ name: a.name, certificate: new Uint8Array(Buffer.from(a.certificate, 'base64')) })),
    ];
  }

  listAnchors(): TrustAnchorRecord[] {
    return [...this.anchors];
  }

  async putAnchor(name: string, der: Uint8Array, now: number): Promise<TrustAnchorRecord> {
    if (!/^[A-Za-z0-9][-A-Za-z0-9_.]{0,79}$/.test(name)) throw invalid('InvalidParameter', `Trust anchor name '${name}' is invalid: use 1-80 letters, digits, '-', '_' and '.'.`, 'name');
    let subject: string;
    try {
      subject = formatName(parseCertificate(der).subject);
    } catch (e) {
      throw invalid('InvalidParameter', `properties.certificate is not a DER or PEM X.509 certificate: ${(e as Error).message}`, 'properties.certificate');
    }
    const rec: TrustAnchorRecord = { name, certificate: Buffer.from(der).toString('base64'), subject, addedAt: now };
    await this.store.commit([{ op: 'put', kind: KIND.attestationTrustAnchor, key: name.toLowerCase(), value: rec }]);
    this.anchors = [...this.anchors.filter((a) => a.name.toLowerCase() !== name.toLowerCase()), rec];
    this.trustStore = undefined;
    return rec;
  }

  async deleteAnchor(name: string): Promise<void> {
    if (!this.anchors.some((a) => a.name.toLowerCase() === name.toLowerCase())) throw notFound('TrustAnchorNotFound', `Trust anchor '${name}' was not found.`);
    await this.store.commit([{ op: 'delete', kind: KIND.attestationTrustAnchor, key: name.toLowerCase() }]);
    this.anchors = this.anchors.filter((a) => a.name.toLowerCase() !== name.toLowerCase());
    this.trustStore = undefined;
  }

  // ---- bindings -------------------------------------------------------------------------------

  boundAks = (ekName: string): readonly string[] => this.bindings.get(ekName)?.akNames ?? [];

  /** The write recording that `akName` is bound to `ekName` (applied in memory at once). */
  bind(ekName: string, akName: string, now: number, vmKey?: string): WriteOp {
    const cur = this.bindings.get(ekName);
    const b: AttestationBinding = { ekName, akNames: [...(cur?.akNames ?? []).filter((n) => n !== akName), akName].slice(-8), at: now, ...(vmKey ?? cur?.vmKey ? { vmKey: vmKey ?? cur!.vmKey! } : {}) };
    this.bindings.set(ekName, b);
    return { op: 'put', kind: KIND.attestationBinding, key: ekName, value: b };
  }

  unbind(ekName: string): WriteOp {
    this.bindings.delete(ekName);
    return { op: 'delete', kind: KIND.attestationBinding, key: ekName };
  }

  // ---- per-cluster settings -------------------------------------------------------------------

  async settings(clusterKey: string): Promise<AttestationSettings> {
    const rec = await this.store.get<Partial<AttestationSettings>>(KIND.attestationSettings, clusterKey);
    return { quarantine: !!rec?.value.quarantine, policy: rec?.value.policy ?? DEFAULT_POLICY, updatedAt: rec?.value.updatedAt ?? 0 };
  }

  async setSettings(clusterKey: string, change: { policy?: AttestationPolicy; quarantine?: boolean }, now: number): Promise<AttestationSettings> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const rec = await this.store.get<Partial<AttestationSettings>>(KIND.attestationSettings, clusterKey);
      const next: AttestationSettings = {
        quarantine: change.quarantine ?? !!rec?.value.quarantine,
        policy: change.policy ?? rec?.value.policy ?? DEFAULT_POLICY,
        updatedAt: now,
      };
      try {
        await this.store.commit([{ op: 'put', kind: KIND.attestationSettings, key: clusterKey, value: next, expectRev: rec?.rev ?? 0 }]);
        return next;
      } catch (e) {
        if ((e as { code?: string }).code !== 'StoreConflict') throw e;
      }
    }
    throw conflict('Conflict', 'The attestation settings changed concurrently; try again.');
  }
}
