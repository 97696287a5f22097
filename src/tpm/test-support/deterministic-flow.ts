/**
 * A scripted tpm2-tools flow whose every output is fixed by the TPM 2.0 specification, given
 * the same starting PCR values: PCR extends and events, PCR reads of every PCR in two banks,
 * policy digests (PolicySecret, PolicyPCR), the Name of an externally loaded key, the Name of an
 * NV index before and after its first write, and TPM2_Hash. Run against swtpm and against our
 * simulator, the results must be identical.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tools } from './tpm2-tools.js';

/** A fixed RSA public key (generated once per process, shared by both runs). */
let sharedPem: string | undefined;
function fixedPublicPem(): string {
  sharedPem ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return sharedPem;
}

export async function deterministicFlow(t: Tools): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  writeFileSync(join(t.cwd, 'event.txt'), 'measured boot event\n');
  writeFileSync(join(t.cwd, 'pub.pem'), fixedPublicPem());
  writeFileSync(join(t.cwd, 'nvdata.bin'), Buffer.alloc(32, 0x5a));

  await t.ok('tpm2_pcrextend', '16:sha1=' + 'ab'.repeat(20) + ',sha256=' + 'cd'.repeat(32));
  out.pcrevent = await t.ok('tpm2_pcrevent', '16', 'event.txt');
  out.pcrread = await t.ok('tpm2_pcrread', 'sha1:all+sha256:all');

  await t.ok('tpm2_startauthsession', '--policy-session', '-S', 'session.ctx');
  out.policySecret = await t.ok('tpm2_policysecret', '-S', 'session.ctx', '-c', 'e');
  await t.ok('tpm2_flushcontext', 'session.ctx');

  await t.ok('tpm2_startauthsession', '-S', 'trial.ctx');
  out.policyPcr = await t.ok('tpm2_policypcr', '-S', 'trial.ctx', '-l', 'sha256:0,7,16', '-L', 'pcr.policy');
  out.policyPcrFile = readFileSync(join(t.cwd, 'pcr.policy')).toString('hex');
  await t.ok('tpm2_flushcontext', 'trial.ctx');

  out.loadExternal = await t.ok('tpm2_loadexternal', '-C', 'n', '-G', 'rsa', '-u', 'pub.pem', '-c', 'ext.ctx');
  await t.flush();

  await t.ok('tpm2_nvdefine', '0x01500016', '-C', 'o', '-s', '32', '-a', 'ownerread|ownerwrite|authread|authwrite');
  out.nvPublicBefore = await t.ok('tpm2_nvreadpublic', '0x01500016');
  await t.ok('tpm2_nvwrite', '0x01500016', '-C', 'o', '-i', 'nvdata.bin');
  out.nvPublicAfter = await t.ok('tpm2_nvreadpublic', '0x01500016');
  out.nvRead = (await t.ok('tpm2_nvread', '0x01500016', '-C', 'o', '-s', '32')).toString();
  await t.ok('tpm2_nvundefine', '0x01500016', '-C', 'o');

  await t.ok('tpm2_hash', '-g', 'sha256', '-o', 'hash.bin', 'event.txt');
  out.hash = readFileSync(join(t.cwd, 'hash.bin')).toString('hex');
  return out;
}
