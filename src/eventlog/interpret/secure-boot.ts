/**
 * Secure Boot state from PCR 7 (PFP §3.3.4.8 and §10.4.4; the model of go-attestation
 * `attest/secureboot.go`):
 *   - EV_EFI_VARIABLE_DRIVER_CONFIG before the PCR 7 separator: SecureBoot, PK, KEK, db, dbx
 *     (and dbt/dbr, vendor additions);
 *   - EV_EFI_VARIABLE_AUTHORITY: the db (or shim: Shim/vendor_db/MokList) entry that verified each
 *     loaded image; firmware logs them before the separator for drivers and after it for boot
 *     applications; shim also logs SbatLevel and MokListTrusted here;
 *   - EV_EFI_ACTION "DMA Protection Disabled" (PR #235) and EV_SEPARATOR.
 * Pass the events `verify()` returned: the state is then backed by the quote. Anomalies that a
 * policy should reject (duplicate variables, a second separator, an error separator) are listed in
 * `anomalies` rather than thrown.
 */
import { EFI_CERT_SHA256_GUID, EFI_CERT_X509_GUID } from '../../core/efi/index.js';
import { decodeEvent } from '../decode/index.js';
import { EV_EFI_ACTION, EV_EFI_VARIABLE_AUTHORITY, EV_EFI_VARIABLE_DRIVER_CONFIG, EV_SEPARATOR } from '../event-types.js';
import type { TcgEvent } from '../log-types.js';
import { signatureDatabase, signatureEntry, type SignatureDatabase, type SignatureEntry } from './signature-db.js';

export interface Authority {
  readonly eventIndex: number;
  /** Variable the entry came from as logged: db, Shim, vendor_db, MokList, MokListRT… */
  readonly variable: string;
  readonly variableGuid: string;
  /** The EFI_SIGNATURE_DATA, when it decodes as one (X.509 entries also get a certificate summary). */
  readonly signature?: SignatureEntry;
}

export interface SecureBootState {
  /** SecureBoot variable's value; undefined when not measured. */
  readonly enabled: boolean | undefined;
  readonly pk?: SignatureDatabase;
  readonly kek?: SignatureDatabase;
  readonly db?: SignatureDatabase;
  readonly dbx?: SignatureDatabase;
  /** Any other EV_EFI_VARIABLE_DRIVER_CONFIG variable in PCR 7 (dbt, dbr, DeployedMode…), hex data. */
  readonly otherVariables: Readonly<Record<string, string>>;
  readonly preSeparatorAuthority: readonly Authority[];
  readonly postSeparatorAuthority: readonly Authority[];
  /** shim's SbatLevel authority event text, if logged. */
  readonly sbatLevel?: string;
  /** shim's MokListTrusted (PCR 7 authority, boolean). */
  readonly mokListTrusted?: boolean;
  readonly dmaProtectionDisabled: boolean;
  readonly separatorSeen: boolean;
  readonly anomalies: readonly string[];
}

export function secureBootState(events: readonly TcgEvent[]): SecureBootState {
  let enabled: boolean | undefined;
  const dbs: Partial<Record<'pk' | 'kek' | 'db' | 'dbx', SignatureDatabase>> = {};
  const otherVariables: Record<string, string> = {};
  const pre: Authority[] = [];
  const post: Authority[] = [];
  const anomalies: string[] = [];
  const seenVars = new Set<string>();
  let sbatLevel: string | undefined;
  let mokListTrusted: boolean | undefined;
  let dma = false;
  let separator = false;
  for (const e of events) {
    if (e.pcrIndex !== 7) continue;
    if (e.eventType === EV_SEPARATOR) {
      if (separator) anomalies.push(`event ${e.index}: second PCR 7 separator`);
      const d = decodeEvent(e);
      if (d.kind !== 'separator' || d.error) anomalies.push(`event ${e.index}: PCR 7 separator signals an error`);
      separator = true;
      continue;
    }
    if (e.eventType === EV_EFI_ACTION) {
      const d = decodeEvent(e);
      if (d.kind === 'text' && /^DMA Protection Disabled$/i.test(d.text)) dma = true;
      continue;
    }
    const d = decodeEvent(e);
    if (d.kind === 'error') {
      anomalies.push(`event ${e.index}: ${d.error.message}`);
      continue;
    }
    if (d.kind !== 'variable') continue;
    const v = d.variable;
    if (e.eventType === EV_EFI_VARIABLE_DRIVER_CONFIG) {
      if (separator) anomalies.push(`event ${e.index}: ${v.UnicodeName} measured after the PCR 7 separator`);
      const key = `${v.VariableName}/${v.UnicodeName}`;
      if (seenVars.has(key)) anomalies.push(`event ${e.index}: ${v.UnicodeName} measured twice`);
      seenVars.add(key);
      switch (v.UnicodeName) {
        case 'SecureBoot': enabled = v.VariableData.length === 1 && v.VariableData[0] === 1; break;
        case 'PK': dbs.pk = signatureDatabase(v.VariableData, v.dataOffset); break;
        case 'KEK': dbs.kek = signatureDatabase(v.VariableData, v.dataOffset); break;
        case 'db': dbs.db = signatureDatabase(v.VariableData, v.dataOffset); break;
        case 'dbx': dbs.dbx = signatureDatabase(v.VariableData, v.dataOffset); break;
        default: otherVariables[v.UnicodeName] = Buffer.from(v.VariableData).toString('hex');
      }
      continue;
    }
    if (e.eventType === EV_EFI_VARIABLE_AUTHORITY) {
      if (v.UnicodeName === 'SbatLevel') { sbatLevel = new TextDecoder().decode(v.VariableData); continue; }
      if (v.UnicodeName === 'MokListTrusted') { mokListTrusted = v.VariableData.length === 1 && v.VariableData[0] !== 0; continue; }
      const a: Authority = {
        eventIndex: e.index, variable: v.UnicodeName, variableGuid: v.VariableName,
        ...(d.value.kind === 'signatureData' ? { signature: signatureEntry(guessType(d.value.signature.SignatureData), d.value.signature.SignatureOwner, d.value.signature.SignatureData) } : {}),
      };
      (separator ? post : pre).push(a);
    }
  }
  return { enabled, ...dbs, otherVariables, preSeparatorAuthority: pre, postSeparatorAuthority: post, sbatLevel, mokListTrusted, dmaProtectionDisabled: dma, separatorSeen: separator, anomalies };
}

/** An authority event carries one EFI_SIGNATURE_DATA without its list's type: DER certificates start with SEQUENCE. */
function guessType(data: Uint8Array): string {
  if (data.length > 4 && data[0] === 0x30 && data[1] === 0x82) return EFI_CERT_X509_GUID;
  if (data.length === 32) return EFI_CERT_SHA256_GUID;
  return '00000000-0000-0000-0000-000000000000';
}
