/**
 * The dispatch table: command code → definition and action (ms-tpm-20-ref's
 * CommandDispatchData, as data rather than a switch). Also the TPMA_CC each command reports in
 * TPM2_GetCapability(TPM_CAP_COMMANDS) (Part 2 §8.9).
 */
import { TPM_CC } from '../types/constants.js';
import type { DispatchEntry } from './action.js';
import { startup } from './actions/startup/startup.js';
import { shutdown } from './actions/startup/shutdown.js';
import { selfTest } from './actions/testing/self-test.js';
import { getTestResult } from './actions/testing/get-test-result.js';
import { startAuthSession } from './actions/session/start-auth-session.js';
import { policyRestart } from './actions/session/policy-restart.js';
import { create } from './actions/object/create.js';
import { createLoaded } from './actions/object/create-loaded.js';
import { load } from './actions/object/load.js';
import { loadExternal } from './actions/object/load-external.js';
import { readPublic } from './actions/object/read-public.js';
import { activateCredential } from './actions/object/activate-credential.js';
import { makeCredential } from './actions/object/make-credential.js';
import { hash } from './actions/hash/hash.js';
import { hmac } from './actions/hash/hmac.js';
import { getRandom } from './actions/random/get-random.js';
import { stirRandom } from './actions/random/stir-random.js';
import { certify } from './actions/attestation/certify.js';
import { certifyCreation } from './actions/attestation/certify-creation.js';
import { quote } from './actions/attestation/quote.js';
import { verifySignature } from './actions/signature/verify-signature.js';
import { sign } from './actions/signature/sign.js';
import { pcrExtend } from './actions/pcr/pcr-extend.js';
import { pcrEvent } from './actions/pcr/pcr-event.js';
import { pcrRead } from './actions/pcr/pcr-read.js';
import { pcrReset } from './actions/pcr/pcr-reset.js';
import { policySecret } from './actions/policy/policy-secret.js';
import { policyOr } from './actions/policy/policy-or.js';
import { policyPcr } from './actions/policy/policy-pcr.js';
import { policyCommandCode } from './actions/policy/policy-command-code.js';
import { policyAuthValue } from './actions/policy/policy-auth-value.js';
import { policyPassword } from './actions/policy/policy-password.js';
import { policyGetDigest } from './actions/policy/policy-get-digest.js';
import { createPrimary } from './actions/hierarchy/create-primary.js';
import { hierarchyChangeAuth } from './actions/hierarchy/hierarchy-change-auth.js';
import { contextSave } from './actions/context/context-save.js';
import { contextLoad } from './actions/context/context-load.js';
import { flushContext } from './actions/context/flush-context.js';
import { evictControl } from './actions/context/evict-control.js';
import { readClock } from './actions/clock/read-clock.js';
import { getCapability } from './actions/capability/get-capability.js';
import { nvDefineSpace } from './actions/nv/nv-define-space.js';
import { nvUndefineSpace } from './actions/nv/nv-undefine-space.js';
import { nvReadPublic } from './actions/nv/nv-read-public.js';
import { nvWrite } from './actions/nv/nv-write.js';
import { nvRead } from './actions/nv/nv-read.js';

const ENTRIES: readonly DispatchEntry[] = [
  startup, shutdown, selfTest, getTestResult, startAuthSession, policyRestart, create, createLoaded, load, loadExternal, readPublic,
  activateCredential, makeCredential, hash, hmac, getRandom, stirRandom, certify, certifyCreation, quote, verifySignature,
  sign, pcrExtend, pcrEvent, pcrRead, pcrReset, policySecret, policyOr, policyPcr, policyCommandCode, policyAuthValue,
  policyPassword, policyGetDigest, createPrimary, hierarchyChangeAuth, contextSave, contextLoad, flushContext, evictControl,
  readClock, getCapability, nvDefineSpace, nvUndefineSpace, nvReadPublic, nvWrite, nvRead,
];

export const DISPATCH: ReadonlyMap<number, DispatchEntry> = new Map(ENTRIES.map((e) => [e.def.code, e]));

/** Commands that may write NV (TPMA_CC.nv), as libtpms marks them. */
const NV_COMMANDS = new Set<number>([
  TPM_CC.Startup, TPM_CC.Shutdown, TPM_CC.SelfTest, TPM_CC.StirRandom, TPM_CC.EvictControl, TPM_CC.HierarchyChangeAuth,
  TPM_CC.NV_DefineSpace, TPM_CC.NV_UndefineSpace, TPM_CC.NV_Write,
  TPM_CC.PCR_Extend, TPM_CC.PCR_Event, TPM_CC.PCR_Reset,
]);

/** TPMA_CC (Part 2 §8.9): commandIndex, nv, cHandles, rHandle. */
export function commandAttributes(): number[] {
  return [...DISPATCH.values()]
    .map((e) => {
      let a = e.def.code & 0xffff;
      if (NV_COMMANDS.has(e.def.code)) a |= 1 << 22;
      a |= (e.def.handles.length & 7) << 25;
      if (e.def.responseHandle) a |= 1 << 28;
      return a >>> 0;
    })
    .sort((x, y) => (x & 0xffff) - (y & 0xffff));
}
