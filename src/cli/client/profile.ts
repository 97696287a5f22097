/**
 * Who the CLI is and where the server is: the profile.
 *
 * `tl serve` writes `profile.json` in its data directory ($TL_HOME or ~/.tl): endpoint, CA file,
 * tenant, subscription, a service principal (client id and secret) and an access token.
 * `tl login --endpoint …` writes `login.json` in the config directory instead, which wins while
 * it exists (`tl logout` removes it). Tokens come from the server's OAuth2 client-credentials
 * endpoint (`POST /{tenant}/oauth2/v2.0/token`) when the profile's token has expired, and are
 * cached in `token-cache.json` (0600).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { UserError } from '../framework/errors.js';
import type { Io } from '../framework/io.js';
import { configDir, readJson, writePrivateJson } from './config.js';
import { httpsRequest } from './https.js';

export interface Profile {
  readonly endpoint: string;
  readonly caFile?: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accessToken?: string;
  /** Unix seconds. */
  readonly expiresOn?: number;
}

export interface LoadedProfile extends Profile {
  readonly path: string;
  readonly ca?: string;
}

export const LOGIN_FILE = 'login.json';
export const SERVER_PROFILE = 'profile.json';
const TOKEN_CACHE = 'token-cache.json';
/** Refresh a token this long before it expires. */
const MARGIN_SECONDS = 300;

export function serverDataDir(io: Pick<Io, 'env' | 'home'>): string {
  return io.env.TL_HOME || join(io.home, '.tl');
}

export function loadProfile(io: Pick<Io, 'env' | 'home'>): LoadedProfile {
  const candidates = [join(configDir(io), LOGIN_FILE), join(serverDataDir(io), SERVER_PROFILE)];
  for (const path of candidates) {
    const p = readJson<Profile>(path);
    if (!p) continue;
    if (!p.endpoint || !p.clientId || !p.clientSecret || !p.tenantId) {
      throw new UserError('AuthenticationError', `The profile ${path} is incomplete (endpoint, tenantId, clientId and clientSecret are required). Run 'tl login' again.`);
    }
    const caFile = p.caFile && !isAbsolute(p.caFile) ? join(path, '..', p.caFile) : p.caFile;
    let ca: string | undefined;
    if (caFile) {
      try {
        ca = readFileSync(caFile, 'utf8');
      } catch (e) {
        throw new UserError('FileOperationError', `Cannot read the CA certificate ${caFile} named by ${path}: ${(e as Error).message}`);
      }
    }
    return { ...p, ...(caFile ? { caFile } : {}), path, ...(ca ? { ca } : {}) };
  }
  throw new UserError('AuthenticationError', "Please run 'az login' to setup account.", {
    recommendations: [`No profile found: start the server with 'tl serve' (it writes ${candidates[1]}) or run 'tl login --endpoint URL --tenant T -u CLIENT_ID -p SECRET'.`],
  });
}

interface CachedToken {
  key: string;
  accessToken: string;
  expiresOn: number;
}

const cacheKey = (p: Profile) => `${p.endpoint}|${p.tenantId}|${p.clientId}`;

/** A bearer token for the resource manager: the profile's, the cached one, or a new one. */
export async function getToken(io: Pick<Io, 'env' | 'home'>, p: LoadedProfile, o: { force?: boolean; now?: number } = {}): Promise<{ accessToken: string; expiresOn: number }> {
  const now = o.now ?? Math.floor(Date.now() / 1000);
  if (!o.force && p.accessToken && (p.expiresOn ?? 0) > now + MARGIN_SECONDS) return { accessToken: p.accessToken, expiresOn: p.expiresOn! };
  const cachePath = join(configDir(io), TOKEN_CACHE);
  const cached = readJson<CachedToken[]>(cachePath) ?? [];
  const hit = cached.find((c) => c.key === cacheKey(p));
  if (!o.force && hit && hit.expiresOn > now + MARGIN_SECONDS) return hit;
  const t = await requestToken(p);
  writePrivateJson(cachePath, [...cached.filter((c) => c.key !== cacheKey(p) && c.expiresOn > now), { key: cacheKey(p), ...t }]);
  return t;
}

/** OAuth2 client credentials (RFC 6749 §4.4) against the server's token endpoint. */
export async function requestToken(p: LoadedProfile): Promise<{ accessToken: string; expiresOn: number }> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: p.clientId, client_secret: p.clientSecret, scope: 'https://management.azure.com/.default' }).toString();
  const r = await httpsRequest(`${p.endpoint.replace(/\/$/, '')}/${encodeURIComponent(p.tenantId)}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    ...(p.ca ? { ca: p.ca } : {}),
  });
  let j: { access_token?: string; expires_on?: string; expires_in?: number; error?: string; error_description?: string } = {};
  try {
    j = JSON.parse(r.text) as typeof j;
  } catch {
    /* reported below */
  }
  if (r.status !== 200 || !j.access_token) {
    throw new UserError('AuthenticationError', `${j.error ?? `HTTP ${r.status}`}: ${j.error_description ?? (r.text.slice(0, 200) || 'no token in the response')}`, {
      recommendations: ["Run 'tl login' to refresh the profile, or check the client id and secret."],
    });
  }
  const expiresOn = j.expires_on ? Number(j.expires_on) : Math.floor(Date.now() / 1000) + (j.expires_in ?? 3600);
  return { accessToken: j.access_token, expiresOn };
}
