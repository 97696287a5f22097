import { describe, expect, it } from 'vitest';
import { decodeRc, isRc, rcHandle, rcParam, rcSession, rcToString, TPM_RC, TpmError } from './rc.js';

describe('TPM_RC', () => {
  it('decodes format-1 codes with their parameter, handle and session index', () => {
    expect(decodeRc(0x1da)).toMatchObject({ base: TPM_RC.INSUFFICIENT, parameter: 1, name: 'TPM_RC_INSUFFICIENT' });
    expect(decodeRc(0x184)).toMatchObject({ base: TPM_RC.VALUE, handle: 1 });
    expect(decodeRc(0x982)).toMatchObject({ base: TPM_RC.ATTRIBUTES, session: 1 });
    expect(decodeRc(0x2c4)).toMatchObject({ base: TPM_RC.VALUE, parameter: 2 });
    expect(rcParam(TPM_RC.VALUE, 2)).toBe(0x2c4);
    expect(rcHandle(TPM_RC.HANDLE, 1)).toBe(0x18b);
    expect(rcSession(TPM_RC.ATTRIBUTES, 1)).toBe(0x982);
  });

  it('decodes format-0 errors and warnings', () => {
    expect(decodeRc(0x902)).toMatchObject({ base: TPM_RC.OBJECT_MEMORY, warning: true, format: 0 });
    expect(decodeRc(0x143)).toMatchObject({ base: TPM_RC.COMMAND_CODE, warning: false });
    expect(rcToString(0x1da)).toBe('TPM_RC_INSUFFICIENT (parameter 1) [0x1da]');
  });

  it('TpmError compares by canonical code whatever the index', () => {
    const e = new TpmError(rcParam(TPM_RC.VALUE, 3));
    expect(e.is(TPM_RC.VALUE)).toBe(true);
    expect(isRc(e, TPM_RC.VALUE)).toBe(true);
    expect(isRc(e, TPM_RC.SIZE)).toBe(false);
    expect(e.code).toBe('TpmError');
  });
});
