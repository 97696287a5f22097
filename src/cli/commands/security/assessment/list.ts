/** `tl security assessment list`: Defender's assessments of the subscription's VMs. */
import { ArmClient } from '../../../client/arm.js';
import type { CommandSpec } from '../../../framework/types.js';

type O = Record<string, unknown>;

const out = (r: unknown): O => {
  const o = (r ?? {}) as { properties?: O } & O;
  const { properties, ...rest } = o;
  return { ...rest, ...(properties ?? {}) };
};

const row = (r: unknown) => {
  const a = r as O & { status?: { code?: string; cause?: string }; resourceDetails?: { Id?: string } };
  return { DisplayName: a.displayName ?? null, Status: a.status?.code ?? null, Cause: a.status?.cause ?? '', Resource: (a.resourceDetails?.Id ?? '').split('/').slice(-3).join('/') };
};

export const command: CommandSpec = {
  summary: 'List all security assessment results.',
  arm: true,
  args: [],
  table: (r) => (r as unknown[]).map(row),
  examples: [{ summary: 'List all security assessment results.', command: 'tl security assessment list -o table' }],
  async run(ctx) {
    const arm = await ArmClient.create(ctx);
    return ((await arm.get(arm.sub('/providers/Microsoft.Security/assessments'), '2020-01-01')).value ?? []).map(out);
  },
};
