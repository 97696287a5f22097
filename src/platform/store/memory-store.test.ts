import { MemoryStore } from './memory-store.js';
import { storeContract } from './test-support/store-contract.js';

storeContract('MemoryStore', async (o) => new MemoryStore(o?.history));
