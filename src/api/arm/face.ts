/**
 * The ARM face: bearer-token authentication, subscription-scoped authorization, the api-version
 * check, ARM's error envelope and its answer to unknown paths.
 */
import { DomainError } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import type { TokenService } from '../auth/tokens.js';
import type { Face } from '../http/server.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import { armErrorBody, armErrorResponse } from './errors.js';
import { API_VERSIONS } from './versions.js';

export function armFace(platform: Platform, tokens: TokenService): Face {
  return {
    async authenticate(req: ApiRequest, action: string | undefined): Promise<ApiResponse | undefined> {
      const h = req.headers.authorization;
      const www = { 'www-authenticate': `Bearer authorization_uri="${req.baseUrl}/oauth2/v2.0/token", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."` };
      if (!h) return { status: 401, headers: www, body: armErrorBody('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.") };
      const m = h.match(/^Bearer\s+(\S+)$/i);
      if (!m) return { status: 401, headers: www, body: armErrorBody('AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.") };
      const verified = await tokens.verify(m[1]!);
      if (!verified.ok) {
        const code = /expiry/.test(verified.error) ? 'ExpiredAuthenticationToken' : 'InvalidAuthenticationToken';
        return { status: 401, headers: www, body: armErrorBody(code, verified.error) };
      }
      const principal = await platform.identity.principal(verified.claims.oid);
      if (!principal) return { status: 401, headers: www, body: armErrorBody('InvalidAuthenticationToken', 'The access token was issued to an application that no longer exists.') };
      req.principal = principal;
      const sub = req.params.subscriptionId;
      if (sub !== undefined && !principal.subscriptions.some((s) => s.toLowerCase() === sub.toLowerCase())) {
        const scope = req.path.replace(/\/$/, '');
        return {
          status: 403,
          body: armErrorBody(
            'AuthorizationFailed',
            `The client '${principal.clientId}' with object id '${principal.clientId}' does not have authorization to perform action '${action ?? 'read'}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
          ),
        };
      }
      return undefined;
    },

    precheck(req: ApiRequest, versions: string | undefined): ApiResponse | undefined {
      if (!versions) return undefined;
      const v = req.query.get('api-version');
      if (!v) return { status: 400, body: armErrorBody('MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.") };
      const accepted = API_VERSIONS[versions] ?? [];
      if (!accepted.includes(v)) {
        // Microsoft.Resources (subscriptions, resource groups, providers) is ARM's own API, and ARM
        // answers with its own code, newest version first: "The api-version '2020-10-01' is invalid.
        // The supported versions are '2020-07-01,2020-06-01,…'." (Azure/azure-rest-api-specs#11711,
        // Azure/azure-cli#28038). A resource provider's type gets NoRegisteredProviderFound.
        if (versions === 'resources' || versions === 'subscriptions') {
          return { status: 400, body: armErrorBody('InvalidApiVersionParameter', `The api-version '${v}' is invalid. The supported versions are '${[...accepted].reverse().join(',')}'.`) };
        }
        const type = resourceTypeOf(req.path);
        return {
          status: 400,
          body: armErrorBody(
            'NoRegisteredProviderFound',
            `No registered resource provider found for location '${req.query.get('location') ?? 'global'}' and API version '${v}' for type '${type}'. The supported api-versions are '${accepted.join(', ')}'.`,
          ),
        };
      }
      return undefined;
    },

    errorResponse: armErrorResponse,

    notFound(req: ApiRequest, methodMismatch: boolean): ApiResponse {
      if (methodMismatch) {
        return { status: 405, body: armErrorBody('MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`) };
      }
      return { status: 404, body: armErrorBody('InvalidResourceType', `The resource type '${resourceTypeOf(req.path)}' could not be found for path '${req.path}'.`) };
    },
  };
}

function resourceTypeOf(path: string): string {
  const m = path.match(/\/providers\/([^/]+)\/([^/]+)/i);
  return m ? m[2]! : path.split('/').filter(Boolean).slice(-2, -1)[0] ?? path;
}

export function requirePrincipal(req: ApiRequest) {
  if (!req.principal) throw new DomainError('Unauthorized', 'AuthenticationFailed', 'Authentication failed.');
  return req.principal;
}
