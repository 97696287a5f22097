import { createECDH, createHash, createHmac, createPublicKey, constants, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { TPM_ALG, TPM_ECC, TPM_RH } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { curveOrThrow, ecdsaSignDigest, ecdsaVerifyDigest, onCurve, publicPoint } from './ecc.js';
import { fromBigInt, toBigInt } from './bigint.js';
import { kdfa, kdfe } from './kdf.js';
import { eccPartsOf, rsaPartsOf, rsaPrivateFromPrime } from './keys.js';
import { ekPolicy, policyAuthValue, policyCommandCode, policyOr, policyPassword, policyPcr, policySecret, policyStart } from './policy.js';
import { pcrDigest } from './pcr-digest.js';
import { signDigest, verifyDigest, verifyMessage } from './sign.js';
import { handleName } from './name.js';
import { decryptSecret, encryptSecret } from './secret.js';
import { makeCredential, unprotectCredential, encodeCredentialFile, parseCredentialFile } from './make-credential.js';
import { akTemplate, ekTemplateEcc, ekTemplateRsa } from '../manufacture/templates.js';
import type { TPMT_PUBLIC } from '../types/public.js';

describe('policy digests', () => {
  it('equal the published values', () => {
    // TCG EK Credential Profile: the EK policy; Part 3 examples: PolicyAuthValue, PolicyCommandCode(NV_Read)
    expect(toHex(ekPolicy(TPM_ALG.SHA256))).toBe('837197674484b3f81a90cc8d46a5d724fd52d76e06520b64f2a1da1b331469aa');
    expect(toHex(policyAuthValue(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256)))).toBe('8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e');
    expect(toHex(policyPassword(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256)))).toBe('8fcd2169ab92694e0c633f1ab772842b8241bbc20288981fc7ac1eddc1fddb0e');
    expect(toHex(policySecret(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256), handleName(TPM_RH.ENDORSEMENT)))).toBe(toHex(ekPolicy(TPM_ALG.SHA256)));
  });

  it('composes: PolicyOR over two branches, PolicyPCR over a selection', () => {
    const a = policyCommandCode(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256), 0x14e);
    const b = policyAuthValue(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256));
    const or = policyOr(TPM_ALG.SHA256, [a, b]);
    expect(or).toHaveLength(32);
    const sel = [pcrSelection(TPM_ALG.SHA256, [0, 7])];
    const values = new Map([[TPM_ALG.SHA256, new Map([[0, new Uint8Array(32)], [7, new Uint8Array(32).fill(1)]])]]);
    const d = pcrDigest(TPM_ALG.SHA256, values, sel);
    expect(toHex(d)).toBe(toHex(hash(TPM_ALG.SHA256, new Uint8Array(32), new Uint8Array(32).fill(1))));
    expect(toHex(policyPcr(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256), sel, d))).toHaveLength(64);
  });
});

describe('KDFs', () => {
  it('KDFa is SP800-108 counter mode with HMAC (checked against a direct computation)', () => {
    const key = new Uint8Array(randomBytes(32));
    const out = kdfa(TPM_ALG.SHA256, key, 'ATH', new Uint8Array([1, 2]), new Uint8Array([3]), 300);
    const h = (i: number) => {
      const m = new Uint8Array([0, 0, 0, i, ...new TextEncoder().encode('ATH'), 0, 1, 2, 3, 0, 0, 0x01, 0x2c]);
      return new Uint8Array(createHmac('sha256', key).update(m).digest());
    };
    const expected = new Uint8Array([...h(1), ...h(2)]).slice(0, 38);
    expected[0]! &= 0x0f; // 300 bits: the top 4 bits of the first byte are cleared
    expect(toHex(out)).toBe(toHex(expected));
  });

  it('KDFe is the SP800-56A concatenation KDF', () => {
    const z = new Uint8Array(randomBytes(32));
    const out = kdfe(TPM_ALG.SHA256, z, 'IDENTITY', new Uint8Array([9]), new Uint8Array([8]), 256);
    const m = new Uint8Array([0, 0, 0, 1, ...z, ...new TextEncoder().encode('IDENTITY'), 0, 9, 8]);
    expect(toHex(out)).toBe(createHash('sha256').update(m).digest('hex'));
  });
});


describe('NIST curves', () => {
  for (const id of [TPM_ECC.NIST_P256, TPM_ECC.NIST_P384, TPM_ECC.NIST_P521]) {
    it(`curve 0x${id.toString(16)}: constants agree with OpenSSL (1·G = G, (n−1)·G = −G)`, () => {
      const c = curveOrThrow(id);
      const g = publicPoint(c, fromBigInt(1n, c.size));
      expect(toBigInt(g.x)).toBe(c.gx);
      expect(toBigInt(g.y)).toBe(c.gy);
      const minus = publicPoint(c, fromBigInt(c.n - 1n, c.size));
      expect(toBigInt(minus.y)).toBe(c.p - c.gy);
      expect(onCurve(c, c.gx, c.gy)).toBe(true);
    });
  }

  it('pre-hashed ECDSA interoperates with node:crypto both ways', () => {
    const c = curveOrThrow(TPM_ECC.NIST_P256);
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const d = new Uint8Array(ecdh.getPrivateKey());
    const pub = publicPoint(c, d);
    const msg = new Uint8Array(randomBytes(50));
    const { r, s } = ecdsaSignDigest(c, d, hash(TPM_ALG.SHA256, msg));
    const jwk = { kty: 'EC', crv: 'P-256', x: Buffer.from(pub.x).toString('base64url'), y: Buffer.from(pub.y).toString('base64url') };
    expect(verify('sha256', msg, { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.concat([r, s]))).toBe(true);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const parts = eccPartsOf(privateKey);
    const sig = sign('sha256', msg, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(ecdsaVerifyDigest(c, parts.x, parts.y, hash(TPM_ALG.SHA256, msg), sig.subarray(0, 32), sig.subarray(32))).toBe(true);
    expect(ecdsaVerifyDigest(c, parts.x, parts.y, hash(TPM_ALG.SHA256, new Uint8Array([1])), sig.subarray(0, 32), sig.subarray(32))).toBe(false);
  });
});

describe('signatures over digests (TPM2_Sign) verify as signatures over messages', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const parts = rsaPartsOf(privateKey);
  const key = rsaPrivateFromPrime(parts.modulus, parts.exponent, parts.p);
  const pub: TPMT_PUBLIC = { ...(akTemplate('rsa') as TPMT_PUBLIC & { type: 1 }), unique: parts.modulus };
  const msg = new TextEncoder().encode('quote me');
  for (const scheme of [TPM_ALG.RSASSA, TPM_ALG.RSAPSS]) {
    it(`RSA scheme 0x${scheme.toString(16)}`, () => {
      const sig = signDigest({ key, type: TPM_ALG.RSA }, { scheme, hashAlg: TPM_ALG.SHA256 }, hash(TPM_ALG.SHA256, msg));
      expect(verifyMessage(pub, msg, sig)).toBe(true);
      expect(verifyDigest(pub, hash(TPM_ALG.SHA256, msg), sig)).toBe(true);
      expect(verifyDigest(pub, hash(TPM_ALG.SHA256, new Uint8Array([1])), sig)).toBe(false);
      const nodeSig = sign('sha256', msg, scheme === TPM_ALG.RSAPSS ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : key);
      expect(verifyDigest(pub, hash(TPM_ALG.SHA256, msg), { sigAlg: scheme, hash: TPM_ALG.SHA256, sig: new Uint8Array(nodeSig) })).toBe(true);
    });
  }
});

describe('secret sharing and credentials', () => {
  it('RSA and ECC EKs: encryptSecret/decryptSecret and MakeCredential round-trip; a wrong Name fails integrity', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const rp = rsaPartsOf(rsa);
    const ek: TPMT_PUBLIC = { ...(ekTemplateRsa() as TPMT_PUBLIC & { type: 1 }), unique: rp.modulus };
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const ep = eccPartsOf(ec);
    const ekE: TPMT_PUBLIC = { ...(ekTemplateEcc() as TPMT_PUBLIC & { type: 0x23 }), unique: { x: ep.x, y: ep.y } };
    for (const [pub, priv] of [
      [ek, { key: rsa }],
      [ekE, { key: ec, d: ep.d }],
    ] as const) {
      const s = encryptSecret(pub, 'IDENTITY');
      expect(toHex(decryptSecret(pub, priv, 'IDENTITY', s.encrypted))).toBe(toHex(s.seed));
      // The label binds the purpose: an IDENTITY secret does not open as a session SECRET.
      if (pub.type === TPM_ALG.RSA) expect(() => decryptSecret(pub, priv, 'SECRET', s.encrypted)).toThrow();
      else expect(toHex(decryptSecret(pub, priv, 'SECRET', s.encrypted))).not.toBe(toHex(s.seed));
      const name = new Uint8Array([0, 0x0b, ...randomBytes(32)]);
      const cred = new Uint8Array(randomBytes(32));
      const made = makeCredential(pub, cred, name);
      const seed = decryptSecret(pub, priv, 'IDENTITY', made.secret);
      expect(toHex(unprotectCredential(pub, seed, made.credentialBlob, name) as Uint8Array)).toBe(toHex(cred));
      expect(unprotectCredential(pub, seed, made.credentialBlob, new Uint8Array(34))).toBe('integrity');
      const file = encodeCredentialFile(made);
      expect(toHex(file.subarray(0, 8))).toBe('badcc0de00000001');
      expect(toHex(parseCredentialFile(file).secret)).toBe(toHex(made.secret));
    }
  });
});
