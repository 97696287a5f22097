import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireError } from '../errors.js';
import {
  decodeUcs2, decodeUcs2z, dp, EFI_CERT_SHA256_GUID, EFI_CERT_X509_GUID, EFI_GLOBAL_VARIABLE, encodeDevicePath, encodeGuid, encodeLoadOption,
  encodeSignatureList, encodeSignatureLists, encodeUcs2, formatDevicePath, formatGuid, formatGuidRawOrder, guidName, parseDevicePath,
  parseLoadOption, parseSignatureData, parseSignatureLists, encodeSignatureData, MICROSOFT_SIGNATURE_OWNER_GUID,
} from './index.js';

const CERT_HEX = readFileSync(join(import.meta.dirname, '../../eventlog/testdata/tpm2-tools/event-pretty-39/event-gce-ubuntu-2104-log.bin.yaml'), 'utf8')
  .match(/SignatureData: (3082[0-9a-f]+)/)![1]!;

describe('EFI_GUID', () => {
  it('prints the mixed-endian text form of UEFI', () => {
    expect(formatGuid(Buffer.from('61dfe48bca93d211aa0d00e098032b8c', 'hex'))).toBe(EFI_GLOBAL_VARIABLE);
    expect(Buffer.from(encodeGuid(EFI_GLOBAL_VARIABLE)).toString('hex')).toBe('61dfe48bca93d211aa0d00e098032b8c');
    expect(formatGuidRawOrder(encodeGuid(EFI_GLOBAL_VARIABLE))).toBe('61dfe48b-ca93-d211-aa0d-00e098032b8c');
    expect(guidName('8BE4DF61-93CA-11D2-AA0D-00E098032B8C')).toBe('EFI_GLOBAL_VARIABLE');
  });
  it('round-trips any 16 bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => { expect(encodeGuid(formatGuid(b))).toEqual(b); }));
  });
  it('refuses malformed text and short input', () => {
    expect(() => encodeGuid('8be4df61-93ca-11d2-aa0d-00e098032b8')).toThrow(RangeError);
    expect(() => formatGuid(new Uint8Array(15))).toThrow(WireError);
  });
});

describe('UCS-2', () => {
  it('encodes and decodes, counted and NUL-terminated', () => {
    const b = encodeUcs2('SecureBoot', true);
    expect(decodeUcs2(b, 0, 10)).toBe('SecureBoot');
    expect(decodeUcs2z(b, 0)).toEqual({ text: 'SecureBoot', next: 22 });
    expect(() => decodeUcs2z(b.subarray(0, 20), 0)).toThrow(WireError);
    expect(() => decodeUcs2(b, 0, 12)).toThrow(WireError);
  });
});

describe('EFI_SIGNATURE_LIST', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-esl-'));
  const cert = Buffer.from(CERT_HEX, 'hex');

  it('encodes exactly as efitools cert-to-efi-sig-list, and sig-list-to-certs reads our lists back', () => {
    writeFileSync(join(dir, 'c.der'), cert);
    execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(dir, 'c.der'), '-out', join(dir, 'c.pem')]);
    execFileSync('cert-to-efi-sig-list', ['-g', MICROSOFT_SIGNATURE_OWNER_GUID, join(dir, 'c.pem'), join(dir, 'theirs.esl')]);
    const ours = encodeSignatureList({ SignatureType: EFI_CERT_X509_GUID, Signatures: [{ SignatureOwner: MICROSOFT_SIGNATURE_OWNER_GUID, SignatureData: cert }] });
    expect(Buffer.from(ours).equals(readFileSync(join(dir, 'theirs.esl')))).toBe(true);
    const hashes = encodeSignatureList({ SignatureType: EFI_CERT_SHA256_GUID, Signatures: [1, 2].map((i) => ({ SignatureOwner: EFI_GLOBAL_VARIABLE, SignatureData: new Uint8Array(32).fill(i) })) });
    writeFileSync(join(dir, 'ours.esl'), encodeSignatureLists([
      { SignatureType: EFI_CERT_X509_GUID, Signatures: [{ SignatureOwner: MICROSOFT_SIGNATURE_OWNER_GUID, SignatureData: cert }] },
    ]));
    execFileSync('sig-list-to-certs', [join(dir, 'ours.esl'), join(dir, 'out')], { stdio: 'pipe' });
    expect(readFileSync(join(dir, 'out-0.der')).equals(cert)).toBe(true);
    const parsed = parseSignatureLists(hashes);
    expect(parsed[0]!.Signatures.map((s) => s.SignatureData[0])).toEqual([1, 2]);
  });

  it('parse(encode(x)) = x', () => {
    const sigs = fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }).map((g) => formatGuid(g)), { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(fc.integer({ min: 1, max: 80 }), sigs, fc.uint8Array({ maxLength: 8 }), (size, owners, header) => {
      const list = { SignatureType: EFI_CERT_SHA256_GUID, SignatureHeader: header, Signatures: owners.map((o, i) => ({ SignatureOwner: o, SignatureData: new Uint8Array(size).fill(i) })) };
      const [p] = parseSignatureLists(encodeSignatureList(list));
      expect(p!.Signatures.map((s) => [s.SignatureOwner, [...s.SignatureData]])).toEqual(list.Signatures.map((s) => [s.SignatureOwner, [...s.SignatureData]]));
      expect([...p!.SignatureHeader]).toEqual([...header]);
    }));
  });

  it('hostile lists give a WireError with an offset', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      try {
        parseSignatureLists(b, 1000);
      } catch (e) {
        expect(e).toBeInstanceOf(WireError);
        expect((e as WireError).offset).toBeGreaterThanOrEqual(1000);
      }
    }), { numRuns: 500 });
    const bad = encodeSignatureList({ SignatureType: EFI_CERT_X509_GUID, Signatures: [{ SignatureOwner: EFI_GLOBAL_VARIABLE, SignatureData: cert }] });
    new DataView(bad.buffer).setUint32(24, 0, true); // SignatureSize 0
    expect(() => parseSignatureLists(bad)).toThrow(/SignatureSize 0/);
    expect(() => parseSignatureData(new Uint8Array(3))).toThrow(WireError);
    expect(parseSignatureData(encodeSignatureData({ SignatureOwner: EFI_GLOBAL_VARIABLE, SignatureData: Uint8Array.of(1) })).SignatureOwner).toBe(EFI_GLOBAL_VARIABLE);
  });
});

describe('device paths', () => {
  it('encode the nodes of an emulated boot and print them as libefivar does', () => {
    const p = encodeDevicePath([dp.pciRoot(0), dp.pci(3, 0), dp.scsi(0, 0), dp.hardDriveGpt(1, 2048n, 204800n, '6ea6f740-25ef-4269-838d-1a6f21ebf27f'), dp.filePath('\\EFI\\BOOT\\BOOTX64.EFI')]);
    expect(formatDevicePath(p)).toBe('PciRoot(0x0)/Pci(0x3,0x0)/SCSI(0,0)/HD(1,GPT,6ea6f740-25ef-4269-838d-1a6f21ebf27f,0x800,0x32000)/\\EFI\\BOOT\\BOOTX64.EFI');
    expect(formatDevicePath(encodeDevicePath([dp.firmwareVolume(EFI_GLOBAL_VARIABLE), dp.firmwareFile(EFI_GLOBAL_VARIABLE)]))).toBe(`FvVol(${EFI_GLOBAL_VARIABLE})/FvFile(${EFI_GLOBAL_VARIABLE})`);
    expect(formatDevicePath(encodeDevicePath([dp.pciRoot(1), dp.offset(0x1000n, 0x1fffn)]))).toBe('PciRoot(0x1)/Offset(0x1000,0x1fff)');
    expect(formatDevicePath(encodeDevicePath([dp.vendorHardware(EFI_GLOBAL_VARIABLE, Uint8Array.of(1, 2))]))).toBe(`VenHw(${EFI_GLOBAL_VARIABLE},0102)`);
  });
  it('stop at End Entire; hostile bytes give WireErrors', () => {
    expect(parseDevicePath(Uint8Array.of(0x7f, 0xff, 4, 0, 1, 2, 3)).length).toBe(0);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
      try {
        formatDevicePath(b);
      } catch (e) {
        expect(e).toBeInstanceOf(WireError);
      }
    }), { numRuns: 1000 });
  });
});

describe('EFI_LOAD_OPTION', () => {
  it('round-trips', () => {
    const fp = encodeDevicePath([dp.filePath('\\EFI\\x.efi')]);
    const lo = parseLoadOption(encodeLoadOption({ Attributes: 1, Description: 'ubuntu', FilePathList: fp, OptionalData: Uint8Array.of(9) }));
    expect([lo.Attributes, lo.Description, lo.FilePathListLength, [...lo.OptionalData], lo.truncated]).toEqual([1, 'ubuntu', fp.length, [9], false]);
    expect(formatDevicePath(lo.FilePathList)).toBe('\\EFI\\x.efi');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      try {
        parseLoadOption(b);
      } catch (e) {
        expect(e).toBeInstanceOf(WireError);
      }
    }));
  });
});
