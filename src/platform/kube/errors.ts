/**
 * Kubernetes API errors as the domain raises them, worded as k8s.io/apimachinery's
 * api/errors and util/validation/field word them (kubectl prints these messages verbatim).
 * `api/kube/errors.ts` is the only place that turns them into metav1.Status and HTTP codes.
 */
import { TlError } from '../../core/errors.js';

/** metav1.StatusReason values the platform uses. */
export type StatusReason =
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'BadRequest'
  | 'Forbidden'
  | 'Unauthorized'
  | 'MethodNotAllowed'
  | 'Gone'
  | 'Expired'
  | 'TooManyRequests'
  | 'UnsupportedMediaType'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'InternalError';

export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

export class KubeError extends TlError {
  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(`Kube${reason}`, message);
  }
}

/** `pods` or `leases.coordination.k8s.io` (schema.GroupResource.String()). */
export const qualified = (resource: string, group: string): string => (group ? `${resource}.${group}` : resource);

export const notFound = (resource: string, group: string, name: string) => new KubeError('NotFound', `${qualified(resource, group)} "${name}" not found`, { name, group, kind: resource });

export const alreadyExists = (resource: string, group: string, name: string) => new KubeError('AlreadyExists', `${qualified(resource, group)} "${name}" already exists`, { name, group, kind: resource });

export const conflict = (resource: string, group: string, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again') =>
  new KubeError('Conflict', `Operation cannot be fulfilled on ${qualified(resource, group)} "${name}": ${why}`, { name, group, kind: resource });

export const badRequest = (message: string) => new KubeError('BadRequest', message);

export const forbidden = (resource: string, group: string, name: string, why: string) =>
  new KubeError('Forbidden', `${qualified(resource, group)}${name ? ` "${name}"` : ''} is forbidden: ${why}`, { name, group, kind: resource });

export const methodNotSupported = (resource: string, group: string, action: string) =>
  new KubeError('MethodNotAllowed', `${action} is not supported on resources of kind "${qualified(resource, group)}"`, { group, kind: resource });

export const tooOld = (requested: number, oldest: number) => new KubeError('Expired', `too old resource version: ${requested} (${oldest})`);

// --- field errors (util/validation/field) ---------------------------------------------------

export type FieldErrorType = 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueNotSupported' | 'FieldValueDuplicate' | 'FieldValueTooLong' | 'FieldValueTypeInvalid';

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  readonly value?: unknown;
  readonly detail?: string;
}

/** Go's %#v of the values validation prints: strings quoted, numbers and booleans bare. */
function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  return JSON.stringify(v);
}

/** field.Error.ErrorBody(). */
export function fieldErrorBody(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return `Required value${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueForbidden':
      return `Forbidden${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueTooLong':
      return `Too long${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueNotSupported':
      return `Unsupported value: ${goValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    case 'FieldValueDuplicate':
      return `Duplicate value: ${goValue(e.value)}`;
    case 'FieldValueTypeInvalid':
      return `Invalid value: ${goValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
    default:
      return `Invalid value: ${goValue(e.value)}${e.detail ? `: ${e.detail}` : ''}`;
  }
}

export const required = (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, ...(detail ? { detail } : {}) });
export const invalidValue = (field: string, value: unknown, detail: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail });
export const forbiddenField = (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail });
export const notSupported = (field: string, value: unknown, supported: readonly string[]): FieldError => ({
  type: 'FieldValueNotSupported',
  field,
  value,
  detail: `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
});
export const duplicate = (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value });

/** errors.NewInvalid: `Pod "web" is invalid: <error>` or `…: [<e1>, <e2>]`. */
export function invalid(kind: string, group: string, name: string, errs: readonly FieldError[]): KubeError {
  const parts = errs.map((e) => `${e.field}: ${fieldErrorBody(e)}`);
  const agg = parts.length === 1 ? parts[0]! : `[${parts.join(', ')}]`;
  const causes = errs.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return new KubeError('Invalid', `${group ? `${kind}.${group}` : kind} "${name}" is invalid: ${agg}`, { name, group, kind, causes });
}
