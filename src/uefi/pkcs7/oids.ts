/**
 * OIDs of PKCS#7/CMS (RFC 5652 §4–§11, PKCS#9) and Microsoft Authenticode
 * ("Windows Authenticode Portable Executable Signature Format", SPC_* names as in wintrust.h).
 */
export const OID_PKCS7 = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  counterSignature: '1.2.840.113549.1.9.6',
  smimeCapabilities: '1.2.840.113549.1.9.15',
} as const;

export const OID_SPC = {
  SPC_INDIRECT_DATA_OBJID: '1.3.6.1.4.1.311.2.1.4',
  SPC_STATEMENT_TYPE_OBJID: '1.3.6.1.4.1.311.2.1.11',
  SPC_SP_OPUS_INFO_OBJID: '1.3.6.1.4.1.311.2.1.12',
  SPC_PE_IMAGE_DATAOBJ: '1.3.6.1.4.1.311.2.1.15',
  SPC_INDIVIDUAL_SP_KEY_PURPOSE_OBJID: '1.3.6.1.4.1.311.2.1.21',
  /** RFC 3161 timestamp token in unsigned attributes (Microsoft's "nested" timestamp). */
  SPC_RFC3161_OBJID: '1.3.6.1.4.1.311.3.3.1',
  SPC_NESTED_SIGNATURE_OBJID: '1.3.6.1.4.1.311.2.4.1',
} as const;
