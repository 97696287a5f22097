/**
 * `tl tpm serve [--port P] [--state DIR]`: one TPM 2.0 simulator instance (src/tpm) exported with
 * swtpm's socket protocol, as `swtpm socket --server port=P --ctrl type=tcp,port=P+1` does — TPM
 * commands on P, swtpm's control channel on P+1 — so unmodified tools reach it with
 * `TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=P`. A new vTPM is manufactured as the platform does
 * (EKs at 0x81010001/0x81010002, their TCG-profile certificates at NV 0x01C00002/0x01C0000A,
 * an AK at 0x81000003) and powered on with TPM2_Startup at locality 3.
 *
 * Steps: 1. check the arguments; 2. start (src/tpm/io `startTpmServer`: load or manufacture the
 * state, listen on both ports); 3. on SIGTERM/SIGINT close the sockets, power the simulator off
 * (NV saved to DIR) and exit 0; 4. print one "listening" line (scripts wait for it).
 */
import { UserError } from '../../framework/errors.js';
import type { CommandSpec } from '../../framework/types.js';
import { fileReason, localPath } from '../../local/files.js';

export const command: CommandSpec = {
  summary: 'Serve a TPM 2.0 simulator on swtpm\'s socket protocol (TPM commands on PORT, control on PORT+1).',
  long: "The simulator is the vTPM of every Trusted Launch node, here on its own: tpm2-tools and other TSS stacks use it with TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=PORT. With --state the vTPM (seeds, NV, persistent keys, EK certificates) and its CA are kept in DIR across restarts; PCRs reset at each start, as at power-on.",
  args: [
    { names: ['--port'], type: 'int', defaultText: '2321', help: "TCP port for TPM commands (the control channel is PORT+1, as swtpm's). 0 picks a free pair." },
    { names: ['--host'], defaultText: '127.0.0.1', help: 'Address to listen on.' },
    { names: ['--state'], help: 'Directory for the vTPM state (tpm-state.bin) and its CA (vtpm-ca-cert.der, vtpm-ca-key.pem); in memory when omitted.' },
    { names: ['--startup-locality'], choices: ['0', '3'], defaultText: '3', help: "Locality of the TPM2_Startup sent at power-on: 3 as Azure's firmware does (PCR 0 starts at 00…03), 0 as swtpm's --flags startup-clear." },
  ],
  examples: [
    { summary: 'Serve a persistent vTPM and read PCRs with tpm2-tools.', command: 'az tpm serve --port 2321 --state ~/.tl/vtpm & TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=2321 tpm2_pcrread sha256:0,7' },
    { summary: 'Read the RSA EK certificate from NV.', command: 'TPM2TOOLS_TCTI=swtpm:port=2321 tpm2_nvread 0x1c00002 -C o -o ek-rsa.der' },
  ],
  async run(ctx, a) {
    // 1.
    const port = (a.port as number | undefined) ?? 2321;
    if (!Number.isInteger(port) || port < 0 || port > 65534) throw new UserError('InvalidArgumentValueError', `invalid --port ${port}: use 0 or 1-65534 (the control channel takes the next port)`);
    const host = (a.host as string | undefined) ?? '127.0.0.1';
    const stateDir = a.state === undefined ? undefined : localPath(ctx, a.state as string);
    // 2.
    const { startTpmServer } = await import('../../../tpm/io/swtpm-server.js');
    let server;
    try {
      server = await startTpmServer({
        host,
        port,
        ...(stateDir ? { stateDir } : {}),
        startupLocality: Number((a.startupLocality as string | undefined) ?? '3'),
        ...(ctx.globals.verbose || ctx.globals.debug ? { log: (l: string) => ctx.log.info(l) } : {}),
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
        throw new UserError('ValidationError', `Cannot listen on ${host}:${port} or ${port + 1}: ${(e as Error).message}`, { cause: e });
      }
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') throw new UserError('FileOperationError', `Cannot use the state directory '${a.state as string}': ${fileReason(e)}`, { cause: e });
      throw e;
    }
    // 3. (in place before the ready line, so a script may stop us as soon as it reads it)
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      ctx.log.info(`${signal}: closing the TPM ports`);
      void server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    // 4.
    const where = `${server.host}:${server.port}`;
    ctx.io.stdout.write(
      `TPM 2.0 simulator listening on ${where} (TPM commands) and ${server.host}:${server.controlPort} (swtpm control); ` +
        `use TPM2TOOLS_TCTI=swtpm:host=${server.host},port=${server.port}\n`,
    );
    if (stateDir) ctx.log.info(`vTPM state in ${stateDir} (tpm-state.bin; EK certificates issued by vtpm-ca-cert.der)`);
    return undefined;
  },
};
