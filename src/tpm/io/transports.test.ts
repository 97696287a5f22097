/**
 * The transports: the device-file transport against a character-device stand-in (a FIFO pair
 * cannot model a TPM device, so a temporary file plays the kernel: the test pre-writes a
 * response and checks that the command bytes are written and the response read back), and the
 * swtpm control channel against both swtpm and our server: set locality 3 through the control
 * socket, power-cycle with CMD_INIT, TPM2_Startup — PCR 0 then starts at …03 on both.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../core/bytes.js';
import { TpmClient } from '../client/client.js';
import { manufactureSwtpm, removeDir, startSwtpm } from '../test-support/swtpm.js';
import { TPM_ALG } from '../types/constants.js';
import { pcrSelection } from '../types/pcr.js';
import { DeviceTransport } from './device-transport.js';
import { startTpmServer } from './swtpm-server.js';
import { controlCommand, SwtpmTransport } from './swtpm-transport.js';
import { CMD } from './swtpm-control.js';

const tmp = mkdtempSync(join(tmpdir(), 'tl-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('DeviceTransport', () => {
  it('writes the command and reads one response', async () => {
    const path = join(tmp, 'fake-tpm');
    const response = new Uint8Array([0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0]);
    writeFileSync(path, new Uint8Array(0));
    const t = await DeviceTransport.open(path);
    // A regular file is read back from the current position: write the response after the
    // command position so the read sees it, as the driver would answer.
    const cmd = new Uint8Array([0x80, 0x01, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0]);
    writeFileSync(path, new Uint8Array([...cmd, ...response]));
    const got = await t.send(cmd);
    await t.close();
    expect(toHex(got)).toBe(toHex(response));
    expect(toHex(new Uint8Array(readFileSync(path)).subarray(0, 12))).toBe(toHex(cmd));
  });

  it('rejects a truncated or inconsistent response', async () => {
    const path = join(tmp, 'bad-tpm');
    writeFileSync(path, new Uint8Array([0x80, 0x01, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0, 0x80, 0x01, 0, 0, 0, 99, 0, 0, 0, 0]));
    const t = await DeviceTransport.open(path);
    await expect(t.send(new Uint8Array([0x80, 0x01, 0, 0, 0, 12, 0, 0, 1, 0x44, 0, 0]))).rejects.toThrow(/response size 99/);
    await t.close();
  });
});

async function startupAtLocality3(t: SwtpmTransport): Promise<string> {
  await t.init();
  await t.setLocality(3);
  const client = new TpmClient(t);
  await client.startup();
  await t.setLocality(0);
  const r = await client.pcrRead([pcrSelection(TPM_ALG.SHA256, [0])]);
  return toHex(r.values.get(TPM_ALG.SHA256)!.get(0)!);
}

describe('swtpm control channel', () => {
  it('swtpm and our server: SET_LOCALITY 3 + INIT + Startup gives PCR 0 = 00…03; GET_CAPABILITY answers', async () => {
    const dir = await manufactureSwtpm();
    const swtpm = await startSwtpm(dir, { noStartup: true });
    const server = await startTpmServer({ port: 0 });
    try {
      const a = await SwtpmTransport.connect({ port: swtpm.port, controlPort: swtpm.ctrlPort });
      const b = await SwtpmTransport.connect({ port: server.port, controlPort: server.controlPort });
      expect(await startupAtLocality3(a)).toBe('00'.repeat(31) + '03');
      expect(await startupAtLocality3(b)).toBe('00'.repeat(31) + '03');
      for (const ep of [{ host: '127.0.0.1', port: swtpm.ctrlPort }, { host: '127.0.0.1', port: server.controlPort }]) {
        const caps = await controlCommand(ep, CMD.GET_CAPABILITY, new Uint8Array(0), 8);
        expect(new DataView(caps.buffer).getBigUint64(0) & 0x0fn).toBe(0x0fn);
        const bad = await controlCommand(ep, CMD.SET_LOCALITY, new Uint8Array([7]), 4);
        expect(new DataView(bad.buffer).getUint32(0)).toBe(0x3d);
      }
      await a.close();
      await b.close();
    } finally {
      await server.close();
      await swtpm.stop();
      removeDir(dir);
    }
  });
});
