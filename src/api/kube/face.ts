/**
 * The Kubernetes face of the HTTPS server: client-certificate authentication scoped to the
 * cluster in the path (auth.ts), metav1.Status errors (errors.ts), and the API server's 404 for
 * unknown paths.
 */
import type { Platform } from '../../platform/platform.js';
import type { Face } from '../http/server.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { forbiddenMessage, type ClientCertAuthenticator } from './auth.js';
import { kubeErrorResponse, statusResponse } from './errors.js';
import { requestInfo } from './request-info.js';
import { notFoundResponse } from './routes.js';

const DISCOVERY = /^\/(api|apis|version|healthz|livez|readyz|openapi\/v[23])(\/.*)?$/;

export function kubeFace(platform: Platform, auth: ClientCertAuthenticator): Face {
  return {
    async authenticate(req: ApiRequest): Promise<ApiResponse | undefined> {
      const uid = req.params.clusterUid ?? '';
      const a = auth.authorize(req.clientCertificate, uid, platform.ctx.clock.now());
      if (!a.ok && a.status === 401) return statusResponse('Unauthorized', 'Unauthorized');
      if (!a.ok && a.status === 403) {
        const info = requestInfo(req.method, req.params.rest ?? '', req.query);
        // Authenticated but not bound to this cluster: like a user without role bindings, it may still read
        // discovery (RBAC's system:discovery and system:public-info-viewer roles), and nothing else.
        if (!info.isResource && req.method === 'GET' && DISCOVERY.test(info.path)) return platform.kube.hasCluster(uid) ? undefined : notFoundResponse();
        return statusResponse('Forbidden', forbiddenMessage(a.user.name, info), info.isResource ? { ...(info.name ? { name: info.name } : {}), group: info.group, kind: info.resource } : {});
      }
      // A certificate for a cluster that has since been deleted.
      if (!platform.kube.hasCluster(uid)) return notFoundResponse();
      return undefined;
    },
    errorResponse: kubeErrorResponse,
    notFound: () => notFoundResponse(),
  };
}
