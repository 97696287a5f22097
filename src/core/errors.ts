/**
 * The one error hierarchy of the project (DESIGN.md §5 "Errors").
 *
 * Every error carries a stable, machine-readable `code` and may chain a `cause`.
 * Layers subclass it: `WireError` here (bytes that do not parse), `TpmError` in `tpm/`,
 * `DomainError` in `platform/`, `UserError` in `cli/`. Only `api/*\/errors.ts` maps
 * these to HTTP. A failed *verification* is a finding, never an exception.
 */
export class TlError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * Untrusted bytes that do not decode. `offset` is the absolute byte offset in the input
 * where decoding failed; `typePath` names the structure being decoded, outermost first
 * (e.g. `TPMS_ATTEST.attested.quote.pcrSelect[0]`).
 */
export class WireError extends TlError {
  readonly offset: number;
  readonly typePath: string;

  constructor(message: string, offset: number, typePath = '', options?: { cause?: unknown }) {
    super('WireError', `${typePath ? `${typePath}: ` : ''}${message} (at offset ${offset})`, options);
    this.offset = offset;
    this.typePath = typePath;
  }
}

/** True when `e` is a TlError with the given code (or any TlError when code is omitted). */
export function isTlError(e: unknown, code?: string): e is TlError {
  return e instanceof TlError && (code === undefined || e.code === code);
}
