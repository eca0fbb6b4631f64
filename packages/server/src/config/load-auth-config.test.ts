import { describe, expect, it } from 'vitest';
import { loadAuthConfig } from './load-auth-config.js';

describe('loadAuthConfig', () => {
  it('defaults to no sign-in: one local user, as before accounts existed', () => {
    expect(loadAuthConfig({})).toEqual({
      mode: 'none',
      openSignup: false,
      sessionIdleMs: 7 * 86_400_000,
      sessionAbsoluteMs: 30 * 86_400_000,
      publicUrl: undefined,
      oidc: undefined,
    });
  });

  it('turns accounts on with PARLEY_AUTH, or with an OpenID issuer alone', () => {
    expect(loadAuthConfig({ PARLEY_AUTH: 'accounts', PARLEY_OPEN_SIGNUP: 'true' })).toMatchObject({
      mode: 'accounts',
      openSignup: true,
    });
    expect(
      loadAuthConfig({
        OIDC_ISSUER: 'https://id.example/realms/team',
        OIDC_CLIENT_ID: 'parley',
        OIDC_CLIENT_SECRET: 'client-secret',
        PARLEY_PUBLIC_URL: 'https://parley.example/',
      }),
    ).toMatchObject({
      mode: 'accounts',
      publicUrl: 'https://parley.example',
      oidc: {
        issuer: 'https://id.example/realms/team',
        clientId: 'parley',
        clientSecret: 'client-secret',
        scopes: 'openid profile email',
      },
    });
  });

  it.each([
    [{ PARLEY_AUTH: 'everyone' }, /PARLEY_AUTH/],
    [{ PARLEY_AUTH: 'accounts', SESSION_API_KEY: 'k' }, /SESSION_API_KEY is for single-user/],
    [{ PARLEY_AUTH: 'none', OIDC_ISSUER: 'https://id.example' }, /OIDC_ISSUER needs/],
    [{ OIDC_ISSUER: 'https://id.example', PARLEY_PUBLIC_URL: 'https://p' }, /OIDC_CLIENT_ID/],
    [{ OIDC_ISSUER: 'https://id.example', OIDC_CLIENT_ID: 'c' }, /PARLEY_PUBLIC_URL is required/],
    [{ OIDC_ISSUER: 'ftp://id.example' }, /OIDC_ISSUER must be an http/],
    [
      { PARLEY_SESSION_IDLE_SECONDS: '100', PARLEY_SESSION_MAX_AGE_SECONDS: '10' },
      /must not exceed/,
    ],
  ])('refuses %j with CONFIG_INVALID naming the variable', (environment, message) => {
    expect(() => loadAuthConfig(environment)).toThrow(message);
    expect(() => loadAuthConfig(environment)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
