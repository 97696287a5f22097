/**
 * Strict reading of ARM JSON request bodies. Every value is type-checked where the platform
 * interprets it; a wrong type is a 400 InvalidRequestContent naming the JSON path, as ARM's
 * deserializer reports it ("Error converting value … Path 'properties.count'").
 */
import { invalidContent } from './errors.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function parseJsonBody(bytes: Uint8Array): Json {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.trim() === '') throw invalidContent('the request body is empty', '');
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw invalidContent((e as Error).message, '');
  }
}

export class Body {
  constructor(
    readonly value: { [k: string]: Json },
    readonly path: string,
  ) {}

  static root(v: Json, path = ''): Body {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalidContent(`expected a JSON object, found ${describe(v)}`, path);
    return new Body(v, path);
  }

  private p(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  /**
   * The member, or undefined when absent or null (ARM treats null as "not set"). Names match as
   * the resource providers' deserializer (Json.NET) matches them: the exact name first, otherwise
   * case-insensitively — `enableVtpm` sets enableVTPM, it is not an unknown member.
   */
  raw(name: string): Json | undefined {
    const key = Object.hasOwn(this.value, name) ? name : this.keyFor(name);
    const v = key === undefined ? undefined : this.value[key];
    return v === null || v === undefined ? undefined : v;
  }

  private keyFor(name: string): string | undefined {
    const lower = name.toLowerCase();
    return Object.keys(this.value).find((k) => k.toLowerCase() === lower);
  }

  obj(name: string): Body | undefined {
    const v = this.raw(name);
    return v === undefined ? undefined : Body.root(v, this.p(name));
  }

  str(name: string): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw invalidContent(`Error converting value ${JSON.stringify(v)} to type 'System.String'`, this.p(name));
    return v;
  }

  /** A string that must be one of `values` (matched case-insensitively, returned canonical). */
  enumOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.str(name);
    if (v === undefined) return undefined;
    const hit = values.find((x) => x.toLowerCase() === v.toLowerCase());
    if (!hit) throw invalidContent(`Requested value '${v}' was not found; expected one of ${values.join(', ')}`, this.p(name));
    return hit;
  }

  bool(name: string): boolean | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    // The GA doc's ARM template writes "true" as a string; ARM's deserializer accepts it.
    if (v === 'true' || v === 'false') return v === 'true';
    if (typeof v !== 'boolean') throw invalidContent(`Error converting value ${JSON.stringify(v)} to type 'System.Boolean'`, this.p(name));
    return v;
  }

  int(name: string, min = -2147483648, max = 2147483647): number | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidContent(`Error converting value ${JSON.stringify(v)} to type 'System.Int32'`, this.p(name));
    if (v < min || v > max) throw invalidContent(`value ${v} is outside the range ${min}..${max}`, this.p(name));
    return v;
  }

  strArray(name: string): string[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw invalidContent(`expected an array of strings, found ${describe(v)}`, this.p(name));
    return v as string[];
  }

  strMap(name: string): Record<string, string> | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'object' || Array.isArray(v) || Object.values(v as Record<string, Json>).some((x) => typeof x !== 'string')) {
      throw invalidContent(`expected an object of string values, found ${describe(v)}`, this.p(name));
    }
    return { ...(v as Record<string, string>) };
  }

  objArray(name: string): Body[] | undefined {
    const v = this.raw(name);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw invalidContent(`expected an array, found ${describe(v)}`, this.p(name));
    return v.map((x, i) => Body.root(x, `${this.p(name)}[${i}]`));
  }

  /** Members not in `known` (compared case-insensitively, as `raw` reads them), for echoing back. */
  rest(known: ReadonlySet<string>): Record<string, unknown> {
    const lower = new Set([...known].map((k) => k.toLowerCase()));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.value)) if (!lower.has(k.toLowerCase()) && v !== null) out[k] = v;
    return out;
  }
}

function describe(v: Json | undefined): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}
