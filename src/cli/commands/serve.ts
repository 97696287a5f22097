/** `tl serve`: run the server (resource manager, Kubernetes API, attestation) with its embedded store. */
import type { Command } from 'commander';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the Trusted Launch server (ARM API, Kubernetes API, attestation) with an embedded store.')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free port)', '8443')
    .option('--data-dir <dir>', 'data directory (default: $TL_HOME or ~/.tl)')
    .option('--timing <profile>', 'durations of registrations, boots and reimages: fast, realistic or test', process.env.TL_TIMING ?? 'fast')
    .option('--log-level <level>', 'log level (pino): trace, debug, info, warn, error', process.env.TL_LOG_LEVEL ?? 'info')
    .action(async (opts: { host: string; port: string; dataDir?: string; timing: string; logLevel: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${opts.port}`);
      const { serve } = await import('../../main.js');
      const running = await serve({ host: opts.host, port, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), timing: opts.timing, logLevel: opts.logLevel });
      const stop = () => {
        void running.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
