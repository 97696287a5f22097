/**
 * The simulator keeps the digest of a PCR selection until any PCR changes (PcrBanks.version).
 * Property: over random sequences of PCR_Extend, PCR_Event, PCR_Reset (including PCRs 16 and 23,
 * which do not move pcrUpdateCounter), quotes and PolicyPCR over random selections and banks,
 * every quote's pcrDigest and every PolicyPCR digest equals the one computed from TPM2_PCR_Read
 * at that moment — a stale cached digest would differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { TpmClient } from '../client/client.js';
import { pcrDigest } from '../crypto/pcr-digest.js';
import { policyPcr, policyStart } from '../crypto/policy.js';
import { verifyQuote } from '../crypto/quote.js';
import { akTemplate, srkTemplate } from '../manufacture/templates.js';
import { TPM_ALG, TPM_RH, TPM_SE, TPM_ST } from '../types/constants.js';
import { pcrSelection, type TPMS_PCR_SELECTION } from '../types/pcr.js';
import { MemoryNvStore } from './platform.js';
import { TpmSimulator } from './simulator.js';

const BANKS = [TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384, TPM_ALG.SHA512 /* not allocated */];
const EXTENDABLE = [0, 1, 2, 7, 15, 16, 23]; // at locality 0 (PC Client PCR attributes)

const anySelection = fc.array(fc.record({ bank: fc.constantFrom(...BANKS), pcrs: fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 10 }) }), { minLength: 1, maxLength: 3 });
// Mostly a few fixed selections, so that the same selection is digested again after a change.
const FIXED = [
  [{ bank: TPM_ALG.SHA256, pcrs: [0, 1, 2, 7, 16] }],
  [{ bank: TPM_ALG.SHA256, pcrs: [23] }, { bank: TPM_ALG.SHA1, pcrs: [15, 16] }],
  [{ bank: TPM_ALG.SHA384, pcrs: [7, 23] }, { bank: TPM_ALG.SHA512, pcrs: [0] }],
];
const selection = fc.oneof({ arbitrary: fc.constantFrom(...FIXED), weight: 4 }, { arbitrary: anySelection, weight: 1 });
const op = fc.oneof(
  fc.record({ kind: fc.constant('extend' as const), pcr: fc.constantFrom(...EXTENDABLE), bank: fc.constantFrom(TPM_ALG.SHA1, TPM_ALG.SHA256, TPM_ALG.SHA384), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('event' as const), pcr: fc.constantFrom(16, 23), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('reset' as const), pcr: fc.constantFrom(16, 23) }),
  fc.record({ kind: fc.constant('quote' as const), sel: selection }),
  fc.record({ kind: fc.constant('policy' as const), sel: selection }),
);

function toSelection(sel: { bank: number; pcrs: number[] }[]): TPMS_PCR_SELECTION[] {
  return sel.map((s) => pcrSelection(s.bank, s.pcrs));
}

/** The selection with unallocated banks emptied (as the TPM filters it). */
function allocated(sel: TPMS_PCR_SELECTION[]): TPMS_PCR_SELECTION[] {
  return sel.map((s) => (s.hash === TPM_ALG.SHA512 ? { hash: s.hash, pcrSelect: new Uint8Array(s.pcrSelect.length) } : s));
}

describe('PCR digests cached per PCR state', () => {
  it('quotes and PolicyPCR always digest the current PCR values', async () => {
    const sim = new TpmSimulator({ nv: new MemoryNvStore() });
    sim.powerOn({ locality: 3 });
    await sim.startup();
    sim.setLocality(0);
    const c = new TpmClient(sim.transport());
    const srk = await c.createPrimary(TPM_RH.OWNER, srkTemplate('ecc'));
    const ak = await c.create(srk.handle, akTemplate('ecc'));
    const { handle } = await c.load(srk.handle, ak.outPrivate, ak.outPublic);
    await c.flushContext(srk.handle);
    const nonce = new Uint8Array(8);
    let quotes = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 16 }), async (ops) => {
        for (const o of ops) {
          if (o.kind === 'extend') await c.pcrExtend(o.pcr, [{ hashAlg: o.bank, digest: new Uint8Array(o.bank === TPM_ALG.SHA1 ? 20 : o.bank === TPM_ALG.SHA256 ? 32 : 48).fill(o.byte) }]);
          else if (o.kind === 'event') await c.pcrEvent(o.pcr, new Uint8Array([o.byte]));
          else if (o.kind === 'reset') await c.pcrReset(o.pcr);
          else {
            const sel = toSelection(o.sel);
            const values = (await c.pcrRead(allocated(sel))).values;
            if (o.kind === 'quote') {
              const q = await c.quote(handle, nonce, sel);
              const a = q.attest;
              if (a.type !== TPM_ST.ATTEST_QUOTE) throw new Error('not a quote');
              expect(toHex(a.attested.pcrDigest)).toBe(toHex(pcrDigest(TPM_ALG.SHA256, values, a.attested.pcrSelect)));
              expect(verifyQuote({ akPublic: ak.outPublic, quoted: q.quoted, signature: q.signature, nonce, pcrValues: values }).problems).toEqual([]);
              quotes++;
            } else {
              const s = await c.startAuthSession({ type: TPM_SE.TRIAL, hashAlg: TPM_ALG.SHA256 });
              try {
                await c.policyPcr(s, sel);
                // The TPM hashes the filtered selection (ms-tpm PCRComputeCurrentDigest filters it in place).
                const expected = policyPcr(TPM_ALG.SHA256, policyStart(TPM_ALG.SHA256), allocated(sel), pcrDigest(TPM_ALG.SHA256, values, allocated(sel)));
                expect(toHex(await c.policyGetDigest(s))).toBe(toHex(expected));
              } finally {
                await c.flushContext(s.handle);
              }
            }
          }
        }
      }),
      { numRuns: 60 },
    );
    expect(quotes).toBeGreaterThan(20);
  });
});
