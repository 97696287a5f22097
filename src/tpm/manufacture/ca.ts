/**
 * The vTPM certificate authority that signs EK and AK certificates. The platform owns it (its
 * key lives in the platform's data directory); tests create their own. ECC P-256 by default so
 * that issuing a certificate costs one ECDSA signature (~0.05 ms).
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { encodeName, ext, issueCertificate, keyIdentifier, parseCertificate, type Certificate } from '../../core/asn1/index.js';

export interface VtpmCa {
  key: KeyObject;
  /** DER certificate of the CA. */
  certificate: Uint8Array;
  /** Parsed certificate (subject DER is reused as the issuer of EK/AK certificates). */
  parsed: Certificate;
  /** Subject key identifier (becomes the authority key identifier of issued certificates). */
  keyId: Uint8Array;
}

export interface CaOptions {
  commonName?: string;
  organization?: string;
  keyType?: 'ecc' | 'rsa';
  notBefore?: Date;
  notAfter?: Date;
}

/** Create a self-signed vTPM CA. */
export function createVtpmCa(opts: CaOptions = {}): VtpmCa {
  const { privateKey, publicKey } =
    opts.keyType === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = encodeName([
    ['O', opts.organization ?? 'Trusted Launch'],
    ['CN', opts.commonName ?? 'Trusted Launch vTPM CA'],
  ]);
  const keyId = keyIdentifier(publicKey);
  const notBefore = opts.notBefore ?? new Date(Date.UTC(2024, 0, 1));
  const certificate = issueCertificate(
    {
      serialNumber: new Uint8Array(randomBytes(16)),
      issuer: name,
      subject: name,
      notBefore,
      notAfter: opts.notAfter ?? new Date(Date.UTC(2049, 11, 31, 23, 59, 59)),
      publicKey,
      extensions: [ext.basicConstraints(true, 1), ext.keyUsage(['keyCertSign', 'cRLSign']), ext.subjectKeyIdentifier(keyId)],
    },
    privateKey,
  );
  return { key: privateKey, certificate, parsed: parseCertificate(certificate), keyId };
}

/** Load a CA from its PKCS#8 private key and DER certificate (e.g. files in a state directory). */
export function loadVtpmCa(privateKeyPem: string | Uint8Array, certificateDer: Uint8Array): VtpmCa {
  const key = createPrivateKey(typeof privateKeyPem === 'string' ? privateKeyPem : { key: Buffer.from(privateKeyPem), format: 'der', type: 'pkcs8' });
  const parsed = parseCertificate(certificateDer);
  const keyId = keyIdentifier(createPublicKey(key));
  return { key, certificate: certificateDer, parsed, keyId };
}
