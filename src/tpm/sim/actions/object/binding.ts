/**
 * Does a sensitive area belong to a public area (Part 1 §27.3 "cryptographic binding";
 * TPM_RC_BINDING otherwise)? RSA: p divides the modulus; ECC: d·G is the public point;
 * keyed-hash/symmetric: unique = H(seedValue ‖ key).
 */
import { bytesEqual } from '../../../../core/bytes.js';
import { hash } from '../../../../core/hash.js';
import { toBigInt } from '../../../crypto/bigint.js';
import { curveById, publicPoint } from '../../../crypto/ecc.js';
import { TPM_ALG } from '../../../types/constants.js';
import type { TPMT_PUBLIC } from '../../../types/public.js';
import type { TPMT_SENSITIVE } from '../../../types/sensitive.js';

export function sensitiveMatches(pub: TPMT_PUBLIC, s: TPMT_SENSITIVE): boolean {
  if (s.sensitiveType !== pub.type) return false;
  switch (pub.type) {
    case TPM_ALG.RSA: {
      const p = toBigInt(s.sensitive);
      const n = toBigInt(pub.unique);
      return p > 1n && p < n && n % p === 0n;
    }
    case TPM_ALG.ECC: {
      const c = curveById(pub.parameters.curveID);
      if (!c || s.sensitive.length === 0 || s.sensitive.length > c.size) return false;
      const d = toBigInt(s.sensitive);
      if (d <= 0n || d >= c.n) return false;
      const q = publicPoint(c, s.sensitive);
      return toBigInt(q.x) === toBigInt(pub.unique.x) && toBigInt(q.y) === toBigInt(pub.unique.y);
    }
    default:
      return bytesEqual(hash(pub.nameAlg, s.seedValue, s.sensitive), pub.unique);
  }
}
