/**
 * `aks get-credentials`: merge a cluster's kubeconfig into a file as az does
 * (acs custom.py `print_or_merge_credentials` / `merge_kubernetes_configurations` / `_handle_merge`):
 *  - `--file -` prints it; otherwise the file (and its folder) is created 0600 when missing,
 *  - clusters, users and contexts are merged by name: an identical entry is replaced quietly,
 *    a different one with --overwrite-existing or when the user says so at az's prompt (on a
 *    terminal), else az's error,
 *  - current-context becomes the new one; a file readable by others gets az's warning,
 *  - the write is atomic (temporary file + rename) and refuses symbolic links,
 *  - az then says `Merged "<context>" as current context in <path>`.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../framework/errors.js';
import { confirm } from '../framework/prompt.js';
import type { Context } from '../framework/types.js';

type Named = { name?: string } & Record<string, unknown>;
type KubeConfig = Record<string, unknown> & { clusters?: Named[] | null; users?: Named[] | null; contexts?: Named[] | null };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function handleMerge(ctx: Context, existing: KubeConfig, addition: KubeConfig, key: 'clusters' | 'users' | 'contexts', replace: boolean): Promise<void> {
  const add = addition[key];
  if (!add || add.length === 0) return;
  if (!(key in existing)) {
    throw new UserError('FileOperationError', `No such key '${key}' in existing config, please confirm whether it is a valid config file. May back up this config file, delete it and retry the command.`);
  }
  const list = existing[key];
  if (!list || list.length === 0) {
    existing[key] = add;
    return;
  }
  for (const i of add) {
    const j = list.findIndex((x) => x.name && i.name && x.name === i.name);
    if (j >= 0) {
      if (!replace && !same(i, list[j])) {
        // az asks on a terminal (prompt_y_n) and refuses otherwise
        const overwrite = ctx.io.readLine ? await confirm(ctx, `A different object named ${i.name} already exists in your kubeconfig file.\nOverwrite?`) : false;
        if (!overwrite) throw new UserError('CLIError', `A different object named ${i.name} already exists in ${key} in your kubeconfig file.`);
      }
      list.splice(j, 1);
    }
    list.push(i);
  }
}

export async function mergeKubeconfig(ctx: Context, path: string, kubeconfig: string, overwrite: boolean, contextName?: string): Promise<void> {
  const { parse, stringify } = await import('yaml');
  if (path === '-') {
    ctx.io.stdout.write(kubeconfig.endsWith('\n') ? kubeconfig : `${kubeconfig}\n`);
    return;
  }
  const addition = parse(kubeconfig) as KubeConfig | null;
  if (!addition) throw new UserError('CLIError', 'failed to load additional configuration from the service');
  if (contextName) {
    const c0 = addition.contexts?.[0] as { name?: string; context?: { cluster?: string } } | undefined;
    if (c0) {
      c0.name = contextName;
      if (c0.context) c0.context.cluster = contextName;
    }
    if (addition.clusters?.[0]) addition.clusters[0].name = contextName;
    addition['current-context'] = contextName;
  }
  mkdirSync(dirname(path), { recursive: true });
  if (!existsSync(path)) writeFileSync(path, '', { mode: 0o600 });
  if (lstatSync(path).isSymbolicLink()) throw new UserError('CLIError', `Kubeconfig path "${path}" is a symbolic link. Refusing to write to prevent symlink-following attacks.`);
  let existing: KubeConfig | null;
  try {
    existing = parse(readFileSync(path, 'utf8')) as KubeConfig | null;
  } catch (e) {
    throw new UserError('CLIError', `Error parsing ${path} (${(e as Error).message})`);
  }
  if (existing === null || existing === undefined) existing = addition;
  else {
    await handleMerge(ctx, existing, addition, 'clusters', overwrite);
    await handleMerge(ctx, existing, addition, 'users', overwrite);
    await handleMerge(ctx, existing, addition, 'contexts', overwrite);
    existing['current-context'] = addition['current-context'];
  }
  const mode = lstatSync(path).mode & 0o777;
  if ((mode & 0o777) !== 0o600) ctx.log.warn(`${path} has permissions "${mode.toString(8)}".\nIt should be readable and writable only by its owner.`);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, stringify(existing, { sortMapEntries: true, indentSeq: false, lineWidth: 0 }), { mode: 0o600 });
  chmodSync(tmp, mode || 0o600);
  renameSync(tmp, path);
  ctx.log.warn(`Merged "${String(addition['current-context'] ?? 'UNKNOWN')}" as current context in ${path}`);
}

/** az's default: the first entry of KUBECONFIG (aks-preview honours it), else ~/.kube/config. */
export function defaultKubeconfigPath(ctx: Context): string {
  const first = ctx.io.env.KUBECONFIG?.split(':').find(Boolean);
  return first ?? `${ctx.io.home}/.kube/config`;
}
