/**
 * The platform's certificate authority and the server's TLS certificate (DESIGN.md §7: HTTPS by
 * default with a CA generated in the data directory). The CA also signs the client certificates
 * in kubeconfigs. Keys are ECDSA P-256: cheap to make, and every client here (Node, curl,
 * kubectl, the Azure SDK) accepts them.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { fromPem, toPem } from '../core/asn1/der.js';
import { encodeName } from '../core/asn1/name.js';
import { OID } from '../core/asn1/oids.js';
import { ext, issueCertificate, keyIdentifier, parseCertificate, subjectAltNames, type Certificate } from '../core/asn1/x509.js';

export interface CertificateAuthority {
  readonly cert: Certificate;
  readonly certPem: string;
  readonly key: KeyObject;
}

const YEAR = 365 * 24 * 3600 * 1000;

export function createCa(commonName: string, now = Date.now()): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const name = encodeName([['O', 'Trusted Launch'], ['CN', commonName]]);
  const der = issueCertificate(
    {
      serialNumber: randomBytes(16),
      issuer: name,
      subject: name,
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + 10 * YEAR),
      publicKey,
      extensions: [ext.basicConstraints(true, 1), ext.keyUsage(['keyCertSign', 'cRLSign', 'digitalSignature']), ext.subjectKeyIdentifier(keyIdentifier(publicKey))],
    },
    privateKey,
  );
  return { certPem: toPem(der, 'CERTIFICATE'), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export function loadCa(certPem: string, keyPem: string): CertificateAuthority {
  return { cert: parseCertificate(fromPem(certPem, 'CERTIFICATE')[0]!), certPem, key: createPrivateKey(keyPem) };
}

/** A leaf certificate signed by the CA: a TLS server certificate (`hosts` in the SAN) or a client certificate. */
export function issueLeaf(
  ca: CertificateAuthority,
  o: { subject: readonly (readonly [string, string])[]; hosts?: readonly string[]; client?: boolean; lifetimeMs?: number; now?: number },
): { certPem: string; keyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const now = o.now ?? Date.now();
  const hosts = o.hosts ?? [];
  const der = issueCertificate(
    {
      serialNumber: randomBytes(16),
      issuer: ca.cert.subject.der,
      subject: encodeName(o.subject),
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + (o.lifetimeMs ?? 2 * YEAR)),
      publicKey,
      extensions: [
        ext.basicConstraints(false),
        ext.keyUsage(['digitalSignature', 'keyEncipherment']),
        ext.extKeyUsage([o.client ? OID.clientAuth : OID.serverAuth]),
        ext.authorityKeyIdentifier(keyIdentifier(createPublicKey(ca.key))),
        ...(hosts.length
          ? [ext.subjectAltName({ dns: hosts.filter((h) => !isIP(h)), ip: hosts.filter((h) => isIP(h)).map(ipBytes) })]
          : []),
      ],
    },
    ca.key,
  );
  return { certPem: toPem(der, 'CERTIFICATE'), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** True when a server certificate covers every host in `hosts`. */
export function coversHosts(certPem: string, hosts: readonly string[]): boolean {
  const cert = parseCertificate(fromPem(certPem, 'CERTIFICATE')[0]!);
  const sans = subjectAltNames(cert) ?? [];
  const names = new Set(sans.map((s) => (s.tag === 2 ? new TextDecoder().decode(s.value) : s.tag === 7 ? Buffer.from(s.value).toString('hex') : '')));
  return cert.notAfter.getTime() > Date.now() + 7 * 24 * 3600_000 && hosts.every((h) => names.has(isIP(h) ? Buffer.from(ipBytes(h)).toString('hex') : h));
}

function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split('.').map(Number));
  // IPv6: expand "::" and write 8 groups of 16 bits.
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g || '0', 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}
