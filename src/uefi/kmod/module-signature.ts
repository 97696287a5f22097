/**
 * Linux kernel module signatures (Documentation/admin-guide/module-signing.rst;
 * include/linux/module_signature.h; kernel/module/signing.c mod_verify_sig):
 *
 *   [module ELF][PKCS#7 DER][struct module_signature][ "~Module signature appended~\n" ]
 *   struct module_signature { u8 algo; u8 hash; u8 id_type; u8 signer_len; u8 key_id_len;
 *                             u8 __pad[3]; __be32 sig_len; }
 *
 * id_type must be PKEY_ID_PKCS7 (2) and algo/hash/signer_len/key_id_len zero (the PKCS#7 says
 * it all). Debian's PKCS#7 is detached, has no signed attributes and no certificates: the
 * signer is found in the kernel's keyring by issuer and serial number
 * (reference/secureboot.md §4). The verifier is built for bulk use (4,000 modules per boot
 * check): DER is walked in place, keys are created once per certificate, and the body is
 * hashed by node:crypto inside the signature check.
 */
import { createHash } from 'node:crypto';
import { commonName, formatName, parseCertificate, parseDer, parseName, type Certificate } from '../../core/asn1/index.js';
import { isTlError, WireError } from '../../core/errors.js';
import { certName } from '../authenticode/signature.js';
import { OID_PKCS7 } from '../pkcs7/oids.js';
import { parseSignedData, type SignedData, type SignerInfo } from '../pkcs7/signed-data.js';
import { matchesSigner, verifySignerInfo } from '../pkcs7/verify.js';
import { findImageHash, type CertEntry, type SignatureDatabase } from '../sigdb/database.js';
import { findTrustPath } from '../verify/chain.js';
import { certAuthority } from '../verify/verify-image.js';
import type { Authority } from '../verify/verdict.js';

export const MODULE_SIG_STRING = '~Module signature appended~\n';
const MAGIC = new TextEncoder().encode(MODULE_SIG_STRING);
export const PKEY_ID_PKCS7 = 2;
const TRAILER = 12;

export interface ModuleSignature {
  /** The module without its signature (what is signed). */
  readonly body: Uint8Array;
  /** The PKCS#7 DER. */
  readonly pkcs7: Uint8Array;
  readonly idType: number;
}

/** Split an appended module signature off; undefined when the module carries none (unsigned). */
export function parseModuleSignature(bytes: Uint8Array): ModuleSignature | undefined {
  const n = bytes.length;
  if (n < MAGIC.length) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[n - MAGIC.length + i] !== MAGIC[i]) return undefined;
  const t = n - MAGIC.length - TRAILER;
  if (t < 0) throw new WireError('truncated: struct module_signature', 0, 'module_signature');
  const [algo, hash, idType, signerLen, keyIdLen] = [bytes[t]!, bytes[t + 1]!, bytes[t + 2]!, bytes[t + 3]!, bytes[t + 4]!];
  const sigLen = ((bytes[t + 8]! << 24) | (bytes[t + 9]! << 16) | (bytes[t + 10]! << 8) | bytes[t + 11]!) >>> 0;
  if (idType !== PKEY_ID_PKCS7) throw new WireError(`module signature id_type ${idType} is not PKCS#7 (2)`, t + 2, 'module_signature');
  if (algo || hash || signerLen || keyIdLen) throw new WireError('module_signature algo/hash/signer_len/key_id_len must be zero for PKCS#7', t, 'module_signature');
  if (sigLen > t) throw new WireError(`sig_len ${sigLen} exceeds the ${t} bytes before the trailer`, t + 8, 'module_signature');
  return { body: bytes.subarray(0, t - sigLen), pkcs7: bytes.subarray(t - sigLen, t), idType };
}

export interface ModuleKeyring {
  /** Trusted keys: the kernel's built-in keys (.builtin_trusted_keys), plus — Debian — db and MokList (platform/machine keyring). */
  readonly trusted: readonly SignatureDatabase[];
  /** Revoked module hashes and certificates (dbx, MokListX: Debian's blacklist keyring). */
  readonly denied?: readonly SignatureDatabase[];
}

export interface ModuleVerdict {
  readonly component: string;
  readonly allowed: boolean;
  readonly reason: string;
  /** Issuer CN of the signer as the PKCS#7 names it (what `modinfo -F signer` prints) or the signing certificate's CN. */
  readonly signer?: string;
  /** The signer's serial number as colon-separated hex (`modinfo -F sig_key`). */
  readonly sigKey?: string;
  readonly hashAlgorithm?: string;
  readonly authority?: Authority;
}

/** Colon-separated upper-case hex, as modinfo prints sig_key. */
export const colonHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(':');

function sidNames(si: SignerInfo): { signer?: string; sigKey?: string } {
  if (si.sid.kind !== 'issuerAndSerialNumber') return { sigKey: colonHex(si.sid.keyId) };
  let serial = si.sid.serialNumber;
  while (serial.length > 1 && serial[0] === 0) serial = serial.subarray(1);
  try {
    // The issuer Name as carried in the PKCS#7; certificates are not needed to name it.
    const name = parseCertificateName(si.sid.issuer);
    return { signer: name, sigKey: colonHex(serial) };
  } catch {
    return { sigKey: colonHex(serial) };
  }
}

function parseCertificateName(der: Uint8Array): string {
  const n = parseName(parseDer(der, 'Name'));
  return commonName(n) ?? formatName(n);
}

/**
 * Verify a module file (bytes as on disk) against `keyring`, as the kernel does with
 * module.sig_enforce / Secure Boot lockdown: unsigned, malformed, unknown-key and bad-signature
 * modules are refused.
 */
export function verifyModule(bytes: Uint8Array, keyring: ModuleKeyring, component = 'module'): ModuleVerdict {
  let sig: ModuleSignature | undefined;
  let sd: SignedData;
  try {
    sig = parseModuleSignature(bytes);
    if (!sig) return { component, allowed: false, reason: 'no signature (an unsigned module is refused when Secure Boot enforces module signatures)' };
    sd = parseSignedData(sig.pkcs7);
  } catch (e) {
    if (!isTlError(e)) throw e;
    return { component, allowed: false, reason: `malformed module signature: ${e.message}` };
  }
  const si = sd.signerInfos[0];
  if (sd.signerInfos.length !== 1 || !si) return { component, allowed: false, reason: `module signature must have one signer, found ${sd.signerInfos.length}` };
  if (sd.contentType !== OID_PKCS7.data) return { component, allowed: false, reason: `module signature content type ${sd.contentType} is not id-data` };
  const names = sidNames(si);
  const hashAlgorithm = { '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512', '1.3.14.3.2.26': 'sha1' }[si.digestAlgorithm.oid];
  const base = { component, ...names, ...(hashAlgorithm ? { hashAlgorithm } : {}) };
  const refuse = (reason: string): ModuleVerdict => ({ ...base, allowed: false, reason });

  for (const d of keyring.denied ?? []) {
    if (d.hashes.length === 0) continue;
    const h = findImageHash(d, 'sha256', new Uint8Array(createHash('sha256').update(sig.body).digest()));
    if (h) return refuse(`module SHA-256 digest is in ${d.name}`);
  }

  let bag: Certificate[];
  try {
    bag = sd.certificates.map((c) => parseCertificate(c));
  } catch (e) {
    if (!isTlError(e)) throw e;
    return refuse(`malformed certificate in module signature: ${e.message}`);
  }
  const trusted: CertEntry[] = keyring.trusted.flatMap((d) => d.certs);
  // The signer: a keyring key named by the SignerInfo, or a certificate from the PKCS#7 that chains to one.
  const direct = trusted.find((e) => matchesSigner(si, e.cert));
  const signerCert = direct?.cert ?? bag.find((c) => matchesSigner(si, c));
  const who = names.signer ?? (signerCert ? certName(signerCert) : 'an unknown key');
  if (!signerCert) return refuse(`signed by ${who} (key ${names.sigKey ?? '?'}), which is not in ${keyring.trusted.map((d) => d.name).join(' or ')}`);
  const path = direct ? { anchor: direct, chain: [direct.cert] } : findTrustPath(signerCert, bag, trusted);
  if (!path) return refuse(`signed by ${who}, which chains to no key in ${keyring.trusted.map((d) => d.name).join(' or ')}`);
  for (const d of keyring.denied ?? []) {
    const revoked = findTrustPath(signerCert, bag, d.certs);
    if (revoked) return refuse(`signed by ${who}, whose certificate is revoked by ${d.name}`);
  }
  const check = verifySignerInfo(si, signerCert, sig.body, sd.contentType);
  if (!check.ok) return refuse(`signature by ${who} does not verify (${check.reason}): the module was modified after signing or signed with another key`);
  return { ...base, allowed: true, reason: `signed by ${who}, a key in ${path.anchor.database}`, authority: certAuthority(path.anchor) };
}

