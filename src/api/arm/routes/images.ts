/**
 * Node images (platform extension, namespace TrustedLaunch.Platform): operators import a real
 * boot chain — e.g. Debian's Microsoft-signed shim, Debian-signed grub and kernel, the kernel's
 * signed modules, and OVMF's Microsoft db — and run a pool on it by naming the image in the agent
 * pool's `creationData.sourceResourceId` (`/providers/TrustedLaunch.Platform/nodeImages/{name}`).
 * Files are uploaded first (raw bytes, addressed by their SHA-256, verified on upload), then the
 * image is defined by JSON referring to them. Platform-wide: administrators only.
 */
import { createHash } from 'node:crypto';
import { DomainError, invalid, notFound } from '../../../platform/errors.js';
import { IMAGE_FILE_KIND, type NodeImage } from '../../../platform/images/types.js';
import type { Route } from '../../http/router.js';
import { json, type ApiRequest } from '../../http/types.js';
import { Body, parseJsonBody } from '../body.js';
import { requirePrincipal } from '../face.js';
import type { ArmDeps } from './deps.js';

export const IMAGE_API_VERSION = '2026-11-01';
const NS = '/providers/TrustedLaunch.Platform';
const MAX_FILE = 128 * 1024 * 1024;

function requireAdmin(req: ApiRequest): void {
  const p = requirePrincipal(req);
  if (!p.admin) throw new DomainError('Forbidden', 'AuthorizationFailed', `The client '${p.clientId}' does not have authorization to manage node images: only platform administrators can.`);
}

export function imageToWire(i: NodeImage): Record<string, unknown> {
  const file = (f: { name: string; sha256: string; size: number }) => ({ name: f.name, sha256: f.sha256, size: f.size });
  return {
    id: `${NS}/nodeImages/${i.name}`,
    name: i.name,
    type: 'TrustedLaunch.Platform/nodeImages',
    properties: {
      source: i.source,
      trustedLaunch: i.trustedLaunch,
      osDistro: i.osDistro,
      osVersion: i.osVersion,
      shim: file(i.shim),
      bootloader: file(i.bootloader),
      kernel: file(i.kernel),
      ...(i.initrd ? { initrd: file(i.initrd) } : {}),
      modules: i.modules.map(file),
      kernelKeys: i.kernelKeys.map(file),
      firmware: { PK: file(i.firmware.PK), KEK: file(i.firmware.KEK), db: file(i.firmware.db), dbx: file(i.firmware.dbx) },
      cmdline: i.cmdline,
      createdAt: new Date(i.createdAt).toISOString(),
    },
  };
}

export function imageRoutes(d: ArmDeps): Route[] {
  const images = d.platform.images;
  const store = d.platform.ctx.store;
  const file = async (b: Body | undefined, what: string): Promise<{ name: string; bytes: Uint8Array } | undefined> => {
    if (!b) return undefined;
    const sha = b.str('sha256')?.toLowerCase();
    if (!sha || !/^[0-9a-f]{64}$/.test(sha)) throw invalid('InvalidParameter', `${what}.sha256 must be the hex SHA-256 of an uploaded file.`, `${what}.sha256`);
    const bytes = await store.getBlob(IMAGE_FILE_KIND, sha);
    if (!bytes) throw invalid('ImageFileNotUploaded', `${what}: no uploaded file has SHA-256 ${sha}. Upload it first: PUT ${NS}/imageFiles/${sha}.`, `${what}.sha256`);
    return { name: b.str('name') ?? what, bytes };
  };
  return [
    {
      method: 'PUT', path: `${NS}/imageFiles/{sha256}`, auth: 'arm', versions: 'platform', maxBodyBytes: MAX_FILE, action: 'TrustedLaunch.Platform/imageFiles/write',
      handler: async (req) => {
        requireAdmin(req);
        const want = req.params.sha256!.toLowerCase();
        const got = createHash('sha256').update(req.body).digest('hex');
        if (want !== got) throw invalid('InvalidParameter', `The uploaded bytes have SHA-256 ${got}, not ${want}.`, 'sha256');
        await store.commit([{ op: 'putBlob', kind: IMAGE_FILE_KIND, key: got, data: req.body }]);
        return json(201, { sha256: got, size: req.body.length });
      },
    },
    {
      // Whether a file is already uploaded (clients skip sending it again).
      method: 'HEAD', path: `${NS}/imageFiles/{sha256}`, auth: 'arm', versions: 'platform', action: 'TrustedLaunch.Platform/imageFiles/read',
      handler: async (req) => {
        requireAdmin(req);
        const sha = req.params.sha256!.toLowerCase();
        return { status: /^[0-9a-f]{64}$/.test(sha) && (await store.getBlob(IMAGE_FILE_KIND, sha)) ? 200 : 404 };
      },
    },
    {
      method: 'PUT', path: `${NS}/nodeImages/{name}`, auth: 'arm', versions: 'platform', action: 'TrustedLaunch.Platform/nodeImages/write',
      handler: async (req) => {
        requireAdmin(req);
        const p = Body.root(parseJsonBody(req.body)).obj('properties') ?? Body.root({}, 'properties');
        const need = async (k: string) => {
          const f = await file(p.obj(k), k);
          if (!f) throw invalid('InvalidParameter', `properties.${k} is required.`, k);
          return f;
        };
        const fw = p.obj('firmware');
        const fwFile = async (k: 'PK' | 'KEK' | 'db' | 'dbx') => (await file(fw?.obj(k), `firmware.${k}`))?.bytes;
        const firmware = Object.fromEntries((await Promise.all((['PK', 'KEK', 'db', 'dbx'] as const).map(async (k) => [k, await fwFile(k)] as const))).filter(([, v]) => v));
        const initrd = await file(p.obj('initrd'), 'initrd');
        const cmdline = p.str('cmdline');
        const image = await images.import({
          name: req.params.name!,
          ...(p.str('osDistro') ? { osDistro: p.str('osDistro')! } : {}),
          ...(p.str('osVersion') ? { osVersion: p.str('osVersion')! } : {}),
          shim: await need('shim'),
          bootloader: await need('bootloader'),
          kernel: await need('kernel'),
          ...(initrd ? { initrd } : {}),
          modules: (await Promise.all((p.objArray('modules') ?? []).map((m, i) => file(m, `modules[${i}]`)))).filter((x) => !!x),
          kernelKeys: (await Promise.all((p.objArray('kernelKeys') ?? []).map((m, i) => file(m, `kernelKeys[${i}]`)))).filter((x) => !!x),
          firmware,
          ...(cmdline ? { cmdline } : {}),
        });
        return json(201, imageToWire(image));
      },
    },
    {
      method: 'GET', path: `${NS}/nodeImages`, auth: 'arm', versions: 'platform', action: 'TrustedLaunch.Platform/nodeImages/read',
      handler: async () => json(200, { value: (await images.list()).map(imageToWire) }),
    },
    {
      method: 'GET', path: `${NS}/nodeImages/{name}`, auth: 'arm', versions: 'platform', action: 'TrustedLaunch.Platform/nodeImages/read',
      handler: async (req) => json(200, imageToWire(await images.meta(req.params.name!).catch(() => {
        throw notFound('ImageNotFound', `Node image '${req.params.name}' was not found.`);
      }))),
    },
  ];
}
