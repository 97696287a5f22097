/**
 * Server-side printing: the columns and cells kube-apiserver returns when kubectl asks for a
 * meta.k8s.io/v1 Table (pkg/printers/internalversion/printers.go: printNode, printPod,
 * printNamespace, printEvent, printLease). The server always fills every column (it prints
 * with Wide); kubectl shows priority-1 columns only with `-o wide`.
 */
import type { ResourceName } from '../../../platform/kube/resources.js';
import type { KubeEvent, KubeObject, Node, Pod } from '../../../platform/kube/types.js';
import { since } from './duration.js';

export interface Column {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean';
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

const NAME_DOC = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
const AGE_DOC = 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';
const col = (name: string, description: string, priority = 0, type: Column['type'] = 'string', format = ''): Column => ({ name, type, format, description, priority });

export const COLUMNS: Record<ResourceName, readonly Column[]> = {
  nodes: [
    col('Name', NAME_DOC, 0, 'string', 'name'),
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    col('Age', AGE_DOC),
    col('Version', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'List of addresses reachable to the node.', 1),
    col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", 1),
    col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  pods: [
    col('Name', NAME_DOC, 0, 'string', 'name'),
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    col('Age', AGE_DOC),
    col('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col('Node', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName.', 1),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods.', 1),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  namespaces: [col('Name', NAME_DOC, 0, 'string', 'name'), col('Status', 'The status of the namespace'), col('Age', AGE_DOC)],
  events: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning), new types could be added in the future'),
    col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    col('Object', 'The object that this event is about.'),
    col('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].', 1),
    col('Source', 'The component reporting this event. Should be a short machine understandable string.', 1),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)', 1),
    col('Count', 'The number of times this event has occurred.', 1),
    col('Name', NAME_DOC, 1, 'string', 'name'),
  ],
  leases: [col('Name', NAME_DOC, 0, 'string', 'name'), col('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), col('Age', AGE_DOC)],
};

function nodeRow(n: Node, now: number): unknown[] {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (n.spec?.unschedulable) status.push('SchedulingDisabled');
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  const addr = (t: string) => n.status?.addresses?.find((a) => a.type === t)?.address ?? '<none>';
  const info = n.status?.nodeInfo ?? {};
  return [
    n.metadata.name,
    status.join(','),
    roles.size ? [...roles].sort().join(',') : '<none>',
    since(n.metadata.creationTimestamp, now),
    info.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

interface ContainerState {
  waiting?: { reason?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
  running?: unknown;
}

function podRow(p: Pod, now: number): { cells: unknown[]; conditions?: unknown[] } {
  const statuses = (p.status?.containerStatuses ?? []) as { ready?: boolean; restartCount?: number; state?: ContainerState; lastState?: ContainerState }[];
  const total = p.spec?.containers?.length ?? 0;
  let reason: string = p.status?.reason || p.status?.phase || '';
  if (p.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';
  let ready = 0;
  let restarts = 0;
  let lastRestart = 0;
  let hasRunning = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i]!;
    restarts += c.restartCount ?? 0;
    const fin = c.lastState?.terminated?.finishedAt;
    if (fin) lastRestart = Math.max(lastRestart, Date.parse(fin));
    const st = c.state ?? {};
    if (st.waiting?.reason) reason = st.waiting.reason;
    else if (st.terminated?.reason) reason = st.terminated.reason;
    else if (st.terminated) reason = st.terminated.signal ? `Signal:${st.terminated.signal}` : `ExitCode:${st.terminated.exitCode ?? 0}`;
    else if (c.ready && st.running) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === 'Completed' && hasRunning) reason = p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  if (p.metadata.deletionTimestamp && p.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed') reason = 'Terminating';
  const restartsStr = restarts !== 0 && lastRestart ? `${restarts} (${since(new Date(lastRestart).toISOString(), now)} ago)` : String(restarts);
  const gates = (p.spec?.readinessGates as { conditionType: string }[] | undefined) ?? [];
  const gatesStr = gates.length ? `${gates.filter((g) => p.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}` : '<none>';
  const cells = [p.metadata.name, `${ready}/${total}`, reason, restartsStr, since(p.metadata.creationTimestamp, now), p.status?.podIP || '<none>', p.spec?.nodeName || '<none>', p.status?.nominatedNodeName || '<none>', gatesStr];
  const phase = p.status?.phase;
  const conditions =
    phase === 'Succeeded'
      ? [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]
      : phase === 'Failed'
        ? [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]
        : undefined;
  return conditions ? { cells, conditions } : { cells };
}

function eventRow(e: KubeEvent, now: number): unknown[] {
  const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
  const last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
  const io = e.involvedObject ?? {};
  const target = io.name ? `${(io.kind ?? '').toLowerCase()}/${io.name}` : (io.kind ?? '').toLowerCase();
  const source = e.source?.component ? `${e.source.component}${e.source.host ? `, ${e.source.host}` : ''}` : e.reportingComponent ?? '';
  return [last, e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', source, (e.message ?? '').trim(), first, e.count || 1, e.metadata.name];
}

/** The cells (and row conditions) of one object. */
export function row(resource: ResourceName, o: KubeObject, now: number): { cells: unknown[]; conditions?: unknown[] } {
  switch (resource) {
    case 'nodes':
      return { cells: nodeRow(o as Node, now) };
    case 'pods':
      return podRow(o as Pod, now);
    case 'namespaces':
      return { cells: [o.metadata.name, (o as { status?: { phase?: string } }).status?.phase ?? '', since(o.metadata.creationTimestamp, now)] };
    case 'events':
      return { cells: eventRow(o as KubeEvent, now) };
    case 'leases':
      return { cells: [o.metadata.name, String((o as { spec?: { holderIdentity?: string } }).spec?.holderIdentity ?? '<unset>'), since(o.metadata.creationTimestamp, now)] };
  }
}
