import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../framework/errors.js';
import { formatJson, formatTsv, formatYaml } from './formats.js';
import { agentPoolOut } from './models.js';
import { addResourceGroup, flattenProperties, sdkName, toSdk } from './sdk-case.js';
import { formatTable, tabulate } from './table.js';
import { poolRow } from '../aks/tables.js';

describe('SDK names (what az prints)', () => {
  it.each([
    ['osDiskSizeGB', 'osDiskSizeGb'],
    ['enableVTPM', 'enableVtpm'],
    ['enableFIPS', 'enableFips'],
    ['enableSecureBoot', 'enableSecureBoot'],
    ['vnetSubnetID', 'vnetSubnetId'],
    ['enableNodePublicIP', 'enableNodePublicIp'],
    ['nodePublicIPPrefixID', 'nodePublicIpPrefixId'],
    ['enableUltraSSD', 'enableUltraSsd'],
    ['dnsServiceIP', 'dnsServiceIp'],
    ['nodeOSUpgradeChannel', 'nodeOsUpgradeChannel'],
    ['azurePortalFQDN', 'azurePortalFqdn'],
    ['privateFQDN', 'privateFqdn'],
    ['enableRBAC', 'enableRbac'],
    ['issuerURL', 'issuerUrl'],
    ['resourceUID', 'resourceUid'],
    ['osSKU', 'osSku'],
    ['linuxOSConfig', 'linuxOsConfig'],
    ['installGPUDriver', 'installGpuDriver'],
    ['managedOutboundIPs', 'managedOutboundIPs'],
    ['eTag', 'eTag'],
    ['maxPods', 'maxPods'],
    ['id', 'id'],
  ])('%s → %s', (wire, az) => expect(sdkName(wire)).toBe(az));

  it('keeps the keys of dictionaries and flattens AgentPool properties', () => {
    expect(toSdk({ tags: { myTag_ID: 'x' }, nodeLabels: { 'kubernetes.azure.com/x': '1' }, identityProfile: { kubeletidentity: { resourceId: 'r', objectID: 'o' } } })).toEqual({
      tags: { myTag_ID: 'x' },
      nodeLabels: { 'kubernetes.azure.com/x': '1' },
      identityProfile: { kubeletidentity: { resourceId: 'r', objectId: 'o' } },
    });
    expect(flattenProperties({ id: 'i', name: 'p', type: 'T', properties: { type: 'VirtualMachineScaleSets', count: 3 } }, { agentPool: true })).toEqual({ id: 'i', name: 'p', type: 'T', agentPoolType: 'VirtualMachineScaleSets', count: 3 });
  });

  it('adds resourceGroup to objects whose id names a resource in a group', () => {
    const o = addResourceGroup({ id: '/subscriptions/s/resourcegroups/rg1/providers/Microsoft.ContainerService/managedClusters/c', nested: [{ id: '/subscriptions/s/resourceGroups/rg2/providers/a/b/c' }], group: { id: '/subscriptions/s/resourceGroups/rg3' } });
    expect(o).toEqual({
      id: '/subscriptions/s/resourcegroups/rg1/providers/Microsoft.ContainerService/managedClusters/c',
      resourceGroup: 'rg1',
      nested: [{ id: '/subscriptions/s/resourceGroups/rg2/providers/a/b/c', resourceGroup: 'rg2' }],
      group: { id: '/subscriptions/s/resourceGroups/rg3' },
    });
  });

  it('prints a wire AgentPool as az aks nodepool show does', () => {
    const out = agentPoolOut({
      id: '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ContainerService/managedClusters/c/agentPools/p',
      name: 'p',
      type: 'Microsoft.ContainerService/managedClusters/agentPools',
      properties: { type: 'VirtualMachineScaleSets', osDiskSizeGB: 128, enableFIPS: false, securityProfile: { enableVTPM: true, enableSecureBoot: false } },
    });
    expect(out).toMatchObject({ agentPoolType: 'VirtualMachineScaleSets', osDiskSizeGb: 128, enableFips: false, securityProfile: { enableVtpm: true, enableSecureBoot: false }, resourceGroup: 'rg', vnetSubnetId: null });
    expect(out).not.toHaveProperty('properties');
  });
});

describe('output formats (knack)', () => {
  it('json: sorted keys, two-space indent, non-ASCII kept', () => {
    expect(formatJson({ b: 1, a: { d: [true, null], c: 'ção' } })).toBe('{\n  "a": {\n    "c": "ção",\n    "d": [\n      true,\n      null\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('yaml: sorted keys, sequences not indented (PyYAML safe_dump)', async () => {
    expect(await formatYaml({ b: [1, 2], a: { c: null, d: 'x' } })).toBe('a:\n  c: null\n  d: x\nb:\n- 1\n- 2\n');
  });

  it('tsv: values in key order, lists as their length, dicts empty, None and True as Python prints them', () => {
    expect(formatTsv([{ a: 'x', b: [1, 2], c: { z: 1 }, d: null, e: true }])).toBe('x\t2\t\tNone\tTrue\n');
    expect(formatTsv('Registered')).toBe('Registered\n');
    expect(formatTsv(true)).toBe('true\n');
  });

  it('table: tabulate "simple" with columns at least header + 2 wide, left-aligned', () => {
    const t = tabulate([new Map<string, unknown>([['Name', 'rg1'], ['Location', 'eastus'], ['Status', 'Succeeded']])]);
    expect(t).toBe('Name    Location    Status\n------  ----------  ---------\nrg1     eastus      Succeeded');
  });

  it('table without a transformer: sorted scalar columns, id/type/etag and None skipped', () => {
    expect(formatTable([{ name: 'n', id: 'x', type: 't', count: 3, tags: {}, flag: false, gone: null }], { queryActive: false })).toBe('Count    Flag    Name\n-------  ------  ------\n3        False   n\n');
  });

  it("node pool table: az's transformer, whose osDiskSizeGB column is always empty and left out", () => {
    const pool = { name: 'mynodepool', osType: 'Linux', orchestratorVersion: '1.33.5', vmSize: 'Standard_DS2_v2', osDiskSizeGb: 128, count: 3, maxPods: 250, provisioningState: 'Succeeded', mode: 'User' };
    expect(formatTable([pool], { transformer: (r) => (r as unknown[]).map(poolRow), queryActive: false })).toBe(
      [
        'Name        OsType    KubernetesVersion    VmSize           Count    MaxPods    ProvisioningState    Mode',
        '----------  --------  -------------------  ---------------  -------  ---------  -------------------  ------',
        'mynodepool  Linux     1.33.5               Standard_DS2_v2  3        250        Succeeded            User',
        '',
      ].join('\n'),
    );
  });
});

describe('any JSON the server might send', () => {
  it('keeps a "__proto__" key as data', () => {
    const o = toSdk(JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(['__proto__', 'a']);
    expect(formatJson(o)).toBe('{\n  "__proto__": {\n    "polluted": true\n  },\n  "a": 1\n}\n');
  });

  it('converts and prints without crashing (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (v) => {
        const sdk = toSdk(v);
        addResourceGroup(sdk);
        expect(JSON.parse(formatJson(sdk))).toEqual(JSON.parse(JSON.stringify(sdk ?? null)));
        formatTsv(sdk);
        await formatYaml(sdk);
        try {
          formatTable(sdk, { queryActive: false });
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
        }
        if (v && typeof v === 'object' && !Array.isArray(v)) agentPoolOut({ ...v, properties: v });
      }),
      { numRuns: 300 },
    );
  });
});
