/**
 * swtpm's control-channel protocol (swtpm include/swtpm/tpm_ioctl.h, "Commands used by the
 * non-CUSE TPMs"): a big-endian u32 command code, then the command's request body; the
 * response is the `resp` part of the ioctl structure, starting with a u32 result
 * (0 = success, TPM 1.2-style codes otherwise) except CMD_GET_CAPABILITY (a bare u64).
 */
export const CMD = {
  GET_CAPABILITY: 0x01,
  INIT: 0x02,
  SHUTDOWN: 0x03,
  GET_TPMESTABLISHED: 0x04,
  SET_LOCALITY: 0x05,
  HASH_START: 0x06,
  HASH_DATA: 0x07,
  HASH_END: 0x08,
  CANCEL_TPM_CMD: 0x09,
  STORE_VOLATILE: 0x0a,
  RESET_TPMESTABLISHED: 0x0b,
  GET_STATEBLOB: 0x0c,
  SET_STATEBLOB: 0x0d,
  STOP: 0x0e,
  GET_CONFIG: 0x0f,
  SET_DATAFD: 0x10,
  SET_BUFFERSIZE: 0x11,
  GET_INFO: 0x12,
} as const;

/** PTM_CAP_* bits (tpm_ioctl.h). */
export const PTM_CAP = {
  INIT: 1 << 0,
  SHUTDOWN: 1 << 1,
  GET_TPMESTABLISHED: 1 << 2,
  SET_LOCALITY: 1 << 3,
  HASHING: 1 << 4,
  CANCEL_TPM_CMD: 1 << 5,
  STORE_VOLATILE: 1 << 6,
  RESET_TPMESTABLISHED: 1 << 7,
  GET_STATEBLOB: 1 << 8,
  SET_STATEBLOB: 1 << 9,
  STOP: 1 << 10,
  GET_CONFIG: 1 << 11,
  SET_DATAFD: 1 << 12,
  SET_BUFFERSIZE: 1 << 13,
  GET_INFO: 1 << 14,
} as const;

/** TPM 1.2 result codes swtpm's control channel answers with (libtpms tpm_error.h). */
export const PTM_RES = {
  SUCCESS: 0x00,
  BAD_PARAMETER: 0x03,
  FAIL: 0x09,
  BAD_ORDINAL: 0x0a,
  IOERROR: 0x1f,
  BAD_LOCALITY: 0x3d,
} as const;

/** Request-body length of each command (beyond the 4-byte code), for framing on the server. */
export function requestBodyLength(cmd: number, body: Uint8Array): number | undefined {
  switch (cmd) {
    case CMD.INIT:
      return 4;
    case CMD.SET_LOCALITY:
    case CMD.RESET_TPMESTABLISHED:
      return 1;
    case CMD.SET_BUFFERSIZE:
      return 4;
    case CMD.GET_INFO:
      return 16;
    case CMD.GET_STATEBLOB:
      return 12;
    case CMD.HASH_DATA:
      return body.length >= 4 ? 4 + new DataView(body.buffer, body.byteOffset).getUint32(0) : undefined;
    case CMD.SET_STATEBLOB:
      return body.length >= 12 ? 12 + new DataView(body.buffer, body.byteOffset).getUint32(8) : undefined;
    default:
      return 0;
  }
}
