/** Printable text for verdicts (what `tl secureboot verify` prints without `-o json`). */
import type { BootChainVerdict } from './boot-chain.js';
import type { ImageVerdict } from './verdict.js';
import type { ModuleVerdict } from '../kmod/module-signature.js';

export function formatImageVerdict(v: ImageVerdict): string {
  const lines = [`${v.component}: ${v.allowed ? 'ALLOWED' : 'REFUSED'} — ${v.reason}`];
  if (v.signer) lines.push(`  signer:    ${v.signer}`);
  if (v.authority) lines.push(`  authority: ${v.authority.database} ${v.authority.kind === 'certificate' ? v.authority.subject : 'hash'} (sha256 ${v.authority.fingerprint})`);
  if (v.digest) lines.push(`  digest:    sha256 ${v.digest}`);
  for (const s of v.signatures) {
    const state = s.trustedBy ? `trusted by ${s.trustedBy.database}` : s.revokedBy ? `revoked by ${s.revokedBy}` : s.intact ? 'intact, not trusted' : `invalid: ${s.problem}`;
    lines.push(`  signature #${s.index + 1}: ${s.signer ?? '?'} (issuer ${s.issuer ?? '?'}) — ${state}`);
  }
  if (v.sbat?.length) lines.push(`  sbat:      ${v.sbat.map((e) => `${e.component},${e.generation}`).join(' ')}`);
  return lines.join('\n');
}

export function formatModuleVerdict(v: ModuleVerdict): string {
  const lines = [`${v.component}: ${v.allowed ? 'ALLOWED' : 'REFUSED'} — ${v.reason}`];
  if (v.signer) lines.push(`  signer:    ${v.signer}`);
  if (v.sigKey) lines.push(`  sig_key:   ${v.sigKey}`);
  if (v.authority) lines.push(`  authority: ${v.authority.database} ${v.authority.subject ?? ''}`.trimEnd());
  return lines.join('\n');
}

export function formatBootChain(v: BootChainVerdict): string {
  const head = v.allowed ? `Secure Boot: the chain boots — ${v.reason}` : `Secure Boot failure at ${v.failedComponent}: ${v.reason}`;
  const rows = v.stages.map((s) => `  [${s.allowed ? 'ok' : 'FAIL'}] ${s.stage.padEnd(10)} ${s.component} — ${s.reason} (checked by ${s.verifiedBy})`);
  return [head, ...rows].join('\n');
}
