import * as client from 'openid-client';
import { ParleyError } from '../shared/errors.js';
import type { SqlUserStore, User } from './sql-user-store.js';

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** Unset → a public client: PKCE only, no client authentication. */
  readonly clientSecret: string | undefined;
  readonly scopes: string;
  /** Where the provider sends the browser back: `<public URL>/api/auth/oidc/callback`. */
  readonly redirectUri: string;
}

/** What the browser keeps (in a short-lived HTTP-only cookie) between start and callback. */
export interface OidcFlow {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/**
 * OpenID Connect sign-in with openid-client: the authorization code flow with PKCE (S256), state
 * and nonce. The provider's metadata is discovered at the first sign-in and kept; the user is
 * found or created by issuer + subject, with name and email from the ID token's claims.
 */
export class OidcSignIn {
  readonly #settings: OidcSettings;
  readonly #users: SqlUserStore;
  #configuration: Promise<client.Configuration> | undefined;

  constructor(settings: OidcSettings, users: SqlUserStore) {
    this.#settings = settings;
    this.#users = users;
  }

  /** The provider's sign-in address and the flow secrets to keep until the callback. */
  async begin(): Promise<{ url: string; flow: OidcFlow }> {
    const configuration = await this.#discover();
    const flow: OidcFlow = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.#settings.redirectUri,
      scope: this.#settings.scopes,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { url: url.href, flow };
  }

  /**
   * Completes the flow at the callback (`callbackQuery`: the query string the provider sent back): checks state, exchanges the code (with the PKCE verifier),
   * checks the ID token and its nonce, and returns the user.
   * @throws ParleyError `AUTH_OIDC_FAILED` (no flow, bad state or nonce, a refused code, an error
   *   the provider sent back).
   */
  async finish(callbackQuery: string, flow: OidcFlow | undefined): Promise<User> {
    if (flow === undefined) {
      throw new ParleyError(
        'AUTH_OIDC_FAILED',
        'No sign-in is under way in this browser; start again',
      );
    }
    const configuration = await this.#discover();
    // The redirect URI the provider was given, with the answer's query (code, state, iss …).
    const callbackUrl = new URL(this.#settings.redirectUri);
    callbackUrl.search = callbackQuery;
    let identity: { issuer: string; subject: string; name: string | null; email: string | null };
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (claims === undefined) throw new Error('no ID token was returned');
      let profile: Record<string, unknown> = claims;
      // Many providers keep name and email for the UserInfo endpoint when an access token exists.
      if (profileOf(claims).name === null && profileOf(claims).email === null) {
        profile = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
      }
      identity = { issuer: claims.iss, subject: claims.sub, ...profileOf(profile) };
    } catch (error) {
      throw new ParleyError('AUTH_OIDC_FAILED', `Sign-in refused: ${describe(error)}`, {
        cause: error,
      });
    }
    return this.#users.upsertFromProvider(identity);
  }

  #discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.#settings;
    const issuerUrl = new URL(issuer);
    this.#configuration ??= client
      .discovery(
        issuerUrl,
        clientId,
        clientSecret,
        clientSecret === undefined ? client.None() : client.ClientSecretPost(clientSecret),
        // Plain http only for a provider on this machine (tests, a local Keycloak).
        isLoopback(issuerUrl) ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.#configuration = undefined; // the next sign-in tries again
        throw new ParleyError(
          'AUTH_OIDC_FAILED',
          `The OpenID provider at ${issuer} could not be reached or described: ${describe(error)}`,
          { cause: error },
        );
      });
    return this.#configuration;
  }
}

function isLoopback(url: URL): boolean {
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

function profileOf(claims: Record<string, unknown>): { name: string | null; email: string | null } {
  return {
    name: textClaim(claims['name']) ?? textClaim(claims['preferred_username']) ?? null,
    email: textClaim(claims['email']) ?? null,
  };
}

function textClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The error's message and those of its causes (openid-client wraps oauth4webapi's precise one). */
function describe(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error && messages.length < 4;) {
    if (!messages.includes(current.message)) messages.push(current.message);
    current = current.cause;
  }
  return messages.length === 0 ? String(error) : messages.join(': ');
}
