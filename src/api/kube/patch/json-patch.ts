/**
 * JSON Patch (RFC 6902) over JSON Pointers (RFC 6901): add, remove, replace, move, copy, test.
 * Operations apply in order to a copy; the first failing operation refuses the whole patch.
 */
export class JsonPatchError extends Error {}

function pointer(p: unknown): string[] {
  if (typeof p !== 'string' || (p !== '' && !p.startsWith('/'))) throw new JsonPatchError(`invalid JSON pointer ${JSON.stringify(p)}`);
  return p === '' ? [] : p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, path: string[]): { parent: Record<string, unknown> | unknown[]; key: string } {
  let cur: unknown = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[index(cur, seg, false)];
    else if (typeof cur === 'object' && cur !== null && Object.prototype.hasOwnProperty.call(cur, seg)) cur = (cur as Record<string, unknown>)[seg];
    else throw new JsonPatchError(`path /${path.join('/')} does not exist`);
  }
  if (typeof cur !== 'object' || cur === null) throw new JsonPatchError(`path /${path.join('/')} does not exist`);
  return { parent: cur as Record<string, unknown> | unknown[], key: path[path.length - 1]! };
}

function index(arr: unknown[], seg: string, forAdd: boolean): number {
  if (forAdd && seg === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(seg)) throw new JsonPatchError(`invalid array index ${JSON.stringify(seg)}`);
  const i = Number(seg);
  if (i > arr.length || (!forAdd && i === arr.length)) throw new JsonPatchError(`array index ${i} out of bounds`);
  return i;
}

function get(doc: unknown, path: string[]): unknown {
  if (path.length === 0) return doc;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) return parent[index(parent, key, false)];
  if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new JsonPatchError(`path /${path.join('/')} does not exist`);
  return parent[key];
}

function add(doc: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(index(parent, key, true), 0, value);
  else parent[key] = value;
  return doc;
}

function remove(doc: unknown, path: string[]): unknown {
  if (path.length === 0) throw new JsonPatchError('cannot remove the whole document');
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) parent.splice(index(parent, key, false), 1);
  else {
    if (!Object.prototype.hasOwnProperty.call(parent, key)) throw new JsonPatchError(`unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
  return doc;
}

/** JSON equality regardless of key order (RFC 6902 §4.6). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let cur = structuredClone(doc);
  for (const op of ops as Record<string, unknown>[]) {
    if (typeof op !== 'object' || op === null) throw new JsonPatchError('each JSON patch operation must be an object');
    const path = pointer(op.path);
    switch (op.op) {
      case 'add':
        if (!('value' in op)) throw new JsonPatchError('add operation does not apply: missing value');
        cur = add(cur, path, structuredClone(op.value));
        break;
      case 'remove':
        cur = remove(cur, path);
        break;
      case 'replace':
        if (!('value' in op)) throw new JsonPatchError('replace operation does not apply: missing value');
        get(cur, path);
        cur = add(remove(cur, path), path, structuredClone(op.value));
        break;
      case 'move': {
        const from = pointer(op.from);
        const v = get(cur, from);
        cur = add(remove(cur, from), path, v);
        break;
      }
      case 'copy':
        cur = add(cur, path, structuredClone(get(cur, pointer(op.from))));
        break;
      case 'test':
        if (canonical(get(cur, path)) !== canonical(op.value)) throw new JsonPatchError(`testing value /${path.join('/')} failed: test failed`);
        break;
      default:
        throw new JsonPatchError(`Unexpected kind: ${String(op.op)}`);
    }
  }
  return cur;
}
