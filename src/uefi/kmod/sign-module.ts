/**
 * Sign a kernel module as scripts/sign-file does (CMS_sign with CMS_NOCERTS | CMS_BINARY |
 * CMS_NOSMIMECAP | CMS_NOATTR, detached): the result is
 * `body || PKCS#7 || struct module_signature (id_type 2, sig_len) || "~Module signature appended~\n"`,
 * byte-identical to sign-file's for RSA keys.
 */
import type { KeyObject } from 'node:crypto';
import { parseCertificate, type Certificate } from '../../core/asn1/index.js';
import { ByteWriter } from '../../core/bytes.js';
import { signData, type DigestName } from '../pkcs7/build.js';
import { OID_PKCS7 } from '../pkcs7/oids.js';
import { MODULE_SIG_STRING, parseModuleSignature, PKEY_ID_PKCS7 } from './module-signature.js';

export interface ModuleSigner {
  readonly key: KeyObject;
  readonly cert: Uint8Array | Certificate;
  readonly hash?: DigestName;
  /** Name the signer by subjectKeyIdentifier (sign-file -k). */
  readonly useKeyId?: boolean;
}

/** The detached PKCS#7 for a module body. */
export function moduleSignature(body: Uint8Array, signer: ModuleSigner): Uint8Array {
  const cert = signer.cert instanceof Uint8Array ? parseCertificate(signer.cert) : signer.cert;
  return signData({
    key: signer.key,
    cert,
    hash: signer.hash ?? 'sha256',
    eContentType: OID_PKCS7.data,
    signedContent: body,
    signedAttributes: false,
    digestParamsNull: false,
    ...(signer.useKeyId ? { useKeyId: true } : {}),
  });
}

/** Append a signature to `module` (an existing signature is replaced). */
export function signModule(module: Uint8Array, signer: ModuleSigner): Uint8Array {
  const body = parseModuleSignature(module)?.body ?? module;
  const p7 = moduleSignature(body, signer);
  const magic = new TextEncoder().encode(MODULE_SIG_STRING);
  return new ByteWriter(body.length + p7.length + 12 + magic.length)
    .bytes(body)
    .bytes(p7)
    .u8(0).u8(0).u8(PKEY_ID_PKCS7).u8(0).u8(0).zeros(3).u32be(p7.length)
    .bytes(magic)
    .finish();
}
