/**
 * What the API server fills in on a new pod, so that `kubectl get pod -o yaml` shows what a
 * real cluster shows: core/v1 defaults (pkg/apis/core/v1/defaults.go: SetDefaults_Pod,
 * SetDefaults_PodSpec, SetDefaults_Container), the ServiceAccount admission plugin's
 * `default` account, the Priority plugin's priority 0, and the DefaultTolerationSeconds
 * plugin's 300 s tolerations for not-ready and unreachable nodes.
 */
import type { Container, Pod, Toleration } from '../types.js';
import { qosClass } from './requests.js';

function defaultContainer(c: Container): Container {
  const image = typeof c.image === 'string' ? c.image : '';
  const last = image.split('/').pop() ?? '';
  const tag = last.includes('@') ? undefined : last.includes(':') ? last.split(':').pop() : undefined;
  const out: Container = {
    ...c,
    resources: { ...(c.resources ?? {}) },
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    imagePullPolicy: c.imagePullPolicy ?? (last.includes('@') ? 'IfNotPresent' : tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent'),
  };
  // SetDefaults_Pod: a limit without a request requests the limit.
  const lim = out.resources!.limits;
  if (lim) {
    const req = { ...(out.resources!.requests ?? {}) };
    for (const [k, v] of Object.entries(lim)) if (req[k] === undefined) req[k] = v;
    out.resources = { ...out.resources, requests: req };
  }
  if (Array.isArray(c.ports)) out.ports = (c.ports as Record<string, unknown>[]).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }));
  return out;
}

const DEFAULT_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/** Defaults for a pod being created (the input is not modified). */
export function defaultPod(pod: Pod): Pod {
  const s = pod.spec;
  const tolerations = [...(s.tolerations ?? [])];
  for (const d of DEFAULT_TOLERATIONS) {
    if (!tolerations.some((t) => t.key === d.key && (t.effect === d.effect || !t.effect))) tolerations.push(d);
  }
  const spec = {
    ...s,
    containers: (s.containers ?? []).map(defaultContainer),
    ...(s.initContainers ? { initContainers: s.initContainers.map(defaultContainer) } : {}),
    restartPolicy: s.restartPolicy ?? 'Always',
    terminationGracePeriodSeconds: s.terminationGracePeriodSeconds ?? 30,
    dnsPolicy: s.dnsPolicy ?? 'ClusterFirst',
    securityContext: s.securityContext ?? {},
    schedulerName: s.schedulerName ?? 'default-scheduler',
    serviceAccountName: s.serviceAccountName ?? (s.serviceAccount as string | undefined) ?? 'default',
    serviceAccount: s.serviceAccountName ?? (s.serviceAccount as string | undefined) ?? 'default',
    enableServiceLinks: s.enableServiceLinks ?? true,
    priority: s.priority ?? 0,
    preemptionPolicy: s.preemptionPolicy ?? 'PreemptLowerPriority',
    tolerations,
  };
  const out: Pod = { ...pod, spec };
  out.status = { phase: 'Pending', qosClass: qosClass(out) };
  return out;
}
