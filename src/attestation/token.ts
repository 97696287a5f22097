/**
 * Attestation tokens: compact JWS (RFC 7515) with RS256 (RFC 7518 §3.3), as MAA issues them —
 * header `{alg: "RS256", kid, jku: <issuer>/certs, typ: "JWT"}`, the claims of claims.ts plus
 * iss, iat, nbf, exp (8 h, as MAA's samples) and jti. Signing is one node:crypto RSA signature
 * over `base64url(header).base64url(payload)` — written here because it is that small and runs
 * synchronously in the attestation hot path; any JOSE library (the tests use `jose`) verifies the
 * result with the JWKS (RFC 7517) `jwks()` returns and the server publishes at /certs.
 */
import { createHash, createPublicKey, randomUUID, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import type { AttestationClaims } from './claims.js';

export interface TokenKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly createdAt: number;
}

export interface Jwk {
  readonly kty: 'RSA';
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: 'RS256';
  readonly n: string;
  readonly e: string;
}

export const TOKEN_LIFETIME_SECONDS = 8 * 3600;

/** RFC 7638 thumbprint of an RSA public key: the key id. */
export function keyId(publicKey: KeyObject): string {
  const j = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return createHash('sha256').update(`{"e":"${j.e}","kty":"RSA","n":"${j.n}"}`).digest('base64url');
}

export function tokenKey(privateKey: KeyObject, createdAt: number): TokenKey {
  const publicKey = createPublicKey(privateKey);
  if (publicKey.asymmetricKeyType !== 'rsa') throw new RangeError('attestation tokens are signed with RSA keys (RS256)');
  return { kid: keyId(publicKey), privateKey, publicKey, createdAt };
}

export function jwk(k: Pick<TokenKey, 'kid' | 'publicKey'>): Jwk {
  const j = k.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kty: 'RSA', kid: k.kid, use: 'sig', alg: 'RS256', n: j.n, e: j.e };
}

export function jwks(keys: readonly Pick<TokenKey, 'kid' | 'publicKey'>[]): { keys: Jwk[] } {
  return { keys: keys.map(jwk) };
}

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export interface IssueOptions {
  readonly issuer: string;
  /** Milliseconds since the epoch. */
  readonly now: number;
  readonly lifetimeSeconds?: number;
  readonly jti?: string;
}

/** Sign `claims` into a JWT. */
export function signToken(claims: AttestationClaims, key: TokenKey, o: IssueOptions): string {
  const iat = Math.floor(o.now / 1000);
  const header = { alg: 'RS256', jku: `${o.issuer.replace(/\/$/, '')}/certs`, kid: key.kid, typ: 'JWT' };
  const payload = { ...claims, exp: iat + (o.lifetimeSeconds ?? TOKEN_LIFETIME_SECONDS), iat, iss: o.issuer, jti: o.jti ?? createHash('sha256').update(randomUUID()).digest('hex'), nbf: iat };
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

export type TokenCheck = { readonly ok: true; readonly claims: Record<string, unknown>; readonly kid: string } | { readonly ok: false; readonly reason: string };

/** Verify a token with the published keys (signature, algorithm, issuer, times). */
export function verifyToken(token: string, keys: readonly Pick<TokenKey, 'kid' | 'publicKey'>[], o: { issuer?: string; now: number }): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS' };
  let header: { alg?: unknown; kid?: unknown };
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'the header or payload is not base64url JSON' };
  }
  if (header.alg !== 'RS256') return { ok: false, reason: `unexpected alg ${String(header.alg)}` };
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) return { ok: false, reason: `no published key has kid ${String(header.kid)}` };
  if (!cryptoVerify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), key.publicKey, Buffer.from(parts[2]!, 'base64url'))) return { ok: false, reason: 'signature verification failed' };
  const t = Math.floor(o.now / 1000);
  if (typeof payload.exp === 'number' && t >= payload.exp) return { ok: false, reason: 'the token expired' };
  if (typeof payload.nbf === 'number' && t < payload.nbf) return { ok: false, reason: 'the token is not yet valid' };
  if (o.issuer !== undefined && payload.iss !== o.issuer) return { ok: false, reason: `issuer ${String(payload.iss)} is not ${o.issuer}` };
  return { ok: true, claims: payload, kid: key.kid };
}
