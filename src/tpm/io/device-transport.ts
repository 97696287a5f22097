/**
 * Transport to a TPM character device (`/dev/tpmrm0` through the kernel resource manager, or
 * `/dev/tpm0`): one write of the whole command, one read of the whole response — the same raw
 * framing as swtpm's data socket (libtss2-tcti-device does the same). Commands are serialized.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Transport } from '../client/transport.js';
import { TransportError } from './swtpm-transport.js';

/** The TPM response buffer size the kernel driver uses (TPM_BUFSIZE). */
const BUFSIZE = 4096;

export class DeviceTransport implements Transport {
  private readonly file: FileHandle;
  private queue: Promise<unknown> = Promise.resolve();
  readonly path: string;

  private constructor(file: FileHandle, path: string) {
    this.file = file;
    this.path = path;
  }

  static async open(path = '/dev/tpmrm0'): Promise<DeviceTransport> {
    return new DeviceTransport(await open(path, 'r+'), path);
  }

  send(command: Uint8Array): Promise<Uint8Array> {
    const run = async () => {
      await this.file.write(command, 0, command.length);
      const buf = new Uint8Array(BUFSIZE);
      const { bytesRead } = await this.file.read(buf, 0, BUFSIZE, null);
      if (bytesRead < 10) throw new TransportError(`${this.path}: short response (${bytesRead} bytes)`);
      const size = new DataView(buf.buffer).getUint32(2);
      if (size !== bytesRead) throw new TransportError(`${this.path}: response size ${size} but ${bytesRead} bytes read`);
      return buf.slice(0, bytesRead);
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}
