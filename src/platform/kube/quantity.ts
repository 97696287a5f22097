/**
 * resource.Quantity (k8s.io/apimachinery/pkg/api/resource/quantity.go): the `100m`, `1.5`,
 * `128Mi`, `1e3` strings of requests and capacity. The scheduler works in milli-units (CPU)
 * and bytes (memory), so parsing returns an exact rational scaled to an integer count of
 * milli-units, rounded up as Quantity.MilliValue() does.
 */

export class QuantityError extends Error {}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const FORMAT = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

/** "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'" (resource.ErrFormatWrong). */
export const QUANTITY_FORMAT_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** The value in milli-units (1 = 1000), rounded up; throws QuantityError on a malformed quantity. */
export function parseMilli(q: string | number): number {
  if (typeof q === 'number') {
    if (!Number.isFinite(q)) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
    return Math.ceil(q * 1000);
  }
  const m = q.length <= 64 ? q.match(FORMAT) : null;
  if (!m) throw new QuantityError(QUANTITY_FORMAT_MESSAGE);
  const sign = m[1] === '-' ? -1 : 1;
  const num = m[2]!;
  const suffix = m[3] ?? '';
  const [intPart, frac = ''] = num.split('.');
  // Fast path in doubles while every intermediate is an exact integer (well below 2^53): IEEE
  // division is correctly rounded, so an exact quotient stays exact and ceil() is right.
  const small = Number((intPart || '0') + frac);
  const multN = BINARY[suffix] ?? 1;
  const e10 = -frac.length + 3 + (BINARY[suffix] !== undefined ? 0 : /^[eE]/.test(suffix) ? Number(suffix.slice(1)) : DECIMAL[suffix]!);
  if (small * multN < 2 ** 50 && e10 >= -15 && e10 <= 15) {
    const v = e10 >= 0 ? small * multN * 10 ** e10 : Math.ceil((small * multN) / 10 ** -e10);
    if (Number.isSafeInteger(v)) return v * sign;
  }
  // Otherwise work on the digits as a decimal string with an exponent, exact for big byte counts.
  const digits = BigInt((intPart || '0') + frac);
  let exp10 = -frac.length + 3; // milli
  let mult = 1n;
  if (BINARY[suffix] !== undefined) mult = BigInt(BINARY[suffix]);
  else if (/^[eE]/.test(suffix)) exp10 += Number(suffix.slice(1));
  else exp10 += DECIMAL[suffix]!;
  if (exp10 > 30) throw new QuantityError('quantity is too large');
  let v: bigint;
  if (exp10 >= 0) v = digits * mult * 10n ** BigInt(exp10);
  else {
    const d = 10n ** BigInt(-exp10);
    const n = digits * mult;
    v = n / d + (n % d === 0n ? 0n : 1n);
  }
  const out = Number(v) * sign;
  if (!Number.isSafeInteger(out)) throw new QuantityError('quantity is too large');
  return out;
}

/** Whole units (bytes, pods), rounded up. */
export const parseValue = (q: string | number): number => Math.ceil(parseMilli(q) / 1000);

export function isQuantity(q: unknown): boolean {
  if (typeof q !== 'string' && typeof q !== 'number') return false;
  try {
    parseMilli(q);
    return true;
  } catch {
    return false;
  }
}

/** CPU in the canonical form kubectl shows: `2` or `1900m`. */
export const formatCpu = (milli: number): string => (milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`);

/** Memory as the kubelet reports it: whole Ki. */
export const formatMemoryKi = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;
