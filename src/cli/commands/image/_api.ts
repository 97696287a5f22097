/**
 * The platform's node image API (TrustedLaunch.Platform, administrators only): raw files are
 * uploaded first, addressed by their SHA-256 (`PUT imageFiles/{sha256}`, application/octet-stream),
 * then an image is defined by JSON naming them (`PUT nodeImages/{name}`). An agent pool runs an
 * image through `creationData.sourceResourceId = /providers/TrustedLaunch.Platform/nodeImages/{name}`.
 */
import { createHash } from 'node:crypto';
import { request } from 'node:https';
import type { ArmClient } from '../../client/arm.js';
import { getToken } from '../../client/profile.js';
import { USER_AGENT } from '../../client/versions.js';
import { ArmError, UserError, type CloudErrorBody } from '../../framework/errors.js';
import type { Context } from '../../framework/types.js';

export const IMAGE_API = '2026-11-01';
export const NS = '/providers/TrustedLaunch.Platform';
export const nodeImagePath = (name: string) => `${NS}/nodeImages/${encodeURIComponent(name)}`;
export const nodeImageId = (name: string) => `${NS}/nodeImages/${name}`;

/** PUT the bytes, or (without a body) HEAD: does the server already have them? */
function put(url: string, body: Uint8Array | undefined, token: string, ca: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: body ? 'PUT' : 'HEAD',
        headers: {
          authorization: `Bearer ${token}`,
          'user-agent': USER_AGENT,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/octet-stream', 'content-length': String(body.length) } : {}),
        },
        ...(ca ? { ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (e) => reject(new UserError('AzureConnectionError', `Failed to upload to ${new URL(url).origin}: ${e.message}`, { cause: e })));
    req.end(body);
  });
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Upload one file's bytes (the JSON client sends text only) under their SHA-256. Steps as
 * ArmClient.send's: the profile's origin only, the bearer token (a new one once on 401), ARM's
 * error envelope on failure.
 */
export async function uploadImageFile(ctx: Context, arm: ArmClient, bytes: Uint8Array, sha256 = sha256Hex(bytes)): Promise<void> {
  const url = arm.url(`${NS}/imageFiles/${sha256}`, { apiVersion: IMAGE_API });
  for (let attempt = 0; ; attempt++) {
    const { accessToken } = await getToken(ctx.io, arm.profile, { force: attempt > 0 });
    // A file the server already holds (same SHA-256) is not sent again.
    const head = await put(url, undefined, accessToken, arm.profile.ca);
    if (head.status === 401 && attempt === 0) continue;
    if (head.status === 200) {
      ctx.log.debug(`Request URL: 'HEAD ${url}': already uploaded`);
      return;
    }
    ctx.log.debug(`Request URL: 'PUT ${url}' (${bytes.length} bytes)`);
    const r = await put(url, bytes, accessToken, arm.profile.ca);
    if (r.status === 401 && attempt === 0) continue;
    if (r.status >= 400) {
      let body: CloudErrorBody | undefined;
      try {
        body = (JSON.parse(r.text) as { error?: CloudErrorBody }).error;
      } catch {
        body = undefined;
      }
      throw new ArmError(r.status, body ?? { code: String(r.status), message: r.text.slice(0, 200) || `upload failed with HTTP ${r.status}` });
    }
    return;
  }
}

/** `-o table` for images. */
export function imageRow(i: unknown): Record<string, unknown> {
  const x = i as { name: string; properties: { source?: string; osDistro?: string; osVersion?: string; trustedLaunch?: boolean; kernel?: { name: string }; modules?: unknown[]; createdAt?: string } };
  const p = x.properties ?? {};
  return { Name: x.name, Source: p.source, OsDistro: p.osDistro, OsVersion: p.osVersion, TrustedLaunch: p.trustedLaunch, Kernel: p.kernel?.name, Modules: p.modules?.length ?? 0, CreatedAt: p.createdAt };
}
