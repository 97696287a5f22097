/**
 * The token signing key ring: made once and kept in the Store (a restart signs with the same
 * key), rotated when due without blocking signing, and a retired key stays published while
 * tokens it signed can still be valid.
 */
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../core/clock.js';
import { jwks, signToken, TOKEN_LIFETIME_SECONDS } from '../../attestation/index.js';
import { MemoryStore } from '../store/memory-store.js';
import { TokenKeyRing } from './token-keys.js';

describe('TokenKeyRing', () => {
  it('persists, rotates in the background and keeps the retired key published for the token lifetime', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore();
    const ring = new TokenKeyRing(store, () => clock.now(), 3600_000);
    await ring.load();
    const first = ring.current();
    const again = new TokenKeyRing(store, () => clock.now(), 3600_000);
    await again.load();
    expect(again.current().kid).toBe(first.kid);

    const old = signToken({ a: 1 }, first, { issuer: 'https://x', now: clock.now() });
    clock.advance(3600_000);
    expect(ring.current().kid).toBe(first.kid); // still signing while the next key is made
    await ring.settled();
    const second = ring.current();
    expect(second.kid).not.toBe(first.kid);
    expect(ring.published().map((k) => k.kid)).toEqual([first.kid, second.kid]);
    const set = createLocalJWKSet(jwks(ring.published()) as never);
    await expect(jwtVerify(old, set, { currentDate: new Date(clock.now()) })).resolves.toBeTruthy();

    clock.advance(TOKEN_LIFETIME_SECONDS * 1000 + 120_000);
    expect(ring.published().map((k) => k.kid)).toEqual([second.kid]);
    const reloaded = new TokenKeyRing(store, () => clock.now(), 3600_000);
    await reloaded.load();
    expect(reloaded.published().map((k) => k.kid)).toContain(second.kid);
  });
});
