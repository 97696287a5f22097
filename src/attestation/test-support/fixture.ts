/**
 * Test support: real evidence from the platform's own pieces, without a server — the platform's
 * Trusted Launch node image, a vTPM manufactured by the platform's CA, the real boot (Secure Boot
 * verification, measured boot into the vTPM, TCG and IMA logs), and the agent's TPM commands
 * (identity, credential activation, quote). Tests then verify, forge or alter that evidence.
 */
import { FakeClock } from '../../core/clock.js';
import { createVerificationCache } from '../../uefi/index.js';
import { bootVm, type VmBootResult } from '../../platform/boot/boot-vm.js';
import type { Tamper, TamperComponent } from '../../platform/boot/tamper.js';
import { PLATFORM_IMAGES, ImageService, type LoadedImage } from '../../platform/images/service.js';
import { MemoryStore } from '../../platform/store/memory-store.js';
import { loadOrCreateVtpmCa, VtpmService, type OpenVtpm } from '../../platform/vtpm/service.js';
import { activateCredential, QUOTED_PCRS, quotePcrs, readVtpmIdentity, type VtpmIdentity } from '../../platform/attestation/agent.js';
import { ReferenceValueCache } from '../../platform/attestation/references.js';
import { objectName } from '../../tpm/crypto/name.js';
import type { VtpmCa } from '../../tpm/manufacture/ca.js';
import { ActivationBook } from '../activation.js';
import type { UntrustedEvidence } from '../evidence.js';
import { NonceBook } from '../nonce.js';
import { DEFAULT_POLICY, type AttestationPolicy } from '../policy/document.js';
import type { ReferenceValues } from '../policy/reference.js';
import { TrustStore } from '../trust.js';
import { verify, type VerifyContext, type VerifyResult } from '../verify.js';
import type { NonceCheck } from '../nonce.js';

export interface Node {
  readonly vmKey: string;
  readonly vmId: string;
  readonly boot: VmBootResult;
  readonly identity: VtpmIdentity;
}

export interface Fixture {
  readonly clock: FakeClock;
  readonly store: MemoryStore;
  readonly ca: VtpmCa;
  readonly vtpm: VtpmService;
  readonly image: LoadedImage;
  readonly refs: ReferenceValues;
  readonly trust: TrustStore;
  readonly nonces: NonceBook;
  readonly activations: ActivationBook;
  readonly bindings: Map<string, string[]>;
  /** Manufacture, boot and (unless `activate: false`) bind a node's AK to its EK. */
  node(name: string, o?: { secureBoot?: boolean; tamper?: readonly TamperComponent[]; activate?: boolean }): Promise<Node>;
  /** Run `fn` on the node's resumed vTPM, then suspend it again. */
  withTpm<T>(n: Pick<Node, 'vmKey' | 'vmId'>, fn: (t: OpenVtpm) => Promise<T>): Promise<T>;
  /** The agent's evidence for a node, quoted with `nonce` (a fresh one by default). */
  evidence(n: Node, nonce?: Uint8Array): Promise<UntrustedEvidence>;
  /** verify() with the fixture's trust, bindings and a nonce consumed from its book. */
  check(e: UntrustedEvidence, o?: { policy?: AttestationPolicy; refs?: ReferenceValues | undefined; nonce?: NonceCheck; ctx?: Partial<VerifyContext> }): VerifyResult;
}

export async function attestationFixture(): Promise<Fixture> {
  const clock = new FakeClock(Date.UTC(2026, 10, 1));
  const store = new MemoryStore();
  const images = new ImageService(store, () => clock.now());
  await images.ensurePlatformImages();
  const image = await images.get(PLATFORM_IMAGES.trustedLaunch);
  const refs = await new ReferenceValueCache(images).forImage(PLATFORM_IMAGES.trustedLaunch);
  const ca = await loadOrCreateVtpmCa(store);
  const vtpm = new VtpmService(store, ca, clock);
  const trust = new TrustStore([{ name: 'platform vTPM CA', certificate: ca.certificate }]);
  const now = () => clock.now();
  const nonces = new NonceBook(now);
  const activations = new ActivationBook(now);
  const bindings = new Map<string, string[]>();
  const cache = createVerificationCache();
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

  const withTpm = async <T>(n: Pick<Node, 'vmKey' | 'vmId'>, fn: (t: OpenVtpm) => Promise<T>): Promise<T> => {
    const t = await vtpm.open(n.vmKey, n.vmId, 'resume');
    try {
      return await fn(t);
    } finally {
      await store.commit(await t.suspend());
    }
  };

  const f: Fixture = {
    clock, store, ca, vtpm, image, refs, trust, nonces, activations, bindings, withTpm,
    async node(name, o = {}) {
      const vmKey = `sub/mc_rg/${name}/000000`;
      const vmId = `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`;
      const t = await vtpm.open(vmKey, vmId);
      const tamper: Tamper | undefined = o.tamper ? { components: o.tamper, at: 0 } : undefined;
      const boot = await bootVm({ vmName: name, secureBoot: o.secureBoot ?? true, image, tamper, gpuDriver: false, cache, tpm: t.measuring });
      await store.commit(await t.suspend());
      const identity = await withTpm({ vmKey, vmId }, async (x) => {
        const id = await readVtpmIdentity(x.client);
        if (o.activate !== false) {
          const ch = activations.begin(id.ek, id.ak);
          const r = activations.complete(ch.id, await activateCredential(x.client, ch.credentialBlob, ch.encryptedSecret));
          if (!r.ok) throw new Error(r.reason);
          bindings.set(r.ekName, [...(bindings.get(r.ekName) ?? []), r.akName]);
        }
        return id;
      });
      if (o.activate !== false && !bindings.get(hex(objectName(identity.ek)))?.includes(hex(objectName(identity.ak)))) throw new Error('binding mismatch');
      return { vmKey, vmId, boot, identity };
    },
    async evidence(n, nonce) {
      const use = nonce ?? nonces.issue().nonce;
      const q = await withTpm(n, (t) => quotePcrs(t.client, use));
      return {
        nonce: use,
        ekPublic: n.identity.ekPublic,
        ekCertificate: n.identity.ekCertificate,
        akPublic: n.identity.akPublic,
        akCertificate: n.identity.akCertificate,
        ...q,
        ...(n.boot.eventLog ? { tcgLog: n.boot.eventLog } : {}),
        ...(n.boot.imaLog ? { imaLog: n.boot.imaLog } : {}),
        vmId: n.vmId,
      };
    },
    check(e, o = {}) {
      return verify(e, o.policy ?? DEFAULT_POLICY, 'refs' in o ? o.refs : refs, o.nonce ?? nonces.consume(e.nonce), {
        trust,
        boundAks: (ek) => bindings.get(ek) ?? [],
        now: clock.now(),
        requiredPcrs: QUOTED_PCRS,
        ...o.ctx,
      });
    },
  };
  return f;
}
