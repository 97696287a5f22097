/**
 * `npm run bench`: run every `bench/*.bench.js` (compiled from TypeScript) or the ones named on
 * the command line, print their figures and write `bench/results/<name>.json`.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModule, Figure } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
// Results go to the source tree's bench/results, not dist/.
const resultsDir = resolve(here, '../../bench/results');

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
    .sort();
  mkdirSync(resultsDir, { recursive: true });
  let failed = 0;
  for (const file of files) {
    const name = file.replace(/\.bench\.js$/, '');
    const mod = (await import(join(here, file))) as BenchModule;
    console.log(`\n## ${name}`);
    const figures: Figure[] = await mod.run();
    for (const f of figures) {
      const parts = [`${f.name}: ${fmt(f.value)} ${f.unit}`];
      if (f.limit) parts.push(`limit ${f.limit.name} ${fmt(f.limit.value)} ${f.limit.unit}`);
      if (f.ratio !== undefined) parts.push(`ratio ${fmt(f.ratio)}`);
      if (f.peer) parts.push(`peer ${f.peer.name} ${fmt(f.peer.value)} ${f.peer.unit}`);
      if (f.target) parts.push(`target ${f.target}: ${f.met ? 'met' : 'NOT met'}`);
      if (f.met === false) failed++;
      console.log(`- ${parts.join(' | ')}`);
    }
    writeFileSync(
      join(resultsDir, `${name}.json`),
      JSON.stringify({ bench: name, date: new Date().toISOString(), node: process.version, figures }, null, 2) + '\n',
    );
  }
  console.log(`\n${files.length} benches, ${failed} targets not met; results in bench/results/`);
}

await main();
