/** POST …/retrieveBootDiagnosticsData: the URIs of the VM's serial console log and screenshot. */
import type { ArmClient } from '../../../client/arm.js';
import { API } from '../../../client/versions.js';
import { onVm, vmPath } from '../_vm.js';

export interface BootDiagnosticsUris {
  readonly consoleScreenshotBlobUri?: string;
  readonly serialConsoleLogBlobUri?: string;
}

export async function bootDiagnosticsUris(arm: ArmClient, rg: string, name: string): Promise<BootDiagnosticsUris> {
  return (await onVm(rg, name, () => arm.send('POST', `${vmPath(arm, rg, name)}/retrieveBootDiagnosticsData`, { apiVersion: API.compute }))).json as BootDiagnosticsUris;
}
