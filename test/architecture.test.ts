/**
 * DESIGN.md §3: layers and the direction of imports, checked on every `import` in src/.
 *
 *   core ← tpm, uefi, eventlog ← attestation ← platform ← api ← main
 *   cli → HTTP only (api wire types), plus the pure libraries for local file tools
 *
 * Pure libraries never import node:http/https/net/fs/child_process; the only exception is
 * an `io/` folder inside a library (e.g. the swtpm TCP transport), which the rest of the
 * library may not import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  tpm: ['core'],
  uefi: ['core'],
  eventlog: ['core'],
  attestation: ['core', 'tpm', 'uefi', 'eventlog'],
  platform: ['core', 'tpm', 'uefi', 'eventlog', 'attestation'],
  api: ['core', 'tpm', 'uefi', 'eventlog', 'attestation', 'platform'],
  // The CLI reaches the server over HTTP only. It may use the pure libraries for local file
  // tools (`tl eventlog parse`, `tl secureboot verify`, `tl tpm serve`), the wire types of the
  // API, and the composition root for `tl serve`.
  cli: ['core', 'tpm', 'uefi', 'eventlog', 'attestation', 'api/wire', 'main'],
  web: ['api/wire'],
  main: ['*'],
};
const PURE = new Set(['core', 'tpm', 'uefi', 'eventlog', 'attestation']);
const EDGE_MODULES = /^node:(http|https|http2|net|tls|fs|fs\/promises|child_process|dgram|cluster|worker_threads)$/;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'testdata' ? [] : walk(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.includes('/test-support/') ? [p] : [];
  });
}

function layerOf(file: string): string {
  const rel = relative(SRC, file);
  if (rel === 'main.ts') return 'main';
  if (rel.startsWith('api/wire/') || rel.startsWith('api/wire.ts')) return 'api/wire';
  return rel.split('/')[0]!;
}

function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:^|[^\w.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;
  for (const m of source.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

describe('architecture (DESIGN.md §3)', () => {
  const files = walk(SRC);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('imports only point down the layers', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      const allowed = ALLOWED[from];
      if (!allowed) {
        violations.push(`${relative(SRC, file)}: unknown layer "${from}"`);
        continue;
      }
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        const to = layerOf(target);
        if (to === from || allowed.includes('*') || allowed.includes(to)) continue;
        violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('pure libraries touch no network or file system outside their io/ folder', () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = relative(SRC, file);
      const layer = layerOf(file);
      if (!PURE.has(layer)) continue;
      const inIo = rel.split('/').includes('io');
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (EDGE_MODULES.test(spec) && !inIo) violations.push(`${rel} imports ${spec}`);
        if (!inIo && spec.startsWith('.') && resolve(dirname(file), spec).split('/').includes('io')) {
          violations.push(`${rel} imports its library's io/ (${spec})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('the checker itself sees imports (a violation is detectable)', () => {
    expect(importsOf(`import { a } from '../platform/x.js';\nexport * from "./y.js";\nconst m = await import('node:fs');`)).toEqual([
      '../platform/x.js',
      './y.js',
      'node:fs',
    ]);
  });
});
