/**
 * The CLI's own state, like az's AZURE_CONFIG_DIR: the extensions that are added, the default
 * subscription and output format. It lives in `cli-config.json` in the config directory:
 * $TL_CONFIG_DIR, else $TL_HOME (where `tl serve` writes its profile), else ~/.tl.
 * Writes are atomic (temporary file + rename) and private (0600).
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Io } from '../framework/io.js';

export interface CliConfig {
  extensions?: Record<string, { version: string; installedAt?: string }>;
  defaults?: { subscription?: string; output?: string };
}

export const CONFIG_FILE = 'cli-config.json';

export function configDir(io: Pick<Io, 'env' | 'home'>): string {
  return io.env.TL_CONFIG_DIR || io.env.TL_HOME || join(io.home, '.tl');
}

export function readJson<T>(path: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** Write a private JSON file atomically. */
export function writePrivateJson(path: string, value: unknown): void {
  const dir = path.slice(0, path.lastIndexOf('/')) || '.';
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function loadConfig(io: Pick<Io, 'env' | 'home'>): CliConfig {
  return readJson<CliConfig>(join(configDir(io), CONFIG_FILE)) ?? {};
}

export function saveConfig(io: Pick<Io, 'env' | 'home'>, c: CliConfig): void {
  writePrivateJson(join(configDir(io), CONFIG_FILE), c);
}
