import { z } from 'zod';
import { ParleyError } from '../shared/errors.js';
import type { AuthConfig } from './config.js';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
const booleanText = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((value) => ['1', 'true', 'yes', 'on'].includes(value));
const seconds = z.coerce.number().int().positive().max(31_536_000);
const httpUrl = optionalText.refine(
  (value) => value === undefined || /^https?:\/\/[^/]/.test(value),
  { message: 'must be an http:// or https:// URL' },
);

const authSchema = z.object({
  PARLEY_AUTH: z.enum(['none', 'accounts']).optional(),
  PARLEY_OPEN_SIGNUP: booleanText.default(false),
  PARLEY_SESSION_IDLE_SECONDS: seconds.default(7 * 86_400),
  PARLEY_SESSION_MAX_AGE_SECONDS: seconds.default(30 * 86_400),
  OIDC_ISSUER: httpUrl,
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_SCOPES: z.string().trim().min(1).default('openid profile email'),
  PARLEY_PUBLIC_URL: httpUrl,
  SESSION_API_KEY: optionalText,
});

/**
 * The accounts part of the configuration (issue 19). With nothing set, `mode` is `none`: one local
 * user and no sign-in, as before. `OIDC_ISSUER` alone turns accounts on.
 * @throws ParleyError `CONFIG_INVALID` naming the variable.
 */
export function loadAuthConfig(environment: Readonly<Record<string, string>>): AuthConfig {
  const parsed = authSchema.safeParse(environment);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(`${String(issue?.path[0] ?? 'environment')} ${issue?.message ?? 'is invalid'}`);
  }
  const values = parsed.data;
  const mode = values.PARLEY_AUTH ?? (values.OIDC_ISSUER === undefined ? 'none' : 'accounts');
  if (mode === 'accounts' && values.SESSION_API_KEY !== undefined) {
    throw invalid(
      'SESSION_API_KEY is for single-user installs; with PARLEY_AUTH=accounts each user makes personal API tokens instead',
    );
  }
  if (values.OIDC_ISSUER !== undefined && mode === 'none') {
    throw invalid('OIDC_ISSUER needs PARLEY_AUTH=accounts (or PARLEY_AUTH unset)');
  }
  let oidc: AuthConfig['oidc'];
  if (values.OIDC_ISSUER !== undefined) {
    if (values.OIDC_CLIENT_ID === undefined)
      throw invalid('OIDC_CLIENT_ID is required with OIDC_ISSUER');
    if (values.PARLEY_PUBLIC_URL === undefined) {
      throw invalid(
        'PARLEY_PUBLIC_URL is required with OIDC_ISSUER (the redirect URI is built from it)',
      );
    }
    oidc = {
      issuer: values.OIDC_ISSUER,
      clientId: values.OIDC_CLIENT_ID,
      clientSecret: values.OIDC_CLIENT_SECRET,
      scopes: values.OIDC_SCOPES,
    };
  }
  if (values.PARLEY_SESSION_IDLE_SECONDS > values.PARLEY_SESSION_MAX_AGE_SECONDS) {
    throw invalid('PARLEY_SESSION_IDLE_SECONDS must not exceed PARLEY_SESSION_MAX_AGE_SECONDS');
  }
  return {
    mode,
    openSignup: values.PARLEY_OPEN_SIGNUP,
    sessionIdleMs: values.PARLEY_SESSION_IDLE_SECONDS * 1000,
    sessionAbsoluteMs: values.PARLEY_SESSION_MAX_AGE_SECONDS * 1000,
    publicUrl: values.PARLEY_PUBLIC_URL?.replace(/\/+$/, ''),
    oidc,
  };
}

function invalid(message: string): ParleyError {
  return new ParleyError('CONFIG_INVALID', `Invalid configuration: ${message}`);
}
