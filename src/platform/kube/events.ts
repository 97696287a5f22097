/**
 * Events the platform's controllers record (client-go tools/record): one Event per involved
 * object, reason and message; repeats bump `count` and `lastTimestamp` instead of adding
 * objects (the EventCorrelator's aggregation). Events of cluster-scoped objects (nodes) live
 * in the `default` namespace, as kubelet and node-controller put them. Writers get a WriteOp so
 * that an event commits with the change it reports.
 */
import { createHash } from 'node:crypto';
import type { WriteOp } from '../store/store.js';
import type { KubeCache } from './cache.js';
import { objectKey, resourceInfo } from './resources.js';
import { kubeTime, type KubeEvent, type KubeObject } from './types.js';

export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

export class EventRecorder {
  private readonly r = resourceInfo('events');

  constructor(
    private readonly cache: KubeCache,
    private readonly now: () => number,
  ) {}

  /** The write that records (or repeats) an event about `involved`. */
  record(clusterUid: string, involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource): WriteOp {
    const ns = involved.metadata.namespace ?? 'default';
    const digest = createHash('sha256').update(`${involved.metadata.uid}\0${reason}\0${message}\0${source.component}`).digest('hex').slice(0, 16);
    const name = `${involved.metadata.name}.${digest}`;
    const t = kubeTime(this.now());
    const existing = this.cache.get<KubeEvent>(clusterUid, 'events', `${ns}/${name}`);
    const value: KubeEvent = existing
      ? { ...existing.obj, count: (existing.obj.count ?? 1) + 1, lastTimestamp: t }
      : {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace: ns, uid: digestUid(clusterUid, name, t), creationTimestamp: t },
          involvedObject: {
            kind: involved.kind,
            ...(involved.metadata.namespace ? { namespace: involved.metadata.namespace } : {}),
            name: involved.metadata.name,
            uid: involved.metadata.uid,
            apiVersion: involved.apiVersion,
            ...(involved.metadata.resourceVersion ? { resourceVersion: involved.metadata.resourceVersion } : {}),
          },
          reason,
          message,
          source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
          firstTimestamp: t,
          lastTimestamp: t,
          count: 1,
          type,
          eventTime: null,
          reportingComponent: source.component,
          reportingInstance: source.host ?? '',
        };
    return { op: 'put', kind: this.r.storeKind, key: objectKey(clusterUid, this.r, ns, name), value };
  }
}

/** A stable UUID-shaped id for an event (events are not worth a random UUID each). */
function digestUid(clusterUid: string, name: string, t: string): string {
  const h = createHash('sha256').update(`${clusterUid}/${name}/${t}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
