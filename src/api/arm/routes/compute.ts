/** Microsoft.Compute (read-only): the scale sets and VMs of agent pools, in the node resource group. */
import { parseTamperComponent } from '../../../platform/boot/tamper.js';
import { notFound } from '../../../platform/errors.js';
import type { AgentPool } from '../../../platform/model/types.js';
import type { VmAction } from '../../../platform/services/vms.js';
import type { Route } from '../../http/router.js';
import { json, type ApiRequest } from '../../http/types.js';
import { Body, parseJsonBody } from '../body.js';
import { operationToWire } from '../convert/resources.js';
import { invalidContent } from '../errors.js';
import { scaleSetToWire, vmInstanceView, vmToWire } from '../convert/compute.js';
import { sub, type ArmDeps } from './deps.js';

const VMSS = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/virtualMachineScaleSets';

export function computeRoutes(d: ArmDeps): Route[] {
  const c = d.platform.compute;
  const generation = (pool: AgentPool | undefined) => pool?.generation;
  return [
    {
      method: 'GET', path: VMSS, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/read',
      handler: async (req) => json(200, { value: (await c.listScaleSets(sub(req.params), req.params.resourceGroupName!)).map(scaleSetToWire) }),
    },
    {
      method: 'GET', path: `${VMSS}/{vmScaleSetName}`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/read',
      handler: async (req) => json(200, scaleSetToWire(await c.getScaleSet(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!))),
    },
    {
      method: 'GET', path: `${VMSS}/{vmScaleSetName}/virtualMachines`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
      handler: async (req) => {
        const s = await c.getScaleSet(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!);
        const view = req.query.get('$expand') === 'instanceView' ? { os: await c.guestOs(s.pool) } : undefined;
        const vms = await c.listVms(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!);
        return json(200, { value: vms.map((v) => vmToWire(v, s.scaleSet.location, generation(s.pool), view)) });
      },
    },
    {
      method: 'GET', path: `${VMSS}/{vmScaleSetName}/virtualMachines/{instanceId}`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
      handler: async (req) => {
        const s = await c.getScaleSet(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!);
        const vm = await c.getVm(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!, Number(req.params.instanceId));
        return json(200, vmToWire(vm, s.scaleSet.location, generation(s.pool), req.query.get('$expand') === 'instanceView' ? { os: await c.guestOs(s.pool) } : undefined));
      },
    },
    {
      method: 'GET', path: `${VMSS}/{vmScaleSetName}/virtualMachines/{instanceId}/instanceView`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
      handler: async (req) => {
        const s = await c.getScaleSet(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!);
        return json(200, vmInstanceView(await c.getVm(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!, Number(req.params.instanceId)), await c.guestOs(s.pool)));
      },
    },
  ];
}

/**
 * VM actions and Trusted Launch diagnostics on scale set VMs:
 *   POST …/virtualMachines/{id}/start|powerOff|deallocate|restart|reimage  (Compute, 202 + Azure-AsyncOperation)
 *   POST …/virtualMachines/{id}/retrieveBootDiagnosticsData                (Compute: URIs of the serial log)
 *   GET  …/virtualMachines/{id}/serialConsoleLog                           (the serial log, text/plain)
 *   GET  …/virtualMachines/{id}/measuredBootLog | imaLog                   (binary_bios_measurements, IMA binary list)
 *   POST …/virtualMachines/{id}/tamper  {"component": "kernel"}            (the chaos face)
 */
export function computeActionRoutes(d: ArmDeps): Route[] {
  const vms = d.platform.vms;
  const VM = `${VMSS}/{vmScaleSetName}/virtualMachines/{instanceId}`;
  const find = (req: ApiRequest) => vms.findByInstance(sub(req.params), req.params.resourceGroupName!, req.params.vmScaleSetName!, Number(req.params.instanceId));
  const actions: VmAction[] = ['start', 'powerOff', 'deallocate', 'restart', 'reimage'];
  return [
    ...actions.map(
      (action): Route => ({
        method: 'POST', path: `${VM}/${action}`, auth: 'arm', versions: 'compute', action: `Microsoft.Compute/virtualMachineScaleSets/virtualMachines/${action}/action`,
        handler: async (req) => {
          const { operation } = await vms.act(await find(req), action);
          if (!operation) return { status: 200 };
          const url = `${req.baseUrl}/subscriptions/${operation.subscriptionId}/providers/Microsoft.Compute/locations/${operation.location}/operations/${operation.id}?api-version=${encodeURIComponent(req.query.get('api-version') ?? '')}`;
          return { status: 202, headers: { 'azure-asyncoperation': url, location: url, 'retry-after': String(d.lro.retryAfterSeconds) } };
        },
      }),
    ),
    {
      method: 'GET', path: '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/operations/{operationId}', auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/locations/operations/read',
      handler: async (req) => json(200, operationToWire(await d.platform.operations.get(sub(req.params), req.params.operationId!))),
    },
    {
      method: 'POST', path: `${VM}/retrieveBootDiagnosticsData`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/retrieveBootDiagnosticsData/action',
      handler: async (req) => {
        await find(req);
        const base = `${req.baseUrl}${req.path.replace(/\/retrieveBootDiagnosticsData$/i, '')}`;
        const v = encodeURIComponent(req.query.get('api-version') ?? '');
        return json(200, { consoleScreenshotBlobUri: `${base}/serialConsoleLog?api-version=${v}&format=screenshot`, serialConsoleLogBlobUri: `${base}/serialConsoleLog?api-version=${v}` });
      },
    },
    {
      method: 'GET', path: `${VM}/serialConsoleLog`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
      handler: async (req) => {
        const rec = await vms.bootRecord((await find(req)).key);
        if (!rec) throw notFound('BootDiagnosticsNotFound', 'The VM has not booted yet: no boot diagnostics are available.');
        return { status: 200, raw: new TextEncoder().encode(rec.serialLog), headers: { 'content-type': 'text/plain; charset=utf-8' } };
      },
    },
    ...(['measuredBootLog', 'imaLog'] as const).map(
      (what): Route => ({
        method: 'GET', path: `${VM}/${what}`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
        handler: async (req) => {
          const key = (await find(req)).key;
          const bytes = what === 'measuredBootLog' ? await vms.eventLog(key) : await vms.imaLog(key);
          if (!bytes) throw notFound('MeasuredBootLogNotFound', `The VM has no ${what === 'imaLog' ? 'IMA log' : 'measured boot log'}: it has not booted with a vTPM.`);
          return { status: 200, raw: bytes, headers: { 'content-type': 'application/octet-stream' } };
        },
      }),
    ),
    {
      // The VM's vTPM identity: EK and AK names and certificates (what attestation binds to).
      method: 'GET', path: `${VM}/vtpm`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read',
      handler: async (req) => {
        const rec = await d.platform.vtpm?.record((await find(req)).key);
        if (!rec) throw notFound('VtpmNotFound', 'The VM has no vTPM (vTPM is disabled, or it has not booted yet).');
        return json(200, { ekName: rec.ekName, akName: rec.akName, ekCertificate: rec.ekCertificate, akCertificate: rec.akCertificate, manufacturedAt: new Date(rec.manufacturedAt).toISOString() });
      },
    },
    {
      method: 'POST', path: `${VM}/tamper`, auth: 'arm', versions: 'compute', action: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/write',
      handler: async (req) => {
        const b = Body.root(parseJsonBody(req.body));
        const component = b.str('component');
        if (!component) throw invalidContent("Required property 'component' not found in JSON", 'component');
        const t = await vms.tamper(await find(req), [parseTamperComponent(component)], b.str('module'));
        return json(200, { components: t.components, ...(t.module ? { module: t.module } : {}), takesEffect: 'at the next boot (restart the VM)' });
      },
    },
  ];
}
