/**
 * Bearer tokens for the resource manager: JWTs (ES256) issued by the server's own OAuth2
 * client-credentials endpoint and checked on every ARM request. Verified tokens are cached
 * until they expire, so a GET costs one map lookup instead of a signature check.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';

export const ARM_AUDIENCE = 'https://management.azure.com/';

export interface TokenClaims extends JWTPayload {
  oid: string;
  appid: string;
  tid: string;
}

export class TokenService {
  private readonly cache = new Map<string, { claims: TokenClaims; exp: number }>();

  constructor(
    private readonly privateKey: KeyObject,
    private readonly publicKey: KeyObject,
    readonly issuer: string,
    private readonly now: () => number = Date.now,
  ) {}

  static generateKey(): { privateKey: KeyObject; publicKey: KeyObject } {
    return generateKeyPairSync('ec', { namedCurve: 'P-256' });
  }

  async issue(clientId: string, tenantId: string, lifetimeSeconds: number): Promise<{ token: string; expiresOn: number }> {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + lifetimeSeconds;
    const token = await new SignJWT({ oid: clientId, appid: clientId, tid: tenantId, idtyp: 'app' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(ARM_AUDIENCE)
      .setSubject(clientId)
      .setIssuedAt(iat)
      .setNotBefore(iat - 300)
      .setExpirationTime(exp)
      .sign(this.privateKey);
    return { token, expiresOn: exp };
  }

  /** The claims of a valid token, or an error message saying why it is not valid. */
  async verify(token: string): Promise<{ ok: true; claims: TokenClaims } | { ok: false; error: string }> {
    const nowSec = Math.floor(this.now() / 1000);
    const hit = this.cache.get(token);
    if (hit && hit.exp > nowSec) return { ok: true, claims: hit.claims };
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer: this.issuer, audience: ARM_AUDIENCE, algorithms: ['ES256'], currentDate: new Date(this.now()) });
      if (typeof payload.oid !== 'string' || typeof payload.tid !== 'string') return { ok: false, error: 'The token has no oid/tid claims.' };
      const claims = payload as TokenClaims;
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(token, { claims, exp: payload.exp ?? nowSec });
      return { ok: true, claims };
    } catch (e) {
      const code = (e as { code?: string }).code;
      return { ok: false, error: code === 'ERR_JWT_EXPIRED' ? 'The access token expiry UTC time is earlier than current UTC time.' : `The access token is invalid (${code ?? 'malformed'}).` };
    }
  }
}
