/**
 * EK/AK certificate checks against the trust anchors, judged beside openssl: a certificate the
 * platform CA issued verifies (and `openssl verify` agrees); another CA's, an expired one, one
 * for another role and garbage do not, each with its reason. Chain checks are memoised by bytes.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toPem } from '../core/asn1/index.js';
import { createVtpmCa } from '../tpm/manufacture/ca.js';
import { issueAkCertificate, issueEkCertificate } from '../tpm/manufacture/certificates.js';
import { TrustStore } from './trust.js';

const ca = createVtpmCa({ commonName: 'Platform vTPM CA' });
const other = createVtpmCa({ commonName: 'Platform vTPM CA' });
const id = { manufacturer: 'MSFT', model: 'vTPM', firmwareVersion: 0x2019102300163636n, revision: 164 };
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const now = Date.UTC(2026, 10, 1);

function opensslVerify(caDer: Uint8Array, certDer: Uint8Array): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'tl-trust-'));
  writeFileSync(join(dir, 'ca.pem'), toPem(caDer, 'CERTIFICATE'));
  writeFileSync(join(dir, 'c.pem'), toPem(certDer, 'CERTIFICATE'));
  try {
    // -partial_chain: the anchor may be an intermediate; -purpose any: TCG EKUs are not TLS ones.
    execFileSync('openssl', ['verify', '-partial_chain', '-CAfile', join(dir, 'ca.pem'), join(dir, 'c.pem')], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('TrustStore', () => {
  const store = new TrustStore([{ name: 'platform', certificate: ca.certificate }]);

  it('accepts an EK certificate the platform CA issued (as openssl does) and memoises the chain check', () => {
    const ek = issueEkCertificate(ca, key, id);
    const r = store.check(ek, 'ek', now);
    expect(r.ok && r.anchor).toBe('platform');
    expect(opensslVerify(ca.certificate, ek)).toBe(true);
    const before = { ...store.stats };
    expect(store.check(ek, 'ek', now).ok).toBe(true);
    expect(store.stats.hits).toBe(before.hits + 1);
  });

  it('refuses another CA with the same name (openssl too), naming the issuer', () => {
    const ek = issueEkCertificate(other, key, id);
    const r = store.check(ek, 'ek', now);
    expect(r).toMatchObject({ ok: false, problem: 'untrusted' });
    expect(!r.ok && r.message).toMatch(/issued by "O = Trusted Launch, CN = Platform vTPM CA" but its signature does not verify/);
    expect(opensslVerify(ca.certificate, ek)).toBe(false);
  });

  it('refuses a CA it does not know at all, listing the trusted ones', () => {
    const stranger = createVtpmCa({ commonName: 'swtpm-localca' });
    const r = store.check(issueEkCertificate(stranger, key, id), 'ek', now);
    expect(!r.ok && r.message).toBe('is issued by "O = Trusted Launch, CN = swtpm-localca", which is not a trusted vTPM CA (trusted: "O = Trusted Launch, CN = Platform vTPM CA")');
  });

  it('refuses an expired certificate, and a certificate for another role', () => {
    const old = issueEkCertificate(ca, key, id, { notBefore: new Date(Date.UTC(2020, 0, 1)), notAfter: new Date(Date.UTC(2025, 0, 1)) });
    expect(store.check(old, 'ek', now)).toMatchObject({ ok: false, problem: 'expired' });
    const ak = issueAkCertificate(ca, key, 'vm', id);
    expect(store.check(ak, 'ak', now).ok).toBe(true);
    const r = store.check(ak, 'ek', now);
    expect(r).toMatchObject({ ok: false, problem: 'usage' });
    expect(!r.ok && r.message).toMatch(/does not include 2\.23\.133\.8\.1 \(tcg-kp-EKCertificate\)/);
  });

  it('refuses bytes that are not a certificate with the parser\'s offset', () => {
    const r = store.check(new Uint8Array([0x30, 0x82, 0xff, 0xff, 1, 2]), 'ek', now);
    expect(r).toMatchObject({ ok: false, problem: 'invalid' });
    expect(!r.ok && r.message).toMatch(/offset/);
  });
});
