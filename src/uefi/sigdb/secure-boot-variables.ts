/**
 * The Secure Boot variables (UEFI 2.10 §3.3 and §32.6; shim MokVars.txt): PK and KEK under
 * EFI_GLOBAL_VARIABLE, db and dbx under EFI_IMAGE_SECURITY_DATABASE_GUID, and shim's MokList,
 * MokListX and SbatLevel under SHIM_LOCK_GUID (their runtime mirrors MokListRT, MokListXRT and
 * SbatLevelRT are accepted too).
 */
import { EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE_GUID, SHIM_LOCK_GUID, type EfiGuid } from '../../core/efi/index.js';
import { parseSbatLevel, type SbatLevel } from '../shim/sbat.js';
import { databaseFromSignatureLists, emptyDatabase, type SignatureDatabase } from './database.js';
import { findVariable, parseVariableStore, type StoredVariable } from './variable-store.js';

export interface SecureBootVariables {
  readonly PK: SignatureDatabase;
  readonly KEK: SignatureDatabase;
  readonly db: SignatureDatabase;
  readonly dbx: SignatureDatabase;
  readonly MokList: SignatureDatabase;
  readonly MokListX: SignatureDatabase;
  readonly SbatLevel: SbatLevel | undefined;
}

/** Where each variable lives: name and vendor GUID (UEFI 2.10 Table 3.4 and §32.6.1). */
export const SECURE_BOOT_VARIABLE_GUIDS: Record<'PK' | 'KEK' | 'db' | 'dbx' | 'MokList' | 'MokListX' | 'SbatLevel', EfiGuid> = {
  PK: EFI_GLOBAL_VARIABLE,
  KEK: EFI_GLOBAL_VARIABLE,
  db: EFI_IMAGE_SECURITY_DATABASE_GUID,
  dbx: EFI_IMAGE_SECURITY_DATABASE_GUID,
  MokList: SHIM_LOCK_GUID,
  MokListX: SHIM_LOCK_GUID,
  SbatLevel: SHIM_LOCK_GUID,
};

function lookup(vars: readonly StoredVariable[], name: keyof typeof SECURE_BOOT_VARIABLE_GUIDS): Uint8Array | undefined {
  const guid = SECURE_BOOT_VARIABLE_GUIDS[name];
  return (findVariable(vars, name, guid) ?? findVariable(vars, `${name}RT`, guid))?.data;
}

/** Databases from a list of variables (from an OVMF store, efivarfs, or the emulated firmware). */
export function secureBootVariables(vars: readonly StoredVariable[]): SecureBootVariables {
  const db = (name: 'PK' | 'KEK' | 'db' | 'dbx' | 'MokList' | 'MokListX') => {
    const data = lookup(vars, name);
    return data && data.length ? databaseFromSignatureLists(name, data) : emptyDatabase(name);
  };
  const sbat = lookup(vars, 'SbatLevel');
  return { PK: db('PK'), KEK: db('KEK'), db: db('db'), dbx: db('dbx'), MokList: db('MokList'), MokListX: db('MokListX'), SbatLevel: sbat?.length ? parseSbatLevel(sbat) : undefined };
}

/** Read PK, KEK, db, dbx (and shim's variables, if any) out of an OVMF_VARS image. */
export function readOvmfVars(image: Uint8Array): SecureBootVariables {
  return secureBootVariables(parseVariableStore(image));
}
