/**
 * Client-certificate authentication for each cluster's Kubernetes API (kube-apiserver's x509
 * authenticator, then authorization):
 *   1. no client certificate → 401 Unauthorized (anonymous access is off, as on AKS with local accounts),
 *   2. a certificate that does not chain to the platform CA, is outside its validity period, or
 *      is not for client authentication → 401,
 *   3. a valid certificate whose subject binds it to another cluster (O=`cluster:{resourceUID}`) →
 *      403 Forbidden, worded as RBAC words a denial for that user.
 * Verified certificates are remembered by digest (kubectl presents the same one on every request).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { TlError } from '../../core/errors.js';
import { commonName, nameAttribute } from '../../core/asn1/name.js';
import { OID } from '../../core/asn1/oids.js';
import { extendedKeyUsage, parseCertificate, verifyCertificateSignature, type Certificate } from '../../core/asn1/x509.js';
import { CLUSTER_ORG_PREFIX } from './credentials.js';
import type { RequestInfo } from './request-info.js';
import { qualified } from '../../platform/kube/errors.js';

export interface KubeUser {
  readonly name: string;
  readonly groups: readonly string[];
  readonly clusterUid: string;
}

export type AuthResult = { readonly ok: true; readonly user: KubeUser } | { readonly ok: false; readonly status: 401 } | { readonly ok: false; readonly status: 403; readonly user: KubeUser };

const CACHE_MAX = 1024;

export class ClientCertAuthenticator {
  private readonly caKey: KeyObject;
  private readonly caSubject: string;
  private readonly cache = new Map<string, { user: KubeUser; notBefore: number; notAfter: number } | null>();

  constructor(caCert: Certificate, caKeyOrPublic: KeyObject) {
    this.caKey = caKeyOrPublic.type === 'private' ? createPublicKey(caKeyOrPublic) : caKeyOrPublic;
    this.caSubject = Buffer.from(caCert.subject.der).toString('hex');
  }

  /** Steps 1–2: who presents this certificate (undefined: nobody we trust). */
  identify(der: Uint8Array | undefined, now: number): KubeUser | undefined {
    if (!der || der.length === 0) return undefined;
    const digest = createHash('sha256').update(der).digest('hex');
    let hit = this.cache.get(digest);
    if (hit === undefined) {
      hit = this.verify(der);
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(digest, hit);
    }
    if (!hit || now < hit.notBefore || now > hit.notAfter) return undefined;
    return hit.user;
  }

  private verify(der: Uint8Array): { user: KubeUser; notBefore: number; notAfter: number } | null {
    let cert: Certificate;
    try {
      cert = parseCertificate(der);
    } catch (e) {
      if (e instanceof TlError) return null;
      throw e;
    }
    if (Buffer.from(cert.issuer.der).toString('hex') !== this.caSubject) return null;
    if (!verifyCertificateSignature(cert, this.caKey)) return null;
    const eku = extendedKeyUsage(cert);
    if (eku && !eku.includes(OID.clientAuth)) return null;
    const orgs = cert.subject.rdns.flat().filter((a) => a.oid === OID.organizationName).map((a) => a.value);
    const cluster = orgs.find((o) => o.startsWith(CLUSTER_ORG_PREFIX));
    if (!cluster) return null;
    const name = commonName(cert.subject) ?? nameAttribute(cert.subject, OID.commonName) ?? '';
    return { user: { name, groups: orgs.filter((o) => o !== cluster), clusterUid: cluster.slice(CLUSTER_ORG_PREFIX.length) }, notBefore: cert.notBefore.getTime(), notAfter: cert.notAfter.getTime() };
  }

  /** Steps 1–3 for a request to cluster `clusterUid`. */
  authorize(der: Uint8Array | undefined, clusterUid: string, now: number): AuthResult {
    const user = this.identify(der, now);
    if (!user) return { ok: false, status: 401 };
    if (user.clusterUid !== clusterUid) return { ok: false, status: 403, user };
    return { ok: true, user };
  }
}

/** RBAC's denial message for a user and a request. */
export function forbiddenMessage(user: string, info: RequestInfo): string {
  if (!info.isResource) return `forbidden: User "${user}" cannot ${info.verb} path "${info.path}"`;
  const res = qualified(info.resource, info.group);
  const subject = info.name ? `${res} "${info.name}"` : res;
  const what = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const scope = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  return `${subject} is forbidden: User "${user}" cannot ${info.verb} resource "${what}" in API group "${info.group}" ${scope}`;
}
