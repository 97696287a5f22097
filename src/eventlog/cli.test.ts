import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WireError } from '../core/errors.js';
import { eventlogParseTree, eventlogParseYaml, imaParseTree, imaParseYaml } from './index.js';
import { KEYLIME, readBytes, TPM2_TOOLS } from './test-support/corpus.js';

describe('CLI faces', () => {
  const gce = readBytes(`${TPM2_TOOLS}/event-gce-ubuntu-2104-log.bin`);

  it('eventlog parse --yaml --replay is tpm2_eventlog\'s output, byte for byte', () => {
    expect(eventlogParseYaml(gce, { replay: true, devicePaths: 'hex' })).toBe(readFileSync(`${TPM2_TOOLS}/event-raw/event-gce-ubuntu-2104-log.bin.yaml`, 'utf8'));
    // and Debian's tpm2_eventlog 5.4 (no libefivar) prints the same for a log without its known differences
    const uefivar = readBytes(`${TPM2_TOOLS}/event-uefivar.bin`);
    expect(eventlogParseYaml(uefivar, { replay: true, devicePaths: 'hex' })).toBe(
      execFileSync('tpm2_eventlog', ['--eventlog-version=2', `${TPM2_TOOLS}/event-uefivar.bin`], { encoding: 'utf8' }),
    );
  });

  it('default prints events only; --pcrs prints only the PCRs', () => {
    const t = eventlogParseTree(gce);
    expect(Object.keys(t)).toEqual(['version', 'events']);
    const p = eventlogParseTree(gce, { pcrs: true }) as any;
    expect(Object.keys(p)).toEqual(['pcrs']);
    expect(Object.keys(p.pcrs)).toEqual(['sha1', 'sha256', 'sha384']);
    expect(JSON.parse(JSON.stringify(t))).toEqual(t); // plain JSON
  });

  it('tolerated deviations are shown as warnings', () => {
    const t = eventlogParseTree(readBytes(`${TPM2_TOOLS}/specid-vendordata.bin`)) as any;
    expect(t.warnings[0].code).toBe('SpecIdSizeExcludesVendorInfo');
  });

  it('bad input is a WireError naming the offset', () => {
    expect(() => eventlogParseTree(gce.subarray(0, 1000))).toThrow(WireError);
    expect(() => eventlogParseTree(new Uint8Array(0))).toThrow(/empty event log/);
  });

  it('ima parse', () => {
    const t = imaParseTree(readBytes(`${KEYLIME}/ima-log-sha256`)) as any;
    expect(t.entries[0]).toEqual({ pcr: 10, templateHash: '6309e2c83b7814367bb3912a55e5473454623535', templateName: 'ima-ng', fileDigest: 'sha256:f4845392eca429a4c941a6a07fc32faf843a88c5c3dfa3b9329ab8f4171d9ce3', path: 'boot_aggregate' });
    expect(t.templateHashMismatches).toEqual([]);
    expect(Object.keys(t.pcrs)).toEqual(['sha1', 'sha256']);
    expect(imaParseYaml(readBytes(`${KEYLIME}/ima-log-sha256`))).toMatch(/templateName: ima-ng/);
  });
});
