/**
 * The platform's own signed boot chain for node images, built like the real one
 * (reference/secureboot.md §2): a UEFI CA in db signs the shim-like first stage; shim embeds a
 * vendor CA whose signer signs the boot loader and the kernel; the kernel's built-in key signs
 * its modules. Every image is a real PE/COFF file (sbverify and pesign accept them) and every
 * module carries a real appended PKCS#7.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { encodeName, ext, issueCertificate, keyIdentifier, OID } from '../../core/asn1/index.js';
import { utf8 } from '../../core/bytes.js';
import { signModule } from '../kmod/sign-module.js';
import { sbatLevel, type SbatEntry } from '../shim/sbat.js';
import { databaseFromCertificates, type SignatureDatabase } from '../sigdb/database.js';
import { buildNodeImage, buildShimLikeImage } from './pe-builder.js';
import { signPeImage } from './sign-pe.js';

export interface SigningIdentity {
  readonly key: KeyObject;
  /** DER certificate. */
  readonly cert: Uint8Array;
}

export interface PlatformPki {
  /** In db (the role Microsoft UEFI CA plays). */
  readonly uefiCa: SigningIdentity;
  readonly uefiSigner: SigningIdentity;
  /** Embedded in shim's .vendor_cert (the role of the Debian Secure Boot CA). */
  readonly vendorCa: SigningIdentity;
  readonly vendorSigner: SigningIdentity;
  /** Built into the kernel; signs modules. */
  readonly moduleKey: SigningIdentity;
}

const FROM = new Date('2024-01-01T00:00:00Z');
const TO = new Date('2049-12-31T23:59:59Z');

function identity(cn: string, issuer?: SigningIdentity & { cn: string }, ca = false): SigningIdentity & { cn: string } {
  const kp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ski = keyIdentifier(kp.publicKey);
  const cert = issueCertificate(
    {
      serialNumber: BigInt('0x' + Buffer.from(ski.subarray(0, 16)).toString('hex')) | 1n,
      issuer: encodeName([['CN', issuer?.cn ?? cn]]),
      subject: encodeName([['CN', cn]]),
      notBefore: FROM,
      notAfter: TO,
      publicKey: kp.publicKey,
      extensions: [
        ext.basicConstraints(ca),
        ext.keyUsage(ca ? ['keyCertSign', 'digitalSignature'] : ['digitalSignature']),
        ...(ca ? [] : [ext.extKeyUsage([OID.codeSigning])]),
        ext.subjectKeyIdentifier(ski),
      ],
    },
    issuer?.key ?? kp.privateKey,
  );
  return { key: kp.privateKey, cert, cn };
}

/** A fresh PKI for the platform's node images (five RSA-2048 keys; create once and reuse). */
export function createPlatformPki(prefix = 'Trusted Launch'): PlatformPki {
  const uefiCa = identity(`${prefix} UEFI CA`, undefined, true);
  const vendorCa = identity(`${prefix} Secure Boot CA`, undefined, true);
  return {
    uefiCa,
    uefiSigner: identity(`${prefix} UEFI Signer`, uefiCa),
    vendorCa,
    vendorSigner: identity(`${prefix} Secure Boot Signer`, vendorCa),
    moduleKey: identity(`${prefix} kernel module signing key`),
  };
}

export interface NodeBootChain {
  readonly shim: Uint8Array;
  readonly bootloader: Uint8Array;
  readonly kernel: Uint8Array;
  readonly modules: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  /** db content for the node's firmware. */
  readonly db: SignatureDatabase;
  /** The kernel's built-in keys. */
  readonly kernelKeys: SignatureDatabase;
}

export interface NodeBootChainOptions {
  readonly shimSbat?: readonly SbatEntry[];
  readonly bootloaderSbat?: readonly SbatEntry[];
  readonly kernelCommandLine?: string;
  /** Module names; each gets a small ELF body and a signature by the module key. */
  readonly modules?: readonly string[];
}

const SBAT_HEADER: SbatEntry = { component: 'sbat', generation: 1, vendor: 'SBAT Version', packageName: 'sbat', version: '1', url: 'https://github.com/rhboot/shim/blob/main/SBAT.md' };

/** Build and sign shim, boot loader, kernel and modules with `pki`. */
export function buildNodeBootChain(pki: PlatformPki, o: NodeBootChainOptions = {}): NodeBootChain {
  const shim = signPeImage(
    buildShimLikeImage({
      vendorCert: pki.vendorCa.cert,
      sbat: o.shimSbat ?? [SBAT_HEADER, { component: 'shim', generation: 4, vendor: 'UEFI shim', packageName: 'shim', version: '1', url: 'https://github.com/rhboot/shim' }],
      sbatLevels: { previous: sbatLevel('2024010100', { shim: 4, grub: 3 }), latest: sbatLevel('2024040900', { shim: 4, grub: 4 }) },
    }),
    pki.uefiSigner,
  );
  const bootloader = signPeImage(
    buildNodeImage({ payload: utf8('grub'), sbat: o.bootloaderSbat ?? [SBAT_HEADER, { component: 'grub', generation: 4, vendor: 'Free Software Foundation', packageName: 'grub', version: '2.12', url: 'https://www.gnu.org/software/grub/' }] }),
    pki.vendorSigner,
  );
  const kernel = signPeImage(buildNodeImage({ payload: utf8(o.kernelCommandLine ?? 'console=ttyS0 root=/dev/sda1') }), pki.vendorSigner);
  const modules = (o.modules ?? ['hv_vmbus.ko', 'hv_storvsc.ko', 'hv_netvsc.ko']).map((name) => {
    const body = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...utf8(`module ${name}`)]);
    return { name, bytes: signModule(body, pki.moduleKey) };
  });
  return {
    shim,
    bootloader,
    kernel,
    modules,
    db: databaseFromCertificates('db', [pki.uefiCa.cert]),
    kernelKeys: databaseFromCertificates('kernel built-in keys', [pki.moduleKey.cert]),
  };
}
