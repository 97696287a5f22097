/**
 * The attestation service's HTTP face (Microsoft Azure Attestation–like; DESIGN.md §2), public
 * like MAA's shared providers, for evidence produced outside the platform:
 *
 *   GET  /.well-known/openid-configuration   issuer, jwks_uri, algorithms, claims (OpenID Discovery 1.0 §3)
 *   GET  /certs                              the JWKS of the token signing keys (current and still-valid retired ones)
 *   POST /attest/nonce                       {nonce (base64url), expiresOn} — from the face's own book, never the platform agents' (external.ts)
 *   POST /attest/activation                  {ekPublic, ekCertificate, akPublic} → MakeCredential challenge
 *   POST /attest/activation/{id}             {secret} → the AK is bound to the EK
 *   POST /attest/Tpm                         evidence (or MAA's {"data": base64url(evidence JSON)}) → {token}
 *
 * Bytes travel as base64url (MAA's encoding). A failed attestation is 400 with the findings: each
 * names the component with expected and actual values.
 */
import { encodeEvidence, EvidenceError, jwks, parseEvidence, type Finding } from '../../attestation/index.js';
import { invalid } from '../../platform/errors.js';
import type { Platform } from '../../platform/platform.js';
import { Body, parseJsonBody, type Json } from '../arm/body.js';
import { armErrorBody } from '../arm/errors.js';
import type { Route } from '../http/router.js';
import { json, type ApiRequest } from '../http/types.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

/** Claims a token may carry (OpenID metadata `claims_supported`). */
export const CLAIMS_SUPPORTED = [
  'secureboot', 'x-ms-attestation-type', 'x-ms-azurevm-attestation-protocol-ver', 'x-ms-azurevm-attested-pcrs', 'x-ms-azurevm-bootdebug-enabled',
  'x-ms-azurevm-dbvalidated', 'x-ms-azurevm-dbxvalidated', 'x-ms-azurevm-debuggersdisabled', 'x-ms-azurevm-default-securebootkeysvalidated',
  'x-ms-azurevm-elam-enabled', 'x-ms-azurevm-flightsigning-enabled', 'x-ms-azurevm-hvci-policy', 'x-ms-azurevm-hypervisordebug-enabled',
  'x-ms-azurevm-is-windows', 'x-ms-azurevm-kerneldebug-enabled', 'x-ms-azurevm-osbuild', 'x-ms-azurevm-osdistro', 'x-ms-azurevm-ostype',
  'x-ms-azurevm-osversion-major', 'x-ms-azurevm-osversion-minor', 'x-ms-azurevm-signingdisabled', 'x-ms-azurevm-testsigning-enabled',
  'x-ms-azurevm-vmid', 'x-ms-policy-hash', 'x-ms-runtime', 'x-ms-ver', 'exp', 'iat', 'iss', 'jti', 'nbf',
];

const MAX_EVIDENCE = 24 * 1024 * 1024;

function service(p: Platform) {
  if (!p.attestation) throw invalid('AttestationUnavailable', 'The attestation service is not running (VM boot is disabled on this server).');
  return p.attestation;
}

function bytes(b: Body, name: string): Uint8Array {
  const v = b.str(name);
  if (!v || !/^[A-Za-z0-9_-]+={0,2}$/.test(v)) throw invalid('InvalidParameter', `${name} is required, as base64url.`, name);
  return new Uint8Array(Buffer.from(v, 'base64url'));
}

/** The request's evidence: the JSON itself, or MAA's `{"data": base64url(JSON)}`. */
function evidenceOf(req: ApiRequest) {
  let v: Json = parseJsonBody(req.body);
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.data === 'string') {
    try {
      v = JSON.parse(Buffer.from(v.data, 'base64url').toString('utf8')) as Json;
    } catch (e) {
      throw invalid('InvalidParameter', `data is not base64url of JSON evidence: ${(e as Error).message}`, 'data');
    }
  }
  try {
    return parseEvidence(v);
  } catch (e) {
    if (e instanceof EvidenceError) throw invalid('InvalidEvidence', `The evidence is invalid: ${e.message}.`, e.field);
    throw e;
  }
}

const findingOut = (f: Finding) => ({ ...f });

export function attestRoutes(platform: Platform): Route[] {
  return [
    {
      method: 'GET', path: '/.well-known/openid-configuration', auth: 'public',
      handler: async () => {
        const iss = service(platform).issuer.replace(/\/$/, '');
        return json(200, {
          issuer: iss,
          jwks_uri: `${iss}/certs`,
          response_types_supported: ['token', 'none'],
          id_token_signing_alg_values_supported: ['RS256'],
          subject_types_supported: ['public'],
          claims_supported: CLAIMS_SUPPORTED,
        });
      },
    },
    {
      method: 'GET', path: '/certs', auth: 'public',
      handler: async () => json(200, jwks(service(platform).keys.published()), { 'cache-control': 'public, max-age=300' }),
    },
    {
      method: 'POST', path: '/attest/nonce', auth: 'public',
      handler: async () => {
        const n = service(platform).external.nonce();
        return json(200, { nonce: b64(n.nonce), expiresOn: new Date(n.expiresAt).toISOString() });
      },
    },
    {
      method: 'POST', path: '/attest/activation', auth: 'public',
      handler: async (req) => {
        const b = Body.root(parseJsonBody(req.body));
        const ch = service(platform).external.beginActivation(bytes(b, 'ekPublic'), bytes(b, 'ekCertificate'), bytes(b, 'akPublic'));
        return json(200, {
          id: ch.id,
          credentialBlob: b64(ch.credentialBlob),
          encryptedSecret: b64(ch.encryptedSecret),
          // tpm2-tools' credential file: `tpm2_activatecredential -i` reads it as is.
          credential: b64(ch.credentialFile),
          expiresOn: new Date(ch.expiresAt).toISOString(),
        });
      },
    },
    {
      method: 'POST', path: '/attest/activation/{id}', auth: 'public',
      handler: async (req) => {
        const b = Body.root(parseJsonBody(req.body));
        const r = await service(platform).external.completeActivation(req.params.id!, bytes(b, 'secret'));
        return json(200, { bound: true, ekName: r.ekName, akName: r.akName });
      },
    },
    {
      method: 'POST', path: '/attest/Tpm', auth: 'public', maxBodyBytes: MAX_EVIDENCE,
      handler: async (req) => {
        const evidence = evidenceOf(req);
        const { result, token } = service(platform).external.attest(evidence);
        if (token) return json(200, { token });
        const failing = result.findings.filter((f) => !f.suppressed);
        const body = armErrorBody(
          'AttestationFailed',
          `Attestation failed: ${failing.map((f) => `${f.id} (${f.component})`).join(', ')}.`,
          undefined,
          failing.map((f) => ({ code: f.id, message: f.message, target: f.component })),
        );
        return json(400, { ...body, verdict: result.verdict, findings: result.findings.map(findingOut), steps: result.steps });
      },
    },
  ];
}

/** For clients and tests: the JSON body of POST /attest/Tpm for some evidence. */
export { encodeEvidence };
