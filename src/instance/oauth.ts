import { createHash, randomBytes } from 'node:crypto';
import { createOAuthAPIClient, createRestAPIClient, MastoHttpError } from 'masto';
import { classifyFailure } from './classify-failure.js';
import { DEFAULT_TIMEOUT_MS, USER_AGENT } from './client.js';
import { InstanceError } from './instance-error.js';
import { normalizeInstanceUrl } from './instance-url.js';

/**
 * OAuth 2 authorization code flow with PKCE, as Mastodon implements it (spec §6): register an app
 * once per instance, send the person to /oauth/authorize, exchange the code (with the PKCE
 * verifier) at /oauth/token, revoke at /oauth/revoke.
 */

/** Copy-paste login: the server displays the code instead of redirecting (docs methods/oauth.md). */
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';

export interface RegisteredApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

/** RFC 7636 §4.1-4.2: 32 random bytes → 43-char base64url verifier; challenge = BASE64URL(SHA256(verifier)). */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function createOAuthState(): string {
  return randomBytes(16).toString('base64url');
}

interface OAuthOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** POST /api/v1/apps (throttled 5 per 10 min per IP on Mastodon: register once and keep it, spec §6). */
export async function registerApp(
  instanceUrl: string,
  input: { clientName: string; redirectUri: string; scopes: readonly string[]; website?: string },
  options: OAuthOptions = {},
): Promise<RegisteredApp> {
  const url = normalizeInstanceUrl(instanceUrl);
  const masto = createRestAPIClient({ url, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, requestInit: { headers: { 'User-Agent': USER_AGENT } } });
  try {
    const app = await masto.v1.apps.create(
      {
        clientName: input.clientName,
        redirectUris: input.redirectUri,
        scopes: input.scopes.join(' '),
        ...(input.website ? { website: input.website } : {}),
      },
      { requestInit: options.signal ? { signal: options.signal } : {} },
    );
    if (!app.clientId || !app.clientSecret) {
      throw new InstanceError({ kind: 'client', status: 200, serverMessage: 'the app registration returned no client credentials', rateLimit: null, request: 'POST /api/v1/apps' });
    }
    return { clientId: app.clientId, clientSecret: app.clientSecret, redirectUri: input.redirectUri, scopes: [...input.scopes] };
  } catch (error) {
    throw classifyFailure(error, 'POST /api/v1/apps');
  }
}

/** The page the person opens to approve fledge (spec §6 step 2). */
export function buildAuthorizeUrl(instanceUrl: string, input: { app: RegisteredApp; scopes: readonly string[]; state: string; codeChallenge: string }): string {
  const url = new URL('/oauth/authorize', normalizeInstanceUrl(instanceUrl));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', input.app.clientId);
  url.searchParams.set('redirect_uri', input.app.redirectUri);
  url.searchParams.set('scope', input.scopes.join(' '));
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', input.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly scopes: readonly string[];
}

/**
 * POST /oauth/token with grant_type=authorization_code and the PKCE verifier. masto 7.12's
 * token.create type has no codeVerifier, but extra keys are serialised (snake_cased), so it is
 * passed through a wider type (spec §7.6).
 */
export async function exchangeCode(
  instanceUrl: string,
  input: { app: RegisteredApp; code: string; codeVerifier: string },
  options: OAuthOptions = {},
): Promise<IssuedToken> {
  const url = normalizeInstanceUrl(instanceUrl);
  const oauth = createOAuthAPIClient({ url, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, requestInit: { headers: { 'User-Agent': USER_AGENT } } });
  type TokenParams = Parameters<typeof oauth.token.create>[0];
  const params = {
    grantType: 'authorization_code',
    clientId: input.app.clientId,
    clientSecret: input.app.clientSecret,
    redirectUri: input.app.redirectUri,
    code: input.code,
    codeVerifier: input.codeVerifier,
  } as unknown as TokenParams;
  try {
    const token = await oauth.token.create(params, { requestInit: options.signal ? { signal: options.signal } : {} });
    return { accessToken: token.accessToken, scopes: (token.scope ?? '').split(/\s+/).filter(Boolean) };
  } catch (error) {
    throw oauthError(error, 'POST /oauth/token');
  }
}

/** POST /oauth/revoke (idempotent: unknown tokens answer `{}`). */
export async function revokeToken(instanceUrl: string, input: { app: Pick<RegisteredApp, 'clientId' | 'clientSecret'>; token: string }, options: OAuthOptions = {}): Promise<void> {
  const url = normalizeInstanceUrl(instanceUrl);
  const oauth = createOAuthAPIClient({ url, timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, requestInit: { headers: { 'User-Agent': USER_AGENT } } });
  try {
    await oauth.revoke({ clientId: input.app.clientId, clientSecret: input.app.clientSecret, token: input.token }, { requestInit: options.signal ? { signal: options.signal } : {} });
  } catch (error) {
    throw oauthError(error, 'POST /oauth/revoke');
  }
}

/** OAuth errors carry `error` + `error_description` (RFC 6749 §5.2); keep both in the message. */
function oauthError(error: unknown, request: string): InstanceError {
  const classified = classifyFailure(error, request);
  if (error instanceof MastoHttpError && error.description) {
    return new InstanceError({
      kind: classified.kind,
      status: classified.status,
      serverMessage: `${classified.serverMessage ?? 'error'}: ${error.description}`,
      rateLimit: classified.rateLimit,
      request,
      cause: error,
    });
  }
  return classified;
}
