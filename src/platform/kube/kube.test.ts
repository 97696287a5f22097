import { describe, expect, it } from 'vitest';
import { KIND } from '../model/keys.js';
import type { VirtualMachine } from '../model/types.js';
import { kubeHarness } from './test-support/cluster.js';

describe('nodes mirror VMs', () => {
  it('registers one Ready node per running VM with AKS and Trusted Launch labels, leases and system namespaces', async () => {
    const h = await kubeHarness({ count: 2, enableVTPM: true, enableSecureBoot: true });
    const nodes = h.nodes();
    expect(nodes.map((n) => n.metadata.name)).toEqual([expect.stringMatching(/^aks-nodepool1-\d{8}-vmss000000$/), expect.stringMatching(/^aks-nodepool1-\d{8}-vmss000001$/)]);
    const n = nodes[0]!;
    expect(n.metadata.labels).toMatchObject({
      'kubernetes.azure.com/agentpool': 'nodepool1',
      'kubernetes.azure.com/mode': 'system',
      'kubernetes.azure.com/cluster': 'MC_rg_c_eastus',
      'kubernetes.azure.com/os-sku': 'Ubuntu',
      'kubernetes.azure.com/node-image-version': expect.stringMatching(/^AKSUbuntu-2204gen2TLcontainerd-/),
      'kubernetes.azure.com/security-type': 'TrustedLaunch',
      'kubernetes.azure.com/trusted-launch': 'true',
      'kubernetes.azure.com/secure-boot': 'true',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'node.kubernetes.io/instance-type': 'Standard_DS2_v2',
      'topology.kubernetes.io/region': 'eastus',
      'topology.kubernetes.io/zone': '0',
      'kubernetes.io/hostname': n.metadata.name,
    });
    expect(n.status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(n.status.allocatable).toMatchObject({ cpu: '1900m', pods: '250' });
    expect(n.status.addresses).toEqual([{ type: 'InternalIP', address: '10.224.0.4' }, { type: 'Hostname', address: n.metadata.name }]);
    expect(nodes[1]!.status.addresses?.[0]?.address).toBe('10.224.0.5');
    expect(n.spec.providerID).toMatch(/^azure:\/\/\/subscriptions\/.+\/resourceGroups\/mc_rg_c_eastus\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/aks-nodepool1-\d{8}-vmss\/virtualMachines\/0$/);
    expect(h.get('leases', `kube-node-lease/${n.metadata.name}`)).toMatchObject({ spec: { holderIdentity: n.metadata.name } });
    expect(h.platform.kube.cache.list(h.uid, 'namespaces').map((v) => v.obj.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('puts no Trusted Launch labels on a pool without the TL image, and no vTPM/Secure Boot labels when both are off', async () => {
    const plain = await kubeHarness({ count: 1, tl: false });
    const labels = plain.nodes()[0]!.metadata.labels!;
    expect(Object.keys(labels).filter((k) => /trusted-launch|secure-boot|security-type/.test(k))).toEqual([]);
    const tlOff = await kubeHarness({ count: 1 });
    const l2 = tlOff.nodes()[0]!.metadata.labels!;
    expect(l2['kubernetes.azure.com/security-type']).toBe('TrustedLaunch');
    expect(l2['kubernetes.azure.com/trusted-launch']).toBeUndefined();
    expect(l2['kubernetes.azure.com/secure-boot']).toBeUndefined();
  });

  it('never registers a node for a VM whose boot failed', async () => {
    const h = await kubeHarness({ count: 2, hooks: { bootVm: async (vm) => (vm.instanceId === 1 ? { ok: false, failure: { code: 'SecureBootViolation', message: 'shim not signed' } } : { ok: true }) } });
    expect(h.nodes().map((n) => n.metadata.name.slice(-6))).toEqual(['000000']);
  });

  it('removes the node, its lease and its pods when the VM is deleted (scale down drains first)', async () => {
    const h = await kubeHarness({ count: 2 });
    await h.createPod('a', { nodeName: h.nodes()[1]!.metadata.name });
    await h.pass(50);
    expect(h.pods()[0]!.status.phase).toBe('Running');
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'nodepool1', { count: 1 });
    await h.pass(200);
    expect(h.nodes()).toHaveLength(1);
    expect(h.platform.kube.cache.list(h.uid, 'leases', 'kube-node-lease')).toHaveLength(1);
    // The drained pod came back Pending under the same name and was placed on the remaining node.
    expect(h.pods().map((p) => [p.metadata.name, p.spec.nodeName, p.status.phase])).toEqual([['a', h.nodes()[0]!.metadata.name, 'Running']]);
    expect(await h.store.count(KIND.vm)).toBe(1);
  });
});

describe('scheduling', () => {
  it('places a pod with the document\'s nodeSelector on a Secure Boot node and runs it', async () => {
    const h = await kubeHarness({ count: 2, enableVTPM: true, enableSecureBoot: true });
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'plain', { count: 2 });
    await h.pass(200);
    expect(h.nodes()).toHaveLength(4);
    for (let i = 0; i < 4; i++) await h.createPod(`sb-${i}`, { nodeSelector: { 'kubernetes.azure.com/secure-boot': 'true' } });
    await h.pass(50);
    const pods = h.pods();
    expect(pods.every((p) => p.status.phase === 'Running' && /aks-nodepool1-/.test(p.spec.nodeName ?? ''))).toBe(true);
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(2); // least-allocated spreads them
    expect(pods[0]!.status.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(h.events('sb-0').map((e) => (e as { reason?: string }).reason)).toContain('Scheduled');
  });

  it('leaves an unmatchable pod Pending with kube-scheduler\'s FailedScheduling wording', async () => {
    const h = await kubeHarness({ count: 3 });
    await h.createPod('web', { nodeSelector: { 'kubernetes.azure.com/secure-boot': 'true' } });
    await h.pass(50);
    const pod = h.pods()[0]!;
    expect(pod.status.phase).toBe('Pending');
    const msg = '0/3 nodes are available: 3 node(s) didn\'t match Pod\'s node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    expect(pod.status.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: msg })]);
    expect(h.events('web')).toEqual([expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', message: msg })]);
  });

  it('words resource and taint failures as kube-scheduler does', async () => {
    const h = await kubeHarness({ count: 2 });
    const [a] = h.nodes();
    await h.platform.kube.registry.guaranteedUpdate(h.uid, (await import('./resources.js')).resourceInfo('nodes'), undefined, a!.metadata.name, (n) => ({ ...n, spec: { ...(n.spec as object), taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } }));
    await h.createPod('big', { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '3' } } }] });
    await h.pass(50);
    expect(h.pods()[0]!.status.conditions?.[0]?.message).toBe(
      '0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    );
  });
});

describe('reimage drain', () => {
  it('cordons and drains each node before its reimage; a Secure Boot pod moves and then stays Pending', async () => {
    const h = await kubeHarness({ count: 1, enableVTPM: true, enableSecureBoot: true });
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'mynodepool', { count: 3, securityProfile: { enableVTPM: true, enableSecureBoot: true }, upgradeSettings: { maxSurge: '1' } });
    await h.pass(200);
    await h.createPod('web', { nodeSelector: { 'kubernetes.azure.com/secure-boot': 'true' }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.azure.com/agentpool', operator: 'In', values: ['mynodepool'] }] }] } } } });
    await h.pass(50);
    const placements: string[] = [h.pods()[0]!.spec.nodeName!];
    await h.platform.agentPools.createOrUpdate(h.sub, 'rg', 'c', 'mynodepool', { securityProfile: { enableSecureBoot: false } });
    const vmsOf = async () => (await h.store.list<VirtualMachine>(KIND.vm)).map((v) => v.value).filter((v) => v.poolKey.endsWith('/mynodepool'));
    for (let i = 0; i < 80; i++) {
      await h.pass(10, 10);
      const p = h.pods()[0];
      const vms = await vmsOf();
      // Never on a node without Secure Boot, never on a node whose VM is being reimaged.
      if (p?.spec.nodeName) {
        const node = h.get<import('./types.js').Node>('nodes', p.spec.nodeName)!;
        expect(node.metadata.labels?.['kubernetes.azure.com/secure-boot']).toBe('true');
        expect(vms.find((v) => v.computerName === p.spec.nodeName)?.stage).toBe('Running');
        if (placements[placements.length - 1] !== p.spec.nodeName) placements.push(p.spec.nodeName);
      }
    }
    expect(placements.length).toBeGreaterThanOrEqual(2);
    // Let the rollout finish and the back-off (at most 10 s) run out.
    await h.pass(15_000, 100);
    expect((await vmsOf()).every((v) => v.stage === 'Running' && v.model.generation === 2 && !v.model.secureBootEnabled)).toBe(true);
    const pod = h.pods()[0]!;
    expect(pod.status.phase).toBe('Pending');
    expect(pod.status.conditions?.[0]?.message).toBe("0/4 nodes are available: 4 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.");
    // All reimaged nodes are back, uncordoned, without the Secure Boot label.
    const pool = h.nodes().filter((n) => n.metadata.labels?.['kubernetes.azure.com/agentpool'] === 'mynodepool');
    expect(pool.every((n) => !n.spec.unschedulable && n.metadata.labels?.['kubernetes.azure.com/secure-boot'] === undefined && n.metadata.labels?.['kubernetes.azure.com/trusted-launch'] === 'true')).toBe(true);
    expect(h.events().some((e) => (e as { reason?: string }).reason === 'Drain')).toBe(true);
  });
});

describe('single-VM reimage drain (tl vm reimage)', () => {
  const NODE_RG = 'MC_rg_c_eastus';
  const vmOf = async (h: Awaited<ReturnType<typeof kubeHarness>>, name: string) => (await h.platform.vms.find(h.sub, NODE_RG, name)).vm;

  it('cordons the node and evicts its pods before the reimage, and uncordons it once it is Ready again', async () => {
    const h = await kubeHarness({ count: 2, enableVTPM: true, enableSecureBoot: true });
    const [n0, n1] = h.nodes().map((n) => n.metadata.name);
    await h.createPod('web', { nodeName: n0! });
    await h.pass(50);
    const before = h.pods()[0]!;
    expect([before.spec.nodeName, before.status.phase]).toEqual([n0, 'Running']);

    const { vm, operation } = await h.platform.vms.act(await h.platform.vms.find(h.sub, NODE_RG, n0!), 'reimage');
    expect(vm.stage).toBe('Reimaging');
    expect(operation).toBeDefined();
    // Drained before the reimage started: the node is cordoned (and tainted as the node lifecycle
    // controller taints a cordoned node), the pod was evicted, recreated and placed on the other node.
    const cordoned = h.get<import('./types.js').Node>('nodes', n0!)!;
    expect(cordoned.spec.unschedulable).toBe(true);
    expect(cordoned.spec.taints).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })]));
    expect(h.events(n0!).some((e) => (e as { reason?: string }).reason === 'Drain')).toBe(true);
    await h.pass(10, 5);
    const moved = h.pods()[0]!;
    expect(moved.metadata.name).toBe('web');
    expect(moved.metadata.uid).not.toBe(before.metadata.uid);
    expect(moved.spec.nodeName).toBe(n1);

    // Cordoned for as long as the VM is away (Reimaging, then Booting).
    const stages = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const v = await vmOf(h, n0!);
      if (v.stage === 'Running') break;
      stages.add(v.stage);
      expect(h.get<import('./types.js').Node>('nodes', n0!)!.spec.unschedulable).toBe(true);
      await h.pass(5, 5);
    }
    expect([...stages]).toEqual(['Reimaging', 'Booting']);

    await h.pass(50);
    const back = await vmOf(h, n0!);
    expect(back.stage).toBe('Running');
    expect(back.model.generation).toBe(1);
    expect(back.operationId).toBeUndefined();
    const node = h.get<import('./types.js').Node>('nodes', n0!)!;
    expect(node.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.spec.unschedulable).toBeUndefined();
    expect(node.spec.taints ?? []).not.toEqual(expect.arrayContaining([expect.objectContaining({ key: 'node.kubernetes.io/unschedulable' })]));
    expect(node.metadata.annotations?.['trusted-launch.local/cordoned-for']).toBeUndefined();
    // The new pod stays where it was placed; a new one may go to the reimaged node again.
    expect(h.pods()[0]!.spec.nodeName).toBe(n1);
    await h.createPod('again', { nodeSelector: { 'kubernetes.io/hostname': n0! } });
    await h.pass(50);
    expect(h.pods().find((p) => p.metadata.name === 'again')).toMatchObject({ spec: { nodeName: n0 }, status: { phase: 'Running' } });
  });

  it("leaves a user's cordon alone", async () => {
    const h = await kubeHarness({ count: 2 });
    const n0 = h.nodes()[0]!.metadata.name;
    const nodes = (await import('./resources.js')).resourceInfo('nodes');
    await h.platform.kube.registry.guaranteedUpdate(h.uid, nodes, undefined, n0, (cur) => ({ ...cur, spec: { ...(cur as import('./types.js').Node).spec, unschedulable: true } }));
    await h.platform.vms.act(await h.platform.vms.find(h.sub, NODE_RG, n0), 'reimage');
    await h.pass(200);
    expect((await vmOf(h, n0)).stage).toBe('Running');
    const node = h.get<import('./types.js').Node>('nodes', n0)!;
    expect(node.spec.unschedulable).toBe(true);
    expect(node.metadata.annotations?.['trusted-launch.local/cordoned-for']).toBeUndefined();
  });

  it('still reimages a VM that has no Kubernetes node (its boot failed, so it never registered)', async () => {
    let failures = 0;
    const h = await kubeHarness({ count: 2, hooks: { bootVm: async (vm) => (vm.instanceId === 1 && failures++ === 0 ? { ok: false, failure: { code: 'SecureBootViolation', message: 'shim not signed' } } : { ok: true }) } });
    const names = h.nodes().map((n) => n.metadata.name);
    expect(names).toHaveLength(1);
    const failedName = names[0]!.replace(/000000$/, '000001');
    expect((await vmOf(h, failedName)).stage).toBe('Failed');
    const { vm } = await h.platform.vms.act(await h.platform.vms.find(h.sub, NODE_RG, failedName), 'reimage');
    expect(vm.stage).toBe('Reimaging');
    await h.pass(200);
    expect((await vmOf(h, failedName)).stage).toBe('Running');
    const node = h.get<import('./types.js').Node>('nodes', failedName)!;
    expect(node.spec.unschedulable).toBeUndefined();
    expect(node.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('still reimages without a Kubernetes layer (no drain hook)', async () => {
    const h = await kubeHarness({ count: 1 });
    const { VmService } = await import('../services/vms.js');
    const bare = new VmService({ ...h.platform.ctx, hooks: {} });
    const n0 = h.nodes()[0]!.metadata.name;
    await h.createPod('web', { nodeName: n0 });
    await h.pass(50);
    const { vm } = await bare.act(await bare.find(h.sub, NODE_RG, n0), 'reimage');
    expect(vm.stage).toBe('Reimaging');
    // No drain ran: the node was not cordoned and its pod was not evicted.
    expect(h.get<import('./types.js').Node>('nodes', n0)!.spec.unschedulable).toBeUndefined();
    expect(h.pods()[0]!.spec.nodeName).toBe(n0);
    await h.pass(200);
    expect((await vmOf(h, n0)).stage).toBe('Running');
  });
});
