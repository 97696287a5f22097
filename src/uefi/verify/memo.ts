/**
 * Memoised verification for many nodes booting identical images (DESIGN.md §4): verification is
 * a pure function of (bytes, policy), so verdicts are cached by the SHA-256 of the exact file
 * bytes (not the Authenticode digest, which ignores the signatures) and a policy key built from
 * the identities of its databases and its SBAT level. shim's embedded data is cached by content
 * too, so the databases it yields keep their identity across nodes.
 */
import { createHash } from 'node:crypto';
import { verifyModule, type ModuleKeyring, type ModuleVerdict } from '../kmod/module-signature.js';
import { readShim, type ShimInfo } from '../shim/vendor-cert.js';
import type { ImageVerdict } from './verdict.js';
import { verifyImage, type ImagePolicy } from './verify-image.js';

/** SHA-256 of the exact bytes: the memo key for a verdict. */
export function contentDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const ids = new WeakMap<object, number>();
let nextId = 1;
function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

/** A key equal for policies made of the same database objects and SBAT level. */
export function policyKey(p: ImagePolicy): string {
  const sbat = p.sbat ? `${p.sbat.requireSection ? 'R' : 'O'}${p.sbat.level.datestamp}:${p.sbat.level.entries.map((e) => `${e.component},${e.generation}`).join(';')}` : '-';
  return `${p.allow.map(idOf).join(',')}|${p.deny.map(idOf).join(',')}|${sbat}`;
}

export interface VerificationCache {
  verifyImage(bytes: Uint8Array, policy: ImagePolicy, options: { component: string }): ImageVerdict;
  verifyModule(bytes: Uint8Array, keyring: ModuleKeyring, component: string): ModuleVerdict;
  readShim(bytes: Uint8Array): ShimInfo;
  readonly stats: { hits: number; misses: number };
}

/** A bounded cache (oldest entry evicted first) of image verdicts and shim data. */
export function createVerificationCache(maxEntries = 4096): VerificationCache {
  const verdicts = new Map<string, ImageVerdict>();
  const shims = new Map<string, ShimInfo>();
  const modules = new Map<string, ModuleVerdict>();
  const stats = { hits: 0, misses: 0 };
  // The same buffer object passed again (one image held per node pool) is not re-hashed; callers
  // must not mutate a buffer after handing it in.
  const digests = new WeakMap<Uint8Array, string>();
  const digestOf = (b: Uint8Array): string => {
    let d = digests.get(b);
    if (!d) digests.set(b, (d = contentDigest(b)));
    return d;
  };
  const put = <V>(m: Map<string, V>, k: string, v: V) => {
    if (m.size >= maxEntries) m.delete(m.keys().next().value!);
    m.set(k, v);
  };
  return {
    stats,
    verifyImage(bytes, policy, options) {
      const key = `${digestOf(bytes)}|${policyKey(policy)}|${options.component}`;
      const hit = verdicts.get(key);
      if (hit) {
        stats.hits++;
        return hit;
      }
      stats.misses++;
      const v = verifyImage(bytes, policy, options);
      put(verdicts, key, v);
      return v;
    },
    verifyModule(bytes, keyring, component) {
      const key = `${digestOf(bytes)}|${keyring.trusted.map(idOf).join(',')}|${(keyring.denied ?? []).map(idOf).join(',')}|${component}`;
      const hit = modules.get(key);
      if (hit) {
        stats.hits++;
        return hit;
      }
      stats.misses++;
      const v = verifyModule(bytes, keyring, component);
      put(modules, key, v);
      return v;
    },
    readShim(bytes) {
      const key = digestOf(bytes);
      let s = shims.get(key);
      if (!s) put(shims, key, (s = readShim(bytes)));
      return s;
    },
  };
}
