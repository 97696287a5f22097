import { describe, expect, it } from 'vitest';
import { FakeClock } from '../core/clock.js';
import { NONCE_BYTES, NonceBook } from './nonce.js';

describe('NonceBook', () => {
  it('answers fresh exactly once, then reused; expired after its lifetime; unknown and missing otherwise', () => {
    const clock = new FakeClock();
    const book = new NonceBook(() => clock.now(), 1000);
    const { nonce, expiresAt } = book.issue();
    expect(nonce).toHaveLength(NONCE_BYTES);
    expect(expiresAt).toBe(clock.now() + 1000);
    expect(book.consume(nonce).state).toBe('fresh');
    expect(book.consume(nonce).state).toBe('reused');
    expect(book.consume(nonce.slice()).state).toBe('reused');
    const late = book.issue().nonce;
    clock.advance(1001);
    expect(book.consume(late).state).toBe('expired');
    expect(book.consume(new Uint8Array(32)).state).toBe('unknown');
    expect(book.consume(undefined).state).toBe('missing');
    expect(book.consume(new Uint8Array(0)).state).toBe('missing');
  });

  it('is bounded: past `max` the oldest is forgotten (refused as unknown, never accepted); old entries are pruned', () => {
    const clock = new FakeClock();
    const book = new NonceBook(() => clock.now(), 1000, 3);
    const first = book.issue().nonce;
    for (let i = 0; i < 3; i++) book.issue();
    expect(book.size).toBe(3);
    expect(book.consume(first).state).toBe('unknown');
    clock.advance(5000);
    book.issue();
    expect(book.size).toBe(1);
  });
});
