/**
 * A route table: each route names its method, path template, how it is authenticated and which
 * action it performs (for ARM authorization messages), and its handler. ARM paths are
 * case-insensitive in their literal segments (`resourceGroups` = `resourcegroups`), so literals
 * match case-insensitively; parameters keep the client's case.
 */
import type { ApiRequest, ApiResponse } from './types.js';

export type AuthScope = 'public' | 'arm' | 'kube';

export interface Route {
  readonly method: string;
  /** e.g. `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}` */
  readonly path: string;
  readonly auth: AuthScope;
  /** ARM action, e.g. `Microsoft.ContainerService/managedClusters/write`. */
  readonly action?: string;
  /** Which api-version table applies (ARM routes). */
  readonly versions?: string;
  /** A larger body limit than the server's default (file uploads). */
  readonly maxBodyBytes?: number;
  readonly handler: (req: ApiRequest) => Promise<ApiResponse>;
}

interface Compiled {
  readonly route: Route;
  readonly segments: readonly ({ literal: string } | { param: string } | { rest: string })[];
}

export class Router {
  private readonly routes: Compiled[] = [];

  add(...routes: Route[]): this {
    for (const route of routes) {
      const segments = route.path
        .split('/')
        .filter(Boolean)
        .map((s) => (s.startsWith('{*') ? { rest: s.slice(2, -1) } : s.startsWith('{') ? { param: s.slice(1, -1) } : { literal: s.toLowerCase() }));
      this.routes.push({ route, segments });
    }
    return this;
  }

  /** The route for a method and path, with its parameters; `methodMismatch` when only the method differs. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | { methodMismatch: true } | undefined {
    const parts = path.split('/').filter(Boolean);
    let mismatch = false;
    for (const c of this.routes) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      if (c.route.method !== method) {
        mismatch = true;
        continue;
      }
      return { route: c.route, params };
    }
    return mismatch ? { methodMismatch: true } : undefined;
  }
}

function matchSegments(segments: Compiled['segments'], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if ('rest' in s) {
      params[s.rest] = parts.slice(i).join('/');
      return params;
    }
    const p = parts[i];
    if (p === undefined) return undefined;
    if ('literal' in s) {
      if (p.toLowerCase() !== s.literal) return undefined;
    } else {
      params[s.param] = p;
    }
  }
  return parts.length === segments.length ? params : undefined;
}
