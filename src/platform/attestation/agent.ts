/**
 * The guest attestation agent's TPM side (what Azure's GuestAttestation extension does in the VM,
 * azure-tl-facts.md §4.1, through the TPM 2.0 command interface only):
 *
 *   1. read the vTPM identity: EK (0x81010002) and AK (0x81000003) public areas, the EK
 *      certificate (TCG NV index 0x01C0000A) and the AK certificate (Azure's NV 0x01C101D0);
 *   2. the first time, credential activation: TPM2_ActivateCredential of the service's
 *      MakeCredential blob with the AK as the activated object and the EK (through its
 *      PolicySecret(TPM_RH_ENDORSEMENT) session) as the key — the secret proves the AK lives
 *      beside the EK;
 *   3. TPM2_Quote of SHA-256 PCRs 0–7, 10 and 14 with the service's nonce as qualifyingData,
 *      and TPM2_PCR_Read of the same PCRs (the values the quote signs a digest of).
 * The event log and IMA list come from the VM's disk (the Store), not from the TPM.
 */
import { TPM_ALG_SHA256 } from '../../core/hash.js';
import type { UntrustedPcrValue } from '../../attestation/index.js';
import type { TpmClient } from '../../tpm/client/client.js';
import { AK_CERT_NV, EK_CERT_NV, PERSISTENT } from '../../tpm/manufacture/templates.js';
import { marshal } from '../../tpm/types/codec.js';
import { TPM_RH } from '../../tpm/types/constants.js';
import { pcrSelection } from '../../tpm/types/pcr.js';
import { TPMT_PUBLIC } from '../../tpm/types/public.js';
import { TPMT_SIGNATURE } from '../../tpm/types/signature.js';

/** The PCRs the agent quotes: Linux attests 0–7 (azure-tl-facts.md §5); 10 carries IMA, 14 shim's MOK state. */
export const QUOTED_PCRS: readonly number[] = [0, 1, 2, 3, 4, 5, 6, 7, 10, 14];

export interface VtpmIdentity {
  readonly ekPublic: Uint8Array;
  readonly ekCertificate: Uint8Array;
  readonly akPublic: Uint8Array;
  readonly akCertificate: Uint8Array;
  readonly ek: TPMT_PUBLIC;
  readonly ak: TPMT_PUBLIC;
}

const rawOf = (p: TPMT_PUBLIC): Uint8Array => p.raw ?? marshal(TPMT_PUBLIC, p, 512);

/** Step 1. */
export async function readVtpmIdentity(client: TpmClient): Promise<VtpmIdentity> {
  const ek = (await client.readPublic(PERSISTENT.EK_ECC)).public;
  const ak = (await client.readPublic(PERSISTENT.AK)).public;
  const ekCertificate = await client.nvRead(EK_CERT_NV.ECC_P256, { authHandle: TPM_RH.OWNER });
  const akCertificate = await client.nvRead(AK_CERT_NV, { authHandle: TPM_RH.OWNER });
  return { ekPublic: rawOf(ek), ekCertificate, akPublic: rawOf(ak), akCertificate, ek, ak };
}

/** Step 2: returns the secret the TPM released. */
export async function activateCredential(client: TpmClient, credentialBlob: Uint8Array, encryptedSecret: Uint8Array): Promise<Uint8Array> {
  return client.activateCredential(PERSISTENT.AK, PERSISTENT.EK_ECC, credentialBlob, encryptedSecret, { key: { session: await client.ekPolicySession() } });
}

export interface QuoteEvidence {
  readonly quote: Uint8Array;
  readonly signature: Uint8Array;
  readonly pcrs: UntrustedPcrValue[];
}

/** Step 3. */
export async function quotePcrs(client: TpmClient, nonce: Uint8Array, pcrs: readonly number[] = QUOTED_PCRS): Promise<QuoteEvidence> {
  const sel = [pcrSelection(TPM_ALG_SHA256, pcrs)];
  const q = await client.quote(PERSISTENT.AK, nonce, sel);
  const read = await client.pcrRead(sel);
  const bank = read.values.get(TPM_ALG_SHA256) ?? new Map<number, Uint8Array>();
  return {
    quote: q.quoted,
    signature: marshal(TPMT_SIGNATURE, q.signature),
    pcrs: pcrs.filter((p) => bank.has(p)).map((index) => ({ index, digest: bank.get(index)! })),
  };
}
