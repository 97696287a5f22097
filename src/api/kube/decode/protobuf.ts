/**
 * Kubernetes protobuf bodies (apimachinery runtime/serializer/protobuf): the 4-byte magic
 * `k8s\0`, then a `runtime.Unknown` message {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2,
 * contentEncoding = 3, contentType = 4} whose `raw` is the object in its generated.proto
 * encoding. kubectl's typed clients send protobuf (`kubectl create namespace`); the platform
 * reads the kinds they send it (Namespace) and answers JSON, which those clients accept.
 * Untrusted bytes: every length is bounds-checked and errors carry the offset.
 */
import { WireError } from '../../../core/errors.js';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

type Field = { n: number; wire: 0; v: bigint; at: number } | { n: number; wire: 2; v: Uint8Array; at: number } | { n: number; wire: 1 | 5; at: number };

/** The fields of one message, in order (unknown wire types refuse the message). */
function fields(b: Uint8Array, base: number, what: string): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (i >= b.length) throw new WireError('truncated varint', base + i, what);
      const byte = b[i++]!;
      v |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    throw new WireError('varint longer than 10 bytes', base + i, what);
  };
  while (i < b.length) {
    const at = base + i;
    const key = varint();
    const n = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (n === 0) throw new WireError('field number 0', at, what);
    if (wire === 0) out.push({ n, wire, v: varint(), at });
    else if (wire === 2) {
      const len = Number(varint());
      if (len > b.length - i) throw new WireError(`length ${len} runs past the end of the message`, base + i, what);
      out.push({ n, wire, v: b.subarray(i, i + len), at: base + i });
      i += len;
    } else if (wire === 1 || wire === 5) {
      const len = wire === 1 ? 8 : 4;
      if (len > b.length - i) throw new WireError('truncated fixed-width field', base + i, what);
      out.push({ n, wire, at });
      i += len;
    } else throw new WireError(`unsupported wire type ${wire}`, at, what);
  }
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const text = (f: Field, what: string): string => {
  if (f.wire !== 2) throw new WireError('expected a length-delimited string', f.at, what);
  try {
    return utf8.decode(f.v);
  } catch {
    throw new WireError('string is not valid UTF-8', f.at, what);
  }
};
const bytesOf = (f: Field, what: string): Uint8Array => {
  if (f.wire !== 2) throw new WireError('expected a length-delimited field', f.at, what);
  return f.v;
};
const offsetOf = (f: Field) => f.at;

function stringMap(entries: Field[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    let k = '';
    let v = '';
    for (const f of fields(bytesOf(e, what), offsetOf(e), `${what} entry`)) {
      if (f.n === 1) k = text(f, what);
      else if (f.n === 2) v = text(f, what);
    }
    out[k] = v;
  }
  return out;
}

/** metav1.ObjectMeta (the fields a client sets on create). */
function objectMeta(b: Uint8Array, base: number): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  const fs = fields(b, base, 'ObjectMeta');
  const strings: Record<number, string> = { 1: 'name', 2: 'generateName', 3: 'namespace', 5: 'uid', 6: 'resourceVersion' };
  for (const f of fs) if (strings[f.n]) m[strings[f.n]!] = text(f, `ObjectMeta.${strings[f.n]}`);
  const labels = fs.filter((f) => f.n === 11);
  const annotations = fs.filter((f) => f.n === 12);
  const finalizers = fs.filter((f) => f.n === 14).map((f) => text(f, 'ObjectMeta.finalizers'));
  if (labels.length) m.labels = stringMap(labels, 'ObjectMeta.labels');
  if (annotations.length) m.annotations = stringMap(annotations, 'ObjectMeta.annotations');
  if (finalizers.length) m.finalizers = finalizers;
  return m;
}

/** core/v1 Namespace: metadata = 1, spec = 2 {finalizers = 1}; status (3) is ignored on writes. */
function namespace(b: Uint8Array, base: number): Record<string, unknown> {
  const out: Record<string, unknown> = { apiVersion: 'v1', kind: 'Namespace' };
  for (const f of fields(b, base, 'Namespace')) {
    if (f.n === 1) out.metadata = objectMeta(bytesOf(f, 'Namespace.metadata'), offsetOf(f));
    else if (f.n === 2) {
      const fin = fields(bytesOf(f, 'Namespace.spec'), offsetOf(f), 'NamespaceSpec').filter((x) => x.n === 1).map((x) => text(x, 'NamespaceSpec.finalizers'));
      out.spec = fin.length ? { finalizers: fin } : {};
    }
  }
  return out;
}

const DECODERS: Record<string, (b: Uint8Array, base: number) => Record<string, unknown>> = { 'v1/Namespace': namespace };

/** Decode a protobuf body into the JSON object it stands for; undefined for kinds the platform does not read. Throws WireError on malformed bytes. */
export function parseProtobufObject(body: Uint8Array): { apiVersion: string; kind: string; object: Record<string, unknown> | undefined } {
  if (body.length < 4 || MAGIC.some((m, i) => body[i] !== m)) throw new WireError('missing the k8s\\0 protobuf prefix', 0, 'runtime.Unknown');
  const env = fields(body.subarray(4), 4, 'runtime.Unknown');
  let apiVersion = '';
  let kind = '';
  let raw: Field | undefined;
  for (const f of env) {
    if (f.n === 1) {
      for (const t of fields(bytesOf(f, 'runtime.Unknown.typeMeta'), offsetOf(f), 'runtime.TypeMeta')) {
        if (t.n === 1) apiVersion = text(t, 'TypeMeta.apiVersion');
        else if (t.n === 2) kind = text(t, 'TypeMeta.kind');
      }
    } else if (f.n === 2) raw = f;
    else if (f.n === 3 && f.wire === 2 && f.v.length) throw new WireError('content encodings are not supported', f.at, 'runtime.Unknown.contentEncoding');
  }
  const decode = DECODERS[`${apiVersion}/${kind}`];
  if (!decode) return { apiVersion, kind, object: undefined };
  return { apiVersion, kind, object: decode(raw ? bytesOf(raw, 'runtime.Unknown.raw') : new Uint8Array(0), raw ? offsetOf(raw) : 0) };
}
