/**
 * Test support for findings that need another boot than the image's own: real evidence from a
 * platform-manufactured vTPM that measured that boot, collected by the platform's agent (identity,
 * credential activation, quote) like the fixture's nodes. Two ways to boot:
 *
 *  - `bootImage`: the platform's own boot (`bootVm`, Secure Boot verification included) of a
 *    changed node image — what a misconfigured or attacker-modified image does (another PK, a kgdb
 *    command line, a hook in the unsigned initrd, a shim re-signed for the attacker's own db);
 *  - `bootMeasuring`: a firmware / boot loader that measures other events than the platform's boot
 *    (a dropped variable, an error separator, an enrolled MOK, an extra EFI application…): the
 *    genuine boot's measurements, edited, are extended into a fresh vTPM in order and logged by
 *    the same `EventLogBuilder`; the kernel's IMA then measures boot_aggregate over the PCRs that
 *    boot produced (as Linux does) and the genuine boot's modules after it.
 *
 * The vTPM really holds every measurement: the quote, the event log and the IMA list agree, so a
 * finding comes from the policy's judgement of what booted, not from a broken log.
 */
import { TPM_ALG_SHA1, TPM_ALG_SHA256, hash } from '../../core/hash.js';
import { EV_NO_ACTION, EventLogBuilder, ima, parseEventLog, parseStartupLocality, parseUefiVariableData, type AppendedEvent, type TcgEvent } from '../../eventlog/index.js';
import { activateCredential, readVtpmIdentity, type VtpmIdentity } from '../../platform/attestation/agent.js';
import { BANKS, bootVm, type MeasuringTpm } from '../../platform/boot/boot-vm.js';
import type { LoadedImage } from '../../platform/images/service.js';
import { createVerificationCache } from '../../uefi/index.js';
import type { Fixture, Node } from './fixture.js';

const cache = createVerificationCache();

const where = (name: string) => ({
  vmKey: `sub/mc_rg/${name}/000000`,
  vmId: `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`,
});

/** The agent's first contact: read EK/AK, activate the AK against the EK, record the binding. */
async function enrol(f: Fixture, at: { vmKey: string; vmId: string }): Promise<VtpmIdentity> {
  return f.withTpm(at, async (x) => {
    const id = await readVtpmIdentity(x.client);
    const ch = f.activations.begin(id.ek, id.ak);
    const r = f.activations.complete(ch.id, await activateCredential(x.client, ch.credentialBlob, ch.encryptedSecret));
    if (!r.ok) throw new Error(r.reason);
    f.bindings.set(r.ekName, [...(f.bindings.get(r.ekName) ?? []), r.akName]);
    return id;
  });
}

/** Boot `image` (not the fixture's) with the platform's boot into a fresh vTPM; throws if the boot is refused. */
export async function bootImage(f: Fixture, name: string, image: LoadedImage, o: { secureBoot?: boolean } = {}): Promise<Node> {
  const at = where(name);
  const t = await f.vtpm.open(at.vmKey, at.vmId);
  const boot = await bootVm({ vmName: name, secureBoot: o.secureBoot ?? true, image, gpuDriver: false, cache, tpm: t.measuring });
  await f.store.commit(await t.suspend());
  if (!boot.ok) throw new Error(`${name} did not boot: ${boot.failure?.reason}`);
  return { ...at, boot, identity: await enrol(f, at) };
}

/** One measurement of a boot: an `EventLogBuilder` call (the builder extends its own PCR copy and logs it). */
export interface Measurement {
  /** The genuine boot's event this measurement repeats (absent for one an edit added). */
  readonly event?: TcgEvent;
  readonly measure: (b: EventLogBuilder) => AppendedEvent;
}

/** The measurements of a booted node, in order (the Spec ID header is the builder's own). */
export function measurementsOf(n: Node): Measurement[] {
  const log = parseEventLog(n.boot.eventLog!);
  return log.events
    .filter((e) => !(e.index === 0 && log.specId))
    .map((e) => {
      const locality = e.eventType === EV_NO_ACTION ? parseStartupLocality(e.data) : undefined;
      if (e.eventType === EV_NO_ACTION && locality === undefined) throw new Error(`event ${e.index}: an EV_NO_ACTION the helper does not repeat`);
      return { event: e, measure: (b: EventLogBuilder) => (locality !== undefined ? b.startupLocality(locality as 0 | 3) : b.event(e.pcrIndex, e.eventType, e.data, [...e.digests])) };
    });
}

/** The UEFI variable an EV_EFI_VARIABLE_* event names (undefined for other events). */
export function variableOf(e: TcgEvent | undefined): string | undefined {
  if (!e || (e.eventType & 0x80000000) === 0) return undefined;
  try {
    return parseUefiVariableData(e.data, e.dataOffset).UnicodeName;
  } catch {
    return undefined;
  }
}

/** The text of an EV_IPL event (up to its NUL). */
export function textOf(e: TcgEvent | undefined): string | undefined {
  if (!e) return undefined;
  const nul = e.data.indexOf(0);
  return Buffer.from(nul >= 0 ? e.data.subarray(0, nul) : e.data).toString('utf8');
}

/** IMA extends PCR 10 of each bank with that bank's hash of the template data (as boot-vm.ts). */
async function imaExtend(tpm: MeasuringTpm, e: ima.ImaEntry): Promise<void> {
  const input = ima.templateHashInput(e.templateName, e.fields);
  await tpm.extend(e.pcr, BANKS.map((algId) => ({ algId, digest: algId === TPM_ALG_SHA1 ? e.templateHash : hash(algId, input) })));
}

/**
 * A node whose boot measured `measurements` (`measurementsOf(genuine)`, edited) into a fresh vTPM,
 * then IMA: boot_aggregate over the PCRs 0–9 that boot produced, and `genuine`'s module entries.
 */
export async function bootMeasuring(f: Fixture, name: string, genuine: Node, measurements: readonly Measurement[]): Promise<Node> {
  const at = where(name);
  const t = await f.vtpm.open(at.vmKey, at.vmId);
  const log = new EventLogBuilder({ banks: BANKS });
  for (const m of measurements) {
    const e = m.measure(log);
    if (e.eventType !== EV_NO_ACTION) await t.measuring.extend(e.pcrIndex, e.digests);
  }
  const imaLog = new ima.ImaLogBuilder('ima-ng');
  await imaExtend(t.measuring, imaLog.bootAggregate('sha256', ima.bootAggregate(log.pcrs().get(TPM_ALG_SHA256)!, TPM_ALG_SHA256)));
  for (const m of ima.parseImaLog(genuine.boot.imaLog!)) {
    if (m.path === 'boot_aggregate' || !m.path || !m.fileDigest) continue;
    await imaExtend(t.measuring, imaLog.add({ path: m.path, algorithm: m.fileDigest.algorithm, digest: m.fileDigest.digest }));
  }
  await f.store.commit(await t.suspend());
  const boot = { ...genuine.boot, eventLog: log.bytes(), imaLog: imaLog.binary(), pcrs: log.pcrs() };
  return { ...at, boot, identity: await enrol(f, at) };
}

/** Re-encode an IMA list (binary_runtime_measurements) from entries, e.g. after editing one. */
export function encodeIma(entries: readonly ima.ImaEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  for (const e of entries) {
    const data = Buffer.concat(e.fields.flatMap((x) => [u32(x.data.length), Buffer.from(x.data)]));
    const name = Buffer.from(e.templateName, 'utf8');
    parts.push(u32(e.pcr), Buffer.from(e.templateHash), u32(name.length), name, u32(data.length), data);
  }
  return new Uint8Array(Buffer.concat(parts));
}
