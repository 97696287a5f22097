/**
 * `tl aks nodepool update` (aks-preview `aks_agentpool_update`): GET the pool, apply the
 * changes in aks-preview's order (… secure boot, vTPM …), PUT it back, wait. Turning vTPM or
 * Secure Boot on or off reimages every node; on a terminal a bar per node shows it.
 */
import { ArmClient } from '../../../client/arm.js';
import { longRunning } from '../../../client/long-running.js';
import { aksApiVersion, poolPath } from '../../../aks/api.js';
import { writableProperties } from '../../../aks/agent-pool-body.js';
import * as A from '../../../aks/args.js';
import { reimageDetail } from '../../../aks/reimage-progress.js';
import { exclusive, parseLabels, parseTaints, validateMaxSurge } from '../../../aks/validators.js';
import { NO_WAIT, parseTags, RESOURCE_GROUP, YES } from '../../../framework/common-args.js';
import { UserError } from '../../../framework/errors.js';
import { confirm } from '../../../framework/prompt.js';
import type { Args, CommandSpec } from '../../../framework/types.js';
import { agentPoolOut } from '../../../output/models.js';

const UPDATE_FLAGS: readonly [string, string][] = [
  ['tags', '--tags'], ['mode', '--mode'], ['maxSurge', '--max-surge'], ['labels', '--labels'], ['nodeTaints', '--node-taints'],
  ['enableSecureBoot', '--enable-secure-boot'], ['disableSecureBoot', '--disable-secure-boot'], ['enableVtpm', '--enable-vtpm'], ['disableVtpm', '--disable-vtpm'],
];

function apply(props: Record<string, unknown>, a: Args): boolean {
  let security = false;
  const tags = parseTags(a.tags as string[] | undefined);
  if (tags) props.tags = tags;
  if (a.mode) props.mode = a.mode;
  validateMaxSurge(a.maxSurge as string | undefined);
  if (a.maxSurge !== undefined) props.upgradeSettings = { ...(props.upgradeSettings as object | undefined), maxSurge: a.maxSurge };
  const labels = parseLabels(a.labels as string[] | undefined);
  if (labels) props.nodeLabels = labels;
  const taints = parseTaints(a.nodeTaints as string | undefined);
  if (taints) props.nodeTaints = taints;
  const sec = { ...((props.securityProfile as Record<string, unknown> | undefined) ?? {}) };
  if (a.enableSecureBoot || a.disableSecureBoot) {
    sec.enableSecureBoot = a.enableSecureBoot === true;
    security = true;
  }
  if (a.enableVtpm || a.disableVtpm) {
    sec.enableVTPM = a.enableVtpm === true;
    security = true;
  }
  if (security) props.securityProfile = sec;
  return security;
}

export const command: CommandSpec = {
  summary: 'Update a node pool properties.',
  long: 'Update a node pool to enable/disable cluster-autoscaler or change min-count or max-count. When called with no optional arguments this attempts to move the node pool to its goal state without changing the current node pool configuration. This can be used to move out of a non succeeded state.',
  arm: true,
  alteredBy: 'aks-preview',
  args: [
    A.CLUSTER_NAME, A.NODEPOOL_NAME, RESOURCE_GROUP, A.MODE, A.LABELS, A.NODE_TAINTS, A.MAX_SURGE, A.NODEPOOL_TAGS, NO_WAIT, YES,
    A.ENABLE_SECURE_BOOT_UPDATE, A.DISABLE_SECURE_BOOT, A.ENABLE_VTPM_UPDATE, A.DISABLE_VTPM,
  ],
  examples: [
    { summary: 'Enable Secure Boot and vTPM on a node pool with a Trusted Launch image (reimages its nodes).', command: 'az aks nodepool update --cluster-name myAKSCluster --resource-group myResourceGroup --name mynodepool --enable-secure-boot --enable-vtpm', extension: 'aks-preview' },
    { summary: 'Disable Secure Boot.', command: 'az aks nodepool update --cluster-name myAKSCluster --resource-group myResourceGroup --name mynodepool --disable-secure-boot', extension: 'aks-preview' },
  ],
  async run(ctx, a) {
    exclusive(a, 'enableSecureBoot', 'disableSecureBoot', '--enable-secure-boot', '--disable-secure-boot');
    exclusive(a, 'enableVtpm', 'disableVtpm', '--enable-vtpm', '--disable-vtpm');
    const present = UPDATE_FLAGS.filter(([k]) => a[k] !== undefined);
    if (present.length === 0 && !a.yes) {
      const reconcile = ctx.io.readLine ? await confirm(ctx, 'no argument specified to update would you like to reconcile to current settings?', true) : false;
      if (!reconcile) throw new UserError('RequiredArgumentMissingError', `Please specify one or more of ${UPDATE_FLAGS.map(([, f]) => `"${f}"`).join(' or ')}.`);
    }
    const rg = a.resourceGroup as string;
    const cluster = a.clusterName as string;
    const name = a.nodepoolName as string;
    const api = aksApiVersion(ctx);
    const arm = await ArmClient.create(ctx);
    const url = poolPath(arm, rg, cluster, name);
    const pool = (await arm.get(url, api)) as { properties: Record<string, unknown> };
    const props = writableProperties(pool.properties);
    const before = JSON.stringify((pool.properties.securityProfile as object | undefined) ?? {});
    const security = apply(props, a);
    const reimage = security && JSON.stringify(props.securityProfile) !== before;
    const r = await arm.send('PUT', url, { apiVersion: api, body: { properties: props } });
    const detail = reimage && !a.noWait && ctx.io.stderr.isTTY && !ctx.globals.onlyShowErrors ? await reimageDetail(arm, rg, cluster, name, api).catch(() => undefined) : undefined;
    const out = await longRunning(ctx, arm, r, { noWait: a.noWait === true, resourceUrl: url, apiVersion: api, ...(detail ? { detail } : {}) });
    return out === undefined ? undefined : agentPoolOut(out);
  },
};
