/**
 * A sweep over the everyday tpm2-tools commands (capabilities, clock, self test, random, PCR
 * reset, primary/ordinary keys with tpm2_create -c (TPM2_CreateLoaded), signing and
 * verification, HMAC, certify, persistence, NV, startup/shutdown), flushing between tools as
 * one must without a resource manager. Returns each command's exit code.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

export async function sweep(t: Tools): Promise<Record<string, number>> {
  writeFileSync(join(t.cwd, 'msg.txt'), 'hello');
  const out: Record<string, number> = {};
  for (const c of SWEEP) {
    const [tool, ...args] = c.split(' ');
    out[c] = (await t.run(tool!, ...args)).code;
    // No resource manager on the swtpm TCTI: drop what each tool left loaded (the next tool
    // reloads what it needs from the context files).
    await t.run('tpm2_flushcontext', '-t');
  }
  return out;
}
