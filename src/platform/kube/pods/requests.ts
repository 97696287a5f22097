/**
 * A pod's resource requests as the scheduler counts them (k8s.io/component-helpers
 * resource.PodRequests): the sum over containers, at least the largest init container, plus
 * the pod overhead; and its QoS class (pkg/apis/core/v1/helper/qos).
 */
import { parseMilli, parseValue } from '../quantity.js';
import type { Container, Pod } from '../types.js';

export interface Requests {
  /** CPU in millicores. */
  cpu: number;
  /** Memory in bytes. */
  memory: number;
}

function containerRequests(c: Container): Requests {
  const r = c.resources?.requests ?? {};
  const l = c.resources?.limits ?? {};
  // Defaulting copies limits to absent requests; count them the same way for pods stored before it.
  const cpu = r.cpu ?? l.cpu;
  const mem = r.memory ?? l.memory;
  return { cpu: cpu === undefined ? 0 : parseMilli(cpu), memory: mem === undefined ? 0 : parseValue(mem) };
}

export function podRequests(pod: Pod): Requests {
  const sum: Requests = { cpu: 0, memory: 0 };
  for (const c of pod.spec.containers ?? []) {
    const r = containerRequests(c);
    sum.cpu += r.cpu;
    sum.memory += r.memory;
  }
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c);
    sum.cpu = Math.max(sum.cpu, r.cpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  const o = pod.spec.overhead;
  if (o?.cpu !== undefined) sum.cpu += parseMilli(o.cpu);
  if (o?.memory !== undefined) sum.memory += parseValue(o.memory);
  return sum;
}

/** Guaranteed (requests = limits for cpu and memory everywhere), Burstable, or BestEffort. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const all = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
  let any = false;
  let guaranteed = all.length > 0;
  for (const c of all) {
    const r = c.resources?.requests ?? {};
    const l = c.resources?.limits ?? {};
    for (const res of ['cpu', 'memory']) {
      if ((r[res] !== undefined && parseMilli(r[res]!) !== 0) || (l[res] !== undefined && parseMilli(l[res]!) !== 0)) any = true;
      const lim = l[res];
      if (lim === undefined || (r[res] !== undefined && parseMilli(r[res]!) !== parseMilli(lim))) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
