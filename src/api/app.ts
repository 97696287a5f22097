/**
 * The API: one router for every face, the faces themselves, and the HTTPS server.
 * (Kubernetes and attestation faces join here in their issues.)
 */
import type { Server } from 'node:https';
import type { Logger } from '../core/log.js';
import type { Platform } from '../platform/platform.js';
import { armErrorBody, armErrorResponse } from './arm/errors.js';
import { armFace } from './arm/face.js';
import type { LroOptions } from './arm/lro.js';
import { computeActionRoutes, computeRoutes } from './arm/routes/compute.js';
import { containerServiceRoutes } from './arm/routes/container-service.js';
import type { KubeconfigIssuer } from './arm/routes/deps.js';
import { imageRoutes } from './arm/routes/images.js';
// Issue 8: guest attestation (cluster extension resources), the security center (Microsoft.Security) and the MAA-like face.
import { attestationRoutes } from './arm/routes/attestation.js';
import { securityRoutes } from './arm/routes/security.js';
import { attestRoutes } from './attest/routes.js';
import { resourceRoutes } from './arm/routes/resources.js';
import { tokenEndpoint } from './auth/token-endpoint.js';
import type { TokenService } from './auth/tokens.js';
import { Router, type AuthScope } from './http/router.js';
import { createApiServer, type Face } from './http/server.js';
import { json } from './http/types.js';
// Issue 9: the Kubernetes face (client-certificate auth, metav1.Status errors) and its routes.
import { ClientCertAuthenticator } from './kube/auth.js';
import { kubeFace } from './kube/face.js';
import { kubeRoutes, type KubeApiOptions } from './kube/routes.js';
import type { CertificateAuthority } from './tls.js';

export interface ApiOptions {
  readonly platform: Platform;
  readonly tokens: TokenService;
  readonly kubeconfigs: KubeconfigIssuer;
  readonly lro: LroOptions;
  readonly tls: { readonly key: string; readonly cert: string };
  readonly log: Logger;
  readonly maxBodyBytes?: number;
  /** Issue 9: the CA that signs kubeconfig client certificates; serves each cluster's Kubernetes API under /clusters/{resourceUID}/. */
  readonly kube?: KubeApiOptions & { readonly ca: CertificateAuthority };
}

/** ARM limits request bodies to 4 MB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function buildRouter(o: ApiOptions): Router {
  const deps = { platform: o.platform, lro: o.lro, kubeconfigs: o.kubeconfigs };
  const token = tokenEndpoint(o.platform, o.tokens);
  return new Router().add(
    { method: 'POST', path: '/{tenant}/oauth2/v2.0/token', auth: 'public', handler: token },
    { method: 'POST', path: '/{tenant}/oauth2/token', auth: 'public', handler: token },
    { method: 'POST', path: '/oauth2/token', auth: 'public', handler: token },
    { method: 'GET', path: '/healthz', auth: 'public', handler: async () => json(200, { status: 'ok' }) },
    ...resourceRoutes(deps),
    ...containerServiceRoutes(deps),
    ...computeRoutes(deps),
    ...computeActionRoutes(deps),
    ...(o.kube ? kubeRoutes(o.platform, o.kube) : []),
    ...imageRoutes(deps),
    ...attestationRoutes(deps),
    ...securityRoutes(deps),
    ...attestRoutes(o.platform),
  );
}

const publicFace: Face = {
  authenticate: async () => undefined,
  errorResponse: armErrorResponse,
  notFound: (req, methodMismatch) =>
    methodMismatch ? { status: 405, body: armErrorBody('MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`) } : { status: 404, body: armErrorBody('NotFound', `No route for ${req.path}.`) },
};

export function createApi(o: ApiOptions, extraFaces: Partial<Record<AuthScope, Face>> = {}): Server {
  const router = buildRouter(o);
  const faces: Record<AuthScope, Face> = { public: publicFace, arm: armFace(o.platform, o.tokens), kube: extraFaces.kube ?? (o.kube ? kubeFace(o.platform, new ClientCertAuthenticator(o.kube.ca.cert, o.kube.ca.key)) : publicFace), ...extraFaces };
  return createApiServer({
    key: o.tls.key,
    cert: o.tls.cert,
    router,
    faces,
    faceForPath: (p) => (p.startsWith('/subscriptions') || p.startsWith('/providers') || p.startsWith('/tenants') ? 'arm' : p.startsWith('/clusters/') ? 'kube' : 'public'),
    log: o.log,
    maxBodyBytes: o.maxBodyBytes ?? MAX_BODY_BYTES,
  });
}
