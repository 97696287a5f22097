/**
 * The shared client contract against our simulator, manufactured like swtpm_setup does
 * (RSA + ECC EKs with certificates) and exported through our swtpm-protocol server, so the
 * TCP transport and the server framing are exercised too.
 */
import { afterAll, beforeAll } from 'vitest';
import { TpmClient } from '../client/client.js';
import { SwtpmTransport } from '../io/swtpm-transport.js';
import { startTpmServer, type TpmServer } from '../io/swtpm-server.js';
import { clientContract } from '../test-support/client-contract.js';
import { TPM_ALG } from '../types/constants.js';

let server: TpmServer;
let transport: SwtpmTransport;
let client: TpmClient;

beforeAll(async () => {
  server = await startTpmServer({ port: 0, startupLocality: 0, simulatorOptions: { profile: { pcrBanks: [TPM_ALG.SHA1, TPM_ALG.SHA256] } } });
  transport = await SwtpmTransport.connect({ port: server.port, controlPort: server.controlPort });
  client = new TpmClient(transport);
});

afterAll(async () => {
  await transport?.close();
  await server?.close();
});

clientContract('simulator over the swtpm protocol', () => client);
