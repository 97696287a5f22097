/**
 * `tl account get-access-token`: a bearer token for the resource manager, as az prints it, so
 * any HTTP client or SDK can call the server (`curl -H "Authorization: Bearer $(tl account
 * get-access-token --query accessToken -o tsv)" …`).
 */
import { ArmClient } from '../../client/arm.js';
import { getToken } from '../../client/profile.js';
import type { CommandSpec } from '../../framework/types.js';

/** Python's datetime.fromtimestamp(t).strftime('%Y-%m-%d %H:%M:%S.%f') (local time). */
function localTime(unix: number): string {
  const d = new Date(unix * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.000000`;
}

export const command: CommandSpec = {
  summary: 'Get a token for utilities to access Azure.',
  arm: true,
  args: [
    { names: ['--resource'], help: 'Azure resource endpoints in AAD v1.0. Default to Azure Resource Manager.' },
    { names: ['--resource-type'], choices: ['aad-graph', 'arm', 'batch', 'data-lake', 'media', 'ms-graph', 'oss-rdbms'], help: 'Type of well-known resource.' },
    { names: ['--scope'], kind: 'list', help: 'Space-separated AAD scopes in AAD v2.0. Default to Azure Resource Manager.' },
    { names: ['--tenant', '-t'], help: 'Tenant ID for which the token is acquired. Only available for user and service principal account, not for MSI or Cloud Shell account.' },
  ],
  async run(ctx) {
    const arm = await ArmClient.create(ctx, { resolveSubscription: true });
    const t = await getToken(ctx.io, arm.profile);
    return { accessToken: t.accessToken, expiresOn: localTime(t.expiresOn), expires_on: t.expiresOn, subscription: arm.subscriptionId, tenant: arm.profile.tenantId, tokenType: 'Bearer' };
  },
};
