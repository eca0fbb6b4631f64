import { z } from 'zod';
import type { ApiRoutes } from './api-routes.js';

export interface OptionsRoutesOptions {
  /** Model names offered in the settings form (always including `demo`). */
  listModels: () => Promise<string[]>;
}

const stringList = z.array(z.string());
const tags = ['options'];

/** `GET /api/options/*`: what the settings form offers, and the frontend's feature flags. */
export function registerOptionsRoutes(routes: ApiRoutes, options: OptionsRoutesOptions): void {
  routes.get(
    '/api/options/models',
    { schema: { tags, summary: 'Models the settings form offers', response: { 200: stringList } } },
    async () => options.listModels(),
  );
  routes.get(
    '/api/options/agents',
    { schema: { tags, summary: 'Agent classes', response: { 200: stringList } } },
    async () => ['CodeActAgent'],
  );
  routes.get(
    '/api/options/security-analyzers',
    { schema: { tags, summary: 'Security analyzers', response: { 200: stringList } } },
    async () => [],
  );
  routes.get(
    '/api/options/config',
    { schema: { tags, summary: 'Frontend configuration and feature flags' } },
    async () => ({
      APP_MODE: 'oss',
      GITHUB_CLIENT_ID: '',
      POSTHOG_CLIENT_KEY: '',
      FEATURE_FLAGS: {
        ENABLE_BILLING: false,
        HIDE_LLM_SETTINGS: false,
        ENABLE_JIRA: false,
        ENABLE_JIRA_DC: false,
        ENABLE_LINEAR: false,
      },
    }),
  );
}
