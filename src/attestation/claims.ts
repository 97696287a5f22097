/**
 * The claims of an attestation token, as Microsoft Azure Attestation issues them for Azure VMs
 * (`x-ms-attestation-type: "azurevm"`, azure-tl-facts.md §4.4). Each claim is derived from
 * attested data where MAA's meaning allows it:
 *   secureboot                                  — the SecureBoot variable measured in PCR 7
 *   x-ms-azurevm-dbvalidated / -dbxvalidated    — db equals / dbx contains the baseline's
 *   x-ms-azurevm-default-securebootkeysvalidated — PK, KEK and db are the platform's defaults
 *   x-ms-azurevm-attested-pcrs                  — the PCRs the verified quote covers
 *   x-ms-azurevm-bootdebug-enabled, -kerneldebug-enabled — kgdb options on the measured command line
 *   x-ms-azurevm-ostype/-osdistro/-osversion-*  — the client's OS information (not attested; MAA
 *                                                 takes them from the client's OSInfo too)
 *   x-ms-policy-hash, x-ms-runtime.client-payload.nonce, x-ms-ver
 * Windows-only claims (ELAM, HVCI, test/flight signing) carry their Linux values.
 */
import type { UntrustedEvidence } from './evidence.js';
import type { BootFacts } from './facts.js';
import type { Finding } from './findings.js';
import type { ReferenceValues } from './policy/reference.js';
import { createHash } from 'node:crypto';

export type AttestationClaims = Record<string, unknown>;

export interface ClaimsInput {
  readonly facts: BootFacts;
  readonly refs: ReferenceValues | undefined;
  readonly findings: readonly Finding[];
  readonly evidence: UntrustedEvidence;
  readonly attestedPcrs: readonly number[];
  readonly policyHash: string;
  readonly nonce: Uint8Array | undefined;
  /** Overrides of the client's OS information (the platform knows its image). */
  readonly os?: { readonly distro?: string; readonly versionMajor?: number; readonly versionMinor?: number };
  readonly vmId?: string;
}

const sha256 = (b: Uint8Array | undefined): string | undefined => (b ? createHash('sha256').update(b).digest('hex') : undefined);

export function buildClaims(i: ClaimsInput): AttestationClaims {
  const has = (id: string) => i.findings.some((f) => f.id === id);
  const pcr7 = i.facts.verifiedPcrs.has(7);
  const debug = /(?:^|\s)(kgdboc=|kgdbwait|kgdbdbgp=)/.test(i.facts.kernelCmdline ?? '');
  const defaults = i.refs?.defaultKeys;
  const defaultKeys =
    pcr7 && !!defaults && sha256(i.facts.variables.PK) === defaults.PK && sha256(i.facts.variables.KEK) === defaults.KEK && sha256(i.facts.variables.db) === defaults.db;
  const os = i.evidence.os ?? {};
  return {
    secureboot: pcr7 && i.facts.secureBoot === true,
    'x-ms-attestation-type': 'azurevm',
    'x-ms-azurevm-attestation-protocol-ver': '2.0',
    'x-ms-azurevm-attested-pcrs': [...i.attestedPcrs],
    'x-ms-azurevm-bootdebug-enabled': debug,
    'x-ms-azurevm-dbvalidated': pcr7 && !!i.refs && !has('secureboot.db_modified'),
    'x-ms-azurevm-dbxvalidated': pcr7 && !!i.refs && !has('secureboot.dbx_modified'),
    'x-ms-azurevm-debuggersdisabled': !debug,
    'x-ms-azurevm-default-securebootkeysvalidated': defaultKeys,
    'x-ms-azurevm-elam-enabled': false,
    'x-ms-azurevm-flightsigning-enabled': false,
    'x-ms-azurevm-hvci-policy': 0,
    'x-ms-azurevm-hypervisordebug-enabled': false,
    'x-ms-azurevm-is-windows': false,
    'x-ms-azurevm-kerneldebug-enabled': debug,
    'x-ms-azurevm-osbuild': os.build ?? 'NotApplication',
    'x-ms-azurevm-osdistro': i.os?.distro ?? os.distro ?? i.refs?.osDistro ?? 'Linux',
    'x-ms-azurevm-ostype': os.type ?? 'Linux',
    'x-ms-azurevm-osversion-major': i.os?.versionMajor ?? os.versionMajor ?? 0,
    'x-ms-azurevm-osversion-minor': i.os?.versionMinor ?? os.versionMinor ?? 0,
    'x-ms-azurevm-signingdisabled': true,
    'x-ms-azurevm-testsigning-enabled': false,
    'x-ms-azurevm-vmid': i.vmId ?? i.evidence.vmId ?? '',
    'x-ms-policy-hash': i.policyHash,
    'x-ms-runtime': { 'client-payload': { nonce: i.nonce ? Buffer.from(i.nonce).toString('base64url') : '' } },
    'x-ms-ver': '1.0',
  };
}
