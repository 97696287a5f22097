/**
 * The composition root (DESIGN.md §3): the only file that knows every layer.
 *
 * Steps of `serve`:
 *   1. make the data directory; load or create the CA, the server certificate and the token key,
 *   2. open the store (one SQLite file) and build the platform on the system clock,
 *   3. on first start, create the default subscription and the administrator,
 *   4. start the controller (resuming operations that were in flight),
 *   5. listen on HTTPS, write the CLI profile, print `listening on https://HOST:PORT`,
 *   6. on SIGINT/SIGTERM, stop accepting requests, stop the controller and close the store.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { systemClock, type Clock } from './core/clock.js';
import type { Logger } from './core/log.js';
import { createApi } from './api/app.js';
import { TokenService } from './api/auth/tokens.js';
import { kubeconfigIssuer } from './api/kube/credentials.js';
import { coversHosts, createCa, issueLeaf, loadCa } from './api/tls.js';
import { Platform } from './platform/platform.js';
import { SqliteStore } from './platform/store/sqlite-store.js';
import { timingProfile, type Timing } from './platform/timing.js';

export interface ServeOptions {
  readonly host?: string;
  readonly port?: number;
  readonly dataDir?: string;
  readonly timing?: string;
  readonly timingOverrides?: Partial<Timing>;
  readonly logLevel?: string;
  readonly clock?: Clock;
  /** Print the "listening on" line (the CLI does; in-process users may not want it). */
  readonly announce?: (line: string) => void;
}

export interface Running {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly platform: Platform;
  close(): Promise<void>;
}

export const PROFILE_FILE = 'profile.json';

export function defaultDataDir(): string {
  return process.env.TL_HOME ? resolve(process.env.TL_HOME) : join(homedir(), '.tl');
}

function writeSecret(path: string, data: string): void {
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** Step 1: TLS material and token key in the data directory (created once, reused after). */
function loadOrCreateKeys(dir: string, hosts: readonly string[]) {
  const caCert = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  if (!existsSync(caCert) || !existsSync(caKey)) {
    const ca = createCa('Trusted Launch Local CA');
    writeSecret(caKey, ca.keyPem);
    writeFileSync(caCert, ca.certPem);
  }
  const ca = loadCa(readFileSync(caCert, 'utf8'), readFileSync(caKey, 'utf8'));
  const serverCert = join(dir, 'server.pem');
  const serverKey = join(dir, 'server-key.pem');
  if (!existsSync(serverCert) || !existsSync(serverKey) || !coversHosts(readFileSync(serverCert, 'utf8'), hosts)) {
    const leaf = issueLeaf(ca, { subject: [['CN', hosts[0]!]], hosts });
    writeSecret(serverKey, leaf.keyPem);
    writeFileSync(serverCert, leaf.certPem + ca.certPem);
  }
  const tokenKey = join(dir, 'token-key.pem');
  if (!existsSync(tokenKey)) writeSecret(tokenKey, TokenService.generateKey().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const priv = createPrivateKey(readFileSync(tokenKey, 'utf8'));
  return { ca, caCertPath: caCert, tls: { key: readFileSync(serverKey, 'utf8'), cert: readFileSync(serverCert, 'utf8') }, tokenKey: { privateKey: priv, publicKey: createPublicKey(priv) } };
}

export async function serve(o: ServeOptions = {}): Promise<Running> {
  const host = o.host ?? '127.0.0.1';
  const dataDir = resolve(o.dataDir ?? defaultDataDir());
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const log: Logger = pino({ level: o.logLevel ?? process.env.TL_LOG_LEVEL ?? 'info', base: { service: 'tl' } }, pino.destination(2)) as unknown as Logger;
  // 1.
  const keys = loadOrCreateKeys(dataDir, [...new Set([host, 'localhost', '127.0.0.1', '::1'])]);
  // 2.
  const store = new SqliteStore(join(dataDir, 'state.db'));
  const clock = o.clock ?? systemClock;
  const profileName = o.timing ?? process.env.TL_TIMING ?? 'fast';
  // TL_TIMING_OVERRIDES='{"vmBootMs":2000}' adjusts single durations of the profile (tests, demos).
  const envOverrides = process.env.TL_TIMING_OVERRIDES ? (JSON.parse(process.env.TL_TIMING_OVERRIDES) as Partial<Timing>) : {};
  const timing = timingProfile(profileName, { ...envOverrides, ...o.timingOverrides });
  const platform = new Platform({ store, clock, timing, log });
  // 3.
  const boot = await platform.identity.bootstrap();
  const adminFile = join(dataDir, 'admin.json');
  if (boot.adminSecret) writeSecret(adminFile, JSON.stringify({ clientId: boot.adminClientId, clientSecret: boot.adminSecret, tenantId: boot.tenantId }, null, 2));
  const admin = JSON.parse(readFileSync(adminFile, 'utf8')) as { clientId: string; clientSecret: string; tenantId: string };
  // 4.
  await platform.start();
  // 5.
  const tokens = new TokenService(keys.tokenKey.privateKey, keys.tokenKey.publicKey, `https://sts.tl.local/${boot.tenantId}/`, () => clock.now());
  const retryAfterSeconds = profileName === 'test' ? 0 : profileName === 'realistic' ? 15 : 1;
  const server: Server = createApi({ platform, tokens, kubeconfigs: kubeconfigIssuer(keys.ca), lro: { retryAfterSeconds }, tls: keys.tls, log, kube: { ca: keys.ca } });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(o.port ?? 8443, host, () => res());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  // Issue 8: attestation tokens name this server as their issuer (jku = <url>/certs).
  if (platform.attestation) platform.attestation.issuer = url;
  const { token, expiresOn } = await tokens.issue(admin.clientId, admin.tenantId, 24 * 3600);
  writeSecret(
    join(dataDir, PROFILE_FILE),
    JSON.stringify(
      {
        endpoint: url,
        caFile: keys.caCertPath,
        tenantId: admin.tenantId,
        subscriptionId: boot.subscriptionId,
        clientId: admin.clientId,
        clientSecret: admin.clientSecret,
        accessToken: token,
        expiresOn,
      },
      null,
      2,
    ),
  );
  log.info({ url, dataDir, timing: profileName }, 'server started');
  (o.announce ?? ((l: string) => process.stdout.write(`${l}\n`)))(`tl: listening on ${url} (data dir ${dataDir})`);
  // 6.
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
      platform.stop();
      await store.close();
      log.info('server stopped');
    })());
  return { url, port, dataDir, platform, close };
}
