/**
 * Export a TpmSimulator over swtpm's socket protocol (what `swtpm socket --server type=tcp
 * --ctrl type=tcp` offers), so unmodified TSS stacks reach it with
 * `TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=P`:
 *  - port P: raw TPM 2.0 commands; each command is delimited by the size in its header and
 *    answered with the raw response;
 *  - port P+1: the control channel (swtpm include/swtpm/tpm_ioctl.h): CMD_SET_LOCALITY, CMD_INIT
 *    (power cycle), CMD_STOP, CMD_SHUTDOWN, CMD_GET_CAPABILITY, …
 * Commands from all connections run one at a time in the simulator. Malformed framing gets a
 * TPM error response and the connection is closed; nothing a client sends can stop the server.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { concat } from '../../core/bytes.js';
import { TPM_RC } from '../rc.js';
import { errorResponse } from '../sim/exec.js';
import { MemoryNvStore, type TpmNvStore } from '../sim/platform.js';
import { TpmSimulator, type SimulatorOptions } from '../sim/simulator.js';
import { createVtpmCa, loadVtpmCa, type VtpmCa } from '../manufacture/ca.js';
import { manufactureVtpm } from '../manufacture/manufacture.js';
import { CMD, PTM_CAP, PTM_RES, requestBodyLength } from './swtpm-control.js';
import { FileNvStore } from './file-store.js';

export interface TpmServerOptions {
  host?: string;
  /** Data port (0 = any free port; the control port is then the next one, found together). */
  port?: number;
  /** Control port (default port + 1, as swtpm and libtss2-tcti-swtpm expect). */
  controlPort?: number;
  /** Keep the vTPM state here (tpm-state.bin, plus the vTPM CA when none is given). */
  stateDir?: string;
  /** Serve this simulator instead of creating one. */
  simulator?: TpmSimulator;
  /** CA for manufacturing a new vTPM (default: the one in stateDir, or a new one). */
  ca?: VtpmCa;
  /** Send TPM2_Startup(CLEAR) when powering on (default true), like firmware does. */
  startup?: boolean;
  /** Locality of that TPM2_Startup (default 3, so PCR 0 starts 00…03 as on Azure; swtpm's startup-clear flag uses 0). */
  startupLocality?: number;
  simulatorOptions?: SimulatorOptions;
  /** One line per connection event and control command (for `tl tpm serve --verbose`). */
  log?: (line: string) => void;
}

export interface TpmServer {
  host: string;
  port: number;
  controlPort: number;
  simulator: TpmSimulator;
  /** The CA that signed this vTPM's EK/AK certificates (when the server manufactured it). */
  ca?: VtpmCa;
  close(): Promise<void>;
}

const MAX_FRAME = 64 * 1024;

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}

function closeServer(s: Server): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

function loadOrCreateCa(dir: string | undefined, given: VtpmCa | undefined): VtpmCa {
  if (given) return given;
  if (dir) {
    const keyPath = join(dir, 'vtpm-ca-key.pem');
    const certPath = join(dir, 'vtpm-ca-cert.der');
    if (existsSync(keyPath) && existsSync(certPath)) return loadVtpmCa(readFileSync(keyPath, 'utf8'), new Uint8Array(readFileSync(certPath)));
    const ca = createVtpmCa();
    mkdirSync(dir, { recursive: true });
    writeFileSync(keyPath, ca.key.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    writeFileSync(certPath, ca.certificate);
    return ca;
  }
  return createVtpmCa();
}

/** Build (and, for a new state, manufacture) the simulator a server exports. */
async function prepareSimulator(opts: TpmServerOptions): Promise<{ sim: TpmSimulator; ca?: VtpmCa }> {
  if (opts.simulator) return { sim: opts.simulator };
  const store: TpmNvStore = opts.stateDir ? new FileNvStore(join(opts.stateDir, 'tpm-state.bin')) : new MemoryNvStore();
  let ca: VtpmCa | undefined;
  if (!store.load()) {
    ca = loadOrCreateCa(opts.stateDir, opts.ca);
    const m = await manufactureVtpm({ ca, ekTypes: ['rsa', 'ecc'], ak: 'ecc', ...(opts.simulatorOptions?.profile ? { profile: opts.simulatorOptions.profile } : {}) });
    store.save(m.state);
  } else if (opts.stateDir && existsSync(join(opts.stateDir, 'vtpm-ca-cert.der'))) {
    ca = loadOrCreateCa(opts.stateDir, opts.ca);
  }
  const sim = new TpmSimulator({ nv: store }, opts.simulatorOptions);
  sim.powerOn({ locality: opts.startupLocality ?? 3 });
  if (opts.startup ?? true) await sim.startup();
  sim.setLocality(0);
  return ca ? { sim, ca } : { sim };
}

/** Serve the TPM data protocol on one connection. */
function serveData(sim: TpmSimulator, socket: Socket): void {
  let buf: Uint8Array = new Uint8Array(0);
  let chain = Promise.resolve();
  let lost = false;
  socket.setNoDelay(true);
  socket.on('data', (d: Buffer) => {
    // After lost framing the connection is closing: what the client still sends on its half is not run.
    if (lost) return;
    buf = concat(buf, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    while (buf.length >= 6) {
      const size = new DataView(buf.buffer, buf.byteOffset).getUint32(2);
      if (size < 10 || size > MAX_FRAME) {
        // Framing is lost: answer as a TPM would to a bad size, then drop the connection.
        const resp = errorResponse(TPM_RC.COMMAND_SIZE);
        buf = new Uint8Array(0);
        lost = true;
        chain = chain.then(() => void socket.end(resp));
        return;
      }
      if (buf.length < size) return;
      const cmd = buf.slice(0, size);
      buf = buf.slice(size);
      chain = chain.then(async () => {
        const resp = await sim.execute(cmd);
        if (!socket.destroyed) socket.write(resp);
      });
    }
  });
  socket.on('error', () => socket.destroy());
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
}

/** Answer one control command (tpm_ioctl.h "non-CUSE" responses). */
async function controlResponse(sim: TpmSimulator, cmd: number, body: Uint8Array): Promise<Uint8Array> {
  switch (cmd) {
    case CMD.GET_CAPABILITY: {
      const caps = PTM_CAP.INIT | PTM_CAP.SHUTDOWN | PTM_CAP.GET_TPMESTABLISHED | PTM_CAP.SET_LOCALITY | PTM_CAP.RESET_TPMESTABLISHED | PTM_CAP.STOP | PTM_CAP.GET_CONFIG | PTM_CAP.SET_BUFFERSIZE | PTM_CAP.GET_INFO;
      return concat(u32(0), u32(caps));
    }
    case CMD.INIT:
      sim.powerOff();
      // _TPM_Init; as with swtpm, the client sends TPM2_Startup next.
      sim.powerOn();
      return u32(PTM_RES.SUCCESS);
    case CMD.STOP:
      sim.powerOff();
      return u32(PTM_RES.SUCCESS);
    case CMD.SHUTDOWN:
      // The caller answers, then stops the server (swtpm answers before it exits).
      sim.powerOff();
      return u32(PTM_RES.SUCCESS);
    case CMD.GET_TPMESTABLISHED:
      return sim.poweredOn ? concat(u32(0), new Uint8Array(4)) : u32(PTM_RES.BAD_ORDINAL);
    case CMD.SET_LOCALITY: {
      const loc = body[0]!;
      if (loc > 4) return u32(PTM_RES.BAD_LOCALITY);
      sim.setLocality(loc);
      return u32(PTM_RES.SUCCESS);
    }
    case CMD.RESET_TPMESTABLISHED:
      return u32(body[0]! > 4 ? PTM_RES.BAD_LOCALITY : PTM_RES.SUCCESS);
    case CMD.GET_CONFIG:
      return concat(u32(0), u32(0));
    case CMD.SET_BUFFERSIZE:
      return concat(u32(0), u32(4096), u32(4096), u32(4096));
    case CMD.GET_INFO: {
      const info = new TextEncoder().encode(`{"TPMSpecification":{"family":"2.0","level":0,"revision":${sim.profile.revision}}}\0`);
      return concat(u32(0), u32(info.length), u32(info.length), info);
    }
    default:
      return u32(PTM_RES.BAD_ORDINAL);
  }
}

function serveControl(sim: TpmSimulator, socket: Socket, stop: () => void, log?: (l: string) => void): void {
  let buf: Uint8Array = new Uint8Array(0);
  let chain = Promise.resolve();
  socket.on('data', (d: Buffer) => {
    buf = concat(buf, new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
    while (buf.length >= 4) {
      const cmd = new DataView(buf.buffer, buf.byteOffset).getUint32(0);
      const need = requestBodyLength(cmd, buf.subarray(4));
      if (need === undefined || buf.length < 4 + need) {
        if (buf.length > MAX_FRAME) socket.destroy();
        return;
      }
      const body = buf.slice(4, 4 + need);
      buf = buf.slice(4 + need);
      log?.(`ctrl command 0x${cmd.toString(16)}`);
      chain = chain.then(async () => {
        const resp = await controlResponse(sim, cmd, body);
        if (cmd === CMD.SHUTDOWN) {
          // Stopping destroys every socket, this one too: answer first.
          if (socket.destroyed) stop();
          else socket.end(resp, stop);
          return;
        }
        if (!socket.destroyed) socket.write(resp);
      });
    }
  });
  socket.on('error', () => socket.destroy());
}

/** Start serving; resolves when both ports listen. */
export async function startTpmServer(opts: TpmServerOptions = {}): Promise<TpmServer> {
  const host = opts.host ?? '127.0.0.1';
  const { sim, ca } = await prepareSimulator(opts);
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  let closing: Promise<void> | undefined;
  const data = createServer((s) => {
    track(s);
    opts.log?.(`data connection from ${s.remoteAddress}:${s.remotePort}`);
    serveData(sim, s);
  });
  let ctrl!: Server;
  const stop = () => void close();
  const makeCtrl = () =>
    createServer((s) => {
      track(s);
      serveControl(sim, s, stop, opts.log);
    });
  let port: number;
  let controlPort: number;
  for (let attempt = 0; ; attempt++) {
    port = await listen(data, host, opts.port ?? 0);
    controlPort = opts.controlPort ?? port + 1;
    ctrl = makeCtrl();
    try {
      controlPort = await listen(ctrl, host, controlPort);
      break;
    } catch (e) {
      await closeServer(data);
      // With port 0 another process may hold port+1: try another pair.
      if ((opts.port ?? 0) !== 0 || opts.controlPort !== undefined || attempt > 20) throw e;
    }
  }
  async function close(): Promise<void> {
    if (closing) return closing;
    closing = (async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([closeServer(data), closeServer(ctrl)]);
      if (sim.poweredOn) sim.powerOff();
    })();
    return closing;
  }
  return { host, port, controlPort, simulator: sim, ...(ca ? { ca } : {}), close };
}
