/**
 * Decoding request bodies as kube-apiserver does (apimachinery's json serializer over
 * sigs.k8s.io/json): type errors always refuse the body, worded as Go's encoding/json words
 * them; unknown and duplicate fields refuse it with `fieldValidation=Strict`, become warnings
 * with `Warn` (the default), and are dropped with `Ignore`.
 *
 * The document's own manifest writes `kubernetes.azure.com/secure-boot: true`; YAML reads
 * that as a boolean, kubectl sends JSON `true`, and a real API server answers
 * `json: cannot unmarshal bool into Go struct field PodSpec.spec.nodeSelector of type string`.
 * We answer the same and say how to fix it: quote the value.
 */
import { WireError } from '../../../core/errors.js';
import { badRequest, KubeError } from '../../../platform/kube/errors.js';
import { isQuantity, QUANTITY_FORMAT_MESSAGE } from '../../../platform/kube/quantity.js';
import { JsonSyntaxError, parseJsonStrict } from './json.js';
import { parseProtobufObject } from './protobuf.js';
import type { Schema } from './schema.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '') return 'Warn';
  if (v === 'Ignore' || v === 'Warn' || v === 'Strict') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${JSON.stringify(v)}; supported values are Ignore, Warn, Strict`);
}

export interface Decoded<T> {
  readonly obj: T;
  readonly warnings: string[];
}

class TypeProblem extends Error {}

const jsonType = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v === 'boolean' ? 'bool' : typeof v);

function goTypeOf(s: Schema): string {
  switch (s.t) {
    case 'string':
      return 'string';
    case 'int':
      return s.go;
    case 'bool':
      return 'bool';
    case 'quantity':
      return 'resource.Quantity';
    case 'intOrString':
      return 'intstr.IntOrString';
    case 'any':
      return 'interface {}';
    default:
      return s.go;
  }
}

interface Walk {
  readonly unknown: string[];
  readonly warnings: string[];
}

function typeError(v: unknown, s: Schema, struct: string, goPath: string): TypeProblem {
  const jt = s.t === 'int' && typeof v === 'number' ? `number ${v}` : jsonType(v);
  let msg = `json: cannot unmarshal ${jt} into Go struct field ${struct}.${goPath} of type ${goTypeOf(s)}`;
  if (s.t === 'string' && (typeof v === 'boolean' || typeof v === 'number')) {
    msg += ` (YAML reads an unquoted ${String(v)} as a ${typeof v === 'boolean' ? 'boolean' : 'number'}: quote it, e.g. "${String(v)}", so that it stays a string)`;
  }
  return new TypeProblem(msg);
}

/** Check `v` against `s`; returns the value with nulls dropped (Go zero values). */
function walk(v: unknown, s: Schema, path: string, goPath: string, struct: string, w: Walk): unknown {
  switch (s.t) {
    case 'any':
      return v;
    case 'string':
      if (typeof v !== 'string') throw typeError(v, s, struct, goPath);
      return v;
    case 'bool':
      if (typeof v !== 'boolean') throw typeError(v, s, struct, goPath);
      return v;
    case 'int':
      if (typeof v !== 'number' || !Number.isInteger(v) || (s.go === 'int32' && (v > 2 ** 31 - 1 || v < -(2 ** 31)))) throw typeError(v, s, struct, goPath);
      return v;
    case 'intOrString':
      if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) throw typeError(v, s, struct, goPath);
      return v;
    case 'quantity':
      if (typeof v !== 'string' && typeof v !== 'number') throw typeError(v, s, struct, goPath);
      if (!isQuantity(v)) throw new TypeProblem(QUANTITY_FORMAT_MESSAGE);
      return v;
    case 'map': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw typeError(v, s, struct, goPath);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (x === null) continue;
        out[k] = walk(x, s.of, `${path}[${k}]`, goPath, struct, w);
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(v)) throw typeError(v, s, struct, goPath);
      // A null element decodes to the element type's zero value, as in Go.
      return v.map((x, i) => (x === null ? zeroOf(s.of) : walk(x, s.of, `${path}[${i}]`, goPath, struct, w)));
    }
    case 'struct': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) {
        if (!path) throw new TypeProblem(`json: cannot unmarshal ${jsonType(v)} into Go value of type ${s.go}`);
        throw typeError(v, s, struct, goPath);
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const fs = s.fields[k];
        const p = path ? `${path}.${k}` : k;
        if (!fs) {
          w.unknown.push(p);
          out[k] = x;
          continue;
        }
        if (x === null) continue;
        out[k] = walk(x, fs, p, goPath ? `${goPath}.${k}` : k, s.name, w);
      }
      return out;
    }
  }
}

/** Parse a body's JSON (400 with Go's wording and the offset on a syntax error), or its protobuf for the kinds protobuf.ts reads. */
export function parseBody(body: Uint8Array, contentType?: string): { value: unknown; duplicates: string[] } {
  if (contentType?.split(';')[0]!.trim() === 'application/vnd.kubernetes.protobuf') {
    let p;
    try {
      p = parseProtobufObject(body);
    } catch (e) {
      if (e instanceof WireError) throw badRequest(`the body of the request could not be decoded as protobuf: ${e.message}`);
      throw e;
    }
    if (!p.object) throw new KubeError('UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/vnd.kubernetes.protobuf (${p.kind || 'this kind'} only as JSON)`);
    return { value: p.object, duplicates: [] };
  }
  try {
    return parseJsonStrict(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw badRequest(`couldn't get version/kind; json parse error: ${e.message}`);
    throw badRequest('the body of the request is not valid UTF-8');
  }
}

/**
 * Decode a body for `kind` in `group/version` (steps: JSON syntax, apiVersion/kind, types,
 * then unknown and duplicate fields per `fieldValidation`).
 */
export function decodeObject<T>(body: Uint8Array, kind: string, apiVersion: string, schema: Schema, validation: FieldValidation, what = kind, contentType?: string): Decoded<T> {
  const parsed = parseBody(body, contentType);
  return decodeValue<T>(parsed.value, parsed.duplicates, kind, apiVersion, schema, validation, what);
}

/** Decode an already parsed value (a patched object, or a body parsed by `parseBody`). */
export function decodeValue<T>(v0: unknown, duplicates: readonly string[], kind: string, apiVersion: string, schema: Schema, validation: FieldValidation, what = kind): Decoded<T> {
  const version = apiVersion.split('/').pop()!;
  const cannot = (m: string) => badRequest(`${what} in version "${version}" cannot be handled as a ${what}: ${m}`);
  const v = v0 as Record<string, unknown>;
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
    if (typeof v.apiVersion === 'string' && v.apiVersion && v.apiVersion !== apiVersion) {
      throw badRequest(`the API version in the data (${v.apiVersion}) does not match the expected API version (${apiVersion})`);
    }
    if (typeof v.kind === 'string' && v.kind && v.kind !== kind) throw cannot(`the kind in the data (${v.kind}) does not match the expected kind (${kind})`);
  }
  const w: Walk = { unknown: [], warnings: [] };
  let obj: unknown;
  try {
    obj = walk(v, schema, '', '', schema.t === 'struct' ? schema.name : kind, w);
  } catch (e) {
    if (e instanceof TypeProblem) throw cannot(e.message);
    throw e;
  }
  const strict = [...w.unknown.map((p) => `unknown field "${p}"`), ...duplicates.map((p) => `duplicate field "${p}"`)];
  if (strict.length && validation === 'Strict') throw cannot(`strict decoding error: ${strict.join(', ')}`);
  const warnings = validation === 'Warn' ? strict : [];
  // Unknown fields are dropped, as the typed decoder drops them.
  obj = dropUnknown(obj, schema);
  return { obj: obj as T, warnings };
}
function zeroOf(s: Schema): unknown {
  switch (s.t) {
    case 'string':
      return '';
    case 'int':
      return 0;
    case 'bool':
      return false;
    case 'struct':
    case 'map':
      return {};
    case 'array':
      return [];
    default:
      return null;
  }
}

function dropUnknown(v: unknown, s: Schema): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (s.t === 'struct') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (s.fields[k]) out[k] = dropUnknown(x, s.fields[k]!);
    return out;
  }
  if (s.t === 'array' && Array.isArray(v)) return v.map((x) => dropUnknown(x, s.of));
  if (s.t === 'map') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dropUnknown(x, s.of)]));
  return v;
}

/** The Warning header value for decode warnings (RFC 7234 §5.5, as client-go parses it). */
export function warningHeader(warnings: readonly string[]): Record<string, string> {
  return warnings.length ? { warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') } : {};
}
