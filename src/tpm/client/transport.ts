/**
 * The one-method transport every TPM client uses (DESIGN.md §2): raw TPM 2.0 command bytes in,
 * raw response bytes out. Implementations: the in-process simulator (sim/), swtpm's TCP data
 * socket and a character device such as /dev/tpmrm0 (io/).
 */
export interface Transport {
  send(command: Uint8Array): Promise<Uint8Array>;
  close?(): Promise<void>;
}
