/**
 * The Node a VM should have, as a pure function of the VM, its pool, its cluster, its
 * attestation record and the Node that exists (the kubelet's registration and status, the
 * node lifecycle controller's conditions, AKS's labels):
 *
 *   VM Running                      → Ready (kubelet is posting ready status)
 *   VM Booting/Reimaging/Stopped/   → every condition Unknown, "Kubelet stopped posting node
 *     Failed/Deleting, Node exists    status." (and the unreachable taints), labels kept
 *   VM not yet Running, no Node     → no Node: a VM whose boot failed never registers
 *
 * Attestation (issue 8's records): Unhealthy keeps the node Ready and sets the
 * `AttestationFailed` condition; with the cluster's quarantine setting the node also gets
 * `kubernetes.azure.com/attestation-failed=true:NoSchedule` until it attests Healthy again.
 */
import { allocatable as sizeAllocatable, findVmSize } from '../../catalog/vm-sizes.js';
import type { AgentPool, ManagedCluster, VirtualMachine } from '../../model/types.js';
import { parseTaint } from '../../rules/agent-pool.js';
import { formatCpu, formatMemoryKi } from '../quantity.js';
import { kubeTime, type Condition, type Node, type Taint } from '../types.js';
import { nodeInternalIp, podCidr } from './addresses.js';
import { systemNodeLabels } from './labels.js';
import { normalizeNodeTaints } from './lifecycle.js';
import { isReservedLabel } from './reserved.js';

export interface AttestationRecord {
  readonly status: 'Healthy' | 'Unhealthy' | 'PlatformError';
  readonly findings: readonly { readonly id: string; readonly component: string; readonly message: string; readonly suppressed?: boolean }[];
  readonly at: number;
}

export const QUARANTINE_TAINT = 'kubernetes.azure.com/attestation-failed';
/** Annotations the platform keeps on nodes to remember what it set (so it can take it back). */
export const ANNOTATION_POOL_LABELS = 'trusted-launch.local/nodepool-labels';
export const ANNOTATION_POOL_TAINTS = 'trusted-launch.local/nodepool-taints';
export const ANNOTATION_CORDONED_FOR = 'trusted-launch.local/cordoned-for';

/**
 * The value of ANNOTATION_CORDONED_FOR the drain writes: `Reason@generation@lastBootAt` — the VM's
 * model generation and boot (ms) the node was drained on. (Written before as `Reason@generation`.)
 */
export const cordonedFor = (reason: 'Reimage' | 'Delete', vm: VirtualMachine): string => `${reason}@${vm.model.generation}@${vm.lastBootAt ?? 0}`;

/**
 * Whether a node the platform cordoned for a reimage is back: its VM runs again and has been
 * reimaged since the drain — either onto a newer pool generation (pool update) or, for a single
 * VM's reimage that keeps the generation, it has booted since (its lastBootAt moved past the boot
 * recorded at the drain). Until then the node stays cordoned, also while the VM is Reimaging or
 * Booting, or if its boot failed.
 */
export function uncordonAfterReimage(annotation: string, vm: VirtualMachine, up: boolean): boolean {
  const [reason, gen, bootAt] = annotation.split('@');
  if (!up || reason !== 'Reimage') return false;
  if (vm.model.generation > Number(gen)) return true;
  return bootAt !== undefined && (vm.lastBootAt ?? 0) > Number(bootAt);
}

export interface NodeInputs {
  readonly vm: VirtualMachine;
  readonly pool: AgentPool;
  readonly cluster: ManagedCluster;
  readonly attestation?: AttestationRecord;
  readonly quarantine: boolean;
  /** Address index for a new node (ignored when the node exists). */
  readonly index: number;
  readonly uid: string;
  readonly now: number;
  readonly existing?: Node;
}

export function providerId(vm: VirtualMachine): string {
  return `azure:///subscriptions/${vm.subscriptionId}/resourceGroups/${vm.nodeResourceGroup.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${vm.vmssName}/virtualMachines/${vm.instanceId}`;
}

/** The store key of the VM behind a providerID (undefined for nodes that are not ours). */
export function vmKeyOfProviderId(id: string | undefined): string | undefined {
  const m = id?.match(/^azure:\/\/\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/([^/]+)\/virtualMachines\/(\d+)$/i);
  return m ? `${m[1]!.toLowerCase()}/${m[2]!.toLowerCase()}/${m[3]!.toLowerCase()}/${m[4]!.padStart(6, '0')}` : undefined;
}

function osImage(pool: AgentPool): { osImage: string; kernelVersion: string } {
  if (pool.osType === 'Windows') return { osImage: pool.osSKU === 'Windows2019' ? 'Windows Server 2019 Datacenter' : 'Windows Server 2022 Datacenter', kernelVersion: '10.0.20348.3207' };
  if (pool.osSKU === 'AzureLinux' || pool.osSKU === 'CBLMariner') return { osImage: 'CBL-Mariner/Linux', kernelVersion: '5.15.173.1-2.cm2' };
  const old = Number(pool.orchestratorVersion.split('.')[1]) <= 24;
  return old ? { osImage: 'Ubuntu 18.04.6 LTS', kernelVersion: '5.4.0-1109-azure' } : { osImage: 'Ubuntu 22.04.5 LTS', kernelVersion: '5.15.0-1079-azure' };
}

/** Keep a condition's lastTransitionTime when its status did not change. */
function condition(prev: Node | undefined, c: Omit<Condition, 'lastTransitionTime' | 'lastHeartbeatTime'>, t: string): Condition {
  const old = prev?.status?.conditions?.find((x) => x.type === c.type);
  const same = old && old.status === c.status && old.reason === c.reason && old.message === c.message;
  if (same) return old;
  return { type: c.type, status: c.status, lastHeartbeatTime: t, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime ?? t : t, reason: c.reason!, message: c.message! };
}

function kubeletConditions(prev: Node | undefined, up: boolean, t: string): Condition[] {
  const unknown = (type: string) => ({ type, status: 'Unknown' as const, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
  if (!up) return ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => condition(prev, unknown(type), t));
  return [
    condition(prev, { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' }, t),
    condition(prev, { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' }, t),
    condition(prev, { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' }, t),
    condition(prev, { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }, t),
  ];
}

/**
 * The attestation condition. Its message carries no time (the condition's own times say when it
 * changed), so a periodic attestation with the same outcome does not rewrite 5,000 Nodes.
 */
function attestationCondition(prev: Node | undefined, a: AttestationRecord, t: string): Condition {
  if (a.status === 'Healthy') return condition(prev, { type: 'AttestationFailed', status: 'False', reason: 'AttestationHealthy', message: 'Boot chain attested Healthy.' }, t);
  if (a.status === 'PlatformError') return condition(prev, { type: 'AttestationFailed', status: 'Unknown', reason: 'AttestationPlatformError', message: `Attestation could not be completed: ${a.findings.map((f) => f.message).join('; ') || 'platform error'}` }, t);
  // Findings the policy reports but does not fail on (audit mode) are not the reason.
  const what = a.findings.filter((f) => !f.suppressed).map((f) => `${f.component}: ${f.message}`).join('; ');
  return condition(prev, { type: 'AttestationFailed', status: 'True', reason: 'AttestationUnhealthy', message: `Boot chain attested Unhealthy${what ? `: ${what}` : '.'}` }, t);
}

/** The desired Node, or undefined when the VM has no Node (never registered). */
export function desiredNode(i: NodeInputs): Node | undefined {
  const { vm, pool, cluster, existing } = i;
  const up = vm.stage === 'Running';
  if (!up && !existing) return undefined;
  const t = kubeTime(i.now);
  const prevAnn = existing?.metadata.annotations ?? {};
  const prevPoolLabels = (prevAnn[ANNOTATION_POOL_LABELS] ?? '').split(',').filter(Boolean);
  const prevPoolTaints = (prevAnn[ANNOTATION_POOL_TAINTS] ?? '').split(',').filter(Boolean);

  // Labels: user labels kept; system and pool labels follow the running model (kept while down).
  let labels: Record<string, string>;
  if (up || !existing) {
    labels = { ...(existing?.metadata.labels ?? {}) };
    for (const k of Object.keys(labels)) if (prevPoolLabels.includes(k) || isReservedLabel(k)) delete labels[k];
    Object.assign(labels, pool.nodeLabels, systemNodeLabels(vm, pool, cluster));
  } else labels = { ...existing.metadata.labels };

  // Taints: user taints kept; pool taints and the quarantine taint managed here.
  const poolTaints: Taint[] = pool.nodeTaints.map((s) => {
    const p = parseTaint(s);
    return { key: p.key, ...(p.value !== undefined ? { value: p.value } : {}), effect: p.effect };
  });
  const sig = (x: Taint) => `${x.key}=${x.value ?? ''}:${x.effect}`;
  const keptTaints = (existing?.spec.taints ?? []).filter((x) => !prevPoolTaints.includes(sig(x)) && x.key !== QUARANTINE_TAINT);
  const taints = [...keptTaints];
  for (const pt of poolTaints) if (!taints.some((x) => sig(x) === sig(pt))) taints.push(pt);
  const a = i.attestation;
  const wasQuarantined = (existing?.spec.taints ?? []).some((x) => x.key === QUARANTINE_TAINT);
  if (i.quarantine && a && (a.status === 'Unhealthy' || (a.status === 'PlatformError' && wasQuarantined))) {
    taints.push((existing?.spec.taints ?? []).find((x) => x.key === QUARANTINE_TAINT) ?? { key: QUARANTINE_TAINT, value: 'true', effect: 'NoSchedule', timeAdded: t });
  }

  // Cordon by the platform's drain is lifted once the VM is up again after the reimage it was drained for.
  const annotations: Record<string, string> = {
    'node.alpha.kubernetes.io/ttl': '0',
    'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    ...prevAnn,
    [ANNOTATION_POOL_LABELS]: Object.keys(pool.nodeLabels).sort().join(','),
    [ANNOTATION_POOL_TAINTS]: poolTaints.map(sig).join(','),
  };
  let unschedulable = existing?.spec.unschedulable ?? false;
  const cordon = prevAnn[ANNOTATION_CORDONED_FOR];
  if (cordon && uncordonAfterReimage(cordon, vm, up)) {
    unschedulable = false;
    delete annotations[ANNOTATION_CORDONED_FOR];
  }
  if (!annotations[ANNOTATION_POOL_LABELS]) delete annotations[ANNOTATION_POOL_LABELS];
  if (!annotations[ANNOTATION_POOL_TAINTS]) delete annotations[ANNOTATION_POOL_TAINTS];

  const size = findVmSize(vm.model.vmSize);
  const alloc = size ? sizeAllocatable(size) : { cpuMillis: 1000, memoryMiB: 1024, pods: 110 };
  const capMem = (size?.memoryGiB ?? 1) * 1024 ** 3;
  const disk = pool.osDiskSizeGB * 1024 ** 3;
  const ipAddr = existing?.status.addresses?.find((x) => x.type === 'InternalIP')?.address ?? nodeInternalIp(i.index);
  const cidr = existing?.spec.podCIDR ?? podCidr(i.index);
  const conditions = [...kubeletConditions(existing, up, t), ...(a ? [attestationCondition(existing, a, t)] : [])];
  const { osImage: image, kernelVersion } = osImage(pool);
  const arch = size?.architecture === 'Arm64' ? 'arm64' : 'amd64';
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: vm.computerName,
      uid: existing?.metadata.uid ?? i.uid,
      creationTimestamp: existing?.metadata.creationTimestamp ?? t,
      labels,
      annotations,
    },
    spec: {
      podCIDR: cidr,
      podCIDRs: [cidr],
      providerID: providerId(vm),
      ...(unschedulable ? { unschedulable: true } : {}),
      ...(taints.length ? { taints } : {}),
    },
    status: {
      capacity: { cpu: String(size?.vCPUs ?? 1), 'ephemeral-storage': formatMemoryKi(disk), 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: formatMemoryKi(capMem), pods: String(pool.maxPods) },
      allocatable: {
        cpu: formatCpu(alloc.cpuMillis),
        'ephemeral-storage': String(Math.floor(disk * 0.9)),
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: formatMemoryKi(alloc.memoryMiB * 1024 * 1024),
        pods: String(pool.maxPods),
      },
      conditions,
      addresses: [
        { type: 'InternalIP', address: ipAddr },
        { type: 'Hostname', address: vm.computerName },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: vm.vmId.replace(/-/g, ''),
        systemUUID: vm.vmId,
        bootID: bootId(vm),
        kernelVersion,
        osImage: image,
        containerRuntimeVersion: pool.osType === 'Windows' ? 'containerd://1.7.20+azure' : 'containerd://1.7.25-1',
        kubeletVersion: `v${pool.orchestratorVersion}`,
        kubeProxyVersion: `v${pool.orchestratorVersion}`,
        operatingSystem: pool.osType === 'Windows' ? 'windows' : 'linux',
        architecture: arch,
      },
    },
  };
  return normalizeNodeTaints(node, t);
}

/** A boot id that changes with every boot of the VM. */
function bootId(vm: VirtualMachine): string {
  const h = `${vm.vmId.replace(/-/g, '')}${(vm.lastBootAt ?? 0).toString(16)}`.padEnd(32, '0').slice(-32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
