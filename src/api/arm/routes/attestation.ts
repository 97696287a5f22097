/**
 * Guest attestation on the resource manager (platform extension namespace TrustedLaunch.Platform,
 * api-version 2026-11-01), as extension resources of a managed cluster:
 *
 *   GET  {cluster}/providers/TrustedLaunch.Platform/attestations                 latest result per node
 *   GET  {cluster}/providers/TrustedLaunch.Platform/attestations/{node}          result, history, claims, token
 *   POST {cluster}/providers/TrustedLaunch.Platform/attestations/{node}/attest   attest now (synchronous)
 *   GET  {cluster}/providers/TrustedLaunch.Platform/attestationPolicies/default  policy (+ hash) and quarantine
 *   PUT  {cluster}/providers/TrustedLaunch.Platform/attestationPolicies/default  set them (a changed policy re-attests the
 *        cluster's running vTPM nodes at once: AttestationService, step 1)
 *   GET|PUT|DELETE /providers/TrustedLaunch.Platform/attestationTrustAnchors[/{name}]  CAs for EK/AK
 *        certificates besides the platform's vTPM CA (administrators only)
 */
import { fromPem } from '../../../core/asn1/index.js';
import { parsePolicy, policyHash, policyText, PolicyError } from '../../../attestation/index.js';
import type { AttestationRecord, TrustAnchorRecord } from '../../../platform/attestation/types.js';
import { DomainError, invalid, notFound } from '../../../platform/errors.js';
import { ids, KIND } from '../../../platform/model/keys.js';
import type { VirtualMachine } from '../../../platform/model/types.js';
import type { AttestationHistoryEntry } from '../../../platform/attestation/types.js';
import type { Route } from '../../http/router.js';
import { json, type ApiRequest } from '../../http/types.js';
import { Body, parseJsonBody } from '../body.js';
import { requirePrincipal } from '../face.js';
import { sub, type ArmDeps } from './deps.js';

const MC = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/{resourceName}';
const NS = 'providers/TrustedLaunch.Platform';
const ACTION = 'TrustedLaunch.Platform';
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

function nodeStatus(vm: VirtualMachine, r: AttestationRecord | undefined): string {
  if (vm.stage === 'Failed') return 'BootFailed';
  if (!vm.model.vTpmEnabled) return 'NotApplicable';
  if (!r) return vm.stage === 'Running' ? 'Pending' : 'NotAttested';
  return r.status;
}

export function attestationToWire(clusterId: string, vm: VirtualMachine, r: AttestationRecord | undefined, detail?: { history: AttestationHistoryEntry[]; token?: string | undefined }): Record<string, unknown> {
  return {
    id: `${clusterId}/providers/TrustedLaunch.Platform/attestations/${vm.computerName}`,
    name: vm.computerName,
    type: 'TrustedLaunch.Platform/attestations',
    properties: {
      node: vm.computerName,
      agentPool: vm.poolKey.slice(vm.poolKey.lastIndexOf('/') + 1),
      vmId: vm.vmId,
      resourceId: ids.vm(vm.subscriptionId, vm.nodeResourceGroup, vm.vmssName, vm.instanceId),
      securityProfile: { secureBootEnabled: vm.model.secureBootEnabled, vTpmEnabled: vm.model.vTpmEnabled },
      vmState: vm.stage,
      status: nodeStatus(vm, r),
      ...(vm.stage === 'Failed' && vm.failure ? { bootFailure: vm.failure.message } : {}),
      ...(r
        ? {
            attestedAt: iso(r.at),
            bootTime: iso(r.bootAt),
            reason: r.reason,
            nodeImage: r.nodeImage,
            policyHash: r.policyHash,
            findings: r.findings,
            ...(detail
              ? {
                  steps: r.steps,
                  ...(r.identity ? { identity: r.identity } : {}),
                  ...(r.attestedPcrs ? { attestedPcrs: r.attestedPcrs } : {}),
                  ...(r.claims ? { claims: r.claims } : {}),
                  ...(detail.token ? { token: detail.token, tokenExpiresOn: iso(r.tokenExpiresAt) } : {}),
                  history: detail.history.map((h) => ({ attestedAt: iso(h.at), status: h.status, reason: h.reason, bootTime: iso(h.bootAt), policyHash: h.policyHash, findings: h.findings })),
                }
              : {}),
          }
        : {}),
    },
  };
}

function requireAdmin(req: ApiRequest): void {
  const p = requirePrincipal(req);
  if (!p.admin) throw new DomainError('Forbidden', 'AuthorizationFailed', `The client '${p.clientId}' does not have authorization to manage attestation trust anchors: only platform administrators can.`);
}

function anchorToWire(a: TrustAnchorRecord): Record<string, unknown> {
  return { id: `/providers/TrustedLaunch.Platform/attestationTrustAnchors/${a.name}`, name: a.name, type: 'TrustedLaunch.Platform/attestationTrustAnchors', properties: { subject: a.subject, certificate: a.certificate, addedAt: iso(a.addedAt) } };
}

export function attestationRoutes(d: ArmDeps): Route[] {
  const p = d.platform;
  const sc = p.security;
  const svc = () => {
    if (!p.attestation) throw invalid('AttestationUnavailable', 'Guest attestation is not running on this server (VM boot is disabled).');
    return p.attestation;
  };
  const clusterOf = (req: ApiRequest) => sc.cluster(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!);
  const clusterId = (req: ApiRequest) => ids.cluster(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!);
  const nodeOf = async (req: ApiRequest) => {
    const cluster = await clusterOf(req);
    try {
      return await p.vms.find(sub(req.params), cluster.nodeResourceGroup, req.params.nodeName!);
    } catch {
      throw notFound('NodeNotFound', `Node '${req.params.nodeName}' was not found in managed cluster '${req.params.resourceName}'.`);
    }
  };
  const policyWire = async (req: ApiRequest) => {
    const c = await clusterOf(req);
    const s = await svc().state.settings(`${sub(req.params).toLowerCase()}/${c.resourceGroup.toLowerCase()}/${c.name.toLowerCase()}`);
    const text = policyText(s.policy);
    return {
      id: `${clusterId(req)}/providers/TrustedLaunch.Platform/attestationPolicies/default`,
      name: 'default',
      type: 'TrustedLaunch.Platform/attestationPolicies',
      properties: { policy: s.policy, policyText: text, policyHash: policyHash(text), quarantine: s.quarantine, ...(s.updatedAt ? { updatedAt: iso(s.updatedAt) } : {}) },
    };
  };
  return [
    {
      method: 'GET', path: `${MC}/${NS}/attestations`, auth: 'arm', versions: 'platform', action: `${ACTION}/attestations/read`,
      handler: async (req) => {
        const { vms } = await sc.clusterResults(sub(req.params), req.params.resourceGroupName!, req.params.resourceName!);
        const id = clusterId(req);
        return json(200, { value: vms.sort((a, b) => a.vm.computerName.localeCompare(b.vm.computerName)).map((v) => attestationToWire(id, v.vm, v.result)) });
      },
    },
    {
      method: 'GET', path: `${MC}/${NS}/attestations/{nodeName}`, auth: 'arm', versions: 'platform', action: `${ACTION}/attestations/read`,
      handler: async (req) => {
        const { key, vm } = await nodeOf(req);
        const r = (await p.ctx.store.get<AttestationRecord>(KIND.attestationResult, key))?.value;
        return json(200, attestationToWire(clusterId(req), vm, r, { history: await sc.history(key), token: r ? p.attestation?.tokenOf(r) : undefined }));
      },
    },
    {
      method: 'POST', path: `${MC}/${NS}/attestations/{nodeName}/attest`, auth: 'arm', versions: 'platform', action: `${ACTION}/attestations/action`,
      handler: async (req) => {
        const { key, vm } = await nodeOf(req);
        if (vm.stage !== 'Running') throw new DomainError('Conflict', 'VMNotRunning', `Node '${vm.computerName}' is ${vm.stage}: only a running VM can be attested.`);
        if (!vm.model.vTpmEnabled) throw invalid('VtpmDisabled', `Node '${vm.computerName}' has no vTPM: enable vTPM on its node pool to attest it.`);
        // In the controller, after the work in progress (never beside a boot of the same VM).
        const r = await svc().attestNow(key);
        if (!r) throw new DomainError('Conflict', 'VMNotRunning', `Node '${vm.computerName}' stopped running before it could be attested.`);
        return json(200, attestationToWire(clusterId(req), vm, r, { history: await sc.history(key), token: svc().tokenOf(r) }));
      },
    },
    {
      method: 'GET', path: `${MC}/${NS}/attestationPolicies/default`, auth: 'arm', versions: 'platform', action: `${ACTION}/attestationPolicies/read`,
      handler: async (req) => json(200, await policyWire(req)),
    },
    {
      method: 'PUT', path: `${MC}/${NS}/attestationPolicies/default`, auth: 'arm', versions: 'platform', action: `${ACTION}/attestationPolicies/write`,
      handler: async (req) => {
        const c = await clusterOf(req);
        const props = Body.root(parseJsonBody(req.body)).obj('properties') ?? Body.root({}, 'properties');
        const raw = props.raw('policy');
        let policy;
        try {
          policy = raw === undefined ? undefined : parsePolicy(raw);
        } catch (e) {
          if (e instanceof PolicyError) throw invalid('InvalidAttestationPolicy', `The attestation policy is invalid: ${e.message}.`, `properties.policy.${e.field}`);
          throw e;
        }
        const quarantine = props.bool('quarantine');
        await svc().state.setSettings(`${sub(req.params).toLowerCase()}/${c.resourceGroup.toLowerCase()}/${c.name.toLowerCase()}`, { ...(policy ? { policy } : {}), ...(quarantine !== undefined ? { quarantine } : {}) }, p.ctx.clock.now());
        return json(200, await policyWire(req));
      },
    },
    {
      method: 'GET', path: `/${NS}/attestationTrustAnchors`, auth: 'arm', versions: 'platform', action: `${ACTION}/attestationTrustAnchors/read`,
      handler: async () => json(200, { value: svc().state.listAnchors().map(anchorToWire) }),
    },
    {
      method: 'PUT', path: `/${NS}/attestationTrustAnchors/{name}`, auth: 'arm', versions: 'platform', action: `${ACTION}/attestationTrustAnchors/write`,
      handler: async (req) => {
        requireAdmin(req);
        const props = Body.root(parseJsonBody(req.body)).obj('properties') ?? Body.root({}, 'properties');
        const text = props.str('certificate');
        if (!text) throw invalid('InvalidParameter', 'properties.certificate is required: a PEM certificate or base64 DER.', 'properties.certificate');
        const der = text.includes('-----BEGIN') ? fromPem(text, 'CERTIFICATE')[0] : new Uint8Array(Buffer.from(text, 'base64'));
        if (!der || der.length === 0) throw invalid('InvalidParameter', 'properties.certificate holds no certificate.', 'properties.certificate');
        return json(200, anchorToWire(await svc().state.putAnchor(req.params.name!, der, p.ctx.clock.now())));
      },
    },
    {
      method: 'DELETE', path: `/${NS}/attestationTrustAnchors/{name}`, auth: 'arm', versions: 'platform', action: `${ACTION}/attestationTrustAnchors/delete`,
      handler: async (req) => {
        requireAdmin(req);
        await svc().state.deleteAnchor(req.params.name!);
        return { status: 200 };
      },
    },
  ];
}
