/**
 * Pod validation (pkg/apis/core/validation: ValidatePodCreate, ValidatePodSpec,
 * ValidatePodUpdate), the subset the platform acts on: names, containers and images,
 * resource quantities, restart and DNS policies, node selectors, node affinity, tolerations,
 * and which fields an update may change.
 */
import { duplicate, forbiddenField, invalidValue, notSupported, required, type FieldError } from '../errors.js';
import { isQuantity, parseMilli } from '../quantity.js';
import type { Container, NodeSelectorTerm, Pod } from '../types.js';
import { dns1123Label, dns1123Subdomain, labelValue, qualifiedName, validateObjectMeta } from '../validation.js';

const OPS = ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'];

function validateContainers(cs: unknown, field: string, requiredList: boolean, names: Set<string>): FieldError[] {
  const out: FieldError[] = [];
  if (!Array.isArray(cs) || cs.length === 0) {
    if (requiredList) out.push(required(field));
    return out;
  }
  cs.forEach((c: Container, i) => {
    const f = `${field}[${i}]`;
    if (!c.name) out.push(required(`${f}.name`));
    else {
      for (const m of dns1123Label(c.name)) out.push(invalidValue(`${f}.name`, c.name, m));
      if (names.has(c.name)) out.push(duplicate(`${f}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image || typeof c.image !== 'string' || c.image.trim() === '') out.push(required(`${f}.image`));
    for (const kind of ['requests', 'limits'] as const) {
      for (const [res, q] of Object.entries(c.resources?.[kind] ?? {})) {
        if (!isQuantity(q)) out.push(invalidValue(`${f}.resources.${kind}[${res}]`, q, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
        else if (parseMilli(q) < 0) out.push(invalidValue(`${f}.resources.${kind}[${res}]`, q, 'must be greater than or equal to 0'));
      }
    }
    for (const [res, q] of Object.entries(c.resources?.requests ?? {})) {
      const lim = c.resources?.limits?.[res];
      if (lim !== undefined && isQuantity(q) && isQuantity(lim) && parseMilli(q) > parseMilli(lim)) {
        out.push(invalidValue(`${f}.resources.requests`, String(q), `must be less than or equal to ${res} limit of ${lim}`));
      }
    }
  });
  return out;
}

function validateTerm(t: NodeSelectorTerm, field: string): FieldError[] {
  const out: FieldError[] = [];
  (t.matchExpressions ?? []).forEach((r, j) => {
    const f = `${field}.matchExpressions[${j}]`;
    for (const m of qualifiedName(r.key ?? '')) out.push(invalidValue(`${f}.key`, r.key, m));
    if (!OPS.includes(r.operator)) out.push(notSupported(`${f}.operator`, r.operator, OPS));
    const n = r.values?.length ?? 0;
    if ((r.operator === 'In' || r.operator === 'NotIn') && n === 0) out.push(required(`${f}.values`, 'must be specified when `operator` is \'In\' or \'NotIn\''));
    if ((r.operator === 'Exists' || r.operator === 'DoesNotExist') && n > 0) out.push(forbiddenField(`${f}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    if ((r.operator === 'Gt' || r.operator === 'Lt') && (n !== 1 || !/^-?\d+$/.test(r.values![0]!))) {
      out.push(required(`${f}.values`, "must be specified single value when `operator` is 'Lt' or 'Gt'"));
    }
  });
  return out;
}

function validateScheduling(pod: Pod): FieldError[] {
  const s = pod.spec ?? ({} as Pod['spec']);
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(s.nodeSelector ?? {})) {
    for (const m of qualifiedName(k)) out.push(invalidValue('spec.nodeSelector', k, m));
    for (const m of labelValue(v)) out.push(invalidValue('spec.nodeSelector', v, m));
  }
  const na = s.affinity?.nodeAffinity;
  const reqTerms = na?.requiredDuringSchedulingIgnoredDuringExecution;
  if (reqTerms) {
    const f = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms';
    if (!reqTerms.nodeSelectorTerms?.length) out.push(required(f, 'must have at least one node selector term'));
    reqTerms.nodeSelectorTerms?.forEach((t, i) => out.push(...validateTerm(t, `${f}[${i}]`)));
  }
  na?.preferredDuringSchedulingIgnoredDuringExecution?.forEach((p, i) => {
    const f = `spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}]`;
    if (!Number.isInteger(p.weight) || p.weight < 1 || p.weight > 100) out.push(invalidValue(`${f}.weight`, p.weight, 'must be in the range 1-100'));
    out.push(...validateTerm(p.preference ?? {}, `${f}.preference`));
  });
  (s.tolerations ?? []).forEach((t, i) => {
    const f = `spec.tolerations[${i}]`;
    if (t.key) for (const m of qualifiedName(t.key)) out.push(invalidValue(`${f}.key`, t.key, m));
    if (t.operator !== undefined && t.operator !== 'Exists' && t.operator !== 'Equal') out.push(notSupported(`${f}.operator`, t.operator, ['Equal', 'Exists']));
    if (t.operator === 'Exists' && t.value) out.push(invalidValue(`${f}.operator`, t.operator, 'value must be empty when `operator` is \'Exists\''));
    if (!t.key && t.operator !== 'Exists') out.push(invalidValue(`${f}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(t.effect)) out.push(notSupported(`${f}.effect`, t.effect, ['NoExecute', 'NoSchedule', 'PreferNoSchedule']));
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') out.push(invalidValue(`${f}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
  });
  return out;
}

export function validatePodCreate(pod: Pod): FieldError[] {
  if (typeof pod.spec !== 'object' || pod.spec === null) return [...validateObjectMeta(pod, dns1123Subdomain), required('spec.containers')];
  const out = validateObjectMeta(pod, dns1123Subdomain);
  const s = pod.spec ?? ({} as Pod['spec']);
  const names = new Set<string>();
  out.push(...validateContainers(s.containers, 'spec.containers', true, names));
  out.push(...validateContainers(s.initContainers, 'spec.initContainers', false, names));
  if (s.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(s.restartPolicy as string)) out.push(notSupported('spec.restartPolicy', s.restartPolicy, ['Always', 'OnFailure', 'Never']));
  if (s.dnsPolicy !== undefined && !['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'].includes(s.dnsPolicy as string)) {
    out.push(notSupported('spec.dnsPolicy', s.dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  if (s.terminationGracePeriodSeconds !== undefined && s.terminationGracePeriodSeconds < 0) out.push(invalidValue('spec.terminationGracePeriodSeconds', s.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  out.push(...validateScheduling(pod));
  return out;
}

const UPDATABLE_SPEC_MSG =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** ValidatePodUpdate: metadata may change; in the spec only images, activeDeadlineSeconds and added tolerations. */
export function validatePodUpdate(next: Pod, prev: Pod): FieldError[] {
  const out = validateObjectMeta(next, dns1123Subdomain);
  if (typeof next.spec !== 'object' || next.spec === null || !Array.isArray(next.spec.containers)) return [...out, forbiddenField('spec', UPDATABLE_SPEC_MSG)];
  const strip = (p: Pod) => {
    const { activeDeadlineSeconds: _a, tolerations: _t, ...rest } = p.spec;
    return JSON.stringify({
      ...rest,
      containers: (rest.containers ?? []).map(({ image: _i, ...c }) => c),
      ...(rest.initContainers ? { initContainers: rest.initContainers.map(({ image: _i, ...c }) => c) } : {}),
    });
  };
  if (strip(next) !== strip(prev)) out.push(forbiddenField('spec', UPDATABLE_SPEC_MSG));
  const before = (prev.spec.tolerations ?? []).map((t) => JSON.stringify(t));
  const after = new Set((next.spec.tolerations ?? []).map((t) => JSON.stringify(t)));
  if (before.some((t) => !after.has(t))) out.push(forbiddenField('spec.tolerations', 'existing toleration can not be modified except its tolerationSeconds'));
  out.push(...validateScheduling(next));
  return out;
}
