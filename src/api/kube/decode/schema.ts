/**
 * The wire schema of the objects the API accepts (k8s.io/api core/v1, coordination/v1,
 * policy/v1, meta/v1 types.go), precise enough to decode as the API server's strict decoder
 * does: Go types for type errors, known fields for unknown-field errors. Sub-objects the
 * platform does not interpret (probes, security contexts, volumes, status) are `any`: any
 * JSON is accepted there and kept as sent.
 */

export type Schema =
  | { readonly t: 'string' }
  | { readonly t: 'int'; readonly go: 'int32' | 'int64' }
  | { readonly t: 'bool' }
  | { readonly t: 'quantity' }
  | { readonly t: 'intOrString' }
  | { readonly t: 'any' }
  | { readonly t: 'map'; readonly of: Schema; readonly go: string }
  | { readonly t: 'array'; readonly of: Schema; readonly go: string }
  | { readonly t: 'struct'; readonly name: string; readonly go: string; readonly fields: Readonly<Record<string, Schema>> };

const str: Schema = { t: 'string' };
const i32: Schema = { t: 'int', go: 'int32' };
const i64: Schema = { t: 'int', go: 'int64' };
const bool: Schema = { t: 'bool' };
const any: Schema = { t: 'any' };
const time = str;
const strs: Schema = { t: 'array', of: str, go: '[]string' };
const strMap: Schema = { t: 'map', of: str, go: 'map[string]string' };
const quantities: Schema = { t: 'map', of: { t: 'quantity' }, go: 'v1.ResourceList' };
const struct = (name: string, fields: Record<string, Schema>, pkg = 'v1'): Schema => ({ t: 'struct', name, go: `${pkg}.${name}`, fields });
const arrayOf = (s: Schema): Schema => ({ t: 'array', of: s, go: `[]${s.t === 'struct' ? s.go : s.t === 'string' ? 'string' : 'interface {}'}` });

export const OBJECT_META = struct('ObjectMeta', {
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: i64,
  creationTimestamp: time,
  deletionTimestamp: time,
  deletionGracePeriodSeconds: i64,
  labels: strMap,
  annotations: strMap,
  ownerReferences: any,
  finalizers: strs,
  managedFields: any,
});

const typeMeta = { kind: str, apiVersion: str };

const requirement = struct('NodeSelectorRequirement', { key: str, operator: str, values: strs });
const term = struct('NodeSelectorTerm', { matchExpressions: arrayOf(requirement), matchFields: arrayOf(requirement) });
const nodeAffinity = struct('NodeAffinity', {
  requiredDuringSchedulingIgnoredDuringExecution: struct('NodeSelector', { nodeSelectorTerms: arrayOf(term) }),
  preferredDuringSchedulingIgnoredDuringExecution: arrayOf(struct('PreferredSchedulingTerm', { weight: i32, preference: term })),
});
const toleration = struct('Toleration', { key: str, operator: str, value: str, effect: str, tolerationSeconds: i64 });
const container = struct('Container', {
  name: str,
  image: str,
  command: strs,
  args: strs,
  workingDir: str,
  ports: arrayOf(struct('ContainerPort', { name: str, hostPort: i32, containerPort: i32, protocol: str, hostIP: str })),
  envFrom: any,
  env: arrayOf(struct('EnvVar', { name: str, value: str, valueFrom: any })),
  resources: struct('ResourceRequirements', { limits: quantities, requests: quantities, claims: any }),
  resizePolicy: any,
  restartPolicy: str,
  volumeMounts: arrayOf(struct('VolumeMount', { name: str, readOnly: bool, recursiveReadOnly: str, mountPath: str, subPath: str, mountPropagation: str, subPathExpr: str })),
  volumeDevices: any,
  livenessProbe: any,
  readinessProbe: any,
  startupProbe: any,
  lifecycle: any,
  terminationMessagePath: str,
  terminationMessagePolicy: str,
  imagePullPolicy: str,
  securityContext: any,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});

export const POD_SPEC = struct('PodSpec', {
  volumes: any,
  initContainers: arrayOf(container),
  containers: arrayOf(container),
  ephemeralContainers: any,
  restartPolicy: str,
  terminationGracePeriodSeconds: i64,
  activeDeadlineSeconds: i64,
  dnsPolicy: str,
  nodeSelector: strMap,
  serviceAccountName: str,
  serviceAccount: str,
  automountServiceAccountToken: bool,
  nodeName: str,
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: any,
  imagePullSecrets: any,
  hostname: str,
  subdomain: str,
  affinity: struct('Affinity', { nodeAffinity, podAffinity: any, podAntiAffinity: any }),
  schedulerName: str,
  tolerations: arrayOf(toleration),
  hostAliases: any,
  priorityClassName: str,
  priority: i32,
  dnsConfig: any,
  readinessGates: any,
  runtimeClassName: str,
  enableServiceLinks: bool,
  preemptionPolicy: str,
  overhead: quantities,
  topologySpreadConstraints: any,
  setHostnameAsFQDN: bool,
  os: any,
  hostUsers: bool,
  schedulingGates: any,
  resourceClaims: any,
  resources: any,
});

export const POD = struct('Pod', { ...typeMeta, metadata: OBJECT_META, spec: POD_SPEC, status: any });

export const NODE = struct('Node', {
  ...typeMeta,
  metadata: OBJECT_META,
  spec: struct('NodeSpec', {
    podCIDR: str,
    podCIDRs: strs,
    providerID: str,
    unschedulable: bool,
    taints: arrayOf(struct('Taint', { key: str, value: str, effect: str, timeAdded: time })),
    configSource: any,
    externalID: str,
  }),
  status: any,
});

export const NAMESPACE = struct('Namespace', { ...typeMeta, metadata: OBJECT_META, spec: struct('NamespaceSpec', { finalizers: strs }), status: any });

const objectReference = struct('ObjectReference', { kind: str, namespace: str, name: str, uid: str, apiVersion: str, resourceVersion: str, fieldPath: str });

export const EVENT = struct('Event', {
  ...typeMeta,
  metadata: OBJECT_META,
  involvedObject: objectReference,
  reason: str,
  message: str,
  source: struct('EventSource', { component: str, host: str }),
  firstTimestamp: time,
  lastTimestamp: time,
  count: i32,
  type: str,
  eventTime: time,
  series: any,
  action: str,
  related: any,
  reportingComponent: str,
  reportingInstance: str,
});

export const LEASE = struct(
  'Lease',
  {
    ...typeMeta,
    metadata: OBJECT_META,
    spec: struct('LeaseSpec', { holderIdentity: str, leaseDurationSeconds: i32, acquireTime: time, renewTime: time, leaseTransitions: i32, strategy: str, preferredHolder: str }, 'v1'),
  },
  'v1',
);

export const DELETE_OPTIONS = struct('DeleteOptions', {
  ...typeMeta,
  gracePeriodSeconds: i64,
  preconditions: struct('Preconditions', { uid: str, resourceVersion: str }),
  orphanDependents: bool,
  propagationPolicy: str,
  dryRun: strs,
  ignoreStoreReadErrorWithClusterBreakingPotential: bool,
});

export const BINDING = struct('Binding', { ...typeMeta, metadata: OBJECT_META, target: objectReference });

export const EVICTION = struct('Eviction', { ...typeMeta, metadata: OBJECT_META, deleteOptions: DELETE_OPTIONS }, 'v1');

export const SCHEMAS: Readonly<Record<string, Schema>> = { Pod: POD, Node: NODE, Namespace: NAMESPACE, Event: EVENT, Lease: LEASE, DeleteOptions: DELETE_OPTIONS, Binding: BINDING, Eviction: EVICTION };
