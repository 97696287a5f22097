/**
 * Every finding id the verifier can emit, produced from real evidence changed the way an attacker
 * or a misconfiguration would — one case per id (two where the id has two distinct causes), each
 * asserting the exact id, its component and the expected/actual values, and that the unchanged
 * evidence does not produce it. The evidence is the platform's: its Trusted Launch image booted
 * into platform-manufactured vTPMs, quoted through the agent's TPM commands
 * (test-support/fixture.ts); boots the image does not make come from test-support/boots.ts (the
 * platform's boot of a changed image, or a firmware that measured other events — the vTPM holds
 * every measurement either way). The last test keeps the registry honest: an id that no case
 * here nor any other test of this folder names fails it.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeName, ext, issueCertificate } from '../core/asn1/index.js';
import { concat, utf8 } from '../core/bytes.js';
import { EFI_CERT_X509_GUID, EFI_IMAGE_SECURITY_DATABASE_GUID, encodeSignatureList } from '../core/efi/index.js';
import { TPM_ALG_SHA1, TPM_ALG_SHA256 } from '../core/hash.js';
import { EV_EFI_BOOT_SERVICES_APPLICATION, EV_EFI_VARIABLE_DRIVER_CONFIG, EV_SEPARATOR, EventLogBuilder, encodeEventLog, ima, parseEventLog } from '../eventlog/index.js';
import { QUOTED_PCRS, quotePcrs } from '../platform/attestation/agent.js';
import { patchImage } from '../platform/boot/tamper.js';
import { issueAkCertificate, issueEkCertificate } from '../tpm/manufacture/certificates.js';
import { AK_ATTRIBUTES, akTemplate, PERSISTENT } from '../tpm/manufacture/templates.js';
import { publicKeyOf } from '../tpm/crypto/keys.js';
import { marshal } from '../tpm/types/codec.js';
import { TPM_RH, TPMA_OBJECT } from '../tpm/types/constants.js';
import { TPMT_PUBLIC } from '../tpm/types/public.js';
import { TPMT_SIGNATURE } from '../tpm/types/signature.js';
import { authenticodeDigest, databaseFromSignatureLists, parsePeFile, signPeImage } from '../uefi/index.js';
import type { UntrustedEvidence } from './evidence.js';
import { FINDINGS, type FindingId } from './findings.js';
import { parsePolicy, type AttestationPolicy } from './policy/document.js';
import type { VerifyResult } from './verify.js';
import { bootImage, bootMeasuring, encodeIma, measurementsOf, textOf, variableOf, type Measurement } from './test-support/boots.js';
import { attestationFixture, type Fixture, type Node } from './test-support/fixture.js';

let f: Fixture;
/** A genuine node, and the same boot re-measured by the scripted firmware of boots.ts (the control of its cases). */
let a: Node;
let measuredA: Node;
let rootkitCmdline: Node;
let rootkitModuleNode: Node;
let rogueDb: Node;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const TPM_ID = { manufacturer: 'MSFT', model: 'vTPM', firmwareVersion: 0n, revision: 164 };
const EXPIRED = { notBefore: new Date(Date.UTC(2024, 0, 1)), notAfter: new Date(Date.UTC(2025, 11, 31)) };

/** A self-signed certificate as one EFI_SIGNATURE_LIST (what an attacker enrolls), and its key. */
function attackerEsl(cn: string, owner = '00000000-0000-0000-0000-00000000bad0') {
  const kp = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const name = encodeName([['CN', cn]]);
  const cert = issueCertificate({ serialNumber: 0x1337n, issuer: name, subject: name, notBefore: new Date('2024-01-01'), notAfter: new Date('2049-01-01'), publicKey: kp.publicKey, extensions: [ext.basicConstraints(true)] }, kp.privateKey);
  return { key: kp.privateKey, cert, esl: encodeSignatureList({ SignatureType: EFI_CERT_X509_GUID, Signatures: [{ SignatureOwner: owner, SignatureData: cert }] }) };
}

/** The genuine measurements with `edit` applied to the first one `match` selects. */
function editMeasurements(n: Node, match: (m: Measurement) => boolean, edit: (m: Measurement) => Measurement[]): Measurement[] {
  const ms = measurementsOf(n);
  const i = ms.findIndex(match);
  if (i < 0) throw new Error('no such measurement');
  return [...ms.slice(0, i), ...edit(ms[i]!), ...ms.slice(i + 1)];
}

const pcr7Variable = (name: string) => (m: Measurement) => m.event?.pcrIndex === 7 && m.event.eventType === EV_EFI_VARIABLE_DRIVER_CONFIG && variableOf(m.event) === name;
const measured = (fn: (b: EventLogBuilder) => ReturnType<EventLogBuilder['event']>): Measurement => ({ measure: fn });
/** The index of the first event of a node's log that `match` selects. */
const eventIndex = (n: Node, match: (m: Measurement) => boolean): number => measurementsOf(n).find(match)!.event!.index;
const isSeparator7 = (m: Measurement) => m.event?.pcrIndex === 7 && m.event.eventType === EV_SEPARATOR;
/** The kernel's PCR 4 event: the third EFI application. */
const isKernelApp = (m: Measurement) => m.event?.eventType === EV_EFI_BOOT_SERVICES_APPLICATION && measurementsOf(a).filter((x) => x.event?.eventType === EV_EFI_BOOT_SERVICES_APPLICATION)[2]!.event!.index === m.event.index;

interface Produced {
  /** The unchanged evidence (or the same boot unchanged), verified. */
  readonly genuine: VerifyResult;
  readonly changed: VerifyResult;
  readonly component: string;
  /** undefined: the finding carries no such value. */
  readonly expected?: string | RegExp;
  readonly actual?: string | RegExp;
  readonly message?: RegExp;
  /** Other failing ids the same change necessarily produces (each case says why). */
  readonly also?: readonly FindingId[];
  /** Failing ids of the genuine evidence when it is not a Healthy boot (a tampered node whose log the attacker then edits). */
  readonly genuineIds?: readonly FindingId[];
}

interface Case {
  readonly id: FindingId;
  readonly how: string;
  readonly run: () => Promise<Produced>;
}

/** Two quotes of the node: the first verified as is, the second after `change`. */
async function pair(n: Node, change: (e: UntrustedEvidence) => UntrustedEvidence | Promise<UntrustedEvidence>, o: { policy?: AttestationPolicy } = {}) {
  const genuine = f.check(await f.evidence(n), o);
  const changed = f.check(await change(await f.evidence(n)), o);
  return { genuine, changed };
}

/** The control (`measuredA` or `a`) and the node booted otherwise, both verified. */
async function boots(control: Node, n: Node, o: { policy?: AttestationPolicy } = {}) {
  return { genuine: f.check(await f.evidence(control), o), changed: f.check(await f.evidence(n), o) };
}

const failingIds = (r: VerifyResult) => r.findings.filter((x) => !x.suppressed).map((x) => x.id).sort();

beforeAll(async () => {
  f = await attestationFixture();
  a = await f.node('fa-a');
  measuredA = await bootMeasuring(f, 'fa-measured', a, measurementsOf(a));
  rootkitCmdline = await f.node('fa-rk-cmdline', { tamper: ['cmdline'] });
  rootkitModuleNode = await f.node('fa-rk-module', { tamper: ['module'] });
  // An attacker who owns the platform key replaced db with their own CA and signed the image's
  // own shim with it (a second Authenticode signature: the image's digest is unchanged).
  const rogue = attackerEsl('Attacker UEFI CA', '00000000-0000-0000-0000-0000000000ad');
  const shim = signPeImage(f.image.shim, { key: rogue.key, cert: rogue.cert }, { append: true });
  rogueDb = await bootImage(f, 'fa-rogue-db', { ...f.image, shim, firmware: { ...f.image.firmware, db: rogue.esl }, trust: { ...f.image.trust, db: databaseFromSignatureLists('db', rogue.esl) } });
}, 120_000);

describe('the controls', () => {
  it('the genuine node, and its boot re-measured by the scripted firmware, attest Healthy with no finding', async () => {
    for (const n of [a, measuredA]) {
      const r = f.check(await f.evidence(n));
      expect(r.findings).toEqual([]);
      expect(r.verdict).toBe('Healthy');
    }
    // The scripted firmware logs what the platform's boot logged, byte for byte.
    expect(hex(measuredA.boot.eventLog!)).toBe(hex(a.boot.eventLog!));
    expect(hex(measuredA.boot.imaLog!)).toBe(hex(a.boot.imaLog!));
  });
});

const CASES: Case[] = [
  // ---- 1 nonce -----------------------------------------------------------------------------
  {
    id: 'nonce.missing',
    how: 'an agent that quotes without asking for a nonce (empty qualifyingData, no nonce sent)',
    run: async () => ({
      ...(await pair(a, () => f.evidence(a, new Uint8Array(0)))),
      component: 'nonce',
      message: /names no nonce/,
    }),
  },
  // ---- 2 EK --------------------------------------------------------------------------------
  {
    id: 'evidence.malformed',
    how: 'an EK public area cut short (a truncated TPM2_ReadPublic answer)',
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, ekPublic: e.ekPublic.subarray(0, e.ekPublic.length - 7) }))),
      component: 'EK public area',
      message: /^The EK public area does not parse: /,
    }),
  },
  {
    id: 'evidence.malformed',
    how: 'an AK public area cut short: nor can the quote be checked',
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, akPublic: e.akPublic.subarray(0, e.akPublic.length - 7) }))),
      component: 'AK public area',
      message: /^The AK public area does not parse: /,
      also: ['quote.signature_invalid'],
    }),
  },
  {
    id: 'ek.certificate_invalid',
    how: 'an EK certificate cut short (a partial NV read of 0x01C0000A)',
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, ekCertificate: e.ekCertificate.subarray(0, 120) }))),
      component: 'EK certificate',
      message: /^The EK certificate /,
    }),
  },
  {
    id: 'ek.certificate_expired',
    how: "the platform CA's certificate for this very EK, expired on 2025-12-31",
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, ekCertificate: issueEkCertificate(f.ca, publicKeyOf(a.identity.ek), TPM_ID, EXPIRED) }))),
      component: 'EK certificate',
      message: /^The EK certificate is valid from 2024-01-01T00:00:00\.000Z to 2025-12-31T00:00:00\.000Z, not at 2026-11-01/,
    }),
  },
  {
    id: 'ek.not_ek_certificate',
    how: "the vTPM's AK certificate (same CA, tcg-kp-AIKCertificate) presented as the EK certificate",
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, ekCertificate: e.akCertificate! }))),
      component: 'EK certificate',
      message: /^The EK certificate has an extendedKeyUsage \(.*\) that does not include 2\.23\.133\.8\.1 \(tcg-kp-EKCertificate\)/,
    }),
  },
  // ---- 3/4 AK ------------------------------------------------------------------------------
  {
    id: 'ak.attributes_invalid',
    how: "an unrestricted signing key of the same vTPM signs the genuine quote's bytes with TPM2_Sign (what restricted keys exist to prevent)",
    run: async () => ({
      ...(await pair(a, async (e) => {
        const forged = await f.withTpm(a, async (t) => {
          const k = await t.client.createPrimary(TPM_RH.OWNER, akTemplate('ecc', AK_ATTRIBUTES & ~TPMA_OBJECT.restricted));
          const signature = await t.client.sign(k.handle, createHash('sha256').update(e.quote).digest());
          await t.client.flushContext(k.handle);
          return { akPublic: marshal(TPMT_PUBLIC, k.outPublic, 512), signature: marshal(TPMT_SIGNATURE, signature) };
        });
        const { akCertificate: _drop, ...rest } = e;
        return { ...rest, ...forged };
      })),
      component: 'AK',
      message: /^The AK objectAttributes 0x[0-9a-f]{8} lack restricted\.$/,
      // Never activated against the EK (the activation book refuses such a key too).
      also: ['ak.not_bound'],
    }),
  },
  {
    id: 'ak.certificate_invalid',
    how: 'an AK certificate cut short (a partial NV read of 0x01C101D0)',
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, akCertificate: e.akCertificate!.subarray(0, 120) }))),
      component: 'AK certificate',
      message: /^The AK certificate /,
    }),
  },
  {
    id: 'ak.certificate_invalid',
    how: "the vTPM's EK certificate (tcg-kp-EKCertificate) presented as the AK certificate",
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, akCertificate: e.ekCertificate }))),
      component: 'AK certificate',
      message: /^The AK certificate has an extendedKeyUsage \(.*\) that does not include 2\.23\.133\.8\.3 \(tcg-kp-AIKCertificate\)/,
    }),
  },
  {
    id: 'ak.certificate_expired',
    how: "the platform CA's certificate for this very AK, expired on 2025-12-31",
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, akCertificate: issueAkCertificate(f.ca, publicKeyOf(a.identity.ak), 'fa-a', TPM_ID, EXPIRED) }))),
      component: 'AK certificate',
      message: /^The AK certificate is valid from 2024-01-01T00:00:00\.000Z to 2025-12-31T00:00:00\.000Z, not at 2026-11-01/,
    }),
  },
  // ---- 5 quote -----------------------------------------------------------------------------
  {
    id: 'quote.malformed',
    how: 'a quote (TPMS_ATTEST) cut short',
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, quote: e.quote.subarray(0, e.quote.length - 10) }))),
      component: 'quote',
      message: /^The quote or its signature does not parse: /,
    }),
  },
  {
    id: 'quote.not_quote',
    how: 'a TPM2_Certify of the AK by the AK, with the nonce: genuinely TPM-signed, but not a quote',
    run: async () => ({
      ...(await pair(a, async (e) => {
        const c = await f.withTpm(a, (t) => t.client.certify(PERSISTENT.AK, PERSISTENT.AK, e.nonce!));
        return { ...e, quote: c.quoted, signature: marshal(TPMT_SIGNATURE, c.signature) };
      })),
      component: 'quote',
      message: /attestation type 0x8017 is not TPM_ST_ATTEST_QUOTE/,
    }),
  },
  {
    id: 'quote.nonce_mismatch',
    how: 'a quote made for one issued nonce, sent with another issued (fresh) nonce',
    run: async () => {
      const old = f.nonces.issue().nonce;
      const fresh = f.nonces.issue().nonce;
      return {
        ...(await pair(a, async () => ({ ...(await f.evidence(a, old)), nonce: fresh }))),
        component: 'quote',
        expected: hex(fresh),
        actual: hex(old),
      };
    },
  },
  {
    id: 'quote.pcrs_missing',
    how: "an agent configured to quote only PCRs 0–7 (Azure's Linux default), not IMA's 10 and shim's 14",
    run: async () => ({
      ...(await pair(a, async (e) => ({ ...e, ...(await f.withTpm(a, (t) => quotePcrs(t.client, e.nonce!, [0, 1, 2, 3, 4, 5, 6, 7]))) }))),
      component: 'quote',
      expected: `sha256:${QUOTED_PCRS.join(',')}`,
      actual: '0xb:0,1,2,3,4,5,6,7',
      message: /does not cover SHA-256 PCR 10, 14\./,
    }),
  },
  // ---- 6 log -------------------------------------------------------------------------------
  {
    id: 'eventlog.malformed',
    how: 'a TCG event log cut inside its last event',
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, tcgLog: e.tcgLog!.subarray(0, e.tcgLog!.length - 5) }))),
      component: 'TCG event log',
      message: /^The TCG event log does not parse: /,
    }),
  },
  {
    id: 'eventlog.event_data_mismatch',
    how: "db tampered (an attacker's CA enrolled), then the log's db event rewritten to the image's db with the digest the vTPM extended kept",
    run: async () => {
      const n = await f.node('fa-db-hidden', { tamper: ['db'] });
      const r = await pair(n, (e) => {
        const log = parseEventLog(e.tcgLog!);
        const imageDb = EventLogBuilder.variableData(EFI_IMAGE_SECURITY_DATABASE_GUID, 'db', f.image.firmware.db);
        const events = log.events.map((x) => (x.pcrIndex === 7 && x.eventType === EV_EFI_VARIABLE_DRIVER_CONFIG && variableOf(x) === 'db' ? { ...x, data: imageDb } : x));
        return { ...e, tcgLog: encodeEventLog({ ...log, events }) };
      });
      // The event is not trusted, so db counts as not measured: db_modified says so.
      const db = r.changed.findings.find((x) => x.id === 'secureboot.db_modified')!;
      expect(db).toMatchObject({ component: 'db', expected: f.refs.secureBootVariables.db.sha256, actual: 'not measured' });
      const at = eventIndex(n, pcr7Variable('db'));
      return { ...r, component: `event ${at} (PCR 7)`, message: new RegExp(`^Event ${at}'s data does not hash to its digest`), also: ['secureboot.db_modified'], genuineIds: ['secureboot.db_modified'] };
    },
  },
  {
    id: 'ima.missing',
    how: 'evidence without the IMA measurement list (an agent that cannot read securityfs)',
    run: async () => {
      const r = await pair(a, (e) => {
        const { imaLog: _drop, ...rest } = e;
        return rest;
      });
      // PCR 10 (and PCRs 8/9, attested through boot_aggregate) are not verified: their checks are skipped.
      expect(r.changed.skippedChecks).toEqual(['kernel.debug (PCR 8 not verified)', 'kernel.cmdline (PCR 8 not verified)', 'boot.files (PCR 9 not verified)', 'modules (PCR 10 not verified)']);
      return { ...r, component: 'IMA log', message: /no IMA measurement list/ };
    },
  },
  {
    id: 'ima.malformed',
    how: 'an IMA list cut inside its last entry',
    run: async () => ({
      ...(await pair(a, (e) => ({ ...e, imaLog: e.imaLog!.subarray(0, e.imaLog!.length - 5) }))),
      component: 'IMA log',
      message: /^The IMA measurement list does not parse: /,
    }),
  },
  {
    id: 'ima.replay_mismatch',
    how: 'a rootkit module measured by IMA, then its entry removed from the list',
    run: async () => {
      let expected = '';
      let actual = '';
      const r = await pair(rootkitModuleNode, async (e) => {
        const entries = ima.parseImaLog(e.imaLog!);
        const kept = entries.filter((x) => !x.path?.endsWith('/hv_vmbus.ko')).map((x, index) => ({ ...x, index }));
        expect(kept).toHaveLength(entries.length - 1);
        expected = hex(e.pcrs!.find((p) => p.index === 10)!.digest);
        actual = hex(ima.replayIma(kept, [TPM_ALG_SHA256]).pcrs.get(TPM_ALG_SHA256)!.get(10)!);
        return { ...e, imaLog: encodeIma(kept) };
      });
      return { ...r, component: 'PCR 10', expected, actual, genuineIds: ['module.untrusted'] };
    },
  },
  {
    id: 'ima.template_hash_mismatch',
    how: "an IMA entry's SHA-1 template hash rewritten (its data, so the SHA-256 replay, intact)",
    run: async () => ({
      ...(await pair(a, (e) => {
        const entries = ima.parseImaLog(e.imaLog!);
        const th = entries[2]!.templateHash.slice();
        th[0] = th[0]! ^ 0xff;
        return { ...e, imaLog: encodeIma(entries.map((x, i) => (i === 2 ? { ...x, templateHash: th } : x))) };
      })),
      component: 'IMA entry 2',
      message: /SHA-1 template hash does not match its data/,
    }),
  },
  {
    id: 'ima.boot_aggregate_mismatch',
    how: "a rootkit on the command line, then the log's PCR 8 events rewritten to the image's (consistent digests; PCR 8 is not quoted)",
    run: async () => {
      const genuine8 = parseEventLog(a.boot.eventLog!).events.filter((x) => x.pcrIndex === 8);
      const r = await pair(rootkitCmdline, (e) => {
        const log = parseEventLog(e.tcgLog!);
        let k = 0;
        const events = log.events.map((x) => (x.pcrIndex === 8 ? { ...genuine8[k++]!, index: x.index } : x));
        expect(k).toBe(genuine8.length);
        return { ...e, tcgLog: encodeEventLog({ ...log, events }) };
      });
      const aggregate = (n: Node) => hex(ima.parseImaLog(n.boot.imaLog!)[0]!.fileDigest!.digest);
      // PCRs 0–7 and 9 of the two boots are equal: the aggregate the rewritten log implies is the genuine node's own.
      return { ...r, component: 'boot_aggregate', expected: aggregate(a), actual: aggregate(rootkitCmdline), genuineIds: ['kernel.cmdline_modified'] };
    },
  },
  // ---- 7 policy: Secure Boot (PCR 7) --------------------------------------------------------
  {
    id: 'secureboot.state_unknown',
    how: 'a firmware that does not measure the SecureBoot variable',
    run: async () => ({
      ...(await boots(measuredA, await bootMeasuring(f, 'fa-no-sb', a, editMeasurements(a, pcr7Variable('SecureBoot'), () => [])))),
      component: 'SecureBoot',
      expected: 'measured',
      actual: 'not measured',
    }),
  },
  {
    id: 'secureboot.anomaly',
    how: 'a firmware whose PCR 7 separator signals an error (FFFFFFFF)',
    run: async () => ({
      ...(await boots(measuredA, await bootMeasuring(f, 'fa-err-sep', a, editMeasurements(a, isSeparator7, () => [measured((b) => b.separator(7, true))])))),
      component: 'PCR 7',
      message: new RegExp(`^event ${eventIndex(a, isSeparator7)}: the PCR 7 separator signals an error$`),
    }),
  },
  {
    id: 'secureboot.pk_modified',
    how: "an image whose firmware has the attacker's platform key instead of the image's",
    run: async () => {
      const pk = attackerEsl('Attacker Platform Key').esl;
      const n = await bootImage(f, 'fa-pk', { ...f.image, firmware: { ...f.image.firmware, PK: pk } });
      return { ...(await boots(a, n)), component: 'PK', expected: f.refs.secureBootVariables.PK.sha256, actual: sha256(pk), message: /^PK differs from the image's: 1 entry the image does not have: "CN = Attacker Platform Key"; 1 of the image's entries missing: / };
    },
  },
  {
    id: 'secureboot.kek_modified',
    how: "an image whose firmware KEK also holds an attacker's key-exchange key",
    run: async () => {
      const kek = concat(f.image.firmware.KEK, attackerEsl('Attacker KEK').esl);
      const n = await bootImage(f, 'fa-kek', { ...f.image, firmware: { ...f.image.firmware, KEK: kek } });
      return { ...(await boots(a, n)), component: 'KEK', expected: f.refs.secureBootVariables.KEK.sha256, actual: sha256(kek), message: /^KEK differs from the image's: 1 entry the image does not have: "CN = Attacker KEK"\.$/ };
    },
  },
  {
    id: 'secureboot.authority_untrusted',
    how: "db replaced by the attacker's CA, which also signed the image's shim: the firmware authorised shim with it",
    run: async () => ({
      ...(await boots(a, rogueDb)),
      component: 'CN = Attacker UEFI CA',
      expected: f.refs.authorities.map((x) => x.subject).join('; '),
      actual: 'db: CN = Attacker UEFI CA',
      message: new RegExp(`authorised by db entry CN = Attacker UEFI CA \\(event ${eventIndex(rogueDb, (m) => variableOf(m.event) === 'db' && m.event!.eventType !== EV_EFI_VARIABLE_DRIVER_CONFIG)}\\)`),
      also: ['secureboot.db_modified'],
    }),
  },
  {
    id: 'secureboot.sbat_level_mismatch',
    how: "SbatPolicy=delete (mokutil --set-sbat-policy delete): shim measures the original SbatLevel, re-allowing every revoked grub",
    run: async () => ({
      ...(await boots(measuredA, await bootMeasuring(f, 'fa-sbat', a, editMeasurements(a, (m) => variableOf(m.event) === 'SbatLevel', () => [measured((b) => b.sbatLevel('sbat,1,2021030218\n'))])))),
      component: 'SbatLevel',
      expected: f.refs.sbatLevel!.trim(),
      actual: 'sbat,1,2021030218',
    }),
  },
  // ---- 7 policy: boot chain (PCR 4) ---------------------------------------------------------
  {
    id: 'boot.application_unexpected',
    how: 'a fourth EFI application (a patched grub) started after the kernel',
    run: async () => {
      const pe = parsePeFile(patchImage(f.image.bootloader));
      const digests = { [TPM_ALG_SHA1]: authenticodeDigest(pe, 'sha1'), [TPM_ALG_SHA256]: authenticodeDigest(pe, 'sha256') };
      const n = await bootMeasuring(f, 'fa-4th-app', a, editMeasurements(a, isKernelApp, (m) => [m, measured((b) => b.bootApplication(digests, { length: 4096n }))]));
      return { ...(await boots(measuredA, n)), component: 'EFI application #4', expected: '3 applications', actual: hex(digests[TPM_ALG_SHA256]!) };
    },
  },
  {
    id: 'boot.application_missing',
    how: 'a boot loader that starts the kernel without measuring it into PCR 4',
    run: async () => {
      const kernel = f.refs.bootApplications.find((x) => x.stage === 'kernel')!;
      return { ...(await boots(measuredA, await bootMeasuring(f, 'fa-no-kernel-app', a, editMeasurements(a, isKernelApp, () => [])))), component: kernel.name, expected: kernel.authenticodeSha256, actual: 'not measured' };
    },
  },
  // ---- 7 policy: command line (PCR 8), files (PCR 9), MOK (PCR 14) ----------------------------
  {
    id: 'kernel.debug_enabled',
    how: "an image whose command line enables kgdb, even with that command line allowed by the policy",
    run: async () => {
      const cmdline = `${f.image.meta.cmdline} kgdboc=ttyS0,115200 kgdbwait`;
      const n = await bootImage(f, 'fa-kgdb', { ...f.image, meta: { ...f.image.meta, cmdline } });
      const measuredCmdline = `${f.image.meta.kernelPath} ${cmdline}`;
      expect(measuredCmdline).toBe(`${f.refs.kernelCmdline} kgdboc=ttyS0,115200 kgdbwait`);
      // Without the allowance the changed command line is reported as well.
      expect(failingIds(f.check(await f.evidence(n)))).toEqual(['kernel.cmdline_modified', 'kernel.debug_enabled']);
      const policy = parsePolicy({ allowedKernelCommandLines: [measuredCmdline] });
      return { ...(await boots(a, n, { policy })), component: 'kernel command line', expected: 'no kgdb options', actual: measuredCmdline, message: /enables the kernel debugger \(kgdboc=ttyS0,115200\)/ };
    },
  },
  {
    id: 'kernel.cmdline_modified',
    how: "a rootkit's command line hidden by relabelling (grub does not hash the label): its kernel_cmdline string relabelled grub_cmd, and a decoy grub command holding the image's command line relabelled kernel_cmdline",
    run: async () => {
      const path = f.image.meta.kernelPath;
      const rootkit = `${f.image.meta.cmdline} init=/usr/lib/rk/init`;
      const isPcr8 = (prefix: string) => (m: Measurement) => m.event?.pcrIndex === 8 && (textOf(m.event) ?? '').startsWith(prefix);
      // What grub really measured for a grub.cfg that runs `linux <kernel> <rootkit>` and then a line
      // holding the image's command line (an unknown command: grub measures it, then fails it) …
      const booted = editMeasurements(
        { ...a, boot: { ...a.boot, eventLog: (await bootMeasuring(f, 'fa-rk-linux', a, editMeasurements(a, isPcr8('grub_cmd: linux '), () => [measured((b) => b.grubString('grub_cmd: ', `linux ${path} ${rootkit}`))]))).boot.eventLog } },
        isPcr8('kernel_cmdline: '),
        // … with the labels swapped in the log: the digests stay those of the texts grub hashed.
        () => [measured((b) => b.grubString('grub_cmd: ', `${path} ${rootkit}`)), measured((b) => b.grubString('kernel_cmdline: ', f.refs.kernelCmdline))],
      );
      const n = await bootMeasuring(f, 'fa-rk-relabel', a, booted);
      return { ...(await boots(measuredA, n)), component: 'kernel command line', expected: f.refs.kernelCmdline, actual: 'not attributable', message: /^The kernel command line cannot be attributed: PCR 8 event \d+, right after grub's last Linux loader command \(event \d+\), is not that command's kernel command line/ };
    },
  },
  {
    id: 'boot.initrd.file_mismatch',
    how: 'a hook added to the (unsigned) initrd: Secure Boot on, it boots',
    run: async () => {
      const initrd = concat(f.image.initrd!, utf8('\n# hook: /scripts/init-top/rk\n'));
      const n = await bootImage(f, 'fa-initrd', { ...f.image, initrd });
      return { ...(await boots(a, n)), component: 'initrd.img-5.15.0-1079-azure', expected: f.refs.initrd!.sha256, actual: sha256(initrd), message: /^\/boot\/initrd\.img-5\.15\.0-1079-azure was read with SHA-256 / };
    },
  },
  {
    id: 'boot.initrd.file_mismatch',
    how: 'a grub that does not measure the initrd it loads',
    run: async () => {
      const initrdFile = (m: Measurement) => m.event?.pcrIndex === 9 && textOf(m.event) === f.refs.initrd!.path;
      return { ...(await boots(measuredA, await bootMeasuring(f, 'fa-no-initrd', a, editMeasurements(a, initrdFile, () => [])))), component: 'initrd.img-5.15.0-1079-azure', expected: f.refs.initrd!.sha256, actual: 'not measured' };
    },
  },
  {
    id: 'mok.modified',
    how: "a machine owner key enrolled (mokutil --import): shim measures a non-empty MokList",
    run: async () => {
      const mok = attackerEsl('Attacker MOK').esl;
      const mokList = (m: Measurement) => m.event?.pcrIndex === 14 && textOf(m.event) === 'MokList';
      const n = await bootMeasuring(f, 'fa-mok', a, editMeasurements(a, mokList, () => [measured((b) => b.shimMokVariable('MokList', mok))]));
      return { ...(await boots(measuredA, n)), component: 'MokList', expected: f.refs.mok.MokList, actual: sha256(mok) };
    },
  },
];

describe('each finding id from real evidence, changed as an attacker or a misconfiguration would', () => {
  it.each(CASES.map((c) => [c.id, c.how, c] as const))('%s — %s', async (id, _how, c) => {
    const p = await c.run();
    // The unchanged evidence does not produce it.
    expect(p.genuine.findings.map((x) => x.id)).not.toContain(id);
    expect(failingIds(p.genuine)).toEqual([...(p.genuineIds ?? [])].sort());
    // The changed evidence does, with the component and values named.
    expect(p.changed.verdict).toBe('Unhealthy');
    expect(failingIds(p.changed)).toEqual([id, ...(p.also ?? [])].sort());
    const hit = p.changed.findings.filter((x) => x.id === id);
    expect(hit).toHaveLength(1);
    const x = hit[0]!;
    expect(x.severity).toBe(FINDINGS[id].severity);
    expect(x.category).toBe(FINDINGS[id].category);
    expect(x.component).toBe(p.component);
    for (const k of ['expected', 'actual'] as const) {
      const want = p[k];
      if (want === undefined) expect(x[k], k).toBeUndefined();
      else if (want instanceof RegExp) expect(x[k], k).toMatch(want);
      else expect(x[k], k).toBe(want);
    }
    if (p.message) expect(x.message).toMatch(p.message);
  });
});

/** Ids only the platform emits (outside this folder): where, and why no test here can produce them. */
const PLATFORM_ONLY: Partial<Record<FindingId, string>> = {
  'agent.unavailable': 'src/platform/attestation/attest-batch.ts: the agent could not collect evidence (verify() never runs)',
};

describe('the registry', () => {
  it('every finding id is produced by a case above, named by another test of this folder, or platform-only', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const self = fileURLToPath(import.meta.url);
    const others = (readdirSync(here, { recursive: true }) as string[])
      .filter((p) => p.endsWith('.test.ts'))
      .map((p) => join(here, p))
      .filter((p) => p !== self)
      .map((p) => readFileSync(p, 'utf8'))
      .join('\n');
    const produced = new Set(CASES.map((c) => c.id));
    const untested = (Object.keys(FINDINGS) as FindingId[]).filter((id) => !produced.has(id) && !others.includes(`'${id}'`) && !PLATFORM_ONLY[id]);
    expect(untested).toEqual([]);
  });
});
