/**
 * Object metadata validation, worded as k8s.io/apimachinery util/validation words it
 * (IsDNS1123Subdomain, IsDNS1123Label, IsQualifiedName, IsValidLabelValue) so kubectl users
 * see the messages they know.
 */
import { invalidValue, required, type FieldError } from './errors.js';
import type { KubeObject } from './types.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

export function dns1123Subdomain(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(v)) errs.push(SUBDOMAIN_MSG);
  return errs;
}

export function dns1123Label(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(v)) errs.push(LABEL_MSG);
  return errs;
}

/** IsQualifiedName: `[prefix/]name`, prefix a DNS subdomain, name ≤ 63 characters. */
export function qualifiedName(v: string): string[] {
  const parts = v.split('/');
  let name = v;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length && !QUALIFIED_NAME_PART.test(name)) errs.push(NAME_PART_MSG);
  return errs;
}

export function labelValue(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(v)) errs.push(VALUE_MSG);
  return errs;
}

/** ValidateLabels: every key a qualified name, every value a label value. */
export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const out: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    for (const m of qualifiedName(k)) out.push(invalidValue(field, k, m));
    if (typeof v !== 'string') out.push(invalidValue(field, v, 'label values must be strings'));
    else for (const m of labelValue(v)) out.push(invalidValue(field, v, m));
  }
  return out;
}

/** ValidateAnnotations: qualified keys, total size ≤ 256 KiB. */
export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const out: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    for (const m of qualifiedName(k.toLowerCase())) out.push(invalidValue(field, k, m));
    size += k.length + String(v).length;
  }
  if (size > 256 * 1024) out.push({ type: 'FieldValueTooLong', field, detail: `must have at most ${256 * 1024} bytes` });
  return out;
}

/** ValidateObjectMeta for a create: name (or generateName) by the resource's name rule, labels, annotations. */
export function validateObjectMeta(obj: KubeObject, nameRule: (v: string) => string[]): FieldError[] {
  const m = obj.metadata;
  const out: FieldError[] = [];
  if (!m.name && !m.generateName) out.push(required('metadata.name', 'name or generateName is required'));
  else if (m.name) for (const msg of nameRule(m.name)) out.push(invalidValue('metadata.name', m.name, msg));
  out.push(...validateLabels(m.labels, 'metadata.labels'));
  out.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  return out;
}
