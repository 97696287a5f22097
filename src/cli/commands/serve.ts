/** `tl serve`: run the server (resource manager, Kubernetes API, attestation) with its embedded store. */
import { UserError } from '../framework/errors.js';
import type { CommandSpec } from '../framework/types.js';

export const command: CommandSpec = {
  summary: 'Run the Trusted Launch server (ARM API, Kubernetes API, attestation) with an embedded store.',
  args: [
    { names: ['--host'], help: 'Address to listen on.', defaultText: '127.0.0.1' },
    { names: ['--port'], help: 'Port to listen on (0 picks a free port).', defaultText: '8443' },
    { names: ['--data-dir'], help: 'Data directory.', defaultText: '$TL_HOME or ~/.tl' },
    { names: ['--timing'], help: 'Durations of registrations, boots and reimages: fast, realistic or test.', defaultText: '$TL_TIMING or fast' },
    { names: ['--log-level'], help: 'Log level (pino): trace, debug, info, warn, error.', defaultText: '$TL_LOG_LEVEL or info' },
  ],
  examples: [{ summary: 'Serve on a free port with a private data directory and quick timings.', command: 'az serve --port 0 --data-dir /tmp/tl --timing test' }],
  async run(ctx, a) {
    const portText = (a.port as string | undefined) ?? '8443';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError('InvalidArgumentValueError', `invalid --port ${portText}`);
    const { serve } = await import('../../main.js');
    const dataDir = a.dataDir as string | undefined;
    const running = await serve({
      host: (a.host as string | undefined) ?? '127.0.0.1',
      port,
      ...(dataDir ? { dataDir } : {}),
      timing: (a.timing as string | undefined) ?? ctx.io.env.TL_TIMING ?? 'fast',
      logLevel: (a.logLevel as string | undefined) ?? ctx.io.env.TL_LOG_LEVEL ?? 'info',
    });
    const stop = () => {
      void running.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return undefined;
  },
};
