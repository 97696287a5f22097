/**
 * Label and field selectors (k8s.io/apimachinery pkg/labels/selector.go and
 * pkg/fields/selector.go): parse the query-string forms, and match node selector requirements
 * (core/v1 NodeSelectorRequirement, used by node affinity). Parsers read untrusted input:
 * bounded length, a clear error, never a throw of anything but SelectorError.
 */
import type { NodeSelectorRequirement } from './types.js';

export class SelectorError extends Error {}

export type LabelOp = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly op: LabelOp;
  readonly values: readonly string[];
}

export type LabelSelector = readonly LabelRequirement[];

const MAX_SELECTOR = 16 * 1024;
const QUALIFIED = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isQualifiedName(k: string): boolean {
  if (!QUALIFIED.test(k)) return false;
  const slash = k.lastIndexOf('/');
  return (slash < 0 || slash <= 253) && k.length - slash - 1 <= 63;
}

export const isLabelValue = (v: string): boolean => v.length <= 63 && VALUE.test(v);

/** labels.Parse: `a=b,c!=d,e in (f,g),!h,i`. The empty string selects everything. */
export function parseLabelSelector(s: string): LabelSelector {
  if (s.length > MAX_SELECTOR) throw new SelectorError(`label selector is longer than ${MAX_SELECTOR} characters`);
  const out: LabelRequirement[] = [];
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const ident = (): string => {
    ws();
    const start = i;
    while (i < s.length && !/[\s,=!()<>]/.test(s[i]!)) i++;
    return s.slice(start, i);
  };
  ws();
  if (i === s.length) return out;
  for (;;) {
    ws();
    let negate = false;
    if (s[i] === '!') {
      negate = true;
      i++;
    }
    const key = ident();
    if (!key) throw new SelectorError(`unable to parse requirement: found '${s[i] ?? 'end of string'}', expected: identifier`);
    if (!isQualifiedName(key)) throw new SelectorError(`unable to parse requirement: <nil>: Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
    ws();
    let req: LabelRequirement;
    if (negate) {
      req = { key, op: '!', values: [] };
    } else if (i >= s.length || s[i] === ',') {
      req = { key, op: 'exists', values: [] };
    } else if (s.startsWith('!=', i) || s.startsWith('==', i) || s[i] === '=' || s[i] === '>' || s[i] === '<') {
      const op: LabelOp = s.startsWith('!=', i) ? '!=' : s[i] === '>' ? 'gt' : s[i] === '<' ? 'lt' : '=';
      i += s.startsWith('!=', i) || s.startsWith('==', i) ? 2 : 1;
      const v = ident();
      if (op === 'gt' || op === 'lt') {
        if (!/^-?\d+$/.test(v)) throw new SelectorError(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      } else if (!isLabelValue(v)) {
        throw new SelectorError(`unable to parse requirement: <nil>: Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
      }
      req = { key, op, values: [v] };
    } else {
      const word = ident();
      if (word !== 'in' && word !== 'notin') throw new SelectorError(`unable to parse requirement: found '${word || s[i]}', expected: in, notin, =, ==, !=, gt, lt`);
      ws();
      if (s[i] !== '(') throw new SelectorError(`unable to parse requirement: found '${s[i] ?? 'end of string'}', expected: '('`);
      i++;
      const values: string[] = [];
      for (;;) {
        const v = ident();
        if (!isLabelValue(v)) throw new SelectorError(`unable to parse requirement: <nil>: Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters`);
        values.push(v);
        ws();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        throw new SelectorError(`unable to parse requirement: found '${s[i] ?? 'end of string'}', expected: ',', ')'`);
      }
      req = { key, op: word, values };
    }
    out.push(req);
    ws();
    if (i >= s.length) return out;
    if (s[i] !== ',') throw new SelectorError(`found '${s[i]}', expected: ',' or 'end of string'`);
    i++;
  }
}

export function matchesRequirement(labels: Readonly<Record<string, string>> | undefined, r: LabelRequirement): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels![r.key]! : undefined;
  switch (r.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
      return has && v === r.values[0];
    case '!=':
      return !has || v !== r.values[0];
    case 'in':
      return has && r.values.includes(v!);
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(v!)) return false;
      const a = Number(v);
      const b = Number(r.values[0]);
      return r.op === 'gt' ? a > b : a < b;
    }
  }
}

export function matchesLabels(labels: Readonly<Record<string, string>> | undefined, sel: LabelSelector): boolean {
  for (const r of sel) if (!matchesRequirement(labels, r)) return false;
  return true;
}

/** core/v1 NodeSelectorRequirement against a node's labels (component-helpers nodeaffinity). */
export function matchesNodeSelectorRequirement(labels: Readonly<Record<string, string>> | undefined, r: NodeSelectorRequirement): boolean {
  const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!', Gt: 'gt', Lt: 'lt' } as const)[r.operator];
  return op !== undefined && matchesRequirement(labels, { key: r.key, op, values: r.values ?? [] });
}

// --- field selectors ------------------------------------------------------------------------

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

export type FieldSelector = readonly FieldRequirement[];

/** fields.ParseSelector: `a=b,c!=d`, with `\,` `\=` `\\` escapes in values. */
export function parseFieldSelector(s: string): FieldSelector {
  if (s.length > MAX_SELECTOR) throw new SelectorError(`field selector is longer than ${MAX_SELECTOR} characters`);
  if (s.trim() === '') return [];
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else cur += c;
  }
  terms.push(cur);
  return terms.map((t) => {
    const m = t.match(/^([^=!]+?)(==|!=|=)(.*)$/s);
    if (!m) throw new SelectorError(`invalid selector: '${s}'; can't understand '${t}'`);
    return { field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: m[3]!.replace(/\\(.)/g, '$1') };
  });
}

export function matchesFields(fields: Readonly<Record<string, string>>, sel: FieldSelector): boolean {
  for (const r of sel) {
    const v = fields[r.field] ?? '';
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}

/** labels.FormatLabels / SelectorFromSet().String(): `a=b,c=d` sorted by key. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}
