import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { put } from './store.js';
import { storeContract } from './test-support/store-contract.js';

const dir = mkdtempSync(join(tmpdir(), 'tl-store-'));
let n = 0;
storeContract('SqliteStore', async (o) => new SqliteStore(join(dir, `s${n++}.db`), o));

describe('SqliteStore persistence', () => {
  it('reopens with every object, blob and the revision intact', async () => {
    const path = join(dir, 'reopen.db');
    const a = new SqliteStore(path);
    await put(a, 'pool', 'x', { count: 3 });
    await a.commit([{ op: 'putBlob', kind: 'tpm', key: 'x', data: Uint8Array.of(1, 2, 3) }]);
    const rev = await a.revision();
    await a.close();
    const b = new SqliteStore(path);
    expect(await b.revision()).toBe(rev);
    expect((await b.get('pool', 'x'))?.value).toEqual({ count: 3 });
    expect(await b.getBlob('tpm', 'x')).toEqual(Uint8Array.of(1, 2, 3));
    await b.close();
  });
});
