/**
 * SBAT — UEFI Secure Boot Advanced Targeting (rhboot/shim SBAT.md): generation-based
 * revocation. Every image shim loads carries a `.sbat` section of CSV lines
 *
 *   component_name,component_generation,vendor_name,vendor_package_name,vendor_version,vendor_url
 *
 * (NUL-terminated), and the SbatLevel variable (vendor SHIM_LOCK_GUID) lists the minimum
 * generation per component, after a first line `sbat,1,<datestamp>`. An image is refused when
 * any of its components has a generation below the level's — even with a valid signature.
 * shim's `.sbatlevel` section carries the "previous" and "latest" levels it enforces itself
 * (reference/secureboot.md §5).
 */
import { ByteReader } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';

export interface SbatEntry {
  readonly component: string;
  readonly generation: number;
  readonly vendor?: string;
  readonly packageName?: string;
  readonly version?: string;
  readonly url?: string;
}

export interface SbatLevel {
  /** The datestamp of the `sbat,1,<datestamp>` line (compared to choose the newer level). */
  readonly datestamp: string;
  readonly entries: readonly { readonly component: string; readonly generation: number }[];
}

const MAX_SBAT = 64 * 1024;
const latin1 = new TextDecoder('latin1');

function csvLines(bytes: Uint8Array, what: string): { line: string; at: number }[] {
  if (bytes.length > MAX_SBAT) throw new WireError(`${what} of ${bytes.length} bytes exceeds ${MAX_SBAT}`, 0, what);
  const nul = bytes.indexOf(0);
  const text = latin1.decode(nul < 0 ? bytes : bytes.subarray(0, nul));
  const out: { line: string; at: number }[] = [];
  let at = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() !== '') out.push({ line, at });
    at += raw.length + 1;
  }
  return out;
}

function generation(s: string | undefined, at: number, what: string): number {
  if (s === undefined || !/^\d{1,9}$/.test(s.trim())) throw new WireError(`component generation "${s ?? ''}" is not a number`, at, what);
  return Number(s.trim());
}

/** Parse a `.sbat` section (CSV, NUL-terminated). */
export function parseSbat(bytes: Uint8Array): SbatEntry[] {
  return csvLines(bytes, '.sbat').map(({ line, at }) => {
    const f = line.split(',');
    if (f.length < 2 || !f[0]) throw new WireError('SBAT line needs at least component_name and component_generation', at, '.sbat');
    const e: { -readonly [K in keyof SbatEntry]: SbatEntry[K] } = { component: f[0], generation: generation(f[1], at, '.sbat') };
    if (f[2] !== undefined) e.vendor = f[2];
    if (f[3] !== undefined) e.packageName = f[3];
    if (f[4] !== undefined) e.version = f[4];
    if (f.length > 5) e.url = f.slice(5).join(',');
    return e;
  });
}

/** Parse SbatLevel text (`sbat,1,2024010900\nshim,4\ngrub,3\n…`). */
export function parseSbatLevel(bytes: Uint8Array): SbatLevel {
  const lines = csvLines(bytes, 'SbatLevel');
  const first = lines[0];
  if (!first || !first.line.startsWith('sbat,')) throw new WireError('SbatLevel must start with "sbat,1,<datestamp>"', 0, 'SbatLevel');
  const datestamp = first.line.split(',')[2] ?? '';
  const entries = lines.map(({ line, at }) => {
    const f = line.split(',');
    return { component: f[0]!, generation: generation(f[1], at, 'SbatLevel') };
  });
  return { datestamp, entries };
}

export function encodeSbatLevel(level: SbatLevel): Uint8Array {
  const lines = level.entries.map((e, i) => (i === 0 && e.component === 'sbat' ? `sbat,${e.generation},${level.datestamp}` : `${e.component},${e.generation}`));
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

/** Make an SbatLevel from component generations (adds the `sbat,1,<datestamp>` line). */
export function sbatLevel(datestamp: string, entries: Record<string, number>): SbatLevel {
  return { datestamp, entries: [{ component: 'sbat', generation: 1 }, ...Object.entries(entries).map(([component, generation]) => ({ component, generation }))] };
}

export function formatSbatCsv(entries: readonly SbatEntry[]): string {
  return entries.map((e) => [e.component, e.generation, e.vendor, e.packageName, e.version, e.url].filter((x) => x !== undefined).join(',')).join('\n') + '\n';
}

/** shim's `.sbatlevel` section: `u32 version; u32 previous; u32 latest` (offsets from byte 4), then NUL-terminated levels. */
export function parseSbatLevelSection(bytes: Uint8Array): { previous: SbatLevel; latest: SbatLevel } {
  const r = new ByteReader(bytes, { path: ['.sbatlevel'] });
  const version = r.u32le();
  if (version !== 0) throw r.error(`unknown .sbatlevel version ${version}`, 0);
  const previous = r.u32le();
  const latest = r.u32le();
  const at = (off: number) => {
    if (off + 4 >= bytes.length) throw r.error(`level offset ${off} outside the section`, 4);
    return parseSbatLevel(bytes.subarray(4 + off));
  };
  return { previous: at(previous), latest: at(latest) };
}

/** The newer of two levels by datestamp (shim replaces SbatLevel only by a newer one). */
export function newerSbatLevel(a: SbatLevel | undefined, b: SbatLevel | undefined): SbatLevel | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.datestamp > a.datestamp ? b : a;
}

export interface SbatViolation {
  readonly component: string;
  readonly imageGeneration: number;
  readonly levelGeneration: number;
}

/** shim verify_sbat: the first image component whose generation is below the level's, or undefined. */
export function checkSbat(image: readonly SbatEntry[], level: SbatLevel): SbatViolation | undefined {
  for (const l of level.entries) {
    for (const e of image) {
      if (e.component === l.component && e.generation < l.generation) {
        return { component: e.component, imageGeneration: e.generation, levelGeneration: l.generation };
      }
    }
  }
  return undefined;
}
