/**
 * Every VM with vTPM enabled gets "its own dedicated TPM instance, compliant with the TPM 2.0
 * specification" (the document). Here that is the embedded simulator (src/tpm), reached only
 * through the TPM 2.0 command interface, with its persistent state (seeds, EK/AK, certificates,
 * NV) kept in the Store as one blob per VM:
 *
 *   1. manufacture once, on first power-on: an ECC P-256 EK with a TCG-profile certificate from the
 *      platform's vTPM CA and an AK at 0x81000003 with its certificate at NV 0x01C101D0, as Azure
 *      provisions its vTPM (so the EK — the VM's TPM identity — never changes across reboots,
 *      reimages or server restarts);
 *   2. power on at locality 3 and TPM2_Startup(CLEAR): PCRs reset (PCR 0 starts at …03);
 *   3. after the boot, TPM2_Shutdown(STATE) and persist: the VM keeps running with its PCRs, and
 *      attestation later resumes the TPM with TPM2_Startup(STATE) (a TPM Resume, Part 1 §12.2.3).
 */
import type { Clock } from '../../core/clock.js';
import { TPM_SU } from '../../tpm/types/constants.js';
import { TpmClient } from '../../tpm/client/client.js';
import { MemoryNvStore } from '../../tpm/sim/platform.js';
import { TpmSimulator } from '../../tpm/sim/simulator.js';
import { createVtpmCa, loadVtpmCa, type VtpmCa } from '../../tpm/manufacture/ca.js';
import { manufactureVtpm } from '../../tpm/manufacture/manufacture.js';
import type { MeasuringTpm } from '../boot/boot-vm.js';
import type { Store, WriteOp } from '../store/store.js';

export const VTPM_STATE_KIND = 'vtpmState';
export const VTPM_KIND = 'vtpm';
const CA_KIND = 'platformPki';

/** What the platform records about a VM's vTPM identity. */
export interface VtpmRecord {
  readonly vmKey: string;
  readonly manufacturedAt: number;
  /** TPM Names (hex) of the EK and AK: the identity attestation binds to. */
  readonly ekName: string;
  readonly akName: string;
  readonly ekCertificate: string; // base64 DER
  readonly akCertificate: string; // base64 DER
}

export interface OpenVtpm {
  readonly client: TpmClient;
  readonly measuring: MeasuringTpm;
  /**
   * TPM2_Shutdown(STATE) and power off; returns the writes that persist the state (and, for a
   * vTPM manufactured by this open, its identity record), for the caller to commit atomically
   * with whatever else the power cycle changed (the VM's stage, its boot evidence).
   */
  suspend(): Promise<WriteOp[]>;
  /** TPM2_Shutdown(CLEAR) and power off (a full power-off); returns the writes, as suspend. */
  close(): Promise<WriteOp[]>;
}

/** The platform's vTPM CA (ECC P-256), made once and kept in the Store. */
export async function loadOrCreateVtpmCa(store: Store): Promise<VtpmCa> {
  const rec = await store.get<{ key: string; cert: string }>(CA_KIND, 'vtpmCa');
  if (rec) return loadVtpmCa(new Uint8Array(Buffer.from(rec.value.key, 'base64')), new Uint8Array(Buffer.from(rec.value.cert, 'base64')));
  const ca = createVtpmCa({ commonName: 'Trusted Launch Virtual TPM CA 2026' });
  const value = { key: Buffer.from(ca.key.export({ format: 'der', type: 'pkcs8' })).toString('base64'), cert: Buffer.from(ca.certificate).toString('base64') };
  try {
    await store.commit([{ op: 'put', kind: CA_KIND, key: 'vtpmCa', value, expectRev: 0 }]);
    return ca;
  } catch {
    return loadOrCreateVtpmCa(store);
  }
}

export class VtpmService {
  constructor(
    private readonly store: Store,
    readonly ca: VtpmCa,
    private readonly clock: Clock,
  ) {}

  async record(vmKey: string): Promise<VtpmRecord | undefined> {
    return (await this.store.get<VtpmRecord>(VTPM_KIND, vmKey))?.value;
  }

  /** 1. Manufacture the VM's vTPM unless it exists; returns its persistent state (and the record of a new one). */
  private async ensure(vmKey: string, vmId: string): Promise<{ state: Uint8Array; created?: VtpmRecord }> {
    const existing = await this.store.getBlob(VTPM_STATE_KIND, vmKey);
    if (existing) return { state: existing };
    const m = await manufactureVtpm({ ca: this.ca, ekTypes: ['ecc'], ak: 'ecc', akSubject: `${vmId}.TrustedVM.local` });
    const rec: VtpmRecord = {
      vmKey,
      manufacturedAt: this.clock.now(),
      ekName: Buffer.from(m.ek.ecc!.name).toString('hex'),
      akName: Buffer.from(m.ak!.name).toString('hex'),
      ekCertificate: Buffer.from(m.ek.ecc!.certificate).toString('base64'),
      akCertificate: Buffer.from(m.ak!.certificate).toString('base64'),
    };
    return { state: m.state, created: rec };
  }

  /** 2. Power the VM's vTPM on as firmware does: locality 3, TPM2_Startup(CLEAR) (or STATE to resume). */
  async open(vmKey: string, vmId: string, startup: 'clear' | 'resume' = 'clear'): Promise<OpenVtpm> {
    const { state, created } = await this.ensure(vmKey, vmId);
    const nv = new MemoryNvStore(state);
    const sim = new TpmSimulator({ nv, now: () => this.clock.now() });
    sim.powerOn({ locality: 3 });
    await sim.startup(startup === 'resume' ? TPM_SU.STATE : TPM_SU.CLEAR);
    sim.setLocality(0);
    const client = new TpmClient(sim.transport());
    const persist = async (): Promise<WriteOp[]> => {
      sim.powerOff();
      return [{ op: 'putBlob', kind: VTPM_STATE_KIND, key: vmKey, data: nv.state! }, ...(created ? [{ op: 'put', kind: VTPM_KIND, key: vmKey, value: created, expectRev: 0 } as const] : [])];
    };
    return {
      client,
      measuring: { extend: (pcr, digests) => client.pcrExtend(pcr, digests.map((d) => ({ hashAlg: d.algId, digest: d.digest }))) },
      // 3.
      suspend: async () => {
        await client.shutdown(TPM_SU.STATE);
        return persist();
      },
      close: async () => {
        await client.shutdown(TPM_SU.CLEAR);
        return persist();
      },
    };
  }

  /** The VM was deleted: its vTPM goes with it. */
  async destroy(vmKey: string): Promise<void> {
    await this.store.commit([
      { op: 'deleteBlob', kind: VTPM_STATE_KIND, key: vmKey },
      { op: 'delete', kind: VTPM_KIND, key: vmKey },
    ]);
  }
}
