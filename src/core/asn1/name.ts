/**
 * X.501 Name (RFC 5280 §4.1.2.4): parse to attributes, print as OpenSSL's one-line form, encode.
 * The DER bytes are kept: chain building compares issuer and subject names byte for byte,
 * as firmware and the kernel's X.509 parser do.
 */
import { WireError } from '../errors.js';
import { TAG, content, der, encoded, readOid, readString, sequence, type Tlv } from './der.js';
import { attributeName, attributeOid, OID } from './oids.js';

export interface NameAttribute {
  readonly oid: string;
  /** Decoded string value, or hex of the raw value for non-string types. */
  readonly value: string;
}

export interface Name {
  /** The complete DER encoding of the Name. */
  readonly der: Uint8Array;
  /** Relative distinguished names in order, each a set of attributes (almost always one). */
  readonly rdns: readonly (readonly NameAttribute[])[];
}

export function parseName(t: Tlv, what = 'Name'): Name {
  const rdns = sequence(t, what).map((set) =>
    sequence(set, `${what}.RelativeDistinguishedName`, 1, TAG.SET).map((atv) => {
      const [type, value] = sequence(atv, `${what}.AttributeTypeAndValue`, 2);
      let text: string;
      try {
        text = readString(value!, what);
      } catch (e) {
        if (!(e instanceof WireError)) throw e;
        text = Buffer.from(content(value!)).toString('hex');
      }
      return { oid: readOid(type!, what), value: text };
    }),
  );
  return { der: encoded(t).slice(), rdns };
}

/** One-line form as `openssl x509 -noout -subject -nameopt oneline` prints it: `C = US, O = Microsoft, CN = …`. */
export function formatName(name: Name): string {
  return name.rdns.map((rdn) => rdn.map((a) => `${attributeName(a.oid)} = ${a.value}`).join(' + ')).join(', ');
}

/** The first value of an attribute (e.g. the CN), or undefined. */
export function nameAttribute(name: Name, oid: string): string | undefined {
  for (const rdn of name.rdns) for (const a of rdn) if (a.oid === oid) return a.value;
  return undefined;
}

export const commonName = (name: Name): string | undefined => nameAttribute(name, OID.commonName);

/** Encode a Name from `[type, value]` pairs (`['CN', 'x']` or `['2.5.4.3', 'x']`); C uses PrintableString as RFC 5280 requires. */
export function encodeName(attrs: readonly (readonly [string, string])[]): Uint8Array {
  return der.seq(
    ...attrs.map(([type, value]) => {
      const oid = attributeOid(type);
      const v = oid === OID.countryName || oid === OID.serialNumber ? der.printable(value) : der.utf8(value);
      return der.set(der.seq(der.oid(oid), v));
    }),
  );
}
