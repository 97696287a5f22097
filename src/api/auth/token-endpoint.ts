/**
 * OAuth2 client-credentials token endpoint (RFC 6749 §4.4), as Microsoft Entra ID serves it:
 * `POST /{tenant}/oauth2/v2.0/token` or `/{tenant}/oauth2/token` with
 * `grant_type=client_credentials&client_id=…&client_secret=…[&scope=…|&resource=…]`.
 * Errors use the OAuth2 error format, not ARM's.
 */
import { DomainError } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import type { ApiRequest, ApiResponse } from '../http/types.js';
import type { TokenService } from './tokens.js';

export const TOKEN_LIFETIME_SECONDS = 3600;

function oauthError(status: number, error: string, description: string): ApiResponse {
  return { status, body: { error, error_description: description, error_codes: [], timestamp: new Date().toISOString() } };
}

export function tokenEndpoint(platform: Platform, tokens: TokenService) {
  return async (req: ApiRequest): Promise<ApiResponse> => {
    const text = new TextDecoder().decode(req.body);
    const type = String(req.headers['content-type'] ?? '');
    let form: URLSearchParams;
    if (type.includes('application/json')) {
      try {
        form = new URLSearchParams(JSON.parse(text) as Record<string, string>);
      } catch {
        return oauthError(400, 'invalid_request', 'The request body must be application/x-www-form-urlencoded or JSON.');
      }
    } else {
      form = new URLSearchParams(text);
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', `AADSTS70003: The grant type '${form.get('grant_type') ?? ''}' is not supported; use client_credentials.`);
    }
    const clientId = form.get('client_id');
    const secret = form.get('client_secret');
    if (!clientId || !secret) return oauthError(400, 'invalid_request', "AADSTS900144: The request body must contain 'client_id' and 'client_secret'.");
    try {
      const p = await platform.identity.authenticate(clientId, secret);
      const subs = await platform.identity.subscriptionsOf(p);
      const { token, expiresOn } = await tokens.issue(p.clientId, subs[0]?.tenantId ?? req.params.tenant ?? '', TOKEN_LIFETIME_SECONDS);
      return {
        status: 200,
        body: { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, expires_on: String(expiresOn), resource: form.get('resource') ?? 'https://management.azure.com/', access_token: token },
      };
    } catch (e) {
      if (e instanceof DomainError && e.kind === 'Unauthorized') return oauthError(401, 'invalid_client', e.message);
      throw e;
    }
  };
}
