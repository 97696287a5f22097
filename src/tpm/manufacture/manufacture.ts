/**
 * Manufacturing a vTPM: what swtpm_setup does (~650 ms per TPM), done directly on the
 * persistent state (no command round trips) so that an ECC vTPM costs well under a millisecond:
 *  1. fresh primary seeds (EPS, SPS, PPS) from the injected entropy;
 *  2. the EK(s) derived from the EPS with the TCG templates (so TPM2_CreatePrimary with the
 *     same template returns the same key later) and persisted at 0x81010001 (RSA) /
 *     0x81010002 (ECC), with their certificates at the TCG NV indices 0x01C00002 / 0x01C0000A;
 *  3. an AK (restricted signing key, created under the EK as tpm2_createak does) persisted at
 *     0x81000003 with its certificate at NV 0x01C101D0, as Azure provisions its vTPM.
 * The result is the state blob the simulator loads through its TpmNvStore.
 */
import { concat } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { handleName, objectName } from '../crypto/name.js';
import { publicKeyOf } from '../crypto/keys.js';
import { TPM_ALG, TPM_RH, TPMA_NV } from '../types/constants.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import { defaultEntropy } from '../sim/platform.js';
import { makeProfile, type TpmProfile } from '../sim/profile.js';
import { derivePrimary, generateObject } from '../sim/keygen.js';
import type { TpmObject } from '../sim/state/objects.js';
import { encodeImage, type PersistentImage } from '../sim/state/persist.js';
import type { VtpmCa } from './ca.js';
import { issueAkCertificate, issueEkCertificate, type CertOptions, type TpmIdentity } from './certificates.js';
import { AK_CERT_NV, akTemplate, EK_CERT_NV, ekTemplateEcc, ekTemplateRsa, PERSISTENT } from './templates.js';

/** TPMA_NV of a platform-provisioned certificate index (as swtpm_setup writes them): 0x62072001. */
export const CERT_NV_ATTRIBUTES =
  TPMA_NV.PPWRITE | TPMA_NV.WRITEDEFINE | TPMA_NV.PPREAD | TPMA_NV.OWNERREAD | TPMA_NV.AUTHREAD | TPMA_NV.NO_DA | TPMA_NV.WRITTEN | TPMA_NV.PLATFORMCREATE;

export interface ManufactureOptions {
  /** The CA that signs the EK and AK certificates. */
  ca: VtpmCa;
  /** Which EKs to create (default: ECC P-256 only; Azure's vTPM has an RSA-2048 EK). */
  ekTypes?: readonly ('rsa' | 'ecc')[];
  /** AK key type, or false for no AK (default 'ecc'). */
  ak?: 'rsa' | 'ecc' | false;
  /** Subject CN of the AK certificate (e.g. the VM's id). */
  akSubject?: string;
  /** Profile whose identity (manufacturer, firmware version) the certificates name. */
  profile?: Partial<TpmProfile>;
  entropy?: (n: number) => Uint8Array;
  certificate?: CertOptions;
}

export interface ManufacturedKey {
  handle: number;
  public: TPMT_PUBLIC;
  name: Uint8Array;
  certificate: Uint8Array;
  certificateIndex: number;
}

export interface ManufacturedVtpm {
  /** The persistent state for TpmNvStore. */
  state: Uint8Array;
  ek: { rsa?: ManufacturedKey; ecc?: ManufacturedKey };
  ak?: ManufacturedKey;
}

function identityOf(p: TpmProfile): TpmIdentity {
  return { manufacturer: p.manufacturer, model: p.vendorString, firmwareVersion: p.firmwareVersion, revision: p.revision };
}

function certIndex(nvIndex: number, certificate: Uint8Array): PersistentImage['nv'][number] {
  return {
    public: { nvIndex, nameAlg: TPM_ALG.SHA256, attributes: CERT_NV_ATTRIBUTES, authPolicy: new Uint8Array(0), dataSize: certificate.length },
    authValue: new Uint8Array(0),
    data: certificate,
  };
}

const EMPTY_SENSITIVE = { userAuth: new Uint8Array(0), data: new Uint8Array(0) };

export async function manufactureVtpm(opts: ManufactureOptions): Promise<ManufacturedVtpm> {
  const profile = makeProfile(opts.profile);
  const random = opts.entropy ?? defaultEntropy;
  const id = identityOf(profile);
  const seeds = random(profile.seedSize * 3);
  const img: PersistentImage = {
    eps: seeds.slice(0, profile.seedSize),
    sps: seeds.slice(profile.seedSize, 2 * profile.seedSize),
    pps: seeds.slice(2 * profile.seedSize),
    ownerAuth: new Uint8Array(0),
    endorsementAuth: new Uint8Array(0),
    lockoutAuth: new Uint8Array(0),
    clock: 0n,
    resetCount: 0,
    restartCount: 0,
    nv: [],
    objects: [],
  };
  const out: ManufacturedVtpm = { state: new Uint8Array(0), ek: {} };
  const endorsementName = handleName(TPM_RH.ENDORSEMENT);
  let parent: TpmObject | undefined;
  for (const type of opts.ekTypes ?? ['ecc']) {
    const made = await derivePrimary(img.eps, type === 'rsa' ? ekTemplateRsa() : ekTemplateEcc(), EMPTY_SENSITIVE);
    const name = objectName(made.public);
    const ek: TpmObject = {
      public: made.public,
      name,
      qualifiedName: concat(name.subarray(0, 2), hash(made.public.nameAlg, endorsementName, name)),
      hierarchy: TPM_RH.ENDORSEMENT,
      sensitive: made.sensitive,
    };
    const handle = type === 'rsa' ? PERSISTENT.EK_RSA : PERSISTENT.EK_ECC;
    const certificateIndex = type === 'rsa' ? EK_CERT_NV.RSA2048 : EK_CERT_NV.ECC_P256;
    const certificate = issueEkCertificate(opts.ca, publicKeyOf(made.public), id, opts.certificate);
    img.objects.push({ handle, object: ek });
    img.nv.push(certIndex(certificateIndex, certificate));
    out.ek[type] = { handle, public: made.public, name, certificate, certificateIndex };
    parent ??= ek;
  }
  const akType = opts.ak ?? 'ecc';
  if (akType && parent) {
    const made = await generateObject(akTemplate(akType), EMPTY_SENSITIVE, random);
    const name = objectName(made.public);
    const ak: TpmObject = {
      public: made.public,
      name,
      qualifiedName: concat(name.subarray(0, 2), hash(made.public.nameAlg, parent.qualifiedName, name)),
      hierarchy: TPM_RH.ENDORSEMENT,
      sensitive: made.sensitive,
    };
    const certificate = issueAkCertificate(opts.ca, publicKeyOf(made.public), opts.akSubject ?? 'vTPM attestation key', id, opts.certificate);
    img.objects.push({ handle: PERSISTENT.AK, object: ak });
    img.nv.push(certIndex(AK_CERT_NV, certificate));
    out.ak = { handle: PERSISTENT.AK, public: made.public, name, certificate, certificateIndex: AK_CERT_NV };
  }
  out.state = encodeImage(img);
  return out;
}
