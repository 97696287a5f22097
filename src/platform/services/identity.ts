/**
 * Subscriptions and principals. The first start creates a default subscription and an
 * administrator principal; principals are scoped to subscriptions (a token for another
 * subscription is refused with AuthorizationFailed by the API layer).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { DomainError, notFound } from '../errors.js';
import { KIND } from '../model/keys.js';
import type { Principal, Subscription } from '../model/types.js';
import type { PlatformContext } from './context.js';

export const DEFAULT_TENANT_ID = '72f988bf-0000-4000-8000-00000000face';

function hashSecret(secret: string, salt = randomBytes(16)): string {
  return `${salt.toString('hex')}$${scryptSync(secret, salt, 32).toString('hex')}`;
}

function secretMatches(secret: string, stored: string): boolean {
  const [salt, hash] = stored.split('$');
  if (!salt || !hash) return false;
  const got = scryptSync(secret, Buffer.from(salt, 'hex'), 32);
  const want = Buffer.from(hash, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

export interface Bootstrap {
  readonly created: boolean;
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly adminClientId: string;
  /** Only when the administrator was created now: the secret is not stored in clear. */
  readonly adminSecret?: string;
}

export class IdentityService {
  constructor(private readonly ctx: PlatformContext) {}

  /** Create the default subscription and administrator on first start; otherwise report them. */
  async bootstrap(): Promise<Bootstrap> {
    const admins = (await this.ctx.store.list<Principal>(KIND.principal)).filter((p) => p.value.admin);
    const first = admins[0];
    if (first) {
      const sub = first.value.subscriptions[0]!;
      const s = await this.getSubscription(sub);
      return { created: false, subscriptionId: sub, tenantId: s.tenantId, adminClientId: first.value.clientId };
    }
    const subscriptionId = this.ctx.ids.uuid();
    const clientId = this.ctx.ids.uuid();
    const secret = randomBytes(24).toString('base64url');
    const subscription: Subscription = { subscriptionId, displayName: 'Trusted Launch (local)', tenantId: DEFAULT_TENANT_ID, state: 'Enabled' };
    const admin: Principal = { clientId, displayName: 'tl-admin', secretHash: hashSecret(secret), subscriptions: [subscriptionId], admin: true };
    await this.ctx.store.commit([
      { op: 'put', kind: KIND.subscription, key: subscriptionId, value: subscription, expectRev: 0 },
      { op: 'put', kind: KIND.principal, key: clientId, value: admin, expectRev: 0 },
    ]);
    return { created: true, subscriptionId, tenantId: DEFAULT_TENANT_ID, adminClientId: clientId, adminSecret: secret };
  }

  /** Create another subscription (and optionally grant it to a principal). */
  async createSubscription(displayName: string, grantTo?: string): Promise<Subscription> {
    const s: Subscription = { subscriptionId: this.ctx.ids.uuid(), displayName, tenantId: DEFAULT_TENANT_ID, state: 'Enabled' };
    await this.ctx.store.commit([{ op: 'put', kind: KIND.subscription, key: s.subscriptionId, value: s, expectRev: 0 }]);
    if (grantTo) {
      const p = await this.ctx.store.get<Principal>(KIND.principal, grantTo);
      if (!p) throw notFound('PrincipalNotFound', `principal ${grantTo} not found`);
      await this.ctx.store.commit([{ op: 'put', kind: KIND.principal, key: grantTo, value: { ...p.value, subscriptions: [...p.value.subscriptions, s.subscriptionId] }, expectRev: p.rev }]);
    }
    return s;
  }

  /** Create a principal with a new secret, scoped to `subscriptions`. */
  async createPrincipal(displayName: string, subscriptions: readonly string[]): Promise<{ principal: Principal; secret: string }> {
    const secret = randomBytes(24).toString('base64url');
    const principal: Principal = { clientId: this.ctx.ids.uuid(), displayName, secretHash: hashSecret(secret), subscriptions: [...subscriptions], admin: false };
    await this.ctx.store.commit([{ op: 'put', kind: KIND.principal, key: principal.clientId, value: principal, expectRev: 0 }]);
    return { principal, secret };
  }

  /** Client-credentials check for the token endpoint. */
  async authenticate(clientId: string, secret: string): Promise<Principal> {
    const p = await this.ctx.store.get<Principal>(KIND.principal, clientId.toLowerCase());
    if (!p || !secretMatches(secret, p.value.secretHash)) {
      throw new DomainError('Unauthorized', 'invalid_client', `AADSTS7000215: Invalid client secret provided, or no such application ${clientId}.`);
    }
    return p.value;
  }

  async principal(clientId: string): Promise<Principal | undefined> {
    return (await this.ctx.store.get<Principal>(KIND.principal, clientId.toLowerCase()))?.value;
  }

  async getSubscription(id: string): Promise<Subscription> {
    const s = await this.ctx.store.get<Subscription>(KIND.subscription, id.toLowerCase());
    if (!s) throw notFound('SubscriptionNotFound', `The subscription '${id}' could not be found.`);
    return s.value;
  }

  async subscriptionsOf(principal: Principal): Promise<Subscription[]> {
    const out: Subscription[] = [];
    for (const id of principal.subscriptions) {
      const s = await this.ctx.store.get<Subscription>(KIND.subscription, id.toLowerCase());
      if (s) out.push(s.value);
    }
    return out;
  }
}
