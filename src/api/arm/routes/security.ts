/**
 * Microsoft.Security on the resource manager (Defender for Cloud–like), in the shapes of the
 * Security REST API:
 *
 *   GET  /subscriptions/{sub}[/resourceGroups/{rg}]/providers/Microsoft.Security/alerts                (Alerts_List[ByResourceGroup], 2022-01-01)
 *   GET  /subscriptions/{sub}[/resourceGroups/{rg}]/providers/Microsoft.Security/locations/{loc}/alerts/{name}
 *   POST …/alerts/{name}/dismiss | activate | resolve                                              (Alerts_UpdateSubscriptionLevelStateTo…)
 *   GET  /subscriptions/{sub}[/resourceGroups/{rg}]/providers/Microsoft.Security/assessments           (Assessments_List, 2020-01-01)
 *
 * The api-versions of the two resource types are registered in the shared table below (see the
 * note at REGISTER) so that the ARM face checks them like every other namespace.
 */
import type { SecurityAlert } from '../../../platform/attestation/alerts.js';
import type { Assessment } from '../../../platform/attestation/security-center.js';
import type { Route } from '../../http/router.js';
import { json, type ApiRequest } from '../../http/types.js';
import { sub, type ArmDeps } from './deps.js';

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

export function alertToWire(a: SecurityAlert): Record<string, unknown> {
  const failing = [...new Set(a.components.map((c) => c.component))];
  return {
    id: `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.Security/locations/${a.location}/alerts/${a.name}`,
    name: a.name,
    type: 'Microsoft.Security/Locations/alerts',
    properties: {
      version: '2022-01-01.0',
      alertType: a.alertType,
      systemAlertId: a.name,
      productComponentName: 'Servers',
      alertDisplayName: a.displayName,
      description: a.description,
      severity: a.severity,
      intent: 'Persistence',
      startTimeUtc: iso(a.startTime),
      endTimeUtc: iso(a.lastSeen),
      timeGeneratedUtc: iso(a.startTime),
      processingEndTimeUtc: iso(a.lastSeen),
      resourceIdentifiers: [{ type: 'AzureResource', azureResourceId: a.resourceId }],
      remediationSteps: a.remediationSteps,
      vendorName: 'Microsoft',
      status: a.status,
      compromisedEntity: a.computerName,
      isIncident: false,
      correlationKey: Buffer.from(`${a.vmKey}|${a.alertType}`).toString('base64'),
      productName: 'Microsoft Defender for Cloud',
      entities: [{ type: 'host', hostName: a.computerName, azureID: a.resourceId }],
      // The Security API types extendedProperties as a string map: the components' details are also
      // given as structured data below (`failingComponents` and `components` are ours).
      extendedProperties: {
        'Failing components': failing.join(', '),
        'Node image': a.nodeImage,
        'Boot time': iso(a.bootAt) ?? '',
        ...(a.attestationStatus ? { 'Attestation status': a.attestationStatus } : {}),
        'resourceType': 'Virtual Machine',
      },
      failingComponents: failing,
      components: a.components,
    },
  };
}

export function assessmentToWire(a: Assessment): Record<string, unknown> {
  const d = a.definition;
  return {
    id: `${a.resourceId}/providers/Microsoft.Security/assessments/${d.name}`,
    name: d.name,
    type: 'Microsoft.Security/assessments',
    properties: {
      resourceDetails: { Source: 'Azure', Id: a.resourceId },
      displayName: d.displayName,
      status: { code: a.code, ...(a.cause ? { cause: a.cause } : {}), ...(a.description ? { description: a.description } : {}) },
      ...(a.additionalData ? { additionalData: a.additionalData } : {}),
      metadata: {
        displayName: d.displayName,
        severity: d.severity,
        assessmentType: 'BuiltIn',
        categories: ['Compute'],
        description: d.description,
        remediationDescription: d.remediation,
        ...(d.policyDefinitionId ? { policyDefinitionId: d.policyDefinitionId } : {}),
      },
      links: { azurePortalUri: '' },
    },
  };
}

const SUB = '/subscriptions/{subscriptionId}';
const RG = `${SUB}/resourceGroups/{resourceGroupName}`;

export function securityRoutes(d: ArmDeps): Route[] {
  const sc = d.platform.security;
  const rg = (req: ApiRequest) => req.params.resourceGroupName;
  // An alert is found only at its own location (and resource group, when the path names one).
  const scope = (req: ApiRequest) => ({ location: req.params.ascLocation!, resourceGroup: rg(req) });
  const alertRoutes = (base: string): Route[] => [
    {
      method: 'GET', path: `${base}/providers/Microsoft.Security/alerts`, auth: 'arm', versions: 'securityAlerts', action: 'Microsoft.Security/alerts/read',
      handler: async (req) => json(200, { value: (await sc.alerts(sub(req.params), rg(req))).map(alertToWire) }),
    },
    {
      method: 'GET', path: `${base}/providers/Microsoft.Security/locations/{ascLocation}/alerts/{alertName}`, auth: 'arm', versions: 'securityAlerts', action: 'Microsoft.Security/locations/alerts/read',
      handler: async (req) => json(200, alertToWire(await sc.alert(sub(req.params), req.params.alertName!, scope(req)))),
    },
    ...(['dismiss', 'activate', 'resolve'] as const).map(
      (verb): Route => ({
        method: 'POST', path: `${base}/providers/Microsoft.Security/locations/{ascLocation}/alerts/{alertName}/${verb}`, auth: 'arm', versions: 'securityAlerts', action: `Microsoft.Security/locations/alerts/${verb}/action`,
        handler: async (req) => {
          await sc.setAlertStatus(sub(req.params), req.params.alertName!, scope(req), verb === 'dismiss' ? 'Dismissed' : verb === 'resolve' ? 'Resolved' : 'Active');
          return { status: 204 };
        },
      }),
    ),
  ];
  return [
    ...alertRoutes(SUB),
    ...alertRoutes(RG),
    ...[SUB, RG].map(
      (base): Route => ({
        method: 'GET', path: `${base}/providers/Microsoft.Security/assessments`, auth: 'arm', versions: 'securityAssessments', action: 'Microsoft.Security/assessments/read',
        handler: async (req) => json(200, { value: (await sc.assessments(sub(req.params), rg(req))).map(assessmentToWire) }),
      }),
    ),
  ];
}
