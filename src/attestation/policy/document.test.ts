/**
 * The policy document: defaults, strict validation, canonical text, and x-ms-policy-hash
 * computed as MAA defines it, checked against an independent implementation (coreutils base64
 * and openssl dgst in a shell).
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, parsePolicy, PolicyError, policyHash, policyText } from './document.js';

const shellHash = (text: string) =>
  execFileSync('bash', ['-c', `printf '%s' "$T" | base64 -w0 | tr '+/' '-_' | tr -d '=' | openssl dgst -sha256 -binary | base64 -w0 | tr '+/' '-_' | tr -d '='`], { env: { ...process.env, T: text }, encoding: 'utf8' });

describe('attestation policy document', () => {
  it('defaults to Azure\'s policy: Secure Boot required, no allow-lists', () => {
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
    expect(policyText(DEFAULT_POLICY)).toBe('{\n  "version": "1.0",\n  "secureBoot": "require",\n  "allowedModules": [],\n  "allowedKernelCommandLines": []\n}');
  });

  it('validates strictly and names the field', () => {
    expect(() => parsePolicy({ secureBoot: 'off' })).toThrow(new PolicyError('secureBoot', 'must be "require" or "audit"'));
    expect(() => parsePolicy({ version: '2.0' })).toThrow('version: unsupported version "2.0"');
    expect(() => parsePolicy({ allowedModules: [{ sha256: 'ab' }] })).toThrow('allowedModules[0].sha256: must be 64 hex digits');
    expect(() => parsePolicy({ allowedModules: [{ sha256: 'a'.repeat(64), path: '/x' }] })).toThrow('allowedModules[0].path: unknown field');
    expect(() => parsePolicy({ quarantine: true })).toThrow(/quarantine: unknown field/);
    expect(parsePolicy({ allowedModules: [{ name: 'nvidia.ko', sha256: 'A'.repeat(64) }] }).allowedModules).toEqual([{ name: 'nvidia.ko', sha256: 'a'.repeat(64) }]);
  });

  it('hashes as MAA: BASE64URL(SHA256(UTF8(BASE64URL(UTF8(text))))) — equal to coreutils + openssl', () => {
    for (const p of [DEFAULT_POLICY, parsePolicy({ secureBoot: 'audit', allowedKernelCommandLines: ['/boot/vmlinuz root=/dev/sda1 ro é'] })]) {
      const text = policyText(p);
      expect(policyHash(text)).toBe(shellHash(text));
    }
    expect(policyHash(policyText(DEFAULT_POLICY))).not.toBe(policyHash(policyText({ ...DEFAULT_POLICY, secureBoot: 'audit' })));
  });

  it('parses any JSON into a valid policy or a PolicyError naming the field (never anything else)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ secureBoot: fc.jsonValue(), allowedModules: fc.jsonValue(), allowedKernelCommandLines: fc.jsonValue() }, { requiredKeys: [] })), (v) => {
        try {
          const p = parsePolicy(v);
          expect(parsePolicy(JSON.parse(policyText(p)))).toEqual(p);
        } catch (e) {
          expect(e).toBeInstanceOf(PolicyError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
