/**
 * Conformance against the official OpenAPI (Swagger 2.0) files in ../shared/reference/specs:
 * every file is added to ajv under a URL that mirrors its path, so cross-file `$ref`s resolve;
 * responses are validated against `#/definitions/<Model>` (settings from the specs' README:
 * non-strict, custom formats ignored), and every member name they carry must be one the spec
 * defines for that object.
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

/**
 * Problems of `value` against `spec#/definitions/model` (empty when it conforms): ajv's schema
 * errors, then every member whose name the spec does not define (undeclaredProperties below).
 */
export function conformanceErrors(spec: string, model: string, value: unknown): string[] {
  return [...schemaErrors(spec, model, value), ...undeclaredProperties(spec, model, value)];
}

/** ajv's validation errors alone (types, enums, formats as the README configures them). */
export function schemaErrors(spec: string, model: string, value: unknown): string[] {
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

// ---------------------------------------------------------------------------------------------
// Property names. ajv cannot catch a misnamed member (`enableVtpm`, `nodeImageVerison`): no
// definition in these specs sets `additionalProperties: false`, so anything unknown passes. This
// walks the Swagger schema itself — `$ref` (in-file and cross-file), `allOf`, `properties`,
// `items`, and `additionalProperties` only where the spec declares a map (tags, nodeLabels,
// identityProfile, patchVersions …) — and names every member of a response the spec does not
// define, with the JSON path and the definitions that were searched.

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  type?: string;
};

const docs = new Map<string, { definitions?: Record<string, Schema> }>();

function specDoc(file: string): { definitions?: Record<string, Schema> } {
  let d = docs.get(file);
  if (!d) {
    d = JSON.parse(readFileSync(join(SPECS, file), 'utf8')) as { definitions?: Record<string, Schema> };
    docs.set(file, d);
  }
  return d;
}

/** A schema node with the file it lives in and, when reached through a $ref, the definition's name. */
interface Located {
  readonly schema: Schema;
  readonly file: string;
  readonly name?: string;
}

function deref(n: Located): Located {
  let cur = n;
  for (let guard = 0; cur.schema.$ref !== undefined; guard++) {
    if (guard > 32) throw new Error(`$ref cycle at ${cur.file}: ${cur.schema.$ref}`);
    const [path, pointer] = cur.schema.$ref.split('#') as [string, string | undefined];
    const file = path ? relative(SPECS, resolve(SPECS, join(cur.file, '..'), path)) : cur.file;
    const m = (pointer ?? '').match(/^\/definitions\/([^/]+)$/);
    if (!m) throw new Error(`unsupported $ref ${cur.schema.$ref} in ${cur.file}`);
    const target = specDoc(file).definitions?.[m[1]!];
    if (!target) throw new Error(`unresolved $ref ${cur.schema.$ref} in ${cur.file}`);
    cur = { schema: target, file, name: m[1]! };
  }
  return cur;
}

/** Every member an object of this schema may have: its own, its allOf parents', and its map type. */
function membersOf(n: Located): { props: Map<string, Located>; additional: Located | true | undefined; owners: string[] } {
  const props = new Map<string, Located>();
  const owners: string[] = [];
  let additional: Located | true | undefined;
  const visit = (x: Located) => {
    const d = deref(x);
    if (d.name) owners.push(d.name);
    // An inline member schema is named after its owner (`ManagedClusterIdentity.userAssignedIdentities`).
    for (const [k, s] of Object.entries(d.schema.properties ?? {})) if (!props.has(k)) props.set(k, { schema: s, file: d.file, ...(d.name ? { name: `${d.name}.${k}` } : {}) });
    const ap = d.schema.additionalProperties;
    if (ap === true) additional = true;
    else if (ap && typeof ap === 'object') additional ??= { schema: ap, file: d.file, ...(d.name ? { name: `${d.name}[*]` } : {}) };
    for (const parent of d.schema.allOf ?? []) visit({ schema: parent, file: d.file });
  };
  visit(n);
  return { props, additional, owners };
}

/**
 * Members the spec does not define for the object they appear in, allowed on purpose. Keys are
 * `Definition.member` (any definition in the object's allOf chain); each says why. An allowed
 * member's contents are not walked.
 */
export const UNDECLARED_ALLOWED: Readonly<Record<string, string>> = {
  // The SDK (@azure/arm-containerservice 24.1.0) speaks api-version 2025-10-01, and the server
  // answers in that version: GPUProfile ({ driver: Install | None }, the switch the document's
  // "GPU with Secure Boot only when the driver install is skipped" rule reads) is in the AKS API
  // from 2025-05-01 stable (the SDK's AgentPool model has it), after the 2024-09-01 spec file.
  'ManagedClusterAgentPoolProfileProperties.gpuProfile': 'AKS api-version 2025-05-01 and later (GPUProfile.driver); the 2024-09-01 spec predates it',
};

/** `path: member` for every member of `value` that `spec#/definitions/model` does not define. */
export function undeclaredProperties(spec: string, model: string, value: unknown, allowed: Readonly<Record<string, string>> = UNDECLARED_ALLOWED): string[] {
  const out: string[] = [];
  const walk = (v: unknown, n: Located, path: string) => {
    if (Array.isArray(v)) {
      const d = deref(n);
      if (d.schema.items) v.forEach((x, i) => walk(x, { schema: d.schema.items!, file: d.file }, `${path}/${i}`));
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const { props, additional, owners } = membersOf(n);
    for (const [k, x] of Object.entries(v)) {
      const declared = props.get(k);
      if (declared) walk(x, declared, `${path}/${k}`);
      else if (additional === true) continue;
      else if (additional) walk(x, additional, `${path}/${k}`);
      else if (!owners.some((o) => `${o}.${k}` in allowed)) out.push(`${path}/${k} is not defined by ${owners.join(' ← ') || 'its schema'} (declared: ${[...props.keys()].sort().join(', ')})`);
    }
  };
  walk(value, { schema: { $ref: `#/definitions/${model}` }, file: spec }, '');
  return out;
}
