/** ASN.1 DER and X.509: the public surface of src/core/asn1. */
export * from './der.js';
export * from './name.js';
export * from './oids.js';
export * from './x509.js';
