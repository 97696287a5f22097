/**
 * The attestation service's signing keys (DESIGN.md §7: "tokens signed with a rotating key
 * published at /certs"). RSA-2048 keys, kept in the Store so tokens stay verifiable across
 * restarts:
 *   - the newest key signs;
 *   - when it is older than `rotationMs`, a new key is generated off the event loop (node's
 *     async generateKeyPair) while the old one keeps signing, then it takes over;
 *   - a retired key stays published until every token it signed has expired (token lifetime),
 *     so relying parties that cache /certs keep verifying.
 */
import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { TOKEN_LIFETIME_SECONDS, tokenKey, type TokenKey } from '../../attestation/index.js';
import { KIND } from '../model/keys.js';
import type { Store } from '../store/store.js';

const gen = promisify(generateKeyPair);
const RING_KEY = 'ring';

interface StoredRing {
  readonly keys: readonly { readonly pkcs8: string; readonly createdAt: number }[];
}

async function newKey(now: number): Promise<TokenKey> {
  const { privateKey } = (await gen('rsa', { modulusLength: 2048 })) as { privateKey: KeyObject };
  return tokenKey(privateKey, now);
}

export class TokenKeyRing {
  private keys: TokenKey[] = [];
  private rotating: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    readonly rotationMs: number = 24 * 3600_000,
  ) {}

  /** Load the ring, or make its first key. */
  async load(): Promise<void> {
    const rec = await this.store.get<StoredRing>(KIND.attestationKey, RING_KEY);
    if (rec && rec.value.keys.length) {
      this.keys = rec.value.keys.map((k) => tokenKey(createPrivateKey({ key: Buffer.from(k.pkcs8, 'base64'), format: 'der', type: 'pkcs8' }), k.createdAt));
      return;
    }
    this.keys = [await newKey(this.now())];
    await this.persist();
  }

  /** The key that signs now (kicks off a rotation in the background when it is due). */
  current(): TokenKey {
    const k = this.keys[this.keys.length - 1];
    if (!k) throw new Error('token keys not loaded');
    if (this.now() - k.createdAt >= this.rotationMs && !this.rotating) {
      this.rotating = this.rotate().then(
        () => undefined,
        () => undefined, // a failed rotation is retried at the next token; the current key keeps signing
      ).finally(() => (this.rotating = undefined));
    }
    return k;
  }

  /** A published key by id. */
  find(kid: string): TokenKey | undefined {
    return this.published().find((k) => k.kid === kid);
  }

  /** Keys whose tokens may still be valid: what /certs publishes. */
  published(): TokenKey[] {
    const t = this.now();
    return this.keys.filter((k, i) => i === this.keys.length - 1 || t - (this.keys[i + 1]?.createdAt ?? t) < TOKEN_LIFETIME_SECONDS * 1000 + 60_000);
  }

  /** Generate the next key now (also what a due rotation does). */
  async rotate(): Promise<TokenKey> {
    const k = await newKey(this.now());
    this.keys = [...this.published(), k];
    await this.persist();
    return k;
  }

  /** Resolves when a rotation in progress has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await this.rotating;
  }

  private async persist(): Promise<void> {
    const value: StoredRing = { keys: this.keys.map((k) => ({ pkcs8: Buffer.from(k.privateKey.export({ format: 'der', type: 'pkcs8' })).toString('base64'), createdAt: k.createdAt })) };
    await this.store.commit([{ op: 'put', kind: KIND.attestationKey, key: RING_KEY, value }]);
  }
}
