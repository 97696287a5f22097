/**
 * The platform's Secure Boot PKI, made once and kept in the Store: the roles Microsoft and a
 * Linux distribution play for Azure's Trusted Launch VMs (azure-tl-facts.md §5: Linux TL VMs
 * trust the Microsoft UEFI CA in db; the distro's CA sits inside shim):
 *   PK  — the platform key (the OEM's, here "Trusted Launch Platform Key"),
 *   KEK — the key exchange key that may sign db/dbx updates,
 *   db  — the "Microsoft-like" UEFI CA that signs shim,
 *   the vendor CA embedded in shim that signs grub and the kernel, and the kernel's module key
 * (src/uefi/sign/node-boot-chain.ts `createPlatformPki` makes the last three roles).
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { encodeName, ext, issueCertificate, keyIdentifier } from '../../core/asn1/index.js';
import { createPlatformPki, type PlatformPki, type SigningIdentity } from '../../uefi/index.js';
import type { Store } from '../store/store.js';
import { PLATFORM_PKI_KIND } from './types.js';

export interface FirmwarePki extends PlatformPki {
  readonly pk: SigningIdentity;
  readonly kek: SigningIdentity;
}

type Stored = Record<string, { key: string; cert: string }>;

function selfSignedCa(cn: string): SigningIdentity {
  const kp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const name = encodeName([['O', 'Trusted Launch'], ['CN', cn]]);
  const ski = keyIdentifier(kp.publicKey);
  const cert = issueCertificate(
    {
      serialNumber: BigInt('0x' + Buffer.from(ski.subarray(0, 16)).toString('hex')) | 1n,
      issuer: name,
      subject: name,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2049-12-31T23:59:59Z'),
      publicKey: kp.publicKey,
      extensions: [ext.basicConstraints(true), ext.keyUsage(['keyCertSign', 'digitalSignature']), ext.subjectKeyIdentifier(ski)],
    },
    kp.privateKey,
  );
  return { key: kp.privateKey, cert };
}

const encode = (i: SigningIdentity) => ({ key: Buffer.from(i.key.export({ format: 'der', type: 'pkcs8' })).toString('base64'), cert: Buffer.from(i.cert).toString('base64') });
const decode = (s: { key: string; cert: string }): SigningIdentity => ({ key: createPrivateKey({ key: Buffer.from(s.key, 'base64'), format: 'der', type: 'pkcs8' }) as KeyObject, cert: new Uint8Array(Buffer.from(s.cert, 'base64')) });

/** Load the platform PKI, creating it on first use (seven RSA-2048 keys: about a second, once). */
export async function loadOrCreateFirmwarePki(store: Store): Promise<FirmwarePki> {
  const rec = await store.get<Stored>(PLATFORM_PKI_KIND, 'default');
  if (rec) {
    const s = rec.value;
    return { pk: decode(s.pk!), kek: decode(s.kek!), uefiCa: decode(s.uefiCa!), uefiSigner: decode(s.uefiSigner!), vendorCa: decode(s.vendorCa!), vendorSigner: decode(s.vendorSigner!), moduleKey: decode(s.moduleKey!) };
  }
  const base = createPlatformPki('Trusted Launch');
  const pki: FirmwarePki = { ...base, pk: selfSignedCa('Trusted Launch Platform Key'), kek: selfSignedCa('Trusted Launch KEK CA') };
  const stored: Stored = Object.fromEntries(Object.entries(pki).map(([k, v]) => [k, encode(v as SigningIdentity)]));
  try {
    await store.commit([{ op: 'put', kind: PLATFORM_PKI_KIND, key: 'default', value: stored, expectRev: 0 }]);
    return pki;
  } catch {
    return loadOrCreateFirmwarePki(store); // another writer won the race: use theirs
  }
}
