/**
 * Conformance against the official OpenAPI (Swagger 2.0) files in ../shared/reference/specs:
 * every file is added to ajv under a URL that mirrors its path, so cross-file `$ref`s resolve;
 * responses are validated against `#/definitions/<Model>` (settings from the specs' README:
 * non-strict, custom formats ignored).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

export const SPECS = resolve(import.meta.dirname, '../testdata/specs/specification');
export const AKS_SPEC = 'containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2024-09-01/managedClusters.json';
export const FEATURES_SPEC = 'resources/resource-manager/Microsoft.Features/stable/2021-07-01/features.json';
export const AKS_EXAMPLES = join(SPECS, 'containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2024-09-01/examples');

const BASE = 'https://specs.local/';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? (n === 'examples' ? [] : files(p)) : p.endsWith('.json') ? [p] : [];
  });
}

let ajv: Ajv | undefined;
const cache = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  for (const f of files(SPECS)) {
    const doc = JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>;
    // Swagger documents are not JSON Schemas: keep only what $refs point into.
    ajv.addSchema({ $id: BASE + relative(SPECS, f), definitions: doc.definitions ?? {}, parameters: doc.parameters ?? {} });
  }
  return ajv;
}

/** Validation errors of `value` against `spec#/definitions/model` (empty when it conforms). */
export function conformanceErrors(spec: string, model: string, value: unknown): string[] {
  const key = `${spec}#${model}`;
  let v = cache.get(key);
  if (!v) {
    v = instance().compile({ $ref: `${BASE}${spec}#/definitions/${model}` });
    cache.set(key, v);
  }
  return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** The JSON paths (with array indices replaced by []) of every leaf and object in `v`. */
export function shapeOf(v: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  const walk = (x: unknown, p: string) => {
    if (Array.isArray(x)) {
      out.add(`${p}[]`);
      x.forEach((y) => walk(y, `${p}[]`));
    } else if (x && typeof x === 'object') {
      for (const [key, y] of Object.entries(x)) {
        // Map keys that are data, not member names (Kubernetes patch versions), compare as one.
        const k = /^\d+\.\d+\.\d+$/.test(key) ? '{version}' : key;
        out.add(`${p}.${k}:${Array.isArray(y) ? 'array' : y === null ? 'null' : typeof y}`);
        walk(y, `${p}.${k}`);
      }
    }
  };
  walk(v, prefix);
  return out;
}
