/**
 * A JSON parser for request bodies that reports what the Kubernetes API server's strict
 * decoder reports and JSON.parse hides: duplicate object keys (with their path), and errors
 * worded as Go's encoding/json words them, with the byte offset. Bounded: nesting depth ≤ 128,
 * input size is bounded by the HTTP layer.
 */

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at offset ${offset})`);
  }
}

export interface ParsedJson {
  readonly value: unknown;
  /** Paths of duplicated keys, as the strict decoder prints them (`metadata.name`, `spec.containers[0].image`). */
  readonly duplicates: string[];
}

const MAX_DEPTH = 128;

export function parseJsonStrict(text: string): ParsedJson {
  let i = 0;
  const duplicates: string[] = [];
  const n = text.length;

  const describe = (c: string | undefined) => (c === undefined ? '' : c === "'" ? "'\\''" : `'${c}'`);
  const fail = (context: string): never => {
    if (i >= n) throw new JsonSyntaxError('unexpected end of JSON input', i);
    throw new JsonSyntaxError(`invalid character ${describe(text[i])} ${context}`, i);
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };

  const str = (): string => {
    const start = ++i;
    let out = '';
    let chunk = start;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunk, i);
        i++;
        return out;
      }
      if (c < 0x20) throw new JsonSyntaxError('invalid character in string literal', i);
      if (c === 0x5c) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        if (e === undefined) {
          i = n;
          fail('');
        }
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e! in simple) {
          out += simple[e!];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
            i += 2;
            throw new JsonSyntaxError('invalid character in \\u hexadecimal character escape', i);
          }
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else {
          i++;
          throw new JsonSyntaxError(`invalid character ${describe(e)} in string escape code`, i);
        }
        chunk = i;
        continue;
      }
      i++;
    }
    throw new JsonSyntaxError('unexpected end of JSON input', n);
  };

  const num = (): number => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) fail('in numeric literal');
    i += m![0].length;
    return Number(m![0]);
  };

  const value = (path: string, depth: number): unknown => {
    if (depth > MAX_DEPTH) throw new JsonSyntaxError(`exceeded max depth of ${MAX_DEPTH}`, i);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('looking for beginning of object key string');
        const key = str();
        ws();
        if (text[i] !== ':') fail('after object key');
        i++;
        const child = path ? `${path}.${key}` : key;
        const v = value(child, depth + 1);
        if (seen.has(key)) duplicates.push(child);
        seen.add(key);
        if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value(`${path}[${arr.length}]`, depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('after array element');
      }
    }
    if (c === '"') return str();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return num();
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return v;
      }
    }
    return fail('looking for beginning of value');
  };

  const v = value('', 0);
  ws();
  if (i < n) fail('after top-level value');
  return { value: v, duplicates };
}
