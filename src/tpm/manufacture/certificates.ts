/**
 * EK and AK certificates (TCG EK Credential Profile for TPM 2.0, §3.2 "EK Certificate"):
 * an empty subject with a critical subjectAltName directoryName naming the TPM manufacturer,
 * model and version (tcg-at-tpmManufacturer/Model/Version, 2.23.133.2.1–3), basicConstraints
 * CA:FALSE, keyUsage keyEncipherment (RSA) or keyAgreement (ECC), extKeyUsage
 * tcg-kp-EKCertificate (2.23.133.8.1), the TPM specification in subjectDirectoryAttributes
 * (tcg-at-tpmSpecification 2.23.133.2.16) and the CA's key identifier. The AK certificate
 * (Azure's NV 0x01C101D0) has extKeyUsage tcg-kp-AIKCertificate (2.23.133.8.3).
 * DER encoding and signing come from src/core/asn1.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { der, encodeName, ext, issueCertificate, OID } from '../../core/asn1/index.js';
import type { VtpmCa } from './ca.js';

export interface TpmIdentity {
  /** TPM_PT_MANUFACTURER as four ASCII characters (e.g. "MSFT"). */
  manufacturer: string;
  model: string;
  /** Firmware version, printed as tcg-at-tpmVersion "id:XXXXXXXX" (high 32 bits). */
  firmwareVersion: bigint;
  /** TPM_PT_REVISION (e.g. 159 for 1.59). */
  revision: number;
}

export interface CertOptions {
  notBefore?: Date;
  notAfter?: Date;
  serialNumber?: Uint8Array;
}

function hex32(s: string): string {
  return Buffer.from(s.padEnd(4, ' ').slice(0, 4), 'latin1').toString('hex').toUpperCase();
}

/** The SAN directoryName of a TPM (EK Credential Profile §3.2.9). */
export function tpmDirectoryName(id: TpmIdentity): Uint8Array {
  return encodeName([
    [OID.tcgAtTpmManufacturer, `id:${hex32(id.manufacturer)}`],
    [OID.tcgAtTpmModel, id.model],
    [OID.tcgAtTpmVersion, `id:${(id.firmwareVersion >> 32n).toString(16).toUpperCase().padStart(8, '0')}`],
  ]);
}

/** subjectDirectoryAttributes with tcg-at-tpmSpecification { "2.0", level 0, revision }. */
function tpmSpecification(revision: number): { oid: string; value: Uint8Array } {
  const spec = der.seq(der.utf8('2.0'), der.int(0), der.int(revision));
  return { oid: OID.subjectDirectoryAttributes, value: der.seq(der.seq(der.oid(OID.tcgAtTpmSpecification), der.set(spec))) };
}

function serial(opts: CertOptions): Uint8Array {
  const s = opts.serialNumber ?? new Uint8Array(randomBytes(16));
  return s;
}

type Ext = { oid: string; critical?: boolean; value: Uint8Array };

/**
 * The extensions every certificate of one CA and TPM identity shares, encoded once: with 5,000
 * vTPMs manufactured by one platform CA, re-encoding them would dominate the cost.
 */
const shared = new WeakMap<VtpmCa, Map<string, { ek: Ext[]; ak: Ext[] }>>();

function sharedExtensions(ca: VtpmCa, id: TpmIdentity): { ek: Ext[]; ak: Ext[] } {
  let byId = shared.get(ca);
  if (!byId) shared.set(ca, (byId = new Map()));
  const key = `${id.manufacturer}\0${id.model}\0${id.firmwareVersion}\0${id.revision}`;
  let e = byId.get(key);
  if (!e) {
    const dir = tpmDirectoryName(id);
    e = {
      ek: [ext.authorityKeyIdentifier(ca.keyId), ext.basicConstraints(false), ext.extKeyUsage([OID.tcgKpEKCertificate]), ext.subjectAltName({ directoryName: dir }, true), tpmSpecification(id.revision)],
      ak: [ext.authorityKeyIdentifier(ca.keyId), ext.basicConstraints(false), ext.keyUsage(['digitalSignature']), ext.extKeyUsage([OID.tcgKpAIKCertificate]), ext.subjectAltName({ directoryName: dir })],
    };
    byId.set(key, e);
  }
  return e;
}

const KEY_USAGE = { rsa: ext.keyUsage(['keyEncipherment']), ecc: ext.keyUsage(['keyAgreement']) };

/** Issue an EK certificate for `ekPublicKey` (an RSA or EC public KeyObject). */
export function issueEkCertificate(ca: VtpmCa, ekPublicKey: KeyObject, id: TpmIdentity, opts: CertOptions = {}): Uint8Array {
  const rsa = ekPublicKey.asymmetricKeyType === 'rsa';
  const [aki, bc, eku, san, spec] = sharedExtensions(ca, id).ek;
  return issueCertificate(
    {
      serialNumber: serial(opts),
      issuer: ca.parsed.subject.der,
      subject: der.seq(),
      notBefore: opts.notBefore ?? new Date(Date.UTC(2024, 0, 1)),
      notAfter: opts.notAfter ?? new Date(Date.UTC(9999, 11, 31, 23, 59, 59)),
      publicKey: ekPublicKey,
      extensions: [aki!, bc!, rsa ? KEY_USAGE.rsa : KEY_USAGE.ecc, eku!, san!, spec!],
    },
    ca.key,
  );
}

/** Issue an AK certificate (Azure's "AIK certificate"): subject CN = the VM, tcg-kp-AIKCertificate. */
export function issueAkCertificate(ca: VtpmCa, akPublicKey: KeyObject, subjectCommonName: string, id: TpmIdentity, opts: CertOptions = {}): Uint8Array {
  return issueCertificate(
    {
      serialNumber: serial(opts),
      issuer: ca.parsed.subject.der,
      subject: encodeName([['CN', subjectCommonName]]),
      notBefore: opts.notBefore ?? new Date(Date.UTC(2024, 0, 1)),
      notAfter: opts.notAfter ?? new Date(Date.UTC(9999, 11, 31, 23, 59, 59)),
      publicKey: akPublicKey,
      extensions: sharedExtensions(ca, id).ak,
    },
    ca.key,
  );
}
