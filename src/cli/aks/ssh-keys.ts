/**
 * SSH keys for `aks create`, as az handles them: --ssh-key-value (a key or a file), else
 * ~/.ssh/id_rsa.pub; --generate-ssh-keys creates an RSA 2048 pair there when it is missing
 * (az uses paramiko: PKCS#1 PEM private key, `ssh-rsa <base64>` public key); --no-ssh-key
 * sends none.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../framework/errors.js';
import type { Context } from '../framework/types.js';

/** RFC 4253 §6.6 "ssh-rsa" public key blob: string "ssh-rsa", mpint e, mpint n. */
function sshRsaBlob(e: Buffer, n: Buffer): Buffer {
  const str = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (b.length >>> (24 - 8 * i)) & 0xff)), b]);
  const mpint = (b: Buffer) => str(b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
  return Buffer.concat([str(Buffer.from('ssh-rsa')), mpint(e), mpint(n)]);
}

export function generateSshKeyPair(): { privatePem: string; publicLine: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: 65537 });
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const blob = sshRsaBlob(Buffer.from(jwk.e, 'base64url'), Buffer.from(jwk.n, 'base64url'));
  return { privatePem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicLine: `ssh-rsa ${blob.toString('base64')}` };
}

const looksLikeKey = (s: string) => /^(ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp\d+) [A-Za-z0-9+/=]+/.test(s.trim());

/** The public key to put in linuxProfile, or undefined for --no-ssh-key. */
export function sshPublicKey(ctx: Context, o: { value?: string; generate: boolean; none: boolean }): string | undefined {
  if (o.none) return undefined;
  if (o.value !== undefined) {
    if (looksLikeKey(o.value)) return o.value.trim();
    const path = o.value.replace(/^~(?=\/)/, ctx.io.home);
    if (existsSync(path)) return readFileSync(path, 'utf8').trim();
    throw new UserError('InvalidArgumentValueError', 'Provided ssh key file does not exist or the provided key is not a valid ssh public key.');
  }
  const dir = join(ctx.io.home, '.ssh');
  const pub = join(dir, 'id_rsa.pub');
  if (existsSync(pub)) return readFileSync(pub, 'utf8').trim();
  if (!o.generate) {
    throw new UserError('InvalidArgumentValueError', 'An RSA key file or key value must be supplied to SSH Key Value. You can use --generate-ssh-keys to let CLI generate one for you');
  }
  const priv = join(dir, 'id_rsa');
  const k = generateSshKeyPair();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(priv, k.privatePem, { mode: 0o600 });
  writeFileSync(pub, `${k.publicLine}\n`, { mode: 0o644 });
  ctx.log.warn(
    `SSH key files '${priv}' and '${pub}' have been generated under ~/.ssh to allow SSH access to the VM. If using machines without permanent storage like Azure Cloud Shell without an attached file share, back up your keys to a safe location`,
  );
  return k.publicLine;
}
