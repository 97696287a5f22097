/**
 * The CLI's error taxonomy (model-codebases.md §7: "the user did something wrong" apart from
 * bugs, mapped to messages and exit codes at one boundary, `boundary.ts`).
 *
 * Class names are az's (azure-cli `azclierror.py`), because users and scripts see them in
 * `--debug` output; exit codes are az's: 2 for command-line parse errors (argparse), 3 for
 * "not found", 1 for everything else.
 */
import { TlError } from '../../core/errors.js';

export type AzErrorClass =
  | 'ArgumentUsageError'
  | 'UnrecognizedArgumentError'
  | 'RequiredArgumentMissingError'
  | 'MutuallyExclusiveArgumentError'
  | 'InvalidArgumentValueError'
  | 'CommandNotFoundError'
  | 'ValidationError'
  | 'ResourceNotFoundError'
  | 'AzureResponseError'
  | 'AzureConnectionError'
  | 'AuthenticationError'
  | 'ClientRequestError'
  | 'FileOperationError'
  | 'CLIError';

/** A mistake the user can fix; printed as `ERROR: message` and never as a traceback. */
export class UserError extends TlError {
  readonly azClass: AzErrorClass;
  readonly exitCode: number;
  /** Lines printed after the message (az's recommendations). */
  readonly recommendations: readonly string[];

  constructor(azClass: AzErrorClass, message: string, o: { exitCode?: number; recommendations?: readonly string[]; cause?: unknown } = {}) {
    super(azClass, message, o.cause === undefined ? undefined : { cause: o.cause });
    this.azClass = azClass;
    this.exitCode = o.exitCode ?? (azClass === 'ResourceNotFoundError' ? 3 : 1);
    this.recommendations = o.recommendations ?? [];
  }
}

/** argparse-level errors exit with 2, as az's parser does (`self.exit(2)`). */
export function parseError(azClass: AzErrorClass, message: string, recommendations: readonly string[] = []): UserError {
  return new UserError(azClass, message, { exitCode: 2, recommendations });
}

/** ARM's CloudError body `{error:{code,message,target,details}}`. */
export interface CloudErrorBody {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
  readonly details?: readonly CloudErrorBody[];
}

/**
 * The text azure-core prints for an ARM error (ODataV4Format.__str__):
 * `(Code) Message` / `Code: Code` / `Message: Message` [/ `Target: t`] [/ details].
 */
export function formatCloudError(e: CloudErrorBody): string {
  let s = `(${e.code}) ${e.message}\nCode: ${e.code}\nMessage: ${e.message}`;
  if (e.target) s += `\nTarget: ${e.target}`;
  if (e.details?.length) {
    s += '\nException Details:';
    for (const d of e.details) s += formatCloudError(d).split('\n').map((l) => `\t${l}`).join('\n');
  }
  return s;
}

/** An error response from the server, as az reports it (404 → ResourceNotFoundError, exit 3). */
export class ArmError extends UserError {
  readonly status: number;
  readonly body: CloudErrorBody;

  constructor(status: number, body: CloudErrorBody) {
    super(status === 404 ? 'ResourceNotFoundError' : 'AzureResponseError', formatCloudError(body));
    this.status = status;
    this.body = body;
  }
}
