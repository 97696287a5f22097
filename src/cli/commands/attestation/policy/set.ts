/**
 * `tl attestation policy set --resource-group RG --cluster-name C [--policy-file FILE]
 *  [--secure-boot require|audit] [--allow-module NAME=SHA256 …] [--allow-kernel-cmdline LINE …]
 *  [--quarantine true|false]`: changes apply on top of the current policy (a file replaces it).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ArmClient } from '../../../client/arm.js';
import { UserError } from '../../../framework/errors.js';
import { RESOURCE_GROUP } from '../../../framework/common-args.js';
import type { CommandSpec } from '../../../framework/types.js';
import { CLUSTER, clusterPath, flatten, PLATFORM_API } from '../_shared.js';

export const command: CommandSpec = {
  summary: "Set a cluster's attestation policy or its quarantine setting.",
  arm: true,
  args: [
    RESOURCE_GROUP,
    CLUSTER,
    { names: ['--policy-file'], help: 'A JSON policy document (as `policy show` prints under "policy") that replaces the current one.' },
    { names: ['--secure-boot'], choices: ['require', 'audit'], help: 'require: a node with Secure Boot off attests Unhealthy (default); audit: the finding is reported but suppressed.' },
    { names: ['--allow-module'], kind: 'list', help: 'Kernel modules to accept besides the image\'s: NAME=SHA256 or SHA256 (space-separated).' },
    { names: ['--allow-kernel-cmdline'], kind: 'list', help: 'Kernel command lines to accept besides the image\'s, as grub measures them.' },
    { names: ['--quarantine'], choices: ['true', 'false'], help: 'Taint nodes that attest Unhealthy kubernetes.azure.com/attestation-failed=true:NoSchedule until they attest Healthy.' },
  ],
  examples: [
    { summary: 'Report Secure Boot off without failing attestation (Azure: "you can suppress this alert").', command: 'tl attestation policy set -g myResourceGroup --cluster-name myAKSCluster --secure-boot audit' },
    { summary: 'Quarantine nodes that fail attestation.', command: 'tl attestation policy set -g myResourceGroup --cluster-name myAKSCluster --quarantine true' },
  ],
  async run(ctx, a) {
    const arm = await ArmClient.create(ctx);
    const path = `${clusterPath(arm, a.resourceGroup as string, a.clusterName as string)}/providers/TrustedLaunch.Platform/attestationPolicies/default`;
    const current = flatten(await arm.get(path, PLATFORM_API)) as { policy: Record<string, unknown> };
    let policy: Record<string, unknown> = { ...current.policy };
    if (a.policyFile) {
      const file = resolve(ctx.io.cwd, a.policyFile as string);
      try {
        policy = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        throw new UserError('FileOperationError', `Cannot read the policy file ${file}: ${(e as Error).message}`);
      }
    }
    if (a.secureBoot) policy.secureBoot = a.secureBoot;
    if (a.allowModule) {
      const mods = [...((policy.allowedModules as unknown[]) ?? [])];
      for (const m of a.allowModule as string[]) {
        const i = m.lastIndexOf('=');
        mods.push(i > 0 ? { name: m.slice(0, i), sha256: m.slice(i + 1) } : { sha256: m });
      }
      policy.allowedModules = mods;
    }
    if (a.allowKernelCmdline) policy.allowedKernelCommandLines = [...((policy.allowedKernelCommandLines as unknown[]) ?? []), ...(a.allowKernelCmdline as string[])];
    const body = { properties: { policy, ...(a.quarantine ? { quarantine: a.quarantine === 'true' } : {}) } };
    return flatten((await arm.send('PUT', path, { apiVersion: PLATFORM_API, body })).json);
  },
};
