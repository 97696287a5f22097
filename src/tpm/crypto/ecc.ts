/**
 * NIST prime curves (FIPS 186-4 D.1.2) by TPM_ECC_CURVE, with the few BigInt point operations
 * node:crypto does not expose: ECDSA over a caller-supplied digest (TPM2_Sign and
 * TPM2_VerifySignature receive digests, while node:crypto only signs messages). Scalar
 * multiplication by the generator for signing goes through node:crypto's ECDH (native); only
 * verification of a pre-hashed signature uses the Jacobian double-and-add below.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { TPM_ECC } from '../types/constants.js';
import { fromBigInt, mod, modInverse, toBigInt } from './bigint.js';

export interface Curve {
  readonly id: number;
  /** OpenSSL name for createECDH. */
  readonly openssl: string;
  /** JWK "crv". */
  readonly jwk: string;
  /** Byte length of a coordinate / scalar. */
  readonly size: number;
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly gx: bigint;
  readonly gy: bigint;
}

const h = (s: string): bigint => BigInt('0x' + s);

const CURVES: readonly Curve[] = [
  {
    id: TPM_ECC.NIST_P256,
    openssl: 'prime256v1',
    jwk: 'P-256',
    size: 32,
    p: h('ffffffff00000001000000000000000000000000ffffffffffffffffffffffff'),
    a: h('ffffffff00000001000000000000000000000000fffffffffffffffffffffffc'),
    b: h('5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b'),
    n: h('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
    gx: h('6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296'),
    gy: h('4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5'),
  },
  {
    id: TPM_ECC.NIST_P384,
    openssl: 'secp384r1',
    jwk: 'P-384',
    size: 48,
    p: h('fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff'),
    a: h('fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc'),
    b: h('b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef'),
    n: h('ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
    gx: h('aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7'),
    gy: h('3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f'),
  },
  {
    id: TPM_ECC.NIST_P521,
    openssl: 'secp521r1',
    jwk: 'P-521',
    size: 66,
    p: (1n << 521n) - 1n,
    a: (1n << 521n) - 4n,
    b: h('0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00'),
    n: h('01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409'),
    gx: h('00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66'),
    gy: h('011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650'),
  },
];

const BY_ID = new Map(CURVES.map((c) => [c.id, c]));

export function curveById(id: number): Curve | undefined {
  return BY_ID.get(id);
}

export function curveOrThrow(id: number): Curve {
  const c = BY_ID.get(id);
  if (!c) throw new RangeError(`unsupported ECC curve 0x${id.toString(16)}`);
  return c;
}

/** The public point d·G, via node:crypto (native). */
export function publicPoint(curve: Curve, d: Uint8Array): { x: Uint8Array; y: Uint8Array } {
  const e = createECDH(curve.openssl);
  e.setPrivateKey(Buffer.from(fromBigInt(toBigInt(d), curve.size)));
  const pub = e.getPublicKey();
  return { x: new Uint8Array(pub.subarray(1, 1 + curve.size)), y: new Uint8Array(pub.subarray(1 + curve.size)) };
}

/** True when (x, y) satisfies y² = x³ + ax + b (mod p) and both are in range. */
export function onCurve(curve: Curve, x: bigint, y: bigint): boolean {
  if (x < 0n || y < 0n || x >= curve.p || y >= curve.p) return false;
  return mod(y * y - (x * x * x + curve.a * x + curve.b), curve.p) === 0n;
}

/** The leftmost min(nBits, hashBits) bits of a digest as an integer (FIPS 186-4 §6.4). */
function digestToInt(curve: Curve, digest: Uint8Array): bigint {
  const nBits = curve.n.toString(2).length;
  let e = toBigInt(digest);
  const hBits = digest.length * 8;
  if (hBits > nBits) e >>= BigInt(hBits - nBits);
  return e;
}

/** ECDSA over a digest with private scalar d; k is random (or supplied, for tests). */
export function ecdsaSignDigest(curve: Curve, d: Uint8Array, digest: Uint8Array, kBytes?: Uint8Array): { r: Uint8Array; s: Uint8Array } {
  const dn = toBigInt(d);
  const e = digestToInt(curve, digest);
  for (;;) {
    const k = kBytes ? toBigInt(kBytes) : mod(toBigInt(randomBytes(curve.size + 8)), curve.n - 1n) + 1n;
    const R = publicPoint(curve, fromBigInt(k, curve.size));
    const r = mod(toBigInt(R.x), curve.n);
    if (r === 0n) continue;
    const s = mod(modInverse(k, curve.n) * (e + r * dn), curve.n);
    if (s === 0n) continue;
    return { r: fromBigInt(r, curve.size), s: fromBigInt(s, curve.size) };
  }
}

type Jac = [bigint, bigint, bigint];

function jDouble(c: Curve, [X, Y, Z]: Jac): Jac {
  if (Y === 0n || Z === 0n) return [0n, 1n, 0n];
  const p = c.p;
  const YY = (Y * Y) % p;
  const S = (4n * X * YY) % p;
  const ZZ = (Z * Z) % p;
  const M = mod(3n * X * X + c.a * ZZ * ZZ, p);
  const X3 = mod(M * M - 2n * S, p);
  const Y3 = mod(M * (S - X3) - 8n * YY * YY, p);
  const Z3 = (2n * Y * Z) % p;
  return [X3, Y3, Z3];
}

function jAdd(c: Curve, P: Jac, Q: Jac): Jac {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const p = c.p;
  const [X1, Y1, Z1] = P;
  const [X2, Y2, Z2] = Q;
  const Z1Z1 = (Z1 * Z1) % p;
  const Z2Z2 = (Z2 * Z2) % p;
  const U1 = (X1 * Z2Z2) % p;
  const U2 = (X2 * Z1Z1) % p;
  const S1 = (Y1 * Z2 * Z2Z2) % p;
  const S2 = (Y2 * Z1 * Z1Z1) % p;
  if (U1 === U2) return S1 === S2 ? jDouble(c, P) : [0n, 1n, 0n];
  const H = mod(U2 - U1, p);
  const R = mod(S2 - S1, p);
  const HH = (H * H) % p;
  const HHH = (H * HH) % p;
  const V = (U1 * HH) % p;
  const X3 = mod(R * R - HHH - 2n * V, p);
  const Y3 = mod(R * (V - X3) - S1 * HHH, p);
  const Z3 = (H * Z1 * Z2) % p;
  return [X3, Y3, Z3];
}

function jMul(c: Curve, P: Jac, k: bigint): Jac {
  let R: Jac = [0n, 1n, 0n];
  for (let i = k.toString(2).length - 1; i >= 0; i--) {
    R = jDouble(c, R);
    if ((k >> BigInt(i)) & 1n) R = jAdd(c, R, P);
  }
  return R;
}

function affineX(c: Curve, [X, , Z]: Jac): bigint | undefined {
  if (Z === 0n) return undefined;
  const zi = modInverse(Z, c.p);
  return (X * zi * zi) % c.p;
}

/** ECDSA verification over a digest (FIPS 186-4 §6.4.2). */
export function ecdsaVerifyDigest(curve: Curve, x: Uint8Array, y: Uint8Array, digest: Uint8Array, rB: Uint8Array, sB: Uint8Array): boolean {
  const r = toBigInt(rB);
  const s = toBigInt(sB);
  const qx = toBigInt(x);
  const qy = toBigInt(y);
  if (r <= 0n || r >= curve.n || s <= 0n || s >= curve.n || !onCurve(curve, qx, qy)) return false;
  const e = digestToInt(curve, digest);
  const w = modInverse(s, curve.n);
  const u1 = mod(e * w, curve.n);
  const u2 = mod(r * w, curve.n);
  const sum = jAdd(curve, jMul(curve, [curve.gx, curve.gy, 1n], u1), jMul(curve, [qx, qy, 1n], u2));
  const X = affineX(curve, sum);
  return X !== undefined && mod(X, curve.n) === r;
}
