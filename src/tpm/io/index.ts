/** The edge of src/tpm: network and file transports, the swtpm-protocol server, the file NV store. */
export { SwtpmTransport, TransportError, controlCommand, type SwtpmEndpoint } from './swtpm-transport.js';
export { DeviceTransport } from './device-transport.js';
export { startTpmServer, type TpmServer, type TpmServerOptions } from './swtpm-server.js';
export { FileNvStore } from './file-store.js';
export { CMD, PTM_CAP, PTM_RES } from './swtpm-control.js';
