/**
 * IMA templates (Linux `Documentation/security/IMA-templates.rst`, `security/integrity/ima/`
 * ima_template.c, ima_template_lib.c, ima_crypto.c).
 *
 * A measurement entry's template data is a list of fields, each stored as `u32le length || data`:
 *   d-ng   "<hash algo>:\0" || file digest          n-ng   path || \0
 *   sig    IMA/EVM signature (may be empty)         buf    the measured buffer (ima-buf)
 *   d      20-byte SHA-1 or MD5 digest (ima)        n      path (ima, padded to 256 bytes when hashed)
 * The template hash logged with the entry is SHA-1(template data) — for the `ima` template
 * SHA-1(d || n padded to IMA_EVENT_NAME_LEN_MAX+1 = 256 bytes) — and, on kernels ≥ 5.10, every
 * other PCR bank is extended with the same construction hashed with the bank's algorithm.
 * A violation (file changed while open) is logged with an all-zero template hash and extended as all-0xFF.
 */
import { hash as oneShotHash } from 'node:crypto';
import { ByteReader, ByteWriter, utf8 } from '../../core/bytes.js';
import { WireError } from '../../core/errors.js';

export const IMA_EVENT_NAME_LEN_MAX = 255;

/** Field ids of the built-in templates. */
export const TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  ima: ['d', 'n'],
  'ima-ng': ['d-ng', 'n-ng'],
  'ima-ngv2': ['d-ngv2', 'n-ng'],
  'ima-sig': ['d-ng', 'n-ng', 'sig'],
  'ima-sigv2': ['d-ngv2', 'n-ng', 'sig'],
  'ima-buf': ['d-ng', 'n-ng', 'buf'],
  'ima-modsig': ['d-ng', 'n-ng', 'sig', 'd-modsig', 'modsig'],
  'evm-sig': ['d-ng', 'n-ng', 'evmsig', 'xattrnames', 'xattrlengths', 'xattrvalues', 'iuid', 'igid', 'imode'],
};

/** One decoded template field. */
export interface ImaField {
  readonly id: string;
  readonly data: Uint8Array;
}

/** A file digest as IMA logs it: the algorithm name and the digest. */
export interface ImaDigest {
  readonly algorithm: string;
  readonly digest: Uint8Array;
}

/**
 * Decode a d-ng / d-ngv2 field: "<algo>:\0<digest>" (d-ngv2: "<ima|verity>:<algo>:\0<digest>").
 * `at` is the field's offset in the list and `path` the entry, for the WireError.
 */
export function parseDigestField(data: Uint8Array, at = 0, path = 'ima d-ng'): ImaDigest {
  const nul = data.indexOf(0);
  if (nul < 2 || data[nul - 1] !== 0x3a) throw new WireError('d-ng field lacks its "<algo>:\\0" prefix', at, path);
  return { algorithm: new TextDecoder().decode(data.subarray(0, nul - 1)), digest: data.subarray(nul + 1) };
}

export function encodeDigestField(d: ImaDigest): Uint8Array {
  const p = utf8(`${d.algorithm}:`);
  const out = new Uint8Array(p.length + 1 + d.digest.length);
  out.set(p);
  out.set(d.digest, p.length + 1);
  return out;
}

/** n-ng: the path with its NUL. */
export function encodeNameField(path: string): Uint8Array {
  return utf8(path + '\0');
}

export function parseNameField(data: Uint8Array): string {
  return new TextDecoder().decode(data[data.length - 1] === 0 ? data.subarray(0, data.length - 1) : data);
}

/** Serialize fields as template data (each `u32le length || data`). */
export function encodeTemplateData(fields: readonly ImaField[]): Uint8Array {
  const w = new ByteWriter(64);
  for (const f of fields) w.u32le(f.data.length).bytes(f.data);
  return w.finish();
}

/** Split template data into fields for a template name. Throws WireError with an offset. */
export function parseTemplateData(templateName: string, data: Uint8Array, base = 0): ImaField[] {
  const ids = TEMPLATES[templateName];
  const r = new ByteReader(data, { base, path: [`ima template ${templateName}`] });
  const fields: ImaField[] = [];
  if (ids) {
    for (const id of ids) {
      const n = r.u32le();
      fields.push({ id, data: r.bytesView(n, id) });
    }
    r.expectEnd('template data');
  } else {
    // Custom template: fields are still length-prefixed; ids unknown.
    while (!r.atEnd) {
      const n = r.u32le();
      fields.push({ id: `field${fields.length}`, data: r.bytesView(n, 'field') });
    }
  }
  return fields;
}

/** The bytes a template hash covers (see the module comment); hash them once per bank. */
export function templateHashInput(templateName: string, fields: readonly ImaField[]): Uint8Array {
  if (templateName === 'ima') {
    const d = fields[0]?.data ?? new Uint8Array(0);
    const buf = new Uint8Array(d.length + IMA_EVENT_NAME_LEN_MAX + 1);
    buf.set(d);
    buf.set((fields[1]?.data ?? new Uint8Array(0)).subarray(0, IMA_EVENT_NAME_LEN_MAX + 1), d.length);
    return buf;
  }
  return encodeTemplateData(fields);
}

/** The template hash of an entry in a bank (node:crypto algorithm name). */
export function templateHash(nodeAlg: string, templateName: string, fields: readonly ImaField[]): Uint8Array {
  return oneShotHash(nodeAlg, templateHashInput(templateName, fields), 'buffer');
}
