/**
 * Domain errors: a rule of the platform was broken. `kind` says what sort of failure it is
 * (the API layer maps kinds to HTTP statuses in api/arm/errors.ts), `code` is the stable
 * error code clients see (ARM codes such as `TrustedLaunchIncompatibleWithConfig`), and
 * `target` names the offending property, as ARM's CloudErrorBody does.
 */
import { TlError } from '../core/errors.js';

export type DomainErrorKind =
  | 'Invalid' // 400: the request breaks a rule; changing the request fixes it
  | 'NotFound' // 404
  | 'Conflict' // 409: the resource is busy or in the wrong state
  | 'PreconditionFailed' // 412: If-Match / If-None-Match
  | 'Unauthorized' // 401
  | 'Forbidden' // 403
  | 'Internal'; // 500

export class DomainError extends TlError {
  readonly kind: DomainErrorKind;
  readonly target: string | undefined;
  readonly details: readonly DomainError[];

  constructor(kind: DomainErrorKind, code: string, message: string, options: { target?: string; details?: DomainError[]; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.kind = kind;
    this.target = options.target;
    this.details = options.details ?? [];
  }
}

export const invalid = (code: string, message: string, target?: string) => new DomainError('Invalid', code, message, target === undefined ? {} : { target });
export const notFound = (code: string, message: string) => new DomainError('NotFound', code, message);
export const conflict = (code: string, message: string, target?: string) => new DomainError('Conflict', code, message, target === undefined ? {} : { target });
