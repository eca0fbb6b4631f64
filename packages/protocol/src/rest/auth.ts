import { z } from 'zod';

/** `GET /api/auth/options`: how this server signs people in (public, before sign-in). */
export const authOptionsSchema = z
  .object({
    /** `none`: one local user and no sign-in; `accounts`: everyone signs in. */
    mode: z.enum(['none', 'accounts']),
    /** Local accounts with a password can sign in. */
    password: z.boolean(),
    /** Visitors may create a local account themselves. */
    open_signup: z.boolean(),
    /** An OpenID Connect provider is configured (`GET /api/auth/oidc/start`). */
    oidc: z.boolean(),
  })
  .meta({ id: 'AuthOptions' });
export type AuthOptions = z.infer<typeof authOptionsSchema>;

/** `GET /api/auth/me` and a successful sign-in: who is signed in. */
export const currentUserSchema = z
  .object({
    id: z.string(),
    username: z.string().nullable(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    /** How the user signs in: the single local user (no sign-in), a password, or a provider. */
    kind: z.enum(['local', 'password', 'oidc']),
  })
  .meta({ id: 'CurrentUser' });
export type CurrentUser = z.infer<typeof currentUserSchema>;

/** `POST /api/auth/login` and `POST /api/auth/signup`. */
export const passwordSignInRequestSchema = z
  .strictObject({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(1024),
  })
  .meta({ id: 'PasswordSignInRequest' });
export type PasswordSignInRequest = z.infer<typeof passwordSignInRequestSchema>;

/** A personal API token as listed: never the token itself. */
export const apiTokenSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
  })
  .meta({ id: 'ApiTokenSummary' });
export type ApiTokenSummary = z.infer<typeof apiTokenSummarySchema>;

export const apiTokenListSchema = z
  .object({ tokens: z.array(apiTokenSummarySchema) })
  .meta({ id: 'ApiTokenList' });
export type ApiTokenList = z.infer<typeof apiTokenListSchema>;

export const createApiTokenRequestSchema = z
  .strictObject({ name: z.string().trim().min(1).max(100) })
  .meta({ id: 'CreateApiTokenRequest' });
export type CreateApiTokenRequest = z.infer<typeof createApiTokenRequestSchema>;

/** The answer to creating a token: the only time `token` is shown. */
export const createdApiTokenSchema = apiTokenSummarySchema
  .extend({ token: z.string() })
  .meta({ id: 'CreatedApiToken' });
export type CreatedApiToken = z.infer<typeof createdApiTokenSchema>;
