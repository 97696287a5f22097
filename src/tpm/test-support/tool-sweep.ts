/**
 * A sweep over the everyday tpm2-tools commands (capabilities, clock, self test, random, PCR
 * reset/event/read, primary/ordinary keys with tpm2_create -c (TPM2_CreateLoaded), external
 * keys, signing and verification, HMAC, certify, persistence, NV, startup/shutdown), flushing
 * between tools as one must without a resource manager. Returns each command's exit code and
 * standard output, in order; `compareOutputs` says what of two TPMs' outputs must be equal.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Tools } from './tpm2-tools.js';

export const SWEEP: readonly string[] = [
  'tpm2_getcap algorithms',
  'tpm2_getcap commands',
  'tpm2_getcap properties-fixed',
  'tpm2_getcap properties-variable',
  'tpm2_getcap pcrs',
  'tpm2_getcap ecc-curves',
  'tpm2_getcap handles-transient',
  'tpm2_getcap handles-persistent',
  'tpm2_getcap handles-nv-index',
  'tpm2_getcap handles-loaded-session',
  'tpm2_getcap handles-saved-session',
  'tpm2_getcap handles-permanent',
  'tpm2_getcap handles-pcr',
  'tpm2_readclock',
  'tpm2_selftest',
  'tpm2_gettestresult',
  'tpm2_getrandom --hex 8',
  'tpm2_pcrreset 16',
  'tpm2_pcrreset 0',
  'tpm2_pcrevent 16 msg.txt',
  'tpm2_pcrread sha1:0,1,2,3,4,5,6,7,16+sha256:0,1,2,3,4,5,6,7,16',
  'tpm2_hash -C n -g sha256 --hex msg.txt',
  'tpm2_createprimary -C o -c prim.ctx',
  'tpm2_create -C prim.ctx -G ecc -u k.pub -r k.priv',
  'tpm2_load -C prim.ctx -u k.pub -r k.priv -c k.ctx',
  'tpm2_sign -c k.ctx -g sha256 -o sig.bin msg.txt',
  'tpm2_verifysignature -c k.ctx -g sha256 -m msg.txt -s sig.bin -t tk.bin',
  'tpm2_createprimary -C o -c prim.ctx',
  'tpm2_create -C prim.ctx -G hmac -c hk.ctx',
  'tpm2_hmac -c hk.ctx --hex msg.txt',
  'tpm2_createprimary -C o -c prim.ctx',
  'tpm2_create -C prim.ctx -G rsa -u r.pub -r r.priv',
  'tpm2_load -C prim.ctx -u r.pub -r r.priv -c r.ctx',
  'tpm2_certify -c r.ctx -C r.ctx -g sha256 -o att.bin -s att.sig',
  'tpm2_loadexternal -C n -G ecc -u ext-ecc.pem -c ext.ctx',
  'tpm2_readpublic -c ext.ctx',
  'tpm2_loadexternal -C n -G rsa -u ext-rsa.pem -c extr.ctx',
  'tpm2_readpublic -c extr.ctx',
  'tpm2_readpublic -c 0x81010001',
  'tpm2_nvreadpublic 0x1c00002',
  'tpm2_createprimary -C e -c eprim.ctx',
  'tpm2_evictcontrol -C o -c eprim.ctx 0x81000010',
  'tpm2_evictcontrol -C o -c 0x81000010',
  'tpm2_createpolicy --policy-pcr -l sha256:0,1 -L pcr.pol',
  'tpm2_nvdefine 0x1500030 -C o -s 64 -a ownerread|ownerwrite|policywrite',
  'tpm2_nvreadpublic 0x1500030',
  'tpm2_nvundefine 0x1500030 -C o',
  'tpm2_shutdown -c',
  'tpm2_startup -c',
];

/** Fixed public keys for tpm2_loadexternal: their Names (and readpublic output) are the same on every TPM. */
const EXT_ECC_PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEUHMhIHjc220BASIiDoEluLMkBMbq
lKxm4gl4oHneWCTFM3XGfx4Ughgg4fzqvwv5aKCpByJGSkDFO9BX3c9fjw==
-----END PUBLIC KEY-----
`;
const EXT_RSA_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA4y40ziZk3CzoG6v5bBeR
BXRWuVnfhrSgVo9/6ShiAljRTn1QgMGtT+4E1z+T4nqaYvkZFNS73yX1mgsPN8sZ
NlUbZIa8+Wt9ov8NHEAtEbfHnMWe4bCLsxrpCBPCeM6lF99kC5C4ADqYqP9Hkolx
mWYo9cpvgO5Mn4hAmRxWVPNzm9uT+sZnTmI5dHmoWSEWZ8R/ZUp+i25Kk5C+JtXS
MiW0iGg1pesjH/kfwQzk7nvCUuEXXsWK//IB/WC1NDfo0jVnME6vM3/x70i5eoE5
hPLvcMC6MtI65Huz5YUi+jIhPUTlUDPF4z/wCzuxQlXeDVpACYqK6B2TDUWfHgH8
pwIDAQAB
-----END PUBLIC KEY-----
`;

export interface SweepStep {
  command: string;
  code: number;
  stdout: string;
}

export async function sweep(t: Tools): Promise<SweepStep[]> {
  writeFileSync(join(t.cwd, 'msg.txt'), 'hello');
  writeFileSync(join(t.cwd, 'ext-ecc.pem'), EXT_ECC_PEM);
  writeFileSync(join(t.cwd, 'ext-rsa.pem'), EXT_RSA_PEM);
  const out: SweepStep[] = [];
  for (const command of SWEEP) {
    const [tool, ...args] = command.split(' ');
    const r = await t.run(tool!, ...args);
    out.push({ command, code: r.code, stdout: r.stdout });
    // No resource manager on the swtpm TCTI: drop what each tool left loaded (the next tool
    // reloads what it needs from the context files).
    await t.run('tpm2_flushcontext', '-t');
  }
  return out;
}

/*
 * What legitimately differs between swtpm (libtpms) and the simulator, and is normalised away
 * before the outputs are compared. Everything else a tool prints must be equal.
 *
 *  - Vendor and build identity: TPM2_PT_MANUFACTURER, VENDOR_STRING_1..4, FIRMWARE_VERSION_1/2,
 *    and the library REVISION / DAY_OF_YEAR / YEAR (libtpms implements spec 1.64, the simulator
 *    claims 1.59).
 *  - Implementation sizing the specification only bounds from below or leaves open:
 *    HR_PERSISTENT_MIN, NV_INDEX_MAX, MAX_OBJECT_CONTEXT, MAX_SESSION_CONTEXT, and CONTEXT_HASH
 *    (context blobs are opaque to the caller; libtpms protects them with SHA-512, the simulator
 *    with SHA-256).
 *  - Platform-specific specification claims: PS_FAMILY_INDICATOR / PS_REVISION / PS_DAY_OF_YEAR /
 *    PS_YEAR (the simulator claims the PC Client platform spec, family 1 revision 1.05; libtpms
 *    puts the library's "2.0" there).
 *  - Sets the simulator implements a subset of (algorithms, commands, ECC curves): compared on
 *    the entries both list, with what only swtpm lists reported (the test pins those lists), and
 *    the counts that follow from them (TOTAL_COMMANDS, LIBRARY_COMMANDS, LOADED_CURVES; the test
 *    checks each equals its own TPM's list). NV_COUNTERS_AVAIL: the simulator implements no NV
 *    counters (no TPM2_NV_Increment) and reports 0 available; libtpms reports 25.
 *  - Manufacturing: swtpm_setup and manufactureVtpm provision different keys and certificates
 *    (swtpm_setup: EKs 0x81010001 and 0x81010016, their certificates and a platform certificate
 *    at 0x01C08000; ours: EKs 0x81010001/0x81010002, the AK 0x81000003 and their certificates),
 *    so HR_PERSISTENT(_AVAIL), HR_NV_INDEX and the persistent/NV handle lists
 *    differ; both must hold the TCG RSA EK 0x81010001 and its certificate index 0x01C00002, whose
 *    public area (readpublic) and NV attributes (nvreadpublic) are compared without the parts
 *    derived from each TPM's own seed or certificate: unique, Name, qualified Name, NV size.
 *  - Randomness and each TPM's own seeds: getrandom bytes, primary and ordinary keys' unique
 *    fields (rsa, x/y, keyedhash), the Names of those keys, HMAC values under them.
 *  - Time: readclock's time, clock and reset_count (swtpm_setup power-cycled its TPM while
 *    manufacturing); restart_count and safe are compared.
 */
const IDENTITY_AND_SIZING = [
  'TPM2_PT_REVISION', 'TPM2_PT_DAY_OF_YEAR', 'TPM2_PT_YEAR', 'TPM2_PT_MANUFACTURER',
  'TPM2_PT_VENDOR_STRING_1', 'TPM2_PT_VENDOR_STRING_2', 'TPM2_PT_VENDOR_STRING_3', 'TPM2_PT_VENDOR_STRING_4',
  'TPM2_PT_FIRMWARE_VERSION_1', 'TPM2_PT_FIRMWARE_VERSION_2',
  'TPM2_PT_HR_PERSISTENT_MIN', 'TPM2_PT_NV_INDEX_MAX', 'TPM2_PT_MAX_OBJECT_CONTEXT', 'TPM2_PT_MAX_SESSION_CONTEXT', 'TPM2_PT_CONTEXT_HASH',
  'TPM2_PT_PS_FAMILY_INDICATOR', 'TPM2_PT_PS_REVISION', 'TPM2_PT_PS_DAY_OF_YEAR', 'TPM2_PT_PS_YEAR',
  'TPM2_PT_TOTAL_COMMANDS', 'TPM2_PT_LIBRARY_COMMANDS',
];
const VARIABLE_STATE = ['TPM2_PT_HR_PERSISTENT', 'TPM2_PT_HR_PERSISTENT_AVAIL', 'TPM2_PT_HR_NV_INDEX', 'TPM2_PT_NV_COUNTERS_AVAIL', 'TPM2_PT_LOADED_CURVES'];
/** TCG-assigned handles both TPMs provision: the RSA EK and its certificate's NV index. */
const TCG_PERSISTENT = ['0x81010001'];
const TCG_NV = ['0x1C00002'];

type Yaml = Record<string, unknown>;
/** tpm2-tools' YAML, every scalar kept as the string printed (no number or boolean coercion). */
const yaml = (s: string): Yaml => (parse(s, { schema: 'failsafe' }) ?? {}) as Yaml;
const without = (m: Yaml, keys: readonly string[]): Yaml => Object.fromEntries(Object.entries(m).filter(([k]) => !keys.includes(k)));
const replaced = (m: Yaml, keys: readonly string[]): Yaml => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, keys.includes(k) ? '<differs by design>' : v]));

export interface OutputComparison {
  /** The two outputs as they must be equal. */
  theirs: unknown;
  ours: unknown;
  /** For sets the simulator implements a subset of: the entries only one side lists. */
  onlyTheirs?: string[];
  onlyOurs?: string[];
}

/** What of `command`'s output on swtpm (`theirs`) and on the simulator (`ours`) must be equal. */
export function compareOutputs(command: string, theirs: string, ours: string): OutputComparison {
  const [tool, ...args] = command.split(' ');
  const sub = args[0];
  if (tool === 'tpm2_getcap' && (sub === 'algorithms' || sub === 'commands' || sub === 'ecc-curves')) {
    const a = yaml(theirs);
    const b = yaml(ours);
    const common = Object.keys(b).filter((k) => k in a);
    return {
      theirs: Object.fromEntries(common.map((k) => [k, a[k]])),
      ours: Object.fromEntries(common.map((k) => [k, b[k]])),
      onlyTheirs: Object.keys(a).filter((k) => !(k in b)),
      onlyOurs: Object.keys(b).filter((k) => !(k in a)),
    };
  }
  if (command === 'tpm2_getcap properties-fixed') return { theirs: without(yaml(theirs), IDENTITY_AND_SIZING), ours: without(yaml(ours), IDENTITY_AND_SIZING) };
  if (command === 'tpm2_getcap properties-variable') return { theirs: without(yaml(theirs), VARIABLE_STATE), ours: without(yaml(ours), VARIABLE_STATE) };
  if (command === 'tpm2_getcap handles-persistent' || command === 'tpm2_getcap handles-nv-index') {
    const tcg = sub === 'handles-persistent' ? TCG_PERSISTENT : TCG_NV;
    const pick = (s: string) => (parse(s, { schema: 'failsafe' }) as string[]).map((h) => h.toUpperCase().replace(/^0X/, '0x')).filter((h) => tcg.includes(h));
    return { theirs: pick(theirs), ours: pick(ours) };
  }
  if (tool === 'tpm2_readclock') {
    const clock = (s: string) => {
      const m = yaml(s);
      const info = m.clock_info as Yaml;
      return { ...replaced(m, ['time']), clock_info: replaced(info, ['clock', 'reset_count']) };
    };
    return { theirs: clock(theirs), ours: clock(ours) };
  }
  if (tool === 'tpm2_getrandom' || tool === 'tpm2_hmac') {
    // Random bytes / an HMAC under a random key: the same length of lowercase hex.
    const shape = (s: string) => s.replace(/[0-9a-f]/g, 'x');
    return { theirs: shape(theirs), ours: shape(ours) };
  }
  if (tool === 'tpm2_createprimary' || tool === 'tpm2_create') {
    const unique = ['rsa', 'x', 'y', 'keyedhash', 'symcipher'];
    return { theirs: replaced(yaml(theirs), unique), ours: replaced(yaml(ours), unique) };
  }
  if (tool === 'tpm2_load') return { theirs: replaced(yaml(theirs), ['name']), ours: replaced(yaml(ours), ['name']) };
  if (command === 'tpm2_readpublic -c 0x81010001') {
    const seeded = ['name', 'qualified name', 'rsa'];
    return { theirs: replaced(yaml(theirs), seeded), ours: replaced(yaml(ours), seeded) };
  }
  if (command === 'tpm2_nvreadpublic 0x1c00002') {
    const nv = (s: string) => {
      const m = yaml(s);
      return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, replaced(v as Yaml, ['name', 'size'])]));
    };
    return { theirs: nv(theirs), ours: nv(ours) };
  }
  // Everything else is deterministic and printed the same: self test, handles, PCR values and
  // events, hashes, external keys' Names and public areas, NV index publics, policy digests,
  // persistence messages, and the tools that print nothing.
  return { theirs, ours };
}
