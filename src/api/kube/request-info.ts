/**
 * What a request under `/clusters/{uid}/` asks for (k8s.io/apiserver endpoints/request
 * RequestInfoFactory): a non-resource path (`/version`, `/api`, `/openapi/v3`, …) or a resource
 * request with its verb, group, version, namespace, resource, name and subresource.
 */

export interface RequestInfo {
  readonly isResource: boolean;
  /** The path inside the cluster, starting with "/". */
  readonly path: string;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly namespace?: string;
  readonly resource: string;
  readonly name?: string;
  readonly subresource?: string;
}

export function requestInfo(method: string, rest: string, query: URLSearchParams): RequestInfo {
  const path = `/${rest}`.replace(/\/+$/, '') || '/';
  const parts = rest.split('/').filter(Boolean);
  const nonResource = (verb: string): RequestInfo => ({ isResource: false, path, verb, group: '', version: '', resource: '' });
  const httpVerb = method.toLowerCase();
  let i: number;
  let group: string;
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    i = 1;
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1]!;
    i = 2;
  } else return nonResource(httpVerb);
  const version = parts[i]!;
  const segs = parts.slice(i + 1);
  if (segs.length === 0) return nonResource(httpVerb);
  let namespace: string | undefined;
  // /namespaces/{ns}/{resource}… addresses namespaced resources; /namespaces/{ns}[/status] is the namespace itself.
  if (segs[0] === 'namespaces' && segs.length >= 3) {
    namespace = segs[1];
    segs.splice(0, 2);
  }
  const [resource, name, subresource] = segs as [string, string?, string?];
  let verb: string;
  switch (method) {
    case 'GET':
    case 'HEAD':
      verb = name ? 'get' : query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
    default:
      verb = httpVerb;
  }
  if (segs.length > 3) return { isResource: true, path, verb, group, version, ...(namespace ? { namespace } : {}), resource: '', name: segs.join('/') };
  return { isResource: true, path, verb, group, version, ...(namespace !== undefined ? { namespace } : {}), resource, ...(name ? { name } : {}), ...(subresource ? { subresource } : {}) };
}
