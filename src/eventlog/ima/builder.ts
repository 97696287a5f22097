/**
 * Build an IMA measurement list for an emulated node (boot_aggregate, then the files and kernel
 * modules it loads) in both the binary and the ASCII form, with the PCR 10 values per bank.
 */
import { ByteWriter, toHex, utf8 } from '../../core/bytes.js';
import { hashById, TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../../core/hash.js';
import type { ImaEntry } from './log.js';
import { replayIma } from './replay.js';
import { encodeDigestField, encodeNameField, templateHash, type ImaField } from './template.js';

export interface ImaMeasurement {
  readonly path: string;
  /** Hash algorithm name as IMA prints it (sha256, sha1, sha512…). */
  readonly algorithm: string;
  readonly digest: Uint8Array;
  /** ima-sig only: the security.ima signature (empty when unsigned). */
  readonly signature?: Uint8Array;
}

export class ImaLogBuilder {
  private readonly entries: ImaEntry[] = [];
  constructor(readonly templateName: 'ima-ng' | 'ima-sig' = 'ima-ng', readonly pcr = 10) {}

  add(m: ImaMeasurement): ImaEntry {
    const fields: ImaField[] = [{ id: 'd-ng', data: encodeDigestField({ algorithm: m.algorithm, digest: m.digest }) }, { id: 'n-ng', data: encodeNameField(m.path) }];
    if (this.templateName === 'ima-sig') fields.push({ id: 'sig', data: m.signature ?? new Uint8Array(0) });
    const e: ImaEntry = {
      index: this.entries.length, pcr: this.pcr, templateHash: templateHash('sha1', this.templateName, fields), templateName: this.templateName, fields,
      fileDigest: { algorithm: m.algorithm, digest: m.digest }, path: m.path, ...(m.signature?.length ? { signature: m.signature } : {}),
    };
    this.entries.push(e);
    return e;
  }

  /** The boot_aggregate entry (must be first): `aggregate` from ima/replay.ts bootAggregate. */
  bootAggregate(algorithm: string, aggregate: Uint8Array): ImaEntry {
    if (this.entries.length) throw new Error('boot_aggregate must be the first entry');
    return this.add({ path: 'boot_aggregate', algorithm, digest: aggregate });
  }

  list(): readonly ImaEntry[] {
    return this.entries;
  }

  binary(): Uint8Array {
    const w = new ByteWriter(256 * (this.entries.length + 1));
    for (const e of this.entries) {
      const data = new ByteWriter(128);
      for (const f of e.fields) data.u32le(f.data.length).bytes(f.data);
      const d = data.finish();
      const name = utf8(e.templateName);
      w.u32le(e.pcr).bytes(e.templateHash).u32le(name.length).bytes(name).u32le(d.length).bytes(d);
    }
    return w.finish();
  }

  ascii(): string {
    return this.entries
      .map((e) => {
        const parts = [String(e.pcr), toHex(e.templateHash), e.templateName, `${e.fileDigest!.algorithm}:${toHex(e.fileDigest!.digest)}`, e.path!];
        if (e.templateName === 'ima-sig') parts.push(e.signature ? toHex(e.signature) : '');
        return parts.join(' ');
      })
      .join('\n') + '\n';
  }

  pcrs(banks: readonly number[] = [TPM_ALG_SHA1, TPM_ALG_SHA256]): Map<number, Map<number, Uint8Array>> {
    for (const b of banks) if (!hashById(b)) throw new RangeError(`bank 0x${b.toString(16)}`);
    return replayIma(this.entries, banks).pcrs;
  }
}
