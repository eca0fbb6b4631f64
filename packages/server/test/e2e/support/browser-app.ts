/**
 * The whole product as a person meets it: the real app (SQLite in a fresh data directory, the real
 * conversation manager) serving the built web client at `/`, behind a cuttable TCP proxy, with its
 * default model either the local fake LLM server over real HTTP (`model: 'fake'`, scripted per
 * request) or the offline demo model (`model: 'demo'`).
 */
import { rmSync } from 'node:fs';
import { createApp, type App } from '../../../src/app.js';
import type { Environment } from '../../../src/config/load-config.js';
import { createSilentLogger } from '../../../src/shared/logger.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../support/fake-llm-server.js';
import { createTestConfig } from '../../support/test-config.js';
import { startCuttableProxy, type CuttableProxy } from './cuttable-proxy.js';
import { webClientBuild } from './web-client-build.js';

export interface BrowserApp {
  app: App;
  /** The address the browser uses (through the proxy). */
  url: string;
  /** The app's own address, for requests that must not go through the proxy. */
  directUrl: string;
  proxy: CuttableProxy;
  /** The fake LLM server (undefined with the demo model). */
  llm: FakeLlmServer | undefined;
  close(): Promise<void>;
}

export interface BrowserAppOptions {
  model: 'fake' | 'demo';
  env?: Environment;
}

export async function startBrowserApp(options: BrowserAppOptions): Promise<BrowserApp> {
  const webClientDirectory = await webClientBuild();
  const llm = options.model === 'fake' ? await startFakeLlmServer() : undefined;
  const modelEnv: Environment =
    llm === undefined
      ? { LLM_MODEL: 'demo' }
      : {
          LLM_MODEL: 'openai/gpt-test',
          LLM_BASE_URL: llm.baseUrl,
          LLM_API_KEY: 'sk-test-key',
          LLM_NUM_RETRIES: '1',
        };
  const config = createTestConfig({
    PARLEY_TITLE_FROM_LLM: 'false',
    ...modelEnv,
    ...options.env,
  });
  let app: App | undefined;
  try {
    app = await createApp(config, { logger: createSilentLogger(), webClientDirectory });
    const address = await app.listen();
    const proxy = await startCuttableProxy(address.port);
    const started = app;
    return {
      app: started,
      url: proxy.url,
      directUrl: address.url,
      proxy,
      llm,
      async close() {
        await proxy.close();
        await started.close();
        await llm?.close();
        rmSync(config.dataDirectory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await app?.close();
    await llm?.close();
    rmSync(config.dataDirectory, { recursive: true, force: true });
    throw error;
  }
}
