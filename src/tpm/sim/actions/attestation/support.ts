/**
 * Shared attestation steps (TPM 2.0 Part 3 §18.1; ms-tpm-20-ref Attest_spt.c):
 * choosing the signing scheme (CryptSelectSignScheme), filling the common TPMS_ATTEST header
 * (FillInAttestInfo, including the privacy obfuscation of resetCount/restartCount/
 * firmwareVersion for keys outside the endorsement and platform hierarchies) and signing.
 */
import { ByteWriter } from '../../../../core/bytes.js';
import { kdfa } from '../../../crypto/kdf.js';
import { type SigningKey, signMessage, signMessageAsync } from '../../../crypto/sign.js';
import { TPM_RC } from '../../../rc.js';
import { TPM_ALG, TPM_GENERATED_VALUE, TPM_RH, TPM_ST, TPMA_OBJECT } from '../../../types/constants.js';
import { marshalQuoteAttest } from '../../../types/attest-quote.js';
import { TPMS_ATTEST, type TPMS_ATTEST_BODY } from '../../../types/attest.js';
import type { TPMT_SCHEME } from '../../../types/schemes.js';
import type { TPMT_SIGNATURE } from '../../../types/signature.js';
import { handleError, paramError } from '../../action.js';
import type { Entity } from '../../entity.js';
import { privateKeyOf, type TpmObject } from '../../state/objects.js';
import type { TpmState } from '../../tpm-state.js';

/** The signing key of an attestation, or undefined for TPM_RH_NULL (an unsigned attestation). */
export function signingKeyOf(e: Entity, handleIndex: number): TpmObject | undefined {
  if (e.handle === TPM_RH.NULL) return undefined;
  const o = e.object!;
  if (!(o.public.objectAttributes & TPMA_OBJECT.sign) || !o.sensitive) handleError(TPM_RC.KEY, handleIndex, 'not a signing key');
  return o;
}

/** The key's scheme unless the caller's inScheme overrides a NULL key scheme (Part 1 §11.2.1.4). */
export function selectScheme(key: TpmObject, inScheme: TPMT_SCHEME, pIndex: number): TPMT_SCHEME {
  const pub = key.public;
  const keyScheme: TPMT_SCHEME =
    pub.type === TPM_ALG.RSA || pub.type === TPM_ALG.ECC
      ? pub.parameters.scheme
      : pub.type === TPM_ALG.KEYEDHASH
        ? { scheme: pub.parameters.scheme.scheme, hashAlg: pub.parameters.scheme.hashAlg }
        : { scheme: TPM_ALG.NULL, hashAlg: TPM_ALG.NULL };
  if (keyScheme.scheme === TPM_ALG.NULL) {
    if (inScheme.scheme === TPM_ALG.NULL) paramError(TPM_RC.SCHEME, pIndex, 'no signing scheme');
    const ok =
      pub.type === TPM_ALG.RSA
        ? inScheme.scheme === TPM_ALG.RSASSA || inScheme.scheme === TPM_ALG.RSAPSS
        : pub.type === TPM_ALG.ECC
          ? inScheme.scheme === TPM_ALG.ECDSA
          : inScheme.scheme === TPM_ALG.HMAC;
    if (!ok) paramError(TPM_RC.SCHEME, pIndex, 'scheme does not fit the key');
    return inScheme;
  }
  if (inScheme.scheme !== TPM_ALG.NULL && (inScheme.scheme !== keyScheme.scheme || inScheme.hashAlg !== keyScheme.hashAlg)) {
    paramError(TPM_RC.SCHEME, pIndex, 'inScheme differs from the key scheme');
  }
  return keyScheme;
}

/** What signing needs of a loaded key, built once per key (a loaded object never changes). */
const signingKeys = new WeakMap<TpmObject, SigningKey>();

/** Sign a message with a loaded key under a selected scheme (off the event loop when the profile says so). */
export function signWith(tpm: TpmState, key: TpmObject, scheme: TPMT_SCHEME, message: Uint8Array): TPMT_SIGNATURE | Promise<TPMT_SIGNATURE> {
  const pub = key.public;
  if (pub.type === TPM_ALG.KEYEDHASH) {
    return signMessage({ key: undefined as never, type: pub.type, secret: key.sensitive!.sensitive }, { scheme: TPM_ALG.HMAC, hashAlg: scheme.hashAlg }, message);
  }
  let k = signingKeys.get(key);
  if (!k) {
    k = { key: privateKeyOf(key), type: pub.type, ...(pub.type === TPM_ALG.ECC ? { curveID: pub.parameters.curveID, secret: key.sensitive!.sensitive } : {}) };
    signingKeys.set(key, k);
  }
  const offload = tpm.profile.cryptoOffload;
  if (offload === 'always' || (offload === 'rsa' && pub.type === TPM_ALG.RSA)) return signMessageAsync(k, scheme, message);
  return signMessage(k, scheme, message);
}

/** The obfuscation offsets of one key (Part 3 §18.1), computed once per key. */
interface Obfuscation {
  firmwareVersion: bigint;
  resetCount: number;
  restartCount: number;
  /** The last obfuscated firmwareVersion and the profile value it came from (BigInt sums allocate). */
  fwIn?: bigint;
  fwOut?: bigint;
}
const obfuscation = new WeakMap<TpmObject, Obfuscation>();

function obfuscationOf(tpm: TpmState, key: TpmObject): Obfuscation {
  let o = obfuscation.get(key);
  if (!o) {
    // ms-tpm FillInAttestInfo: KDFa(shProof, "OBFUSCATE", name) gives 128 bits, added to the
    // 64-bit firmwareVersion and the two 32-bit counters.
    const k = kdfa(TPM_ALG.SHA256, tpm.hierarchy.proofOf(TPM_RH.OWNER), 'OBFUSCATE', key.name, new Uint8Array(0), 128);
    const dv = new DataView(k.buffer, k.byteOffset, k.byteLength);
    obfuscation.set(key, (o = { firmwareVersion: dv.getBigUint64(0), resetCount: dv.getUint32(8), restartCount: dv.getUint32(12) }));
  }
  return o;
}

/** Build, marshal and sign a TPMS_ATTEST; returns the signed bytes and the signature. */
export type Attested = { bytes: Uint8Array; signature: TPMT_SIGNATURE };

/** One writer for the other attestations (marshalling is synchronous; `finish()` copies the bytes out). */
const scratch = new ByteWriter(256);

export function attest(
  tpm: TpmState,
  key: TpmObject | undefined,
  scheme: TPMT_SCHEME | undefined,
  qualifyingData: Uint8Array,
  body: TPMS_ATTEST_BODY,
): Attested | Promise<Attested> {
  const clockInfo = tpm.clockInfo();
  let firmwareVersion = tpm.profile.firmwareVersion;
  if (key && key.hierarchy !== TPM_RH.ENDORSEMENT && key.hierarchy !== TPM_RH.PLATFORM) {
    // Part 3 §18.1: hide reset/restart counts and firmware version from keys of the storage
    // and null hierarchies; the offsets depend only on the key and the storage proof.
    const o = obfuscationOf(tpm, key);
    if (o.fwIn !== firmwareVersion) {
      o.fwIn = firmwareVersion;
      o.fwOut = (firmwareVersion + o.firmwareVersion) & 0xffffffffffffffffn;
    }
    firmwareVersion = o.fwOut!;
    clockInfo.resetCount = (clockInfo.resetCount + o.resetCount) >>> 0;
    clockInfo.restartCount = (clockInfo.restartCount + o.restartCount) >>> 0;
  }
  const qualifiedSigner = key ? key.qualifiedName : EMPTY;
  let bytes: Uint8Array | undefined;
  if (body.type === TPM_ST.ATTEST_QUOTE) {
    const { pcrSelect, pcrDigest } = body.attested;
    bytes = marshalQuoteAttest({ magic: TPM_GENERATED_VALUE, qualifiedSigner, extraData: qualifyingData, clockInfo, firmwareVersion, pcrSelect, pcrDigest });
  }
  if (!bytes) {
    const value = { magic: TPM_GENERATED_VALUE, qualifiedSigner, extraData: qualifyingData, clockInfo, firmwareVersion, type: body.type, attested: body.attested } as TPMS_ATTEST;
    scratch.length = 0;
    TPMS_ATTEST.encode(scratch, value);
    bytes = scratch.finish();
  }
  if (!key || !scheme) return { bytes, signature: { sigAlg: TPM_ALG.NULL, hash: TPM_ALG.NULL } };
  const signature = signWith(tpm, key, scheme, bytes);
  return signature instanceof Promise ? signature.then((sig) => ({ bytes, signature: sig })) : { bytes, signature };
}

const EMPTY = new Uint8Array(0);

/** Apply `fn` to a value or to the value a promise resolves to. */
export function andThen<T, U>(v: T | Promise<T>, fn: (t: T) => U): U | Promise<U> {
  return v instanceof Promise ? v.then(fn) : fn(v);
}
