/**
 * The resource-manager client: bearer token, subscription, api-version, ARM's error envelope.
 *
 * Steps of a request:
 *   1. build the URL (`/subscriptions/{sub}/…?api-version=…`, or an absolute URL the server gave),
 *   2. send it with the bearer token (same origin as the profile's endpoint only),
 *   3. on 401 with an expired or invalid token, get a new token once and resend,
 *   4. on 409 MissingSubscriptionRegistration, register the provider and resend, as az does
 *      (azure-mgmt-core's ARMAutoResourceProviderRegistrationPolicy),
 *   5. ≥ 400: throw ArmError with the CloudError body (404 → ResourceNotFoundError, exit 3).
 */
import { randomUUID } from 'node:crypto';
import { ArmError, UserError, type CloudErrorBody } from '../framework/errors.js';
import type { Context } from '../framework/types.js';
import { loadConfig } from './config.js';
import { httpsRequest, type HttpResponse } from './https.js';
import { getToken, loadProfile, type LoadedProfile } from './profile.js';
import { API, USER_AGENT } from './versions.js';

export interface ArmResponse extends HttpResponse {
  readonly json: any;
}

export interface SendOptions {
  readonly apiVersion?: string;
  readonly body?: unknown;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ArmClient {
  private token: string;

  private constructor(
    private readonly ctx: Context,
    readonly profile: LoadedProfile,
    token: string,
    public subscriptionId: string,
  ) {
    this.token = token;
  }

  /** The client for a command: profile, token and the subscription (--subscription, `account set`, or the profile's). */
  static async create(ctx: Context, o: { resolveSubscription?: boolean } = {}): Promise<ArmClient> {
    const profile = loadProfile(ctx.io);
    const { accessToken } = await getToken(ctx.io, profile);
    const wanted = ctx.globals.subscription ?? loadConfig(ctx.io).defaults?.subscription ?? profile.subscriptionId;
    const c = new ArmClient(ctx, profile, accessToken, wanted);
    if (o.resolveSubscription !== false && ctx.globals.subscription !== undefined && !GUID.test(wanted)) c.subscriptionId = await c.findSubscription(wanted);
    return c;
  }

  /** A subscription id from an id or a display name. */
  async findSubscription(nameOrId: string): Promise<string> {
    const subs = ((await this.send('GET', '/subscriptions', { apiVersion: API.subscriptions })).json?.value ?? []) as { subscriptionId: string; displayName: string }[];
    const hit = subs.find((s) => s.subscriptionId.toLowerCase() === nameOrId.toLowerCase() || s.displayName.toLowerCase() === nameOrId.toLowerCase());
    if (!hit) throw new UserError('InvalidArgumentValueError', `Subscription '${nameOrId}' not found. Check the spelling and casing and try again.`);
    return hit.subscriptionId;
  }

  /** `/subscriptions/{sub}` + path. */
  sub(path: string): string {
    return `/subscriptions/${this.subscriptionId}${path}`;
  }

  url(pathOrUrl: string, o: SendOptions = {}): string {
    const base = this.profile.endpoint.replace(/\/$/, '');
    const u = new URL(/^https?:\/\//.test(pathOrUrl) ? pathOrUrl : base + pathOrUrl);
    if (u.origin !== new URL(base).origin) throw new UserError('ClientRequestError', `The server sent a URL on another origin (${u.origin}); the CLI sends its token only to ${new URL(base).origin}.`);
    if (o.apiVersion && !u.searchParams.has('api-version')) u.searchParams.set('api-version', o.apiVersion);
    for (const [k, v] of Object.entries(o.query ?? {})) u.searchParams.set(k, v);
    return u.toString();
  }

  async send(method: string, pathOrUrl: string, o: SendOptions = {}): Promise<ArmResponse> {
    // 1.
    const url = this.url(pathOrUrl, o);
    const body = o.body === undefined ? undefined : JSON.stringify(o.body);
    const log = this.ctx.log;
    for (let attempt = 0; ; attempt++) {
      // 2.
      log.debug(`Request URL: '${url}'`);
      log.debug(`Request method: '${method}'`);
      if (body !== undefined && log.debugEnabled) log.debug(`Request body: ${body}`);
      const r = await httpsRequest(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          'user-agent': USER_AGENT,
          'x-ms-client-request-id': randomUUID(),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(o.headers ?? {}),
        },
        ...(body !== undefined ? { body } : {}),
        ...(this.profile.ca ? { ca: this.profile.ca } : {}),
      });
      log.debug(`Response status: ${r.status}`);
      const json = parseJson(r.text);
      // 3.
      if (r.status === 401 && attempt === 0) {
        log.debug('The access token was refused; requesting a new one.');
        this.token = (await getToken(this.ctx.io, this.profile, { force: true })).accessToken;
        continue;
      }
      // 4.
      const err = r.status >= 400 ? cloudError(r, json) : undefined;
      const ns = r.status === 409 && err?.code === 'MissingSubscriptionRegistration' ? err.message.match(/namespace '([^']+)'/)?.[1] : undefined;
      if (ns && attempt < 2) {
        await this.registerProvider(ns);
        continue;
      }
      // 5.
      if (err) throw new ArmError(r.status, err);
      return { ...r, json };
    }
  }

  /** Register a resource provider and wait until it is Registered (az's automatic registration). */
  private async registerProvider(namespace: string): Promise<void> {
    this.ctx.log.warn(`Resource provider '${namespace}' used by this operation is not registered. We are registering for you.`);
    const path = this.sub(`/providers/${encodeURIComponent(namespace)}`);
    await this.send('POST', `${path}/register`, { apiVersion: API.resources });
    for (let i = 0; ; i++) {
      const p = (await this.get(path, API.resources)) as { registrationState?: string };
      if (p.registrationState === 'Registered') break;
      if (i > 3000) throw new UserError('AzureResponseError', `Resource provider '${namespace}' is still ${p.registrationState ?? 'registering'}; try again later.`);
      await this.ctx.io.sleep(200);
    }
    this.ctx.log.warn('Registration succeeded.');
  }

  async get(path: string, apiVersion: string, query?: Record<string, string>): Promise<any> {
    return (await this.send('GET', path, { apiVersion, ...(query ? { query } : {}) })).json;
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed', 500: 'Internal Server Error' };

function cloudError(r: HttpResponse, json: unknown): CloudErrorBody {
  const e = (json as { error?: CloudErrorBody } | undefined)?.error;
  if (e && typeof e.code === 'string') return e;
  return { code: `${r.status}`, message: `Operation returned an invalid status '${REASONS[r.status] ?? r.status}'` };
}
