/**
 * The attestation policy a user sees and sets (`tl attestation policy show|set`), one per
 * cluster. The default is Azure's (azure-tl-facts.md §4.3: "Attestation fails if Secure Boot is
 * disabled … you can suppress this alert"): Secure Boot required. Integrity checks against the
 * node image's reference values are always on — suppressing the Secure Boot finding never hides
 * a modified boot component. The allow-lists are Defender's remedy for untrusted components
 * ("add them to your allowlist or remove", §4.2).
 *
 * The policy's text is its canonical JSON (keys in a fixed order); `x-ms-policy-hash` in tokens
 * is MAA's BASE64URL(SHA256(UTF8(BASE64URL(UTF8(policy text))))) (SEC claim-sets.md).
 */
import { createHash } from 'node:crypto';
import { TlError } from '../../core/errors.js';

export interface AllowedModule {
  /** File name (`nvidia.ko`); when given, the digest is accepted only under this name. */
  readonly name?: string;
  /** SHA-256 of the module file, hex. */
  readonly sha256: string;
}

export interface AttestationPolicy {
  readonly version: '1.0';
  /** require: Secure Boot off fails attestation (Azure's default); audit: reported, suppressed. */
  readonly secureBoot: 'require' | 'audit';
  readonly allowedModules: readonly AllowedModule[];
  /** Kernel command lines (as grub measures them, `/boot/vmlinuz-… root=…`) accepted besides the image's. */
  readonly allowedKernelCommandLines: readonly string[];
}

export const DEFAULT_POLICY: AttestationPolicy = { version: '1.0', secureBoot: 'require', allowedModules: [], allowedKernelCommandLines: [] };

export class PolicyError extends TlError {
  constructor(readonly field: string, message: string) {
    super('InvalidPolicy', `${field}: ${message}`);
  }
}

const MAX_LIST = 256;

/** Validate a policy document (JSON value). Unknown fields are refused so that a typo is not silently ignored. */
export function parsePolicy(json: unknown): AttestationPolicy {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new PolicyError('policy', 'must be a JSON object');
  const o = json as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['version', 'secureBoot', 'allowedModules', 'allowedKernelCommandLines'].includes(k)) throw new PolicyError(k, 'unknown field (allowed: version, secureBoot, allowedModules, allowedKernelCommandLines)');
  const version = o.version ?? '1.0';
  if (version !== '1.0') throw new PolicyError('version', `unsupported version ${JSON.stringify(version)} (use "1.0")`);
  const secureBoot = o.secureBoot ?? 'require';
  if (secureBoot !== 'require' && secureBoot !== 'audit') throw new PolicyError('secureBoot', 'must be "require" or "audit"');
  const modsRaw = o.allowedModules ?? [];
  if (!Array.isArray(modsRaw) || modsRaw.length > MAX_LIST) throw new PolicyError('allowedModules', `must be an array of at most ${MAX_LIST} {name?, sha256}`);
  const allowedModules = modsRaw.map((m, i): AllowedModule => {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new PolicyError(`allowedModules[${i}]`, 'must be an object {name?, sha256}');
    const r = m as Record<string, unknown>;
    for (const k of Object.keys(r)) if (k !== 'name' && k !== 'sha256') throw new PolicyError(`allowedModules[${i}].${k}`, 'unknown field');
    if (typeof r.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(r.sha256)) throw new PolicyError(`allowedModules[${i}].sha256`, 'must be 64 hex digits');
    if (r.name !== undefined && (typeof r.name !== 'string' || !/^[\w.+-]{1,128}$/.test(r.name))) throw new PolicyError(`allowedModules[${i}].name`, 'must be a file name');
    return { ...(typeof r.name === 'string' ? { name: r.name } : {}), sha256: r.sha256.toLowerCase() };
  });
  const linesRaw = o.allowedKernelCommandLines ?? [];
  if (!Array.isArray(linesRaw) || linesRaw.length > MAX_LIST || linesRaw.some((l) => typeof l !== 'string' || l.length > 4096)) {
    throw new PolicyError('allowedKernelCommandLines', `must be an array of at most ${MAX_LIST} strings`);
  }
  return { version: '1.0', secureBoot, allowedModules, allowedKernelCommandLines: linesRaw as string[] };
}

/** The canonical text of a policy: what is shown, stored and hashed. */
export function policyText(p: AttestationPolicy): string {
  return JSON.stringify(
    {
      version: p.version,
      secureBoot: p.secureBoot,
      allowedModules: p.allowedModules.map((m) => (m.name !== undefined ? { name: m.name, sha256: m.sha256 } : { sha256: m.sha256 })),
      allowedKernelCommandLines: p.allowedKernelCommandLines,
    },
    null,
    2,
  );
}

/** MAA's x-ms-policy-hash: BASE64URL(SHA256(UTF8(BASE64URL(UTF8(policy text))))). */
export function policyHash(text: string): string {
  const inner = Buffer.from(text, 'utf8').toString('base64url');
  return createHash('sha256').update(inner, 'utf8').digest('base64url');
}
