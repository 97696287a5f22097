/**
 * Parse IMA runtime measurement lists — `ascii_runtime_measurements` and
 * `binary_runtime_measurements` (Linux security/integrity/ima/ima_fs.c) — into entries.
 *
 * Binary entry (little-endian, `ima_canonical_fmt` or an x86 host):
 *   u32 pcr · u8 template_digest[20] · u32 name_len · name · [u32 template_data_len] · template data
 * where template_data_len is absent for the `ima` template, whose data is d (20 bytes) then
 * u32 len + name without NUL. ASCII line: `PCR template-hash template-name field…` with d-ng as
 * `algo:hex`, n-ng as the raw path, sig/buf as hex.
 */
import { ByteReader, fromHex, utf8 } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';
import { encodeDigestField, encodeNameField, parseDigestField, parseNameField, parseTemplateData, type ImaDigest, type ImaField } from './template.js';

export interface ImaEntry {
  readonly index: number;
  readonly pcr: number;
  /** SHA-1 template hash as logged (all zero for a violation). */
  readonly templateHash: Uint8Array;
  readonly templateName: string;
  readonly fields: readonly ImaField[];
  /** Convenience views of the usual fields. */
  readonly fileDigest?: ImaDigest;
  readonly path?: string;
  readonly signature?: Uint8Array;
  readonly buffer?: Uint8Array;
}

/** Upper bound on a template name and on template data: bounds allocation on hostile lists. */
const MAX_NAME = 255;
const MAX_TEMPLATE_DATA = 1 << 20;

/** `at(field)` is the offset of a field's data in the list (for errors); `path` names the entry. */
function describe(index: number, pcr: number, templateHash: Uint8Array, templateName: string, fields: ImaField[], at: (field: Uint8Array) => number, path: string): ImaEntry {
  const get = (id: string) => fields.find((f) => f.id === id)?.data;
  const d = get('d-ng') ?? get('d-ngv2');
  const dOld = get('d');
  const n = get('n-ng') ?? get('n');
  let fileDigest: ImaDigest | undefined;
  if (d) fileDigest = parseDigestField(d, at(d), path);
  else if (dOld) fileDigest = { algorithm: dOld.length === 16 ? 'md5' : 'sha1', digest: dOld };
  const sig = get('sig');
  const buf = get('buf');
  return {
    index, pcr, templateHash, templateName, fields,
    ...(fileDigest ? { fileDigest } : {}),
    ...(n ? { path: parseNameField(n) } : {}),
    ...(sig && sig.length > 0 ? { signature: sig } : {}),
    ...(buf ? { buffer: buf } : {}),
  };
}

export function parseImaBinary(bytes: Uint8Array): ImaEntry[] {
  const r = new ByteReader(bytes, { path: ['ima binary_runtime_measurements'] });
  const out: ImaEntry[] = [];
  while (!r.atEnd) {
    out.push(r.within(`[${out.length}]`, () => {
      const pcr = r.u32le();
      const templateHash = r.bytesView(20, 'template digest');
      const nameAt = r.offset;
      const nameLen = r.u32le();
      if (nameLen === 0 || nameLen > MAX_NAME) throw r.error(`template name length ${nameLen} out of range 1..${MAX_NAME}`, nameAt);
      const templateName = new TextDecoder().decode(r.bytesView(nameLen, 'template name'));
      let fields: ImaField[];
      if (templateName === 'ima') {
        const d = r.bytesView(20, 'd');
        const n = r.u32le();
        if (n > 255) throw r.error(`ima name length ${n} exceeds 255`, r.offset - 4);
        fields = [{ id: 'd', data: d }, { id: 'n', data: r.bytesView(n, 'n') }];
      } else {
        const lenAt = r.offset;
        const len = r.u32le();
        if (len > MAX_TEMPLATE_DATA) throw r.error(`template data length ${len} exceeds ${MAX_TEMPLATE_DATA}`, lenAt);
        const dataAt = r.offset;
        fields = parseTemplateData(templateName, r.bytesView(len, 'template data'), dataAt);
      }
      // Fields are views into `bytes`: their offset in the list is their offset in its buffer.
      return describe(out.length, pcr, templateHash, templateName, fields, (f) => f.byteOffset - bytes.byteOffset, r.typePath);
    }));
  }
  return out;
}

const HEX = /^[0-9a-fA-F]*$/;

/**
 * The ASCII list (`ascii_runtime_measurements`). Error offsets are UTF-8 byte offsets of the line
 * in the list, as in the file (the string is the file decoded as UTF-8).
 */
export function parseImaAscii(text: string): ImaEntry[] {
  const lines: [string, number][] = [];
  let at = 0;
  for (const line of text.split('\n')) {
    lines.push([line, at]);
    at += Buffer.byteLength(line, 'utf8') + 1;
  }
  return parseAsciiLines(lines);
}

/** ASCII lines of a list read as bytes, each with its byte offset (0x0A never occurs inside a UTF-8 sequence). */
function asciiLines(bytes: Uint8Array): [string, number][] {
  const dec = new TextDecoder();
  const lines: [string, number][] = [];
  for (let start = 0; ;) {
    const nl = bytes.indexOf(0x0a, start);
    lines.push([dec.decode(bytes.subarray(start, nl < 0 ? bytes.length : nl)), start]);
    if (nl < 0) return lines;
    start = nl + 1;
  }
}

function parseAsciiLines(lines: readonly (readonly [string, number])[]): ImaEntry[] {
  const out: ImaEntry[] = [];
  for (const [line, at] of lines) {
    if (line.trim() === '') continue;
    const t = line.split(' ');
    const path = 'ima ascii_runtime_measurements';
    const fail = (m: string) => new WireError(`line ${out.length + 1}: ${m}`, at, path);
    if (t.length < 4) throw fail('expected "PCR template-hash template-name fields…"');
    const pcr = Number(t[0]);
    if (!/^\d+$/.test(t[0]!) || pcr > 23) throw fail(`bad PCR "${t[0]}"`);
    if (t[1]!.length !== 40 || !HEX.test(t[1]!)) throw fail('template hash is not 40 hex digits');
    const templateHash = fromHex(t[1]!);
    const templateName = t[2]!;
    const fields: ImaField[] = [];
    const digestToken = (s: string): Uint8Array => {
      const i = s.lastIndexOf(':');
      if (i <= 0 || !HEX.test(s.slice(i + 1)) || (s.length - i - 1) % 2 || s.slice(0, i).includes('\0')) throw fail(`bad digest "${s.slice(0, 80)}"`);
      return encodeDigestField({ algorithm: s.slice(0, i), digest: fromHex(s.slice(i + 1)) });
    };
    if (templateName === 'ima') {
      if (!HEX.test(t[3]!) || t[3]!.length % 2) throw fail('bad ima digest');
      fields.push({ id: 'd', data: fromHex(t[3]!) }, { id: 'n', data: utf8(t.slice(4).join(' ')) });
    } else if (templateName === 'ima-ng' || templateName === 'ima-ngv2') {
      fields.push({ id: templateName === 'ima-ng' ? 'd-ng' : 'd-ngv2', data: digestToken(t[3]!) }, { id: 'n-ng', data: encodeNameField(t.slice(4).join(' ')) });
    } else if (templateName === 'ima-sig' || templateName === 'ima-buf') {
      // The path may contain spaces; the trailing sig/buf is hex (absent for an unsigned file).
      const last = t[t.length - 1]!;
      const hasTail = t.length > 5 && HEX.test(last) && last.length % 2 === 0;
      const name = t.slice(4, hasTail ? -1 : undefined).join(' ');
      const tail = hasTail ? fromHex(last) : new Uint8Array(0);
      fields.push({ id: 'd-ng', data: digestToken(t[3]!) }, { id: 'n-ng', data: encodeNameField(name) }, { id: templateName === 'ima-sig' ? 'sig' : 'buf', data: tail });
    } else {
      throw fail(`template "${templateName}" cannot be parsed from ASCII (use the binary list)`);
    }
    out.push(describe(out.length, pcr, templateHash, templateName, fields, () => at, `${path} line ${out.length + 1}`));
  }
  return out;
}

/** Parse either form: binary lists start with a small little-endian PCR number, ASCII with a digit. */
export function parseImaLog(bytes: Uint8Array): ImaEntry[] {
  if (bytes.length >= 4 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0 && bytes[0]! < 24) return parseImaBinary(bytes);
  return parseAsciiLines(asciiLines(bytes));
}

export { parseTemplateData };
