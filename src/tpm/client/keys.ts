/** Object creation, loading and credentials (TPM 2.0 Part 3 §12, §24.1) for TpmClient. */
import * as C from '../commands/index.js';
import type { ResponseOf } from '../commands/define.js';
import { TPM_RH } from '../types/constants.js';
import type { TPMS_PCR_SELECTION } from '../types/pcr.js';
import type { TPMT_PUBLIC } from '../types/public.js';
import type { TPMT_SENSITIVE } from '../types/sensitive.js';
import { EMPTY, type HandleRef } from './core.js';
import type { Authorization } from './execute.js';
import { PcrClient } from './pcr.js';

export interface CreateOptions {
  /** Authorization for the parent / hierarchy (default: empty password). */
  authorization?: Authorization;
  /** The new object's authValue (TPMS_SENSITIVE_CREATE.userAuth). */
  userAuth?: Uint8Array;
  /** TPMS_SENSITIVE_CREATE.data (sealed data, or key bits for a keyed-hash/symmetric key). */
  data?: Uint8Array;
  outsideInfo?: Uint8Array;
  creationPCR?: TPMS_PCR_SELECTION[];
}

type CreatePrimaryOut = ResponseOf<typeof C.TPM2_CreatePrimary>;
type CreateOut = ResponseOf<typeof C.TPM2_Create>;

export class KeyClient extends PcrClient {
  /** TPM2_CreatePrimary under a hierarchy (TPM_RH_OWNER, _ENDORSEMENT, _PLATFORM, _NULL). */
  async createPrimary(hierarchy: number, template: TPMT_PUBLIC, opts: CreateOptions = {}): Promise<CreatePrimaryOut & { handle: number }> {
    const { handle, out } = await this.run(
      C.TPM2_CreatePrimary,
      {
        inSensitive: { userAuth: opts.userAuth ?? EMPTY, data: opts.data ?? EMPTY },
        inPublic: template,
        outsideInfo: opts.outsideInfo ?? EMPTY,
        creationPCR: opts.creationPCR ?? [],
      },
      { handles: [hierarchy], auth: opts.authorization ? [opts.authorization] : [] },
    );
    this.remember(handle!, out.name);
    return { ...out, handle: handle! };
  }

  /** TPM2_Create under a loaded storage parent. */
  async create(parent: HandleRef, template: TPMT_PUBLIC, opts: CreateOptions = {}): Promise<CreateOut> {
    const { out } = await this.run(
      C.TPM2_Create,
      {
        inSensitive: { userAuth: opts.userAuth ?? EMPTY, data: opts.data ?? EMPTY },
        inPublic: template,
        outsideInfo: opts.outsideInfo ?? EMPTY,
        creationPCR: opts.creationPCR ?? [],
      },
      { handles: [parent], auth: opts.authorization ? [opts.authorization] : [] },
    );
    return out;
  }

  /** TPM2_CreateLoaded: a primary under a hierarchy, or an ordinary object under a storage parent, loaded. */
  async createLoaded(parent: HandleRef, template: TPMT_PUBLIC, opts: CreateOptions = {}): Promise<ResponseOf<typeof C.TPM2_CreateLoaded> & { handle: number }> {
    const { handle, out } = await this.run(
      C.TPM2_CreateLoaded,
      { inSensitive: { userAuth: opts.userAuth ?? EMPTY, data: opts.data ?? EMPTY }, inPublic: template },
      { handles: [parent], auth: opts.authorization ? [opts.authorization] : [] },
    );
    this.remember(handle!, out.name);
    return { ...out, handle: handle! };
  }

  async load(parent: HandleRef, inPrivate: Uint8Array, inPublic: TPMT_PUBLIC, authorization?: Authorization): Promise<{ handle: number; name: Uint8Array }> {
    const { handle, out } = await this.run(C.TPM2_Load, { inPrivate, inPublic }, { handles: [parent], auth: authorization ? [authorization] : [] });
    this.remember(handle!, out.name);
    return { handle: handle!, name: out.name };
  }

  async loadExternal(inPublic: TPMT_PUBLIC, inPrivate?: TPMT_SENSITIVE, hierarchy: number = TPM_RH.NULL): Promise<{ handle: number; name: Uint8Array }> {
    const { handle, out } = await this.run(C.TPM2_LoadExternal, { inPrivate, inPublic, hierarchy });
    this.remember(handle!, out.name);
    return { handle: handle!, name: out.name };
  }

  /** TPM2_MakeCredential with a loaded (usually public-only) EK. */
  async makeCredential(handle: HandleRef, credential: Uint8Array, objectName: Uint8Array): Promise<{ credentialBlob: Uint8Array; secret: Uint8Array }> {
    return (await this.run(C.TPM2_MakeCredential, { credential, objectName }, { handles: [handle] })).out;
  }

  /**
   * TPM2_ActivateCredential: `activate` is the object the credential names (ADMIN role),
   * `key` the EK (USER role; a policy session satisfying PolicySecret(endorsement)).
   */
  async activateCredential(
    activate: HandleRef,
    key: HandleRef,
    credentialBlob: Uint8Array,
    secret: Uint8Array,
    auth: { activate?: Authorization; key?: Authorization } = {},
  ): Promise<Uint8Array> {
    const { out } = await this.run(C.TPM2_ActivateCredential, { credentialBlob, secret }, {
      handles: [activate, key],
      auth: [auth.activate ?? { password: EMPTY }, auth.key ?? { password: EMPTY }],
    });
    return out.certInfo;
  }

  async hmac(handle: HandleRef, buffer: Uint8Array, hashAlg: number, authorization?: Authorization): Promise<Uint8Array> {
    return (await this.run(C.TPM2_HMAC, { buffer, hashAlg }, { handles: [handle], auth: authorization ? [authorization] : [] })).out.outHMAC;
  }

  async hash(data: Uint8Array, hashAlg: number, hierarchy: number = TPM_RH.OWNER): Promise<ResponseOf<typeof C.TPM2_Hash>> {
    return (await this.run(C.TPM2_Hash, { data, hashAlg, hierarchy })).out;
  }
}
