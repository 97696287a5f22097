/** Verdict types shared by image, module and boot-chain verification (plain data, JSON-ready). */

export interface Authority {
  /** The database that allowed the image: db, MokList, "shim vendor certificate", "kernel built-in keys", … */
  readonly database: string;
  readonly kind: 'certificate' | 'hash';
  /** Subject CN of the trusted certificate (kind certificate). */
  readonly subject?: string;
  /** SHA-256 fingerprint of the certificate, or the listed digest (hex). */
  readonly fingerprint: string;
  readonly owner: string;
}

export interface SignatureSummary {
  readonly index: number;
  /** Subject CN of the signing certificate. */
  readonly signer?: string;
  /** Subject CN of the signer's issuer as named in the signing certificate. */
  readonly issuer?: string;
  readonly digestAlgorithm?: string;
  readonly intact: boolean;
  readonly problem?: string;
  /** Subject CNs from the signer up to the certificate the authority matched. */
  readonly chain?: readonly string[];
  /** What this signature was trusted by, if anything. */
  readonly trustedBy?: Authority;
  /** What revoked it, if anything. */
  readonly revokedBy?: string;
}

export interface ImageVerdict {
  /** What was checked (file name or boot-chain role such as "grub"). */
  readonly component: string;
  readonly allowed: boolean;
  /** One sentence in operator words. */
  readonly reason: string;
  /** Subject CN of the certificate of the deciding signature (or of the first signature). */
  readonly signer?: string;
  readonly authority?: Authority;
  /** The Authenticode SHA-256 image digest (what `pesign -h` prints and what db/dbx hash entries list). */
  readonly digest?: string;
  readonly signatures: readonly SignatureSummary[];
  readonly sbat?: readonly { readonly component: string; readonly generation: number; readonly version?: string }[];
}
