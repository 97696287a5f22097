/** Object identifiers the project uses, by name (RFC 5280, RFC 8017, RFC 5758, TCG EK Credential Profile). */
export const OID = {
  // RFC 4519 / X.520 attribute types
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  emailAddress: '1.2.840.113549.1.9.1',
  // Public key algorithms
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  secp256r1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  // Signature algorithms
  sha1WithRSAEncryption: '1.2.840.113549.1.1.5',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  sha384WithRSAEncryption: '1.2.840.113549.1.1.12',
  sha512WithRSAEncryption: '1.2.840.113549.1.1.13',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  // Digest algorithms (NIST)
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  mgf1: '1.2.840.113549.1.1.8',
  // Certificate extensions (RFC 5280 §4.2)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  subjectDirectoryAttributes: '2.5.29.9',
  // Extended key usages
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  // TCG EK Credential Profile 2.0 §3.2 / TCG OID registry
  tcgKpEKCertificate: '2.23.133.8.1',
  tcgKpAIKCertificate: '2.23.133.8.3',
  tcgAtTpmManufacturer: '2.23.133.2.1',
  tcgAtTpmModel: '2.23.133.2.2',
  tcgAtTpmVersion: '2.23.133.2.3',
  tcgAtTpmSpecification: '2.23.133.2.16',
} as const;

const SHORT_NAMES: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.countryName]: 'C',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.serialNumber]: 'serialNumber',
  [OID.surname]: 'SN',
  [OID.emailAddress]: 'emailAddress',
  [OID.tcgAtTpmManufacturer]: 'TPMManufacturer',
  [OID.tcgAtTpmModel]: 'TPMModel',
  [OID.tcgAtTpmVersion]: 'TPMVersion',
};

/** The short name of an attribute type (CN, O, …), or the dotted OID when unknown. */
export function attributeName(oid: string): string {
  return SHORT_NAMES[oid] ?? oid;
}

/** The OID for a short attribute name (CN → 2.5.4.3); dotted OIDs pass through. */
export function attributeOid(name: string): string {
  if (/^\d+(\.\d+)+$/.test(name)) return name;
  for (const [oid, short] of Object.entries(SHORT_NAMES)) if (short === name) return oid;
  throw new RangeError(`unknown attribute name "${name}"`);
}

/** node:crypto hash name for a signature algorithm OID, and the signature scheme. */
export function signatureScheme(oid: string): { hash: string; scheme: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' } | undefined {
  switch (oid) {
    case OID.sha1WithRSAEncryption:
      return { hash: 'sha1', scheme: 'rsa-pkcs1' };
    case OID.sha256WithRSAEncryption:
      return { hash: 'sha256', scheme: 'rsa-pkcs1' };
    case OID.sha384WithRSAEncryption:
      return { hash: 'sha384', scheme: 'rsa-pkcs1' };
    case OID.sha512WithRSAEncryption:
      return { hash: 'sha512', scheme: 'rsa-pkcs1' };
    case OID.ecdsaWithSHA256:
      return { hash: 'sha256', scheme: 'ecdsa' };
    case OID.ecdsaWithSHA384:
      return { hash: 'sha384', scheme: 'ecdsa' };
    case OID.ecdsaWithSHA512:
      return { hash: 'sha512', scheme: 'ecdsa' };
    default:
      return undefined;
  }
}

/** Digest algorithm OID → node:crypto name. */
export function digestName(oid: string): string | undefined {
  return { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' }[oid];
}
