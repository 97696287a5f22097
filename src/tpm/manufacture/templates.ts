/**
 * Well-known handles, NV indices and key templates.
 * - EK templates: TCG EK Credential Profile for TPM 2.0, §2.1.5.1 Template L-1 (RSA 2048) and
 *   L-2 (ECC NIST P-256): storage keys (restricted|decrypt) usable only through the EK policy
 *   PolicySecret(TPM_RH_ENDORSEMENT), AES-128-CFB, unique = zeros of the key size. These are the
 *   templates `tpm2_createek` uses (checked against tpm2-tools' ek-template-default.bin).
 * - AK templates: what `tpm2_createak -G rsa|ecc -g sha256 -s rsassa|ecdsa` creates
 *   (restricted signing key, attributes 0x00050072).
 * - SRK templates: TCG TPM v2.0 Provisioning Guidance §7.5.1 (storage root key, noDA).
 */
import { TPM_ALG, TPM_ECC, TPMA_OBJECT } from '../types/constants.js';
import type { TPMT_PUBLIC, TPMT_PUBLIC_ECC, TPMT_PUBLIC_RSA } from '../types/public.js';
import { SCHEME_NULL, SYM_AES_128_CFB, SYM_NULL } from '../types/schemes.js';
import { ekPolicy } from '../crypto/policy.js';

/** TCG EK certificate NV indices (EK Credential Profile §2.2.1.5). */
export const EK_CERT_NV = {
  RSA2048: 0x01c00002,
  RSA2048_NONCE: 0x01c00003,
  RSA2048_TEMPLATE: 0x01c00004,
  ECC_P256: 0x01c0000a,
  ECC_P256_NONCE: 0x01c0000b,
  ECC_P256_TEMPLATE: 0x01c0000c,
  /** High range (EK Credential Profile 2.3+). */
  RSA2048_H: 0x01c00012,
  ECC_P256_H: 0x01c00014,
  ECC_P384_H: 0x01c00016,
} as const;

/** Persistent handles: TCG EK handles (Provisioning Guidance §7.8) and Azure's AK. */
export const PERSISTENT = {
  EK_RSA: 0x81010001,
  EK_ECC: 0x81010002,
  SRK: 0x81000001,
  /** Azure Trusted Launch vTPM: the attestation key ("AIK"), with its certificate at AK_CERT_NV. */
  AK: 0x81000003,
} as const;

/** Azure's NV index for the AK certificate. */
export const AK_CERT_NV = 0x01c101d0;

/** TPMA_OBJECT of the TCG EK templates: fixedTPM|fixedParent|sensitiveDataOrigin|adminWithPolicy|restricted|decrypt. */
export const EK_ATTRIBUTES =
  TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.sensitiveDataOrigin | TPMA_OBJECT.adminWithPolicy | TPMA_OBJECT.restricted | TPMA_OBJECT.decrypt;

/** TPMA_OBJECT of tpm2_createak's AK: fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|restricted|sign. */
export const AK_ATTRIBUTES =
  TPMA_OBJECT.fixedTPM | TPMA_OBJECT.fixedParent | TPMA_OBJECT.sensitiveDataOrigin | TPMA_OBJECT.userWithAuth | TPMA_OBJECT.restricted | TPMA_OBJECT.sign;

/** TPMA_OBJECT of the SRK template: as AK but restricted|decrypt and noDA. */
export const SRK_ATTRIBUTES =
  TPMA_OBJECT.fixedTPM |
  TPMA_OBJECT.fixedParent |
  TPMA_OBJECT.sensitiveDataOrigin |
  TPMA_OBJECT.userWithAuth |
  TPMA_OBJECT.noDA |
  TPMA_OBJECT.restricted |
  TPMA_OBJECT.decrypt;

/** EK Credential Profile Template L-1: RSA 2048 EK. */
export function ekTemplateRsa(): TPMT_PUBLIC_RSA {
  return {
    type: TPM_ALG.RSA,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes: EK_ATTRIBUTES,
    authPolicy: ekPolicy(TPM_ALG.SHA256),
    parameters: { symmetric: { ...SYM_AES_128_CFB }, scheme: { ...SCHEME_NULL }, keyBits: 2048, exponent: 0 },
    unique: new Uint8Array(256),
  };
}

/** EK Credential Profile Template L-2: ECC NIST P-256 EK. */
export function ekTemplateEcc(): TPMT_PUBLIC_ECC {
  return {
    type: TPM_ALG.ECC,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes: EK_ATTRIBUTES,
    authPolicy: ekPolicy(TPM_ALG.SHA256),
    parameters: { symmetric: { ...SYM_AES_128_CFB }, scheme: { ...SCHEME_NULL }, curveID: TPM_ECC.NIST_P256, kdf: { ...SCHEME_NULL } },
    unique: { x: new Uint8Array(32), y: new Uint8Array(32) },
  };
}

/** A restricted signing key (AK): RSASSA-SHA256 RSA 2048, or ECDSA-SHA256 on P-256. */
export function akTemplate(type: 'rsa' | 'ecc', attributes: number = AK_ATTRIBUTES): TPMT_PUBLIC {
  if (type === 'rsa') {
    return {
      type: TPM_ALG.RSA,
      nameAlg: TPM_ALG.SHA256,
      objectAttributes: attributes,
      authPolicy: new Uint8Array(0),
      parameters: { symmetric: { ...SYM_NULL }, scheme: { scheme: TPM_ALG.RSASSA, hashAlg: TPM_ALG.SHA256 }, keyBits: 2048, exponent: 0 },
      unique: new Uint8Array(0),
    };
  }
  return {
    type: TPM_ALG.ECC,
    nameAlg: TPM_ALG.SHA256,
    objectAttributes: attributes,
    authPolicy: new Uint8Array(0),
    parameters: {
      symmetric: { ...SYM_NULL },
      scheme: { scheme: TPM_ALG.ECDSA, hashAlg: TPM_ALG.SHA256 },
      curveID: TPM_ECC.NIST_P256,
      kdf: { ...SCHEME_NULL },
    },
    unique: { x: new Uint8Array(0), y: new Uint8Array(0) },
  };
}

/** Storage root key template (Provisioning Guidance §7.5.1). */
export function srkTemplate(type: 'rsa' | 'ecc'): TPMT_PUBLIC {
  if (type === 'rsa') return { ...ekTemplateRsa(), objectAttributes: SRK_ATTRIBUTES, authPolicy: new Uint8Array(0) };
  return { ...ekTemplateEcc(), objectAttributes: SRK_ATTRIBUTES, authPolicy: new Uint8Array(0) };
}
