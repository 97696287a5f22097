/**
 * Names (TPM 2.0 Part 1 §16): an object's or NV index's Name is nameAlg ‖ H_nameAlg(public
 * area); every other entity (hierarchies, PCRs, sessions) is named by its 4-byte handle.
 * A qualified name chains the parent's: QN = nameAlg ‖ H(parentQN ‖ Name) (Part 1 §26.6).
 */
import { concat } from '../../core/bytes.js';
import { hash } from '../../core/hash.js';
import { marshal } from '../types/codec.js';
import { TPM_ALG } from '../types/constants.js';
import { TPMS_NV_PUBLIC } from '../types/nv.js';
import { TPMT_PUBLIC } from '../types/public.js';

function algBytes(alg: number): Uint8Array {
  return new Uint8Array([alg >> 8, alg & 0xff]);
}

/** Name of an object from its public area (using `raw` when present, so decoded bytes are hashed as received). */
export function objectName(pub: TPMT_PUBLIC): Uint8Array {
  if (pub.nameAlg === TPM_ALG.NULL) return new Uint8Array(0);
  const bytes = pub.raw ?? marshal(TPMT_PUBLIC, pub, 512);
  return concat(algBytes(pub.nameAlg), hash(pub.nameAlg, bytes));
}

/** Name of an NV index from its public area. */
export function nvName(pub: TPMS_NV_PUBLIC): Uint8Array {
  const bytes = pub.raw ?? marshal(TPMS_NV_PUBLIC, pub);
  return concat(algBytes(pub.nameAlg), hash(pub.nameAlg, bytes));
}

/** Name of an entity that has no public area: its handle, big-endian. */
export function handleName(handle: number): Uint8Array {
  return new Uint8Array([handle >>> 24, (handle >>> 16) & 0xff, (handle >>> 8) & 0xff, handle & 0xff]);
}

/** Qualified name of an object under a parent whose qualified name is `parentQualifiedName`. */
export function qualifiedName(nameAlg: number, parentQualifiedName: Uint8Array, name: Uint8Array): Uint8Array {
  return concat(algBytes(nameAlg), hash(nameAlg, parentQualifiedName, name));
}
