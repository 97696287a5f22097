/**
 * Our TpmClient against a real swtpm manufactured by swtpm_setup (EK certificates from a
 * private local CA): the shared client contract — EK → AK → quote → credential activation,
 * HMAC/salted/bound sessions with parameter encryption — judged by swtpm's answers.
 */
import { afterAll, beforeAll } from 'vitest';
import { TpmClient } from '../client/client.js';
import { SwtpmTransport } from '../io/swtpm-transport.js';
import { clientContract } from '../test-support/client-contract.js';
import { manufactureSwtpm, removeDir, startSwtpm, type SwtpmInstance } from '../test-support/swtpm.js';

let dir: string;
let tpm: SwtpmInstance;
let transport: SwtpmTransport;
let client: TpmClient;

beforeAll(async () => {
  dir = await manufactureSwtpm();
  tpm = await startSwtpm(dir);
  transport = await SwtpmTransport.connect({ port: tpm.port, controlPort: tpm.ctrlPort });
  client = new TpmClient(transport);
});

afterAll(async () => {
  await transport?.close();
  await tpm?.stop();
  if (dir) removeDir(dir);
});

clientContract('swtpm', () => client);
