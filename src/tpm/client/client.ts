/**
 * TpmClient: typed TPM 2.0 commands over any Transport (in-process simulator, swtpm's TCP
 * socket, /dev/tpmrm0), plus the few composite operations the platform and the guest
 * attestation agent need (EK certificate, EK policy session). The command groups live in
 * core.ts, pcr.ts, keys.ts, policy.ts, attest.ts and nv.ts.
 */
import { TPM_RH, TPM_SE } from '../types/constants.js';
import { EK_CERT_NV } from '../manufacture/templates.js';
import { NvClient } from './nv.js';
import type { AuthSession } from './session.js';

export class TpmClient extends NvClient {
  /**
   * A policy session satisfying the TCG EK policy PolicySecret(TPM_RH_ENDORSEMENT), for one EK
   * use: continueSession is clear, so the TPM flushes it after that command.
   */
  async ekPolicySession(endorsementAuth?: Uint8Array): Promise<AuthSession> {
    const s = await this.startAuthSession({ type: TPM_SE.POLICY, attributes: 0 });
    await this.policySecret(TPM_RH.ENDORSEMENT, s, endorsementAuth ? { authorization: { password: endorsementAuth } } : {});
    return s;
  }

  /** The EK certificate (DER) from its TCG NV index (RSA 0x01C00002 by default), read as owner. */
  async readEkCertificate(nvIndex: number = EK_CERT_NV.RSA2048): Promise<Uint8Array> {
    return this.nvRead(nvIndex, { authHandle: TPM_RH.OWNER });
  }
}

export { AuthSession } from './session.js';
export type { Authorization } from './execute.js';
export type { HandleRef, RunOptions } from './core.js';
