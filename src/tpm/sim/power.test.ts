/**
 * Power and persistence (Part 1 §12): PCRs reset at each power cycle, NV state and seeds
 * survive it, Shutdown(STATE)/Startup(STATE) resumes saved PCRs, reset/restart counters move as
 * specified, and a corrupt stored state is refused with an error that names the offset.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import { hash } from '../../core/hash.js';
import { TpmClient } from '../client/client.js';
import { createVtpmCa } from '../manufacture/ca.js';
import { manufactureVtpm } from '../manufacture/manufacture.js';
import { PERSISTENT } from '../manufacture/templates.js';
import { isRc, TPM_RC } from '../rc.js';
import { TPM_ALG, TPM_SU } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { MemoryNvStore } from './platform.js';
import { TpmSimulator } from './simulator.js';
import { decodeImage } from './state/persist.js';

const D = hash(TPM_ALG.SHA256, new Uint8Array([7]));
const SEL = [pcrSelection(TPM_ALG.SHA256, [0, 5])];

async function pcr5(c: TpmClient): Promise<string> {
  return toHex((await c.pcrRead(SEL)).values.get(TPM_ALG.SHA256)!.get(5)!);
}

describe('power cycles', () => {
  it('resets PCRs, keeps NV, counts resets and restarts, resumes with Startup(STATE)', async () => {
    const m = await manufactureVtpm({ ca: createVtpmCa() });
    const store = new MemoryNvStore(m.state);
    const sim = new TpmSimulator({ nv: store });
    sim.powerOn({ locality: 3 });
    await sim.startup();
    const c = new TpmClient(sim.transport());
    await c.pcrExtend(5, [{ hashAlg: TPM_ALG.SHA256, digest: D }]);
    const extended = await pcr5(c);
    expect(sim.state!.resetCount).toBe(1);

    // Orderly shutdown with state, then resume: PCR 5 comes back, restartCount+1.
    await c.shutdown(TPM_SU.STATE);
    sim.powerOff();
    sim.powerOn();
    await sim.startup(TPM_SU.STATE);
    expect(await pcr5(c)).toBe(extended);
    expect(sim.state!.restartCount).toBe(1);

    // Power loss without Shutdown: a TPM Reset; PCRs back to zero, resetCount+1.
    sim.powerOff();
    sim.powerOn();
    await sim.startup();
    expect(await pcr5(c)).toBe('00'.repeat(32));
    expect(sim.state!.resetCount).toBe(2);
    expect(sim.state!.restartCount).toBe(0);
    // Startup(STATE) without a saved state is refused.
    sim.powerOff();
    sim.powerOn();
    const err = await sim.startup(TPM_SU.STATE).catch((e) => e);
    expect(isRc(err, TPM_RC.VALUE)).toBe(true);
    await sim.startup();
    expect(toHex((await c.readPublic(PERSISTENT.EK_ECC)).name)).toBe(toHex(m.ek.ecc!.name));
    // A new simulator on the same store is the same TPM (a server restart).
    const again = new TpmSimulator({ nv: store });
    again.powerOn();
    await again.startup();
    expect(toHex((await new TpmClient(again.transport()).readPublic(PERSISTENT.EK_ECC)).name)).toBe(toHex(m.ek.ecc!.name));
    expect(again.state!.resetCount).toBe(4);
  });

  it('answers TPM_RC_INITIALIZE before Startup and while powered off', async () => {
    const sim = new TpmSimulator({ nv: new MemoryNvStore() });
    const c = new TpmClient(sim.transport());
    expect(isRc(await c.getRandom(8).catch((e) => e), TPM_RC.INITIALIZE)).toBe(true);
    sim.powerOn();
    expect(isRc(await c.getRandom(8).catch((e) => e), TPM_RC.INITIALIZE)).toBe(true);
    await sim.startup();
    expect((await c.getRandom(8)).length).toBe(8);
  });

  it('refuses a corrupt stored state with an error naming the offset', async () => {
    const m = await manufactureVtpm({ ca: createVtpmCa() });
    fc.assert(
      fc.property(fc.nat({ max: m.state.length - 1 }), fc.integer({ min: 1, max: 255 }), fc.boolean(), (at, x, cut) => {
        const bad = m.state.slice(0, cut ? at : m.state.length);
        if (!cut) bad[at]! ^= x;
        expect(() => decodeImage(bad)).toThrow(WireError);
      }),
      { numRuns: 500 },
    );
    const sim = new TpmSimulator({ nv: new MemoryNvStore(m.state.slice(0, 20)) });
    expect(() => sim.powerOn()).toThrow(/TpmState.*at offset/);
    // Version-2 blobs (no checksum), as stored before the checksum was added, still load.
    const v2 = m.state.slice(0, m.state.length - 16);
    v2[4] = 2;
    expect(decodeImage(v2).objects.length).toBe(2);
  });
});
