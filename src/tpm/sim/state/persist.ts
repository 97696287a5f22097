/**
 * The persistent state of a simulated TPM as one compact blob for the injected TpmNvStore:
 * what a real TPM keeps in NV — primary seeds, hierarchy authorizations, clock and reset
 * counters, NV indices and persistent objects. PCRs, loaded objects and sessions are not
 * saved (they reset at power cycle). All fields use TPM marshalling; the blob is versioned.
 *
 *   u32 magic 'TLVT', u8 version
 *   TPM2B eps, sps, pps; TPM2B ownerAuth, endorsementAuth, lockoutAuth
 *   u64 clock, u32 resetCount, u32 restartCount
 *   u16 n × { TPM2B_NV_PUBLIC, TPM2B_AUTH, u16 size + data }
 *   u16 n × { u32 handle, u32 hierarchy, TPM2B_PUBLIC, TPM2B_SENSITIVE, TPM2B_NAME qualifiedName }
 *   (version 2) u16 shutdownType (0xFFFF: none), u32 pcrUpdateCounter,
 *               u8 banks × { u16 alg, u8 count, count × (u8 size + digest) }   — the orderly-shutdown
 *               data a real TPM keeps in NV so that TPM2_Startup(STATE) after Shutdown(STATE) and
 *               a power loss is a TPM Resume with the saved PCRs (Part 1 §12.2.3; TPM_PT_PCR_SAVE).
 */
import { ByteReader, ByteWriter, bytesEqual } from '../../../core/bytes.js';
import { hash } from '../../../core/hash.js';
import { TPM_ALG } from '../../types/constants.js';
import { tpm2b } from '../../types/codec.js';
import { TPM2B_AUTH, TPM2B_NAME } from '../../types/basic.js';
import { TPM2B_NV_PUBLIC } from '../../types/nv.js';
import { TPM2B_PUBLIC } from '../../types/public.js';
import { TPM2B_SENSITIVE } from '../../types/sensitive.js';
import { objectName } from '../../crypto/name.js';
import type { TpmState } from '../tpm-state.js';
import { Hierarchies } from './hierarchy.js';
import type { TpmObject } from './objects.js';

const MAGIC = 0x544c5654; // "TLVT"
const VERSION = 3;
const NO_SHUTDOWN = 0xffff;
const SEED = tpm2b('seed', 64);
const CHECK = 16;

export interface PersistentImage {
  eps: Uint8Array;
  sps: Uint8Array;
  pps: Uint8Array;
  ownerAuth: Uint8Array;
  endorsementAuth: Uint8Array;
  lockoutAuth: Uint8Array;
  clock: bigint;
  resetCount: number;
  restartCount: number;
  nv: { public: import('../../types/nv.js').TPMS_NV_PUBLIC; authValue: Uint8Array; data: Uint8Array }[];
  objects: { handle: number; object: TpmObject }[];
  /** The last orderly shutdown (Shutdown(STATE) also saves PCRs for a resume). */
  shutdownType?: number;
  savedPcrs?: { values: Map<number, Uint8Array[]>; counter: number };
}

export function encodeImage(img: PersistentImage): Uint8Array {
  const w = new ByteWriter(2048);
  w.u32be(MAGIC).u8(VERSION);
  for (const s of [img.eps, img.sps, img.pps]) SEED.encode(w, s);
  for (const a of [img.ownerAuth, img.endorsementAuth, img.lockoutAuth]) TPM2B_AUTH.encode(w, a);
  w.u64be(img.clock).u32be(img.resetCount).u32be(img.restartCount);
  w.u16be(img.nv.length);
  for (const n of img.nv) {
    const { raw: _raw, ...pub } = n.public;
    TPM2B_NV_PUBLIC.encode(w, pub);
    TPM2B_AUTH.encode(w, n.authValue);
    w.u16be(n.data.length).bytes(n.data);
  }
  w.u16be(img.objects.length);
  for (const { handle, object } of img.objects) {
    w.u32be(handle).u32be(object.hierarchy);
    TPM2B_PUBLIC.encode(w, object.public);
    TPM2B_SENSITIVE.encode(w, object.sensitive);
    TPM2B_NAME.encode(w, object.qualifiedName);
  }
  w.u16be(img.shutdownType ?? NO_SHUTDOWN).u32be(img.savedPcrs?.counter ?? 0);
  const banks = [...(img.savedPcrs?.values ?? new Map<number, Uint8Array[]>())];
  w.u8(banks.length);
  for (const [alg, values] of banks) {
    w.u16be(alg).u8(values.length);
    for (const v of values) w.u8(v.length).bytes(v);
  }
  const body = w.finish();
  return new ByteWriter(body.length + CHECK).bytes(body).bytes(hash(TPM_ALG.SHA256, body).subarray(0, CHECK)).finish();
}

/** Decode a saved blob; throws WireError on corruption (the simulator then refuses to start). */
export function decodeImage(blob: Uint8Array): PersistentImage {
  let bytes = blob;
  if (blob.length >= 5 && blob[4]! >= 3) {
    if (blob.length < CHECK + 5) throw new ByteReader(blob, { path: ['TpmState'] }).error(`state of ${blob.length} bytes is too short`, 0);
    bytes = blob.subarray(0, blob.length - CHECK);
    if (!bytesEqual(hash(TPM_ALG.SHA256, bytes).subarray(0, CHECK), blob.subarray(blob.length - CHECK))) {
      throw new ByteReader(blob, { path: ['TpmState'] }).error('checksum mismatch: the stored state is damaged', bytes.length);
    }
  }
  const r = new ByteReader(bytes, { path: ['TpmState'] });
  const magic = r.u32be();
  if (magic !== MAGIC) throw r.error(`bad magic 0x${magic.toString(16)}`, 0);
  const version = r.u8();
  if (version < 1 || version > VERSION) throw r.error(`unsupported state version ${version}`, 4);
  const [eps, sps, pps] = [SEED.decode(r), SEED.decode(r), SEED.decode(r)];
  const [ownerAuth, endorsementAuth, lockoutAuth] = [TPM2B_AUTH.decode(r), TPM2B_AUTH.decode(r), TPM2B_AUTH.decode(r)];
  const clock = r.u64be();
  const resetCount = r.u32be();
  const restartCount = r.u32be();
  const nv: PersistentImage['nv'] = [];
  for (let n = r.u16be(), i = 0; i < n; i++) {
    const { raw: _raw, ...pub } = TPM2B_NV_PUBLIC.decode(r);
    const authValue = TPM2B_AUTH.decode(r);
    const data = r.read(r.u16be(), 'nv data');
    nv.push({ public: pub, authValue, data });
  }
  const objects: PersistentImage['objects'] = [];
  for (let n = r.u16be(), i = 0; i < n; i++) {
    const handle = r.u32be();
    const hierarchy = r.u32be();
    const pub = TPM2B_PUBLIC.decode(r);
    const sensitive = TPM2B_SENSITIVE.decode(r);
    const qualifiedName = TPM2B_NAME.decode(r);
    objects.push({
      handle,
      object: { public: pub, name: objectName(pub), qualifiedName, hierarchy, ...(sensitive ? { sensitive } : {}) },
    });
  }
  let orderly: Pick<PersistentImage, 'shutdownType' | 'savedPcrs'> = {};
  if (version >= 2) {
    const shutdownType = r.u16be();
    const counter = r.u32be();
    const values = new Map<number, Uint8Array[]>();
    for (let n = r.u8(), i = 0; i < n; i++) {
      const alg = r.u16be();
      const digests: Uint8Array[] = [];
      for (let c = r.u8(), j = 0; j < c; j++) digests.push(r.read(r.u8(), 'saved PCR'));
      values.set(alg, digests);
    }
    orderly = {
      ...(shutdownType !== NO_SHUTDOWN ? { shutdownType } : {}),
      ...(values.size ? { savedPcrs: { values, counter } } : {}),
    };
  }
  r.expectEnd('TpmState');
  return { eps, sps, pps, ownerAuth, endorsementAuth, lockoutAuth, clock, resetCount, restartCount, nv, objects, ...orderly };
}

export function imageOf(tpm: TpmState): PersistentImage {
  const h = tpm.hierarchy;
  return {
    eps: h.eps,
    sps: h.sps,
    pps: h.pps,
    ownerAuth: h.ownerAuth,
    endorsementAuth: h.endorsementAuth,
    lockoutAuth: h.lockoutAuth,
    clock: tpm.clock(),
    resetCount: tpm.resetCount,
    restartCount: tpm.restartCount,
    nv: [...tpm.nv.indices.values()].map((i) => ({ public: i.public, authValue: i.authValue, data: i.data })),
    objects: [...tpm.objects.persistent.entries()].map(([handle, object]) => ({ handle, object })),
    ...(tpm.shutdownType !== undefined ? { shutdownType: tpm.shutdownType } : {}),
    ...(tpm.savedPcrs ? { savedPcrs: tpm.savedPcrs } : {}),
  };
}

/** Put a decoded image into a fresh TpmState. */
export function applyImage(tpm: TpmState, img: PersistentImage): void {
  const h = new Hierarchies({ eps: img.eps, sps: img.sps, pps: img.pps, nullSeed: tpm.random(tpm.profile.seedSize) });
  h.ownerAuth = img.ownerAuth;
  h.endorsementAuth = img.endorsementAuth;
  h.lockoutAuth = img.lockoutAuth;
  tpm.hierarchy = h;
  tpm.setClock(img.clock);
  tpm.resetCount = img.resetCount;
  tpm.restartCount = img.restartCount;
  tpm.nv.indices.clear();
  for (const n of img.nv) tpm.nv.indices.set(n.public.nvIndex, { public: n.public, authValue: n.authValue, data: n.data });
  tpm.objects.persistent.clear();
  for (const { handle, object } of img.objects) tpm.objects.persistent.set(handle, object);
  tpm.shutdownType = img.shutdownType;
  tpm.savedPcrs = img.savedPcrs;
}
